package dev.matgrad;

import static dev.matgrad.TestSupport.TRIALS;
import static dev.matgrad.TestSupport.assertClose;
import static dev.matgrad.TestSupport.assertFresh;
import static dev.matgrad.TestSupport.assertNullNamed;
import static dev.matgrad.TestSupport.assertShapeError;
import static dev.matgrad.TestSupport.copy;
import static dev.matgrad.TestSupport.dim;
import static dev.matgrad.TestSupport.ejml;
import static dev.matgrad.TestSupport.randomMatrix;
import static dev.matgrad.TestSupport.randomVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** identity, ones, concat, hstack, vstack and kron. */
class OpsBuildingTest {

  @Nested
  class IdentityAndOnes {
    @Test
    void handExamples() {
      assertEquals(Matrix.of(2, 2, 1, 0, 0, 1), Ops.identity(2));
      assertEquals(Matrix.zeros(0, 0), Ops.identity(0));
      assertArrayEquals(new double[] {1, 1, 1}, Ops.ones(3));
      assertArrayEquals(new double[0], Ops.ones(0));
    }

    @Test
    void identityAgreesWithEjmlAndIsNeutralForMatmul() {
      Random rnd = new Random(61);
      for (int n = 0; n <= TestSupport.MAX_DIM; n++) {
        Matrix I = Ops.identity(n);
        assertClose(CommonOps_DDRM.identity(n), I);
        Matrix X = randomMatrix(rnd, n, dim(rnd));
        assertEquals(X, Ops.matmul(I, X));
        assertEquals(n, Ops.sum(Ops.ones(n)));
      }
      assertFresh(Ops.identity(3), Ops.identity(3));
    }

    @Test
    void negativeSizesAreRejected() {
      assertEquals("identity: n must be non-negative, got n = -1",
          assertShapeError(() -> Ops.identity(-1)));
      assertEquals("ones: n must be non-negative, got n = -2",
          assertShapeError(() -> Ops.ones(-2)));
    }
  }

  @Nested
  class Concat {
    @Test
    void handExample() {
      assertArrayEquals(new double[] {1, 2, 3}, Ops.concat(new double[] {1}, new double[] {2, 3}));
      assertArrayEquals(new double[] {4}, Ops.concat(new double[0], new double[] {4}));
    }

    @Test
    void randomVectorsAgreeWithEjmlsRowConcatenation() {
      Random rnd = new Random(62);
      for (int t = 0; t < TRIALS; t++) {
        double[] a = randomVector(rnd, dim(rnd));
        double[] b = randomVector(rnd, dim(rnd));
        double[] a0 = a.clone();
        double[] b0 = b.clone();
        double[] y = Ops.concat(a, b);
        DMatrixRMaj expected = new DMatrixRMaj(a.length + b.length, 1);
        CommonOps_DDRM.concatRows(TestSupport.ejmlColumn(a), TestSupport.ejmlColumn(b), expected);
        assertArrayEquals(expected.getData(), y);
        assertArrayEquals(a0, a);
        assertArrayEquals(b0, b);
        assertFresh(y, a, b);
      }
    }

    @Test
    void rejectsNull() {
      assertNullNamed("a", () -> Ops.concat(null, new double[1]));
      assertNullNamed("b", () -> Ops.concat(new double[1], null));
    }
  }

  @Nested
  class Stacking {
    @Test
    void handExamples() {
      Matrix A = Matrix.of(2, 2, 1, 2, 3, 4);
      Matrix B = Matrix.of(2, 1, 5, 6);
      assertEquals(Matrix.of(2, 3, 1, 2, 5, 3, 4, 6), Ops.hstack(A, B));
      Matrix C = Matrix.of(1, 2, 7, 8);
      assertEquals(Matrix.of(3, 2, 1, 2, 3, 4, 7, 8), Ops.vstack(A, C));
      assertEquals(Matrix.zeros(2, 0), Ops.hstack(Matrix.zeros(2, 0), Matrix.zeros(2, 0)));
    }

