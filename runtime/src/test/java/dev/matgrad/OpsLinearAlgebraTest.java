package dev.matgrad;

import static dev.matgrad.TestSupport.TRIALS;
import static dev.matgrad.TestSupport.assertClose;
import static dev.matgrad.TestSupport.assertFresh;
import static dev.matgrad.TestSupport.assertNullNamed;
import static dev.matgrad.TestSupport.assertShapeError;
import static dev.matgrad.TestSupport.copy;
import static dev.matgrad.TestSupport.dim;
import static dev.matgrad.TestSupport.ejml;
import static dev.matgrad.TestSupport.ejmlColumn;
import static dev.matgrad.TestSupport.randomMatrix;
import static dev.matgrad.TestSupport.randomVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OpsLinearAlgebraTest {

  @Nested
  class Matmul {
    @Test
    void handExample() {
      Matrix A = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      Matrix B = Matrix.of(3, 2, 7, 8, 9, 10, 11, 12);
      assertEquals(Matrix.of(2, 2, 58, 64, 139, 154), Ops.matmul(A, B));
    }

    @Test
    void randomShapesAgreeWithEjml() {
      Random rnd = new Random(11);
      for (int t = 0; t < TRIALS; t++) {
        int m = dim(rnd);
        int n = dim(rnd);
        int p = dim(rnd);
        Matrix A = randomMatrix(rnd, m, n);
        Matrix B = randomMatrix(rnd, n, p);
        Matrix A0 = copy(A);
        Matrix B0 = copy(B);
        Matrix C = Ops.matmul(A, B);
        assertClose(CommonOps_DDRM.mult(ejml(A), ejml(B), new DMatrixRMaj(m, p)), C);
        assertEquals(A0, A, "A untouched");
        assertEquals(B0, B, "B untouched");
        assertFresh(C, A, B);
      }
    }

    @Test
    void emptyInnerDimensionGivesZeros() {
      assertEquals(Matrix.zeros(2, 3), Ops.matmul(Matrix.zeros(2, 0), Matrix.zeros(0, 3)));
    }

    @Test
    void accumulatesWithKAscendingFromZero() {
      // 0 + 1 + 1e100 − 1e100 = 0 in this order; any other order keeps the 1.
      Matrix A = Matrix.of(1, 3, 1, 1e100, -1e100);
      Matrix B = Matrix.of(3, 1, 1, 1, 1);
      assertEquals(0.0, Ops.matmul(A, B).get(0, 0));
      assertEquals(0.0, Ops.matmul(A, new double[] {1, 1, 1})[0]);
    }

    @Test
    void rejectsMismatchedInnerDimensions() {
      Matrix A = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      Matrix B = Matrix.zeros(4, 5);
      Matrix A0 = copy(A);
      String msg = assertShapeError(() -> Ops.matmul(A, B), "matmul", "A is 2×3", "B is 4×5");
      assertEquals(
          "matmul: A is 2×3 but B is 4×5; the inner dimensions 3 and 4 must agree", msg);
      assertEquals(A0, A);
      assertEquals(Matrix.zeros(4, 5), B);
    }

    @Test
    void rejectsNull() {
      assertNullNamed("A", () -> Ops.matmul(null, Matrix.zeros(1, 1)));
      assertNullNamed("B", () -> Ops.matmul(Matrix.zeros(1, 1), (Matrix) null));
    }
  }

  @Nested
  class MatrixVector {
    @Test
    void handExample() {
      Matrix A = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      assertArrayEquals(new double[] {-2, -2}, Ops.matmul(A, new double[] {1, 0, -1}));
    }

    @Test
    void randomShapesAgreeWithEjml() {
      Random rnd = new Random(12);
      for (int t = 0; t < TRIALS; t++) {
        int m = dim(rnd);
        int n = dim(rnd);
        Matrix A = randomMatrix(rnd, m, n);
        double[] x = randomVector(rnd, n);
        Matrix A0 = copy(A);
        double[] x0 = x.clone();
        double[] y = Ops.matmul(A, x);
        assertClose(CommonOps_DDRM.mult(ejml(A), ejmlColumn(x), new DMatrixRMaj(m, 1)), y);
        assertEquals(A0, A);
        assertArrayEquals(x0, x);
        assertFresh(y, x, A.data());
      }
    }

    @Test
    void equalsMatmulWithAOneColumnMatrix() {
      Random rnd = new Random(13);
      Matrix A = randomMatrix(rnd, 4, 5);
      double[] x = randomVector(rnd, 5);
      assertArrayEquals(Ops.matmul(A, new Matrix(5, 1, x)).data(), Ops.matmul(A, x));
    }

    @Test
    void rejectsMismatchedLength() {
      Matrix A = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      double[] x = {1, 2, 3, 4};
      String msg = assertShapeError(() -> Ops.matmul(A, x), "matmul", "A is 2×3", "x has length 4");
      assertEquals(
          "matmul: A is 2×3 but x has length 4; the inner dimensions 3 and 4 must agree", msg);
      assertArrayEquals(new double[] {1, 2, 3, 4}, x);
      assertEquals(Matrix.of(2, 3, 1, 2, 3, 4, 5, 6), A);
    }

    @Test
    void rejectsNull() {
      assertNullNamed("A", () -> Ops.matmul(null, new double[1]));
      assertNullNamed("x", () -> Ops.matmul(Matrix.zeros(1, 1), (double[]) null));
    }
  }

  @Nested
  class Transpose {
    @Test
    void handExample() {
      assertEquals(Matrix.of(3, 2, 1, 4, 2, 5, 3, 6),
          Ops.transpose(Matrix.of(2, 3, 1, 2, 3, 4, 5, 6)));
      assertEquals(Matrix.zeros(3, 0), Ops.transpose(Matrix.zeros(0, 3)));
    }

    @Test
    void randomShapesAgreeWithEjml() {
      Random rnd = new Random(14);
      for (int t = 0; t < TRIALS; t++) {
        Matrix X = randomMatrix(rnd, dim(rnd), dim(rnd));
        Matrix X0 = copy(X);
        Matrix T = Ops.transpose(X);
        assertClose(CommonOps_DDRM.transpose(ejml(X), null), T);
        assertEquals(X, Ops.transpose(T), "transposing twice gives X back");
        assertEquals(X0, X);
        assertFresh(T, X);
      }
    }

    @Test
    void rejectsNull() {
      assertNullNamed("X", () -> Ops.transpose(null));
    }
  }

  @Nested
  class Dot {
    @Test
    void handExample() {
      assertEquals(32.0, Ops.dot(new double[] {1, 2, 3}, new double[] {4, 5, 6}));
      assertEquals(0.0, Ops.dot(new double[0], new double[0]));
    }

    @Test
    void randomVectorsAgreeWithEjml() {
      Random rnd = new Random(15);
      for (int t = 0; t < TRIALS; t++) {
        int n = dim(rnd);
        double[] a = randomVector(rnd, n);
        double[] b = randomVector(rnd, n);
        double[] a0 = a.clone();
        double[] b0 = b.clone();
        assertClose(VectorVectorMult_DDRM.innerProd(ejmlColumn(a), ejmlColumn(b)), Ops.dot(a, b));
        assertArrayEquals(a0, a);
        assertArrayEquals(b0, b);
      }
    }

    @Test
    void accumulatesLeftToRightFromZero() {
      assertEquals(0.0, Ops.dot(new double[] {1, 1e100, -1e100}, new double[] {1, 1, 1}));
    }

    @Test
    void rejectsMismatchedLengths() {
      double[] a = {1, 2, 3};
      double[] b = {1, 2, 3, 4};
      assertEquals("dot: a has length 3 but b has length 4",
          assertShapeError(() -> Ops.dot(a, b), "a has length 3", "b has length 4"));
      assertArrayEquals(new double[] {1, 2, 3}, a);
      assertArrayEquals(new double[] {1, 2, 3, 4}, b);
    }

    @Test
    void rejectsNull() {
      assertNullNamed("a", () -> Ops.dot(null, new double[1]));
      assertNullNamed("b", () -> Ops.dot(new double[1], null));
    }
  }

  @Nested
  class Outer {
    @Test
    void handExample() {
      assertEquals(Matrix.of(2, 3, 3, 4, 5, 6, 8, 10),
          Ops.outer(new double[] {1, 2}, new double[] {3, 4, 5}));
      assertEquals(Matrix.zeros(0, 2), Ops.outer(new double[0], new double[] {1, 2}));
    }

    @Test
    void randomVectorsAgreeWithEjml() {
      Random rnd = new Random(16);
      for (int t = 0; t < TRIALS; t++) {
        int m = dim(rnd);
        int n = dim(rnd);
        double[] u = randomVector(rnd, m);
        double[] v = randomVector(rnd, n);
        double[] u0 = u.clone();
        double[] v0 = v.clone();
        DMatrixRMaj expected = new DMatrixRMaj(m, n);
        VectorVectorMult_DDRM.outerProd(ejmlColumn(u), ejmlColumn(v), expected);
        Matrix M = Ops.outer(u, v);
        assertClose(expected, M);
        assertArrayEquals(u0, u);
        assertArrayEquals(v0, v);
        assertFresh(M.data(), u, v);
      }
    }

    @Test
    void equalsTheProductOfAColumnAndARow() {
      Random rnd = new Random(17);
      double[] u = randomVector(rnd, 4);
      double[] v = randomVector(rnd, 3);
      assertEquals(Ops.matmul(new Matrix(4, 1, u), new Matrix(1, 3, v)), Ops.outer(u, v));
    }

    @Test
    void rejectsNull() {
      assertNullNamed("u", () -> Ops.outer(null, new double[1]));
      assertNullNamed("v", () -> Ops.outer(new double[1], null));
    }
  }

  @Nested
  class Trace {
    @Test
    void handExample() {
      assertEquals(15.0, Ops.trace(Matrix.of(3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
      assertEquals(0.0, Ops.trace(Matrix.zeros(0, 0)));
    }

    @Test
    void randomSquareMatricesAgreeWithEjml() {
      Random rnd = new Random(18);
      for (int t = 0; t < TRIALS; t++) {
        int n = dim(rnd);
        Matrix X = randomMatrix(rnd, n, n);
        Matrix X0 = copy(X);
        assertClose(CommonOps_DDRM.trace(ejml(X)), Ops.trace(X));
        assertEquals(X0, X);
      }
    }

    @Test
    void accumulatesDiagonalInOrderFromZero() {
      assertEquals(0.0, Ops.trace(Matrix.of(3, 3, 1, 7, 7, 7, 1e100, 7, 7, 7, -1e100)));
    }

    @Test
    void rejectsNonSquare() {
      Matrix X = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      assertEquals("trace: X is 2×3, not square", assertShapeError(() -> Ops.trace(X), "2×3"));
      assertEquals(Matrix.of(2, 3, 1, 2, 3, 4, 5, 6), X);
    }

    @Test
    void rejectsNull() {
      assertNullNamed("X", () -> Ops.trace(null));
    }
  }

  @Nested
  class Diag {
    @Test
    void handExample() {
      assertEquals(Matrix.of(2, 2, 3, 0, 0, -4), Ops.diag(new double[] {3, -4}));
      assertEquals(Matrix.zeros(0, 0), Ops.diag(new double[0]));
    }

    @Test
    void randomVectorsAgreeWithEjml() {
      Random rnd = new Random(19);
      for (int t = 0; t < TRIALS; t++) {
        int n = 1 + rnd.nextInt(TestSupport.MAX_DIM);
        double[] v = randomVector(rnd, n);
        double[] v0 = v.clone();
        Matrix D = Ops.diag(v);
        assertClose(CommonOps_DDRM.diag(v), D);
        assertEquals(Ops.sum(v), Ops.trace(D), "trace of diag(v) is sum(v)");
        assertArrayEquals(v0, v);
        assertFresh(D.data(), v);
      }
    }

    @Test
    void rejectsNull() {
      assertNullNamed("v", () -> Ops.diag(null));
    }
  }
}
