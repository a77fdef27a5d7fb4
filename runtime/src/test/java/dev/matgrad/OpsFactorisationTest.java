package dev.matgrad;

import static dev.matgrad.TestSupport.TRIALS;
import static dev.matgrad.TestSupport.assertClose;
import static dev.matgrad.TestSupport.assertFresh;
import static dev.matgrad.TestSupport.assertNullNamed;
import static dev.matgrad.TestSupport.assertShapeError;
import static dev.matgrad.TestSupport.copy;
import static dev.matgrad.TestSupport.ejml;
import static dev.matgrad.TestSupport.ejmlColumn;
import static dev.matgrad.TestSupport.randomMatrix;
import static dev.matgrad.TestSupport.randomVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.LUDecomposition_F64;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** inverse, solve, det, logDet and cholesky: against EJML, closed forms and hard cases. */
class OpsFactorisationTest {

  /** A random n×n matrix U diag(σ) Vᵀ with the given singular values (U, V random orthogonal). */
  private static Matrix withSingularValues(Random rnd, double... sigma) {
    int n = sigma.length;
    return new Matrix(n, n, RandomMatrices_DDRM.singular(n, n, rnd, sigma).getData());
  }

  /** A random matrix with singular values in [0.5, 4]: well conditioned, dense, needs pivoting. */
  private static Matrix wellConditioned(Random rnd, int n) {
    double[] sigma = randomVector(rnd, n, 0.5, 4);
    return withSingularValues(rnd, sigma);
  }