    @Test
    void randomShapesAgreeWithEjml() {
      Random rnd = new Random(63);
      for (int t = 0; t < TRIALS; t++) {
        int m = dim(rnd);
        int n = dim(rnd);
        int p = dim(rnd);
        Matrix A = randomMatrix(rnd, m, n);
        Matrix B = randomMatrix(rnd, m, p);
        Matrix C = randomMatrix(rnd, p, n);
        Matrix A0 = copy(A);
        Matrix B0 = copy(B);
        Matrix H = Ops.hstack(A, B);
        Matrix V = Ops.vstack(A, C);
        DMatrixRMaj h = new DMatrixRMaj(m, n + p);
        CommonOps_DDRM.concatColumns(ejml(A), ejml(B), h);
        DMatrixRMaj v = new DMatrixRMaj(m + p, n);
        CommonOps_DDRM.concatRows(ejml(A), ejml(C), v);
        assertClose(h, H);
        assertClose(v, V);
        assertEquals(Ops.transpose(Ops.vstack(Ops.transpose(A), Ops.transpose(B))), H,
            "[A B] = [Aᵀ; Bᵀ]ᵀ");
        assertEquals(A0, A);
        assertEquals(B0, B);
        assertFresh(H, A, B);
        assertFresh(V, A, C);
      }
    }

    @Test
    void mismatchedShapesAreRejected() {
      Matrix A = Matrix.zeros(2, 3);
      Matrix B = Matrix.zeros(3, 2);
      assertEquals("hstack: A is 2×3 but B is 3×2; the row counts 2 and 3 must agree",
          assertShapeError(() -> Ops.hstack(A, B)));
      assertEquals("vstack: A is 2×3 but B is 3×2; the column counts 3 and 2 must agree",
          assertShapeError(() -> Ops.vstack(A, B)));
    }

    @Test
    void rejectsNull() {
      assertNullNamed("A", () -> Ops.hstack(null, Matrix.zeros(1, 1)));
      assertNullNamed("B", () -> Ops.hstack(Matrix.zeros(1, 1), null));
      assertNullNamed("A", () -> Ops.vstack(null, Matrix.zeros(1, 1)));
      assertNullNamed("B", () -> Ops.vstack(Matrix.zeros(1, 1), null));
    }
  }

  @Nested
  class Kron {
    @Test
    void handExample() {
      Matrix A = Matrix.of(1, 2, 1, 2);
      Matrix B = Matrix.of(2, 1, 3, 4);
      assertEquals(Matrix.of(2, 2, 3, 6, 4, 8), Ops.kron(A, B));
      assertEquals(Matrix.of(2, 2, 3, 6, 4, 8), Ops.kron(B, A), "a column ⊗ a row is u vᵀ");
      assertEquals(Matrix.of(2, 4, 0, 5, 0, 10, 0, 15, 0, 20),
          Ops.kron(Matrix.of(2, 2, 1, 2, 3, 4), Matrix.of(1, 2, 0, 5)));
      assertEquals(Ops.identity(6), Ops.kron(Ops.identity(2), Ops.identity(3)));
    }

    @Test
    void randomShapesAgreeWithEjml() {
      Random rnd = new Random(64);
      for (int t = 0; t < TRIALS; t++) {
        Matrix A = randomMatrix(rnd, dim(rnd), dim(rnd));
        Matrix B = randomMatrix(rnd, dim(rnd), dim(rnd));
        Matrix A0 = copy(A);
        Matrix B0 = copy(B);
        Matrix K = Ops.kron(A, B);
        DMatrixRMaj expected =
            new DMatrixRMaj(A.rows() * B.rows(), A.cols() * B.cols());
        CommonOps_DDRM.kron(ejml(A), ejml(B), expected);
        assertClose(expected, K);
        assertEquals(A0, A);
        assertEquals(B0, B);
        assertFresh(K, A, B);
      }
    }

    @Test
    void mixedProductProperty() {
      // (A ⊗ B)(C ⊗ D) = (AC) ⊗ (BD).
      Random rnd = new Random(65);
      Matrix A = randomMatrix(rnd, 2, 3);
      Matrix B = randomMatrix(rnd, 3, 2);
      Matrix C = randomMatrix(rnd, 3, 2);
      Matrix D = randomMatrix(rnd, 2, 4);
      assertClose(ejml(Ops.kron(Ops.matmul(A, C), Ops.matmul(B, D))),
          Ops.matmul(Ops.kron(A, B), Ops.kron(C, D)));
    }

    @Test
    void rejectsNull() {
      assertNullNamed("A", () -> Ops.kron(null, Matrix.zeros(1, 1)));
      assertNullNamed("B", () -> Ops.kron(Matrix.zeros(1, 1), null));
    }
  }
}
