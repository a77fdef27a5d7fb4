package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The factorisation ops ({@link FactorizationOps}) on well-conditioned random matrices (n in
 * 1..6; A = R + n·I, symmetric positive definite ones RᵀR + n·I) against finite differences and
 * closed forms computed with EJML; generated values against Ops bit for bit; singular and
 * non-positive-definite matrices rejected before anything is written.
 */
class FactorizationGradientTest {
  private static final Class<?> GENERATED = GradientChecker.gradientsClass(FactorizationOps.class);

  /**
   * The rows of R + n·I in a random order: well conditioned, not symmetric, and (the rows
   * shuffled) needing partial pivoting's row swaps.
   */
  private static Matrix wellConditioned(Inputs in, int n) {
    Matrix a = in.matrix(n, n);
    for (int i = 0; i < n; i++) {
      a.data()[i * n + i] += n;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = in.dim(0, i);
      for (int c = 0; c < n; c++) {
        double t = a.data()[i * n + c];
        a.data()[i * n + c] = a.data()[j * n + c];
        a.data()[j * n + c] = t;
      }
    }
    return a;
  }

  /** RᵀR + n·I. */
  private static Matrix spd(Inputs in, int n) {
    Matrix r = in.matrix(n, n);
    Matrix s = Ops.matmul(Ops.transpose(r), r);
    for (int i = 0; i < n; i++) {
      s.data()[i * n + i] += n;
    }
    return s;
  }

  private static DMatrixRMaj inverse(Matrix a) {
    DMatrixRMaj inv = Ejml.of(a);
    assertTrue(CommonOps_DDRM.invert(inv), "EJML inverts");
    return inv;
  }

