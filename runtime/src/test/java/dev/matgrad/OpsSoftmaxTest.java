package dev.matgrad;

import static dev.matgrad.TestSupport.TRIALS;
import static dev.matgrad.TestSupport.assertClose;
import static dev.matgrad.TestSupport.assertFresh;
import static dev.matgrad.TestSupport.assertNullNamed;
import static dev.matgrad.TestSupport.assertSameEntries;
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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OpsSoftmaxTest {

  /** Reference: exp of every entry, each column divided by its sum (no max shift; inputs small). */
  private static DMatrixRMaj ejmlSoftmaxOfColumns(DMatrixRMaj X) {
    DMatrixRMaj e = CommonOps_DDRM.elementExp(X, new DMatrixRMaj(X.numRows, X.numCols));
    DMatrixRMaj sums = CommonOps_DDRM.sumCols(e, null);
    CommonOps_DDRM.divideCols(e, sums.getData());
    return e;
  }

  private static DMatrixRMaj ejmlLog(DMatrixRMaj X) {
    return CommonOps_DDRM.elementLog(X, new DMatrixRMaj(X.numRows, X.numCols));
  }

  private static double[] column(Matrix X, int j) {
    double[] c = new double[X.rows()];
    for (int i = 0; i < X.rows(); i++) {
      c[i] = X.get(i, j);
    }
    return c;
  }

  @Nested
  class Vector {
    @Test
    void handExamples() {
      assertArrayEquals(new double[] {0.5, 0.5}, Ops.softmax(new double[] {3, 3}));
      double s = Math.exp(0) + Math.exp(1) + Math.exp(2);
      assertClose(new double[] {1 / s, Math.E / s, Math.exp(2) / s},
          Ops.softmax(new double[] {0, 1, 2}));
      assertClose(new double[] {-Math.log(s), 1 - Math.log(s), 2 - Math.log(s)},
          Ops.logSoftmax(new double[] {0, 1, 2}));
      assertArrayEquals(new double[] {1.0}, Ops.softmax(new double[] {-7}));
      assertArrayEquals(new double[] {0.0}, Ops.logSoftmax(new double[] {-7}));
    }

    @Test
    void randomVectorsAgreeWithEjml() {
      Random rnd = new Random(41);
      for (int t = 0; t < TRIALS; t++) {
        double[] x = randomVector(rnd, 1 + rnd.nextInt(8));
        double[] x0 = x.clone();
        DMatrixRMaj expected = ejmlSoftmaxOfColumns(ejmlColumn(x));
        double[] y = Ops.softmax(x);
        double[] ly = Ops.logSoftmax(x);
        assertClose(expected, y);
        assertClose(ejmlLog(expected), ly);
        assertClose(1.0, Ops.sum(y));
        assertArrayEquals(x0, x);
        assertFresh(y, x);
        assertFresh(ly, x);
      }
    }

    @Test
    void logSoftmaxIsXMinusLogSumExp() {
      Random rnd = new Random(42);
      double[] x = randomVector(rnd, 7);
      double lse = Ops.logSumExp(x);
      double[] ly = Ops.logSoftmax(x);
      for (int i = 0; i < x.length; i++) {
        assertEquals(x[i] - lse, ly[i], "bit-for-bit the documented formula");
      }
    }

    @Test
    void isShiftInvariant() {
      Random rnd = new Random(43);
      double[] x = randomVector(rnd, 6);
      double[] shifted = Ops.add(x, new double[] {500, 500, 500, 500, 500, 500});
      assertClose(Ops.softmax(x), Ops.softmax(shifted));
      assertClose(Ops.logSoftmax(x), Ops.logSoftmax(shifted));
    }

    @Test
    void finiteAtPlusMinus800() {
      assertArrayEquals(new double[] {1.0, 0.0}, Ops.softmax(new double[] {800, -800}));
      assertArrayEquals(new double[] {0.5, 0.5}, Ops.softmax(new double[] {800, 800}));
      assertArrayEquals(new double[] {0.5, 0.5}, Ops.softmax(new double[] {-800, -800}));
      assertArrayEquals(new double[] {0.0, -1600.0}, Ops.logSoftmax(new double[] {800, -800}));
      double ln2 = Math.log(2);
      assertClose(new double[] {-ln2, -ln2}, Ops.logSoftmax(new double[] {800, 800}));
      assertClose(new double[] {-ln2, -ln2}, Ops.logSoftmax(new double[] {-800, -800}));
    }

    @Test
    void emptyInEmptyOut() {
      assertEquals(0, Ops.softmax(new double[0]).length);
      assertEquals(0, Ops.logSoftmax(new double[0]).length);
    }

    @Test
    void rejectsNull() {
      assertNullNamed("x", () -> Ops.softmax((double[]) null));
      assertNullNamed("x", () -> Ops.logSoftmax((double[]) null));
    }
  }

  @Nested
  class MatrixColumns {
    @Test
    void actOnEachColumnIndependently() {
      // Column 0 is saturated, column 1 uniform: a softmax over all entries would give neither.
      Matrix X = Matrix.of(2, 2,
          800, 5,
          -800, 5);
      assertEquals(Matrix.of(2, 2, 1, 0.5, 0, 0.5), Ops.softmax(X));
      Matrix LY = Ops.logSoftmax(X);
      assertArrayEquals(new double[] {0, -1600}, column(LY, 0));
      assertClose(new double[] {-Math.log(2), -Math.log(2)}, column(LY, 1));
    }

    @Test
    void randomMatricesAgreeWithEjmlColumnByColumn() {
      Random rnd = new Random(44);
      for (int t = 0; t < TRIALS; t++) {
        Matrix X = randomMatrix(rnd, 1 + rnd.nextInt(6), dim(rnd));
        Matrix X0 = copy(X);
        DMatrixRMaj expected = ejmlSoftmaxOfColumns(ejml(X));
        Matrix Y = Ops.softmax(X);
        Matrix LY = Ops.logSoftmax(X);
        assertClose(expected, Y);
        assertClose(ejmlLog(expected), LY);
        assertEquals(X0, X);
        assertFresh(Y, X);
        assertFresh(LY, X);
      }
    }

    @Test
    void columnJIsTheVectorOverloadOfColumnJ() {
      Random rnd = new Random(45);
      Matrix X = randomMatrix(rnd, 5, 4);
      Matrix Y = Ops.softmax(X);
      Matrix LY = Ops.logSoftmax(X);
      for (int j = 0; j < X.cols(); j++) {
        assertSameEntries(Ops.softmax(column(X, j)), column(Y, j));
        assertSameEntries(Ops.logSoftmax(column(X, j)), column(LY, j));
        assertClose(1.0, Ops.sum(column(Y, j)), "column " + j + " sums to 1:");
      }
    }

    @Test
    void emptyShapes() {
      assertEquals(Matrix.zeros(0, 3), Ops.softmax(Matrix.zeros(0, 3)));
      assertEquals(Matrix.zeros(3, 0), Ops.softmax(Matrix.zeros(3, 0)));
      assertEquals(Matrix.zeros(0, 3), Ops.logSoftmax(Matrix.zeros(0, 3)));
      assertEquals(Matrix.zeros(3, 0), Ops.logSoftmax(Matrix.zeros(3, 0)));
    }

    @Test
    void aSingleRowGivesOnes() {
      Matrix Y = Ops.softmax(Matrix.of(1, 3, -800, 0, 800));
      assertEquals(Matrix.of(1, 3, 1, 1, 1), Y);
      assertEquals(Matrix.zeros(1, 3), Ops.logSoftmax(Matrix.of(1, 3, -800, 0, 800)));
    }

    @Test
    void rejectsNull() {
      assertNullNamed("X", () -> Ops.softmax((Matrix) null));
      assertNullNamed("X", () -> Ops.logSoftmax((Matrix) null));
    }
  }
}