  /** A random symmetric positive definite matrix with eigenvalues in [0.5, 4]. */
  private static Matrix positiveDefinite(Random rnd, int n) {
    DMatrixRMaj Q = RandomMatrices_DDRM.orthogonal(n, n, rnd);
    DMatrixRMaj D = CommonOps_DDRM.diag(randomVector(rnd, n, 0.5, 4));
    DMatrixRMaj QD = CommonOps_DDRM.mult(Q, D, null);
    DMatrixRMaj A = CommonOps_DDRM.multTransB(QD, Q, null);
    // Exactly symmetric, so EJML (which reads the whole matrix) and the lower triangle agree.
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        A.set(j, i, A.get(i, j));
      }
    }
    return new Matrix(n, n, A.getData());
  }

  private static double normOf(double[] v) {
    return Ops.norm2(v);
  }

  private static void assertRelativeNorm(double[] expected, double[] actual, double tol,
      String what) {
    double err = normOf(Ops.sub(actual, expected)) / Math.max(normOf(expected), 1e-300);
    assertTrue(err <= tol, what + ": relative error " + err + " above " + tol);
  }

  /** Every factorisation method, for the checks they share. */
  private static final String[] METHODS = {"inverse", "solve", "det", "logDet", "cholesky"};

  private static void call(String method, Matrix A) {
    switch (method) {
      case "inverse" -> Ops.inverse(A);
      case "solve" -> Ops.solve(A, new double[A == null ? 1 : A.rows()]);
      case "det" -> Ops.det(A);
      case "logDet" -> Ops.logDet(A);
      default -> Ops.cholesky(A);
    }
  }

  @Nested
  class Inverse {
    @Test
    void handExample() {
      Matrix inv = Ops.inverse(Matrix.of(2, 2, 4, 7, 2, 6));
      assertClose(ejml(Matrix.of(2, 2, 0.6, -0.7, -0.2, 0.4)), inv);
      assertEquals(Matrix.of(2, 2, 0, 1, 1, 0), Ops.inverse(Matrix.of(2, 2, 0, 1, 1, 0)),
          "a zero on the diagonal needs a row swap");
      assertEquals(Matrix.zeros(0, 0), Ops.inverse(Matrix.zeros(0, 0)));
    }

    @Test
    void randomMatricesAgreeWithEjmlAndInvert() {
      Random rnd = new Random(71);
      for (int t = 0; t < TRIALS; t++) {
        int n = 1 + rnd.nextInt(TestSupport.MAX_DIM + 2);
        Matrix A = wellConditioned(rnd, n);
        Matrix A0 = copy(A);
        Matrix inv = Ops.inverse(A);
        DMatrixRMaj expected = new DMatrixRMaj(n, n);
        assertTrue(CommonOps_DDRM.invert(ejml(A), expected));
        assertClose(expected, inv);
        assertClose(CommonOps_DDRM.identity(n), Ops.matmul(A, inv));
        assertClose(CommonOps_DDRM.identity(n), Ops.matmul(inv, A));
        assertEquals(A0, A);
        assertFresh(inv, A);
      }
    }

    @Test
    void isSolveWithTheIdentity() {
      Matrix A = wellConditioned(new Random(72), 5);
      assertEquals(Ops.solve(A, Ops.identity(5)), Ops.inverse(A));
    }
  }

  @Nested
  class Solve {
    @Test
    void handExample() {
      // 2x + y = 5, x + 3y = 10.
      double[] x = Ops.solve(Matrix.of(2, 2, 2, 1, 1, 3), new double[] {5, 10});
      assertClose(new double[] {1, 3}, x);
      assertArrayEquals(new double[0], Ops.solve(Matrix.zeros(0, 0), new double[0]));
      assertEquals(Matrix.zeros(0, 3), Ops.solve(Matrix.zeros(0, 0), Matrix.zeros(0, 3)));
    }

    @Test
    void partialPivotingKeepsATinyPivotFromSpoilingTheSolution() {
      // Without a row swap the multiplier 1e20 would wipe out the second equation: x = (0, 1).
      double[] x = Ops.solve(Matrix.of(2, 2, 1e-20, 1, 1, 1), new double[] {1, 2});
      assertClose(new double[] {1, 1}, x);
    }

    @Test
    void randomSystemsAgreeWithEjml() {
      Random rnd = new Random(73);
      for (int t = 0; t < TRIALS; t++) {
        int n = 1 + rnd.nextInt(TestSupport.MAX_DIM + 2);
        int p = rnd.nextInt(4);
        Matrix A = wellConditioned(rnd, n);
        double[] b = randomVector(rnd, n);
        Matrix B = randomMatrix(rnd, n, p);
        Matrix A0 = copy(A);
        double[] b0 = b.clone();
        Matrix B0 = copy(B);
        double[] x = Ops.solve(A, b);
        Matrix X = Ops.solve(A, B);
        DMatrixRMaj expectedX = new DMatrixRMaj(n, 1);
        assertTrue(CommonOps_DDRM.solve(ejml(A), ejmlColumn(b), expectedX));
        assertClose(expectedX, x);
        DMatrixRMaj expectedXs = new DMatrixRMaj(n, p);
        assertTrue(CommonOps_DDRM.solve(ejml(A), ejml(B), expectedXs));
        assertClose(expectedXs, X);
        assertClose(b, Ops.matmul(A, x));
        for (int j = 0; j < p; j++) {
          assertArrayEquals(Ops.solve(A, Ops.col(B, j)), Ops.col(X, j),
              "column " + j + " is solved as its own vector");
        }
        assertEquals(A0, A);
        assertArrayEquals(b0, b);
        assertEquals(B0, B);
        assertFresh(x, b, A.data());
        assertFresh(X, A, B);
      }
    }

    @Test
    void conditionNumber1e10StillSolvesToItsAccuracy() {
      Random rnd = new Random(74);
      for (int t = 0; t < TRIALS; t++) {
        int n = 2 + rnd.nextInt(8);
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
          sigma[i] = Math.pow(10, -10.0 * i / (n - 1));
        }
        Matrix A = withSingularValues(rnd, sigma);
        double[] xTrue = randomVector(rnd, n);
        double[] b = Ops.matmul(A, xTrue);
        double[] x = Ops.solve(A, b);
        // Backward stable: the residual is at rounding level even though x is only good to
        // about cond · 2⁻⁵² ≈ 2e-6.
        double residual = normOf(Ops.sub(Ops.matmul(A, x), b))
            / (NormOps_DDRM.normF(ejml(A)) * normOf(x));
        assertTrue(residual < 1e-15, "residual " + residual);
        assertRelativeNorm(xTrue, x, 1e-4, "x against the true solution");
        DMatrixRMaj ejmlX = new DMatrixRMaj(n, 1);
        assertTrue(CommonOps_DDRM.solve(ejml(A), ejmlColumn(b), ejmlX));
        assertRelativeNorm(ejmlX.getData(), x, 1e-4, "x against EJML");
      }
    }

    @Test
    void rejectsMismatchedShapes() {
      assertEquals("solve: A is 2×3, not square",
          assertShapeError(() -> Ops.solve(Matrix.zeros(2, 3), new double[2])));
      assertEquals("solve: A is 3×3 but b has length 2; b needs length A.rows() = 3",
          assertShapeError(() -> Ops.solve(Ops.identity(3), new double[2])));
      assertEquals("solve: A is 3×3 but B is 2×3; B needs A.rows() = 3 rows",
          assertShapeError(() -> Ops.solve(Ops.identity(3), Matrix.zeros(2, 3))));
      assertEquals("solve: A is 3×2, not square",
          assertShapeError(() -> Ops.solve(Matrix.zeros(3, 2), Matrix.zeros(3, 1))));
    }

    @Test
    void rejectsNull() {
      assertNullNamed("A", () -> Ops.solve(null, new double[1]));
      assertNullNamed("b", () -> Ops.solve(Ops.identity(1), (double[]) null));
      assertNullNamed("A", () -> Ops.solve(null, Matrix.zeros(1, 1)));
      assertNullNamed("B", () -> Ops.solve(Ops.identity(1), (Matrix) null));
    }
  }

  @Nested
  class Singular {
    private final Matrix twoByTwo = Matrix.of(2, 2, 1, 2, 2, 4);

    @Test
    void solveAndInverseThrowNamingTheMethodAndTheProblem() {
      double[] b = {1, 1};
      String msg = assertShapeError(() -> Ops.solve(twoByTwo, b), "solve: A is singular",
          "pivot of column 1 is 0.0");
      assertTrue(msg.startsWith("solve: A is singular to working precision"), msg);
      assertShapeError(() -> Ops.solve(twoByTwo, Matrix.zeros(2, 2)), "solve: A is singular");
      assertShapeError(() -> Ops.inverse(twoByTwo), "inverse: A is singular");
      assertShapeError(() -> Ops.inverse(Matrix.zeros(3, 3)), "inverse: A is singular",
          "column 0");
      assertEquals(Matrix.of(2, 2, 1, 2, 2, 4), twoByTwo, "A untouched");
      assertArrayEquals(new double[] {1, 1}, b, "b untouched");
    }

    @Test
    void detIsZeroAndLogDetMinusInfinityForAnExactlyZeroPivot() {
      assertEquals(0.0, Math.abs(Ops.det(twoByTwo)));
      assertEquals(Double.NEGATIVE_INFINITY, Ops.logDet(twoByTwo));
      assertEquals(0.0, Ops.det(Matrix.zeros(3, 3)));
      assertEquals(Double.NEGATIVE_INFINITY, Ops.logDet(Matrix.zeros(3, 3)));
    }

    @Test
    void roundedRankDeficientMatricesAreRejectedToo() {
      // U diag(σ) Vᵀ with zero singular values: rounding leaves tiny nonzero pivots.
      Random rnd = new Random(75);
      for (int t = 0; t < 200; t++) {
        int n = 2 + rnd.nextInt(10);
        double[] sigma = randomVector(rnd, n, 0.5, 4);
        int zeros = 1 + rnd.nextInt(n - 1);
        for (int i = 0; i < zeros; i++) {
          sigma[i] = 0;
        }
        double scale = Math.pow(10, -5 + 10 * rnd.nextDouble());
        Matrix A = Ops.scale(scale, withSingularValues(rnd, sigma));
        assertShapeError(() -> Ops.solve(A, new double[n]), "solve: A is singular");
        assertShapeError(() -> Ops.inverse(A), "inverse: A is singular");
        assertTrue(Math.abs(Ops.det(A)) <= 1e-14 * Math.pow(4 * scale, n), "det " + Ops.det(A));
        assertTrue(Ops.logDet(A) < n * Math.log(4 * scale) - 30, "logDet " + Ops.logDet(A));
      }
    }

    @Test
    void wellScaledConditionNumbersUpTo1e11AreNotSingular() {
      Random rnd = new Random(76);
      for (int t = 0; t < 200; t++) {
        int n = 2 + rnd.nextInt(10);
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
          sigma[i] = Math.pow(10, -11.0 * i / (n - 1));
        }
        double scale = Math.pow(10, -5 + 10 * rnd.nextDouble());
        Matrix A = Ops.scale(scale, withSingularValues(rnd, sigma));
        assertEquals(n, Ops.solve(A, new double[n]).length);
      }
    }
  }

  @Nested
  class Determinants {
    @Test
    void handExamples() {
      assertClose(-2.0, Ops.det(Matrix.of(2, 2, 1, 2, 3, 4)));
      assertClose(Math.log(2), Ops.logDet(Matrix.of(2, 2, 1, 2, 3, 4)));
      assertEquals(-1.0, Ops.det(Matrix.of(2, 2, 0, 1, 1, 0)), "one row swap");
      assertEquals(1.0, Ops.det(Matrix.of(3, 3, 0, 1, 0, 0, 0, 1, 1, 0, 0)), "two row swaps");
      assertEquals(24.0, Ops.det(Matrix.of(3, 3, 2, 5, 7, 0, 3, 11, 0, 0, 4)), "triangular");
      assertEquals(1.0, Ops.det(Matrix.zeros(0, 0)));
      assertEquals(0.0, Ops.logDet(Matrix.zeros(0, 0)));
      assertEquals(0.0, Ops.logDet(Ops.scale(-1, Ops.identity(3))), "log |det|, det = −1");
    }

    @Test
    void randomMatricesAgreeWithEjml() {
      Random rnd = new Random(77);
      for (int t = 0; t < TRIALS; t++) {
        int n = 1 + rnd.nextInt(TestSupport.MAX_DIM + 2);
        Matrix A = randomMatrix(rnd, n, n);
        Matrix A0 = copy(A);
        double expected = CommonOps_DDRM.det(ejml(A));
        assertClose(expected, Ops.det(A));
        assertClose(Math.log(Math.abs(expected)), Ops.logDet(A));
        assertEquals(A0, A);
      }
    }

    @Test
    void areThoseOfTheSingularValuesForConditionNumber1e10() {
      // |det(U Σ Vᵀ)| = Π σᵢ; LU's backward error moves ln |det| by about cond · 2⁻⁵².
      Random rnd = new Random(78);
      for (int t = 0; t < TRIALS; t++) {
        int n = 2 + rnd.nextInt(8);
        double[] sigma = new double[n];
        double logDet = 0;
        for (int i = 0; i < n; i++) {
          sigma[i] = Math.pow(10, -10.0 * i / (n - 1));
          logDet += Math.log(sigma[i]);
        }
        Matrix A = withSingularValues(rnd, sigma);
        assertEquals(logDet, Ops.logDet(A), 1e-5);
        // EJML's CommonOps det uses cofactor expansions for n ≤ 6, which lose up to 8 in ln |det|
        // here; its LU decomposition is the fair reference.
        LUDecomposition_F64<DMatrixRMaj> lu = DecompositionFactory_DDRM.lu(n, n);
        assertTrue(lu.decompose(ejml(A)));
        assertEquals(Math.log(Math.abs(lu.computeDeterminant().real)), Ops.logDet(A), 1e-5);
        assertEquals(Math.exp(logDet), Math.abs(Ops.det(A)), 1e-5 * Math.exp(logDet));
      }
    }

    @Test
    void logDetStaysFiniteWhereDetOverflowsOrUnderflows() {
      Random rnd = new Random(79);
      int n = 120;
      Matrix big = Ops.scale(1e4, positiveDefinite(rnd, n));
      Matrix small = Ops.scale(1e-4, positiveDefinite(rnd, n));
      assertEquals(Double.POSITIVE_INFINITY, Ops.det(big));
      assertEquals(0.0, Ops.det(small));
      for (Matrix A : new Matrix[] {big, small}) {
        Matrix L = Ops.cholesky(A);
        double viaCholesky = 0;
        for (int k = 0; k < n; k++) {
          viaCholesky += 2 * Math.log(L.get(k, k));
        }
        assertTrue(Double.isFinite(Ops.logDet(A)));
        assertEquals(viaCholesky, Ops.logDet(A), 1e-10 * Math.abs(viaCholesky));
      }
    }

    @Test
    void rejectsNonSquare() {
      assertEquals("det: A is 2×3, not square",
          assertShapeError(() -> Ops.det(Matrix.zeros(2, 3))));
      assertEquals("logDet: A is 3×2, not square",
          assertShapeError(() -> Ops.logDet(Matrix.zeros(3, 2))));
      assertEquals("inverse: A is 1×2, not square",
          assertShapeError(() -> Ops.inverse(Matrix.zeros(1, 2))));
    }
  }

  @Nested
  class Cholesky {
    @Test
    void handExample() {
      Matrix L = Ops.cholesky(Matrix.of(2, 2, 4, 2, 2, 3));
      assertEquals(Matrix.of(2, 2, 2, 0, 1, Math.sqrt(2)), L);
      assertEquals(Matrix.zeros(0, 0), Ops.cholesky(Matrix.zeros(0, 0)));
    }

    @Test
    void randomPositiveDefiniteMatricesAgreeWithEjml() {
      Random rnd = new Random(80);
      for (int t = 0; t < TRIALS; t++) {
        int n = 1 + rnd.nextInt(TestSupport.MAX_DIM + 2);
        Matrix A = positiveDefinite(rnd, n);
        Matrix A0 = copy(A);
        Matrix L = Ops.cholesky(A);
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        assertTrue(chol.decompose(ejml(A)));
        assertClose(chol.getT(null), L);
        assertClose(ejml(A), Ops.matmul(L, Ops.transpose(L)));
        for (int i = 0; i < n; i++) {
          assertTrue(L.get(i, i) > 0, "positive diagonal");
          for (int j = i + 1; j < n; j++) {
            assertEquals(0.0, L.get(i, j), "zero above the diagonal");
          }
        }
        assertEquals(A0, A);
        assertFresh(L, A);
      }
    }

    @Test
    void readsOnlyTheLowerTriangle() {
      Random rnd = new Random(81);
      Matrix A = positiveDefinite(rnd, 5);
      Matrix garbage = copy(A);
      for (int i = 0; i < 5; i++) {
        for (int j = i + 1; j < 5; j++) {
          garbage.set(i, j, (i + j) % 2 == 0 ? Double.NaN : -1e300);
        }
      }
      assertEquals(Ops.cholesky(A), Ops.cholesky(garbage));
    }

    @Test
    void conditionNumber1e10FactorsToItsAccuracy() {
      Random rnd = new Random(82);
      int n = 8;
      DMatrixRMaj Q = RandomMatrices_DDRM.orthogonal(n, n, rnd);
      double[] eig = new double[n];
      for (int i = 0; i < n; i++) {
        eig[i] = Math.pow(10, -10.0 * i / (n - 1));
      }
      DMatrixRMaj E = CommonOps_DDRM.multTransB(
          CommonOps_DDRM.mult(Q, CommonOps_DDRM.diag(eig), null), Q, null);
      Matrix A = new Matrix(n, n, E.getData());
      Matrix L = Ops.cholesky(A);
      Matrix residual = Ops.sub(Ops.matmul(L, Ops.transpose(L)), A);
      // Cholesky is backward stable however ill-conditioned A is (read through its lower half).
      for (int i = 0; i < n; i++) {
        for (int j = 0; j <= i; j++) {
          assertEquals(0.0, residual.get(i, j), 1e-15, "(" + i + ", " + j + ")");
        }
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"indefinite", "negative", "zero", "semidefinite", "nan"})
    void notPositiveDefiniteIsRejectedNamingTheColumn(String kind) {
      Matrix A = switch (kind) {
        case "indefinite" -> Matrix.of(2, 2, 1, 2, 2, 1);
        case "negative" -> Matrix.of(2, 2, -1, 0, 0, 1);
        case "zero" -> Matrix.zeros(2, 2);
        case "semidefinite" -> Matrix.of(2, 2, 1, 1, 1, 1);
        default -> Matrix.of(2, 2, 1, 0, Double.NaN, 1);
      };
      Matrix A0 = copy(A);
      String column = switch (kind) {
        case "negative", "zero" -> "column 0";
        default -> "column 1";
      };
      String msg = assertShapeError(() -> Ops.cholesky(A),
          "cholesky: A is not positive definite", column);
      assertEquals(A0, A);
      if (kind.equals("indefinite")) {
        assertEquals("cholesky: A is not positive definite: the pivot of column 1 (A[1][1] minus"
            + " the squares of row 1 of L) is -3.0, not positive", msg);
      }
    }
  }

  @Nested
  class Shared {
    @Test
    void nonSquareMatricesAreRejectedByEveryMethod() {
      for (String method : METHODS) {
        assertShapeError(() -> call(method, Matrix.zeros(2, 3)), method + ": A is 2×3, not square");
        assertShapeError(() -> call(method, Matrix.zeros(0, 1)), method + ": A is 0×1, not square");
      }
    }

    @Test
    void nullIsRejectedByName() {
      for (String method : METHODS) {
        assertNullNamed("A", () -> call(method, null));
      }
    }

    @Test
    void inputsAreNeverModified() {
      Random rnd = new Random(83);
      Matrix A = positiveDefinite(rnd, 6);
      Matrix A0 = copy(A);
      for (String method : METHODS) {
        call(method, A);
        assertEquals(A0, A, method);
      }
    }
  }
}