  /** The value the generated gradient of a one-entry fixture returns (wrt A, its first argument). */
  private static double generatedValue(String fixture, Object... args) {
    Method grad = Arrays.stream(GENERATED.getMethods())
        .filter(m -> m.getName().equals(fixture + "Grad")
            && m.getParameterCount() == args.length + 1).findFirst().orElseThrow();
    Object[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = new double[((Matrix) args[0]).data().length];
    return (Double) GradientChecker.invoke(grad, all);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {51, 52, 53, 54})
  void solveVector(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 6);
    Matrix a = wellConditioned(in, n);
    double[] b = in.vector(n);
    double[] c = in.vector(n);
    GradientChecker.Result r = GradientChecker.of(FactorizationOps.class, "solveVector").wrt(0, 1).check(a, b, c);
    // x = A⁻¹b: ∇b ⟨c, x⟩ = A⁻ᵀc, ∇A = −(A⁻ᵀc) xᵀ
    DMatrixRMaj x = new DMatrixRMaj(n, 1);
    assertTrue(CommonOps_DDRM.solve(Ejml.of(a), Ejml.column(b), x));
    DMatrixRMaj gb = Ejml.multTransA(inverse(a), Ejml.column(c));
    Close.assertAllClose("A⁻ᵀ c", Ejml.data(gb), r.grad(1), 1e-12, 1e-13);
    Close.assertAllClose("−A⁻ᵀc xᵀ", Ejml.data(Ejml.scale(-1, Ejml.multTransB(gb, x))), r.grad(0),
        1e-12, 1e-13);
    GradientChecker.of(FactorizationOps.class, "solveVectorValued").check(a, b);
    double[] ops = Ops.solve(a, b);
    Close.assertAllClose("Ops.solve vs EJML", Ejml.data(x), ops, 1e-13, 1e-14);
    for (int i = 0; i < n; i++) {
      assertEquals(ops[i], generatedValue("solveVectorEntry", a, b, i), 0.0, "x[" + i + "] as Ops");
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {51, 52, 53, 54})
  void solveMatrix(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 6);
    int p = in.dim(1, 4);
    Matrix a = wellConditioned(in, n);
    Matrix b = in.matrix(n, p);
    Matrix c = in.matrix(n, p);
    GradientChecker.Result r = GradientChecker.of(FactorizationOps.class, "solveMatrix").wrt(0, 1).check(a, b, c);
    // X = A⁻¹B: ∇B ⟨C, X⟩ = A⁻ᵀC, ∇A = −(A⁻ᵀC) Xᵀ
    DMatrixRMaj x = Ejml.mult(inverse(a), Ejml.of(b));
    DMatrixRMaj gb = Ejml.multTransA(inverse(a), Ejml.of(c));
    Close.assertAllClose("A⁻ᵀ C", Ejml.data(gb), r.grad(1), 1e-12, 1e-13);
    Close.assertAllClose("−A⁻ᵀC Xᵀ", Ejml.data(Ejml.scale(-1, Ejml.multTransB(gb, x))), r.grad(0),
        1e-12, 1e-13);
    GradientChecker.of(FactorizationOps.class, "solveMatrixValued").check(a, b);
    Matrix ops = Ops.solve(a, b);
    Close.assertAllClose("Ops.solve vs EJML", Ejml.data(x), ops.data(), 1e-12, 1e-13);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        assertEquals(ops.get(i, j), generatedValue("solveMatrixEntry", a, b, i, j), 0.0,
            "X[" + i + ", " + j + "] as Ops");
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {51, 52, 53, 54})
  void inverse(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 6);
    Matrix a = wellConditioned(in, n);
    Matrix c = in.matrix(n, n);
    GradientChecker.Result r = GradientChecker.of(FactorizationOps.class, "inverseOf").wrt(0).check(a, c);
    // ∇A ⟨C, A⁻¹⟩ = −A⁻ᵀ C A⁻ᵀ
    DMatrixRMaj inv = inverse(a);
    DMatrixRMaj expected = Ejml.scale(-1, Ejml.multTransB(Ejml.multTransA(inv, Ejml.of(c)), inv));
    Close.assertAllClose("−A⁻ᵀ C A⁻ᵀ", Ejml.data(expected), r.grad(0), 1e-12, 1e-13);
    GradientChecker.of(FactorizationOps.class, "inverseValued").check(a);
    Matrix ops = Ops.inverse(a);
    Close.assertAllClose("Ops.inverse vs EJML", Ejml.data(inv), ops.data(), 1e-12, 1e-13);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(ops.get(i, j), generatedValue("inverseEntry", a, i, j), 0.0,
            "A⁻¹[" + i + ", " + j + "] as Ops");
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {51, 52, 53, 54, 55, 56})
  void detAndLogDet(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 6);
    Matrix a = wellConditioned(in, n);
    if (seed % 2 == 0) {
      // A negative determinant: logDet is log |det|, its gradient still A⁻ᵀ.
      for (int j = 0; j < n; j++) {
        a.data()[j] = -a.data()[j];
      }
    }
    GradientChecker.Result d = GradientChecker.of(FactorizationOps.class, "detOf").check(a);
    GradientChecker.Result l = GradientChecker.of(FactorizationOps.class, "logDetOf").check(a);
    double det = CommonOps_DDRM.det(Ejml.of(a));
    Close.assertClose("det vs EJML", det, d.value, 1e-12, 0);
    Close.assertClose("logDet vs EJML", Math.log(Math.abs(det)), l.value, 1e-12, 1e-14);
    assertEquals(Ops.det(a), d.value, 0.0, "det as Ops");
    assertEquals(Ops.logDet(a), l.value, 0.0, "logDet as Ops");
    DMatrixRMaj invT = Ejml.transpose(inverse(a));
    Close.assertAllClose("det(A) A⁻ᵀ", Ejml.data(Ejml.scale(det, invT)), d.grad(0), 1e-11, 1e-13);
    Close.assertAllClose("A⁻ᵀ", Ejml.data(invT), l.grad(0), 1e-12, 1e-13);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {51, 52, 53, 54})
  void cholesky(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 6);
    Matrix a = spd(in, n);
    // Garbage above the diagonal: it is never read, and its gradient is zero.
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        a.data()[i * n + j] = 100 + in.scalar();
      }
    }
    Matrix c = in.matrix(n, n);
    GradientChecker.Result r = GradientChecker.of(FactorizationOps.class, "choleskyOf").wrt(0).check(a, c);
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        assertEquals(0.0, r.grad(0)[i * n + j], 0.0, "no gradient above the diagonal");
      }
    }
    GradientChecker.of(FactorizationOps.class, "choleskyValued").check(a);
    Matrix lower = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        lower.data()[i * n + j] = a.get(i, j);
        lower.data()[j * n + i] = a.get(i, j);
      }
    }
    CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
    assertTrue(chol.decompose(Ejml.of(lower)), "EJML factors the symmetric matrix");
    Matrix ops = Ops.cholesky(a);
    Close.assertAllClose("Ops.cholesky vs EJML", Ejml.data(chol.getT(null)), ops.data(), 1e-13, 1e-14);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(ops.get(i, j), generatedValue("choleskyEntry", a, i, j), 0.0,
            "L[" + i + ", " + j + "] as Ops");
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {51, 52, 53})
  void composed(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 5);
    Matrix d = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      d.data()[i * n + i] = 1 + in.scalar(Inputs.Domain.POSITIVE);
    }
    GradientChecker.of(FactorizationOps.class, "composed").wrt(0).check(in.matrix(n, n), d, in.vector(n));
  }

  /** Condition number about 4e10: still solved, and exactly as Ops solves it. */
  @Test
  void anIllConditionedMatrixSolvesAsOps() {
    Matrix a = new Matrix(2, 2, new double[] {1, 1, 1, 1 + 1e-10});
    double[] b = {1, 2};
    double[] x = Ops.solve(a, b);
    for (int i = 0; i < 2; i++) {
      assertEquals(x[i], generatedValue("solveVectorEntry", a, b, i), 0.0);
    }
    Matrix inv = Ops.inverse(a);
    assertEquals(inv.get(1, 0), generatedValue("inverseEntry", a, 1, 0), 0.0);
    Close.assertClose("x[1] = 1e10", 1e10, x[1], 1e-5, 0);
    // Its gradient too: ∇b ⟨c, A⁻¹b⟩ = A⁻ᵀc, to the accuracy the conditioning allows.
    double[] c = {1, -1};
    double[] gradA = sevens(4);
    double[] gradB = sevens(2);
    GradientChecker.invoke(generated("solveVectorGrad", 5), new Object[] {a, b, c, gradA, gradB});
    Close.assertAllClose("A⁻ᵀ c", Ejml.data(Ejml.multTransA(inverse(a), Ejml.column(c))), gradB,
        1e-5, 0);
    assertTrue(Arrays.stream(gradA).allMatch(Double::isFinite), Arrays.toString(gradA));
  }

  private static double[] sevens(int n) {
    double[] v = new double[n];
    Arrays.fill(v, 7);
    return v;
  }

  private static void assertUntouched(double[] out) {
    assertTrue(Arrays.stream(out).allMatch(v -> v == 7), "nothing written: " + Arrays.toString(out));
  }

  private static IllegalArgumentException rejects(Method m, Object... args) {
    return assertThrows(IllegalArgumentException.class, () -> GradientChecker.invoke(m, args));
  }

  private static Method generated(String name, int parameters) {
    return Arrays.stream(GENERATED.getMethods())
        .filter(m -> m.getName().equals(name) && m.getParameterCount() == parameters)
        .findFirst().orElseThrow();
  }

  @Test
  void aSingularMatrixIsRejectedNamingMethodAndParameter() {
    Matrix singular = new Matrix(2, 2, new double[] {1, 2, 2, 4});
    double[] b = {1, 1};
    double[] gradA = sevens(4);
    double[] gradB = sevens(2);
    IllegalArgumentException e = rejects(generated("solveVectorGrad", 5), singular, b,
        new double[] {1, 1}, gradA, gradB);
    assertTrue(e.getMessage().startsWith("solveVector: A is singular to working precision"),
        e.getMessage());
    assertUntouched(gradA);
    assertUntouched(gradB);
    double[] jacA = sevens(4 * 4);
    e = rejects(generated("inverseValuedJacobian", 2), singular, jacA);
    assertTrue(e.getMessage().startsWith("inverseValued: A is singular"), e.getMessage());
    assertUntouched(jacA);
    double[] dirOut = sevens(2 * 3);
    e = rejects(generated("solveMatrixValuedJvp", 5), singular, new Matrix(2, 3, new double[6]),
        new double[4], new double[6], dirOut);
    assertTrue(e.getMessage().startsWith("solveMatrixValued: A is singular"), e.getMessage());
    assertUntouched(dirOut);
    // The runtime says the same after its method name.
    IllegalArgumentException runtime = assertThrows(IllegalArgumentException.class,
        () -> Ops.solve(singular, b));
    assertEquals(runtime.getMessage().substring("solve: ".length()),
        e.getMessage().substring("solveMatrixValued: ".length()));
  }

  @Test
  void aSingularMatrixBuiltInTheBodyIsNamedByItsExpression() {
    // AᵀA + D with A = 0 and D = 0 is the zero matrix.
    double[] grad = sevens(4);
    IllegalArgumentException e = rejects(generated("composedGrad", 4), Matrix.zeros(2, 2),
        Matrix.zeros(2, 2), new double[2], grad);
    assertTrue(e.getMessage().startsWith("composed: the matrix add(matmul(transpose(A), A), D)"
        + " is singular"), e.getMessage());
    assertTrue(e.getMessage().contains("is singular"), e.getMessage());
    assertUntouched(grad);
  }

  /**
   * det and logDet never throw (as in Ops), nor do their derivatives, computed through A⁻ᵀ: at
   * an exactly singular A those are not finite, like log's at 0, and other gradients are exact.
   */
  @Test
  void detAndLogDetOfASingularMatrixNeverThrow() {
    Matrix singular = new Matrix(2, 2, new double[] {1, 2, 2, 4});
    double[] grad = sevens(4);
    assertEquals(Ops.det(singular), (Double) GradientChecker.invoke(generated("detOfGrad", 2),
        new Object[] {singular, grad}), 0.0);
    assertTrue(Arrays.stream(grad).anyMatch(v -> !Double.isFinite(v)), Arrays.toString(grad));
    double[] x = {0.5, -2};
    double[] gradX = sevens(2);
    double[] gradS = sevens(4);
    double value = (Double) GradientChecker.invoke(generated("logDetPlusSumSqGrad", 4),
        new Object[] {x, singular, gradX, gradS});
    assertEquals(Double.NEGATIVE_INFINITY, value, 0.0);
    assertTrue(Arrays.equals(new double[] {1, -4}, gradX), Arrays.toString(gradX));
    GradientChecker.invoke(generated("detOfJvp", 2), new Object[] {singular, new double[4]});
  }

  @Test
  void detAndLogDetBesideAnotherParameter() {
    Inputs in = new Inputs(57);
    GradientChecker.of(FactorizationOps.class, "logDetPlusSumSq").check(in.vector(3), spd(in, 3));
  }

  @Test
  void aMatrixThatIsNotPositiveDefiniteIsRejected() {
    Matrix indefinite = new Matrix(2, 2, new double[] {1, 99, 2, 1});
    double[] grad = sevens(4);
    IllegalArgumentException e = rejects(generated("choleskyOfGrad", 3), indefinite,
        Matrix.zeros(2, 2), grad);
    IllegalArgumentException runtime = assertThrows(IllegalArgumentException.class,
        () -> Ops.cholesky(indefinite));
    assertEquals("choleskyOf: " + runtime.getMessage().substring("cholesky: ".length()),
        e.getMessage());
    assertUntouched(grad);
    double[] jac = sevens(16);
    e = rejects(generated("choleskyValuedJacobian", 2), indefinite, jac);
    assertTrue(e.getMessage().startsWith("choleskyValued: A is not positive definite: the pivot"
        + " of column 1"), e.getMessage());
    assertUntouched(jac);
  }
}
