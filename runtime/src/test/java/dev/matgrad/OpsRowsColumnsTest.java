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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** rowSums, colSums, row, col, addToEachRow, and max and min of a vector. */
class OpsRowsColumnsTest {

  @Nested
  class RowAndColumnSums {
    @Test
    void handExample() {
      Matrix X = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      assertArrayEquals(new double[] {6, 15}, Ops.rowSums(X));
      assertArrayEquals(new double[] {5, 7, 9}, Ops.colSums(X));
      assertArrayEquals(new double[] {0, 0}, Ops.rowSums(Matrix.zeros(2, 0)));
      assertArrayEquals(new double[] {0, 0, 0}, Ops.colSums(Matrix.zeros(0, 3)));
    }

    @Test
    void randomShapesAgreeWithEjmlAndWithMatrixTimesOnes() {
      Random rnd = new Random(51);
      for (int t = 0; t < TRIALS; t++) {
        int m = dim(rnd);
        int n = dim(rnd);
        Matrix X = randomMatrix(rnd, m, n);
        Matrix X0 = copy(X);
        double[] rows = Ops.rowSums(X);
        double[] cols = Ops.colSums(X);
        assertClose(CommonOps_DDRM.sumRows(ejml(X), null).getData(), rows);
        assertClose(CommonOps_DDRM.sumCols(ejml(X), null).getData(), cols);
        // X 1 and Xᵀ 1 sum in the same order, so they agree bit for bit.
        assertArrayEquals(Ops.matmul(X, Ops.ones(n)), rows);
        assertArrayEquals(Ops.matmul(Ops.transpose(X), Ops.ones(m)), cols);
        assertEquals(X0, X);
        assertFresh(rows, X.data());
      }
    }

    @Test
    void sumInIndexOrderFromZero() {
      // 0 + 1 + 1e100 − 1e100 = 0 in this order; any other order keeps the 1.
      assertArrayEquals(new double[] {0.0}, Ops.rowSums(Matrix.of(1, 3, 1, 1e100, -1e100)));
      assertArrayEquals(new double[] {0.0}, Ops.colSums(Matrix.of(3, 1, 1, 1e100, -1e100)));
    }

    @Test
    void rejectsNull() {
      assertNullNamed("X", () -> Ops.rowSums(null));
      assertNullNamed("X", () -> Ops.colSums(null));
    }
  }

  @Nested
  class RowAndColumn {
    @Test
    void handExample() {
      Matrix X = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      assertArrayEquals(new double[] {4, 5, 6}, Ops.row(X, 1));
      assertArrayEquals(new double[] {3, 6}, Ops.col(X, 2));
      assertArrayEquals(new double[0], Ops.row(Matrix.zeros(2, 0), 1));
      assertArrayEquals(new double[0], Ops.col(Matrix.zeros(0, 2), 1));
    }

    @Test
    void randomShapesAgreeWithEjmlAndAreCopies() {
      Random rnd = new Random(52);
      for (int t = 0; t < TRIALS; t++) {
        int m = 1 + rnd.nextInt(TestSupport.MAX_DIM);
        int n = 1 + rnd.nextInt(TestSupport.MAX_DIM);
        Matrix X = randomMatrix(rnd, m, n);
        Matrix X0 = copy(X);
        int i = rnd.nextInt(m);
        int j = rnd.nextInt(n);
        double[] row = Ops.row(X, i);
        double[] col = Ops.col(X, j);
        assertArrayEquals(CommonOps_DDRM.extractRow(ejml(X), i, null).getData(), row);
        assertArrayEquals(CommonOps_DDRM.extractColumn(ejml(X), j, null).getData(), col);
        row[0] = 99;
        col[0] = 99;
        assertEquals(X0, X, "writing to the result leaves X alone");
      }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 2, 100})
    void rowIndexOutsideTheMatrixIsRejected(int i) {
      Matrix X = Matrix.zeros(2, 3);
      IndexOutOfBoundsException e =
          assertThrows(IndexOutOfBoundsException.class, () -> Ops.row(X, i));
      assertEquals("row: i = " + i + " is outside the rows 0..1 of X, 2×3", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 3, 100})
    void columnIndexOutsideTheMatrixIsRejected(int j) {
      Matrix X = Matrix.zeros(2, 3);
      IndexOutOfBoundsException e =
          assertThrows(IndexOutOfBoundsException.class, () -> Ops.col(X, j));
      assertEquals("col: j = " + j + " is outside the columns 0..2 of X, 2×3", e.getMessage());
    }

    @Test
    void rejectsNull() {
      assertNullNamed("X", () -> Ops.row(null, 0));
      assertNullNamed("X", () -> Ops.col(null, 0));
    }
  }

  @Nested
  class AddToEachRow {
    @Test
    void handExample() {
      Matrix X = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      assertEquals(Matrix.of(2, 3, 11, 22, 33, 14, 25, 36),
          Ops.addToEachRow(X, new double[] {10, 20, 30}));
    }

    @Test
    void randomShapesAgreeWithEjmlXPlusOnesTimesBTransposed() {
      Random rnd = new Random(53);
      for (int t = 0; t < TRIALS; t++) {
        int m = dim(rnd);
        int n = dim(rnd);
        Matrix X = randomMatrix(rnd, m, n);
        double[] b = randomVector(rnd, n);
        Matrix X0 = copy(X);
        double[] b0 = b.clone();
        DMatrixRMaj ones = new DMatrixRMaj(m, 1);
        ones.fill(1.0);
        DMatrixRMaj expected = ejml(X);
        CommonOps_DDRM.multAddTransB(ones, ejmlColumn(b), expected);
        Matrix Y = Ops.addToEachRow(X, b);
        assertClose(expected, Y);
        assertEquals(Ops.transpose(Ops.addToEachColumn(Ops.transpose(X), b)), Y,
            "the transpose of addToEachColumn on Xᵀ");
        assertEquals(X0, X);
        assertArrayEquals(b0, b);
        assertFresh(Y, X);
        assertFresh(Y.data(), b);
      }
    }

    @Test
    void rejectsBOfTheWrongLength() {
      Matrix X = Matrix.zeros(3, 4);
      String msg = assertShapeError(() -> Ops.addToEachRow(X, new double[3]), "X is 3×4",
          "b has length 3");
      assertEquals("addToEachRow: X is 3×4 but b has length 3; b needs length X.cols() = 4", msg);
      assertEquals(Matrix.zeros(3, 4), X);
    }

    @Test
    void rejectsNull() {
      assertNullNamed("X", () -> Ops.addToEachRow(null, new double[1]));
      assertNullNamed("b", () -> Ops.addToEachRow(Matrix.zeros(1, 1), null));
    }
  }

  @Nested
  class MaxAndMin {
    @Test
    void handExample() {
      double[] x = {3, -1, 7, 7, -4};
      assertEquals(7.0, Ops.max(x));
      assertEquals(-4.0, Ops.min(x));
      assertEquals(5.0, Ops.max(new double[] {5}));
      assertEquals(Double.NEGATIVE_INFINITY, Ops.min(new double[] {0, Double.NEGATIVE_INFINITY}));
    }

    @Test
    void randomVectorsAgreeWithEjml() {
      Random rnd = new Random(54);
      for (int t = 0; t < TRIALS; t++) {
        double[] x = randomVector(rnd, 1 + rnd.nextInt(TestSupport.MAX_DIM));
        double[] x0 = x.clone();
        assertEquals(CommonOps_DDRM.elementMax(ejmlColumn(x)), Ops.max(x));
        assertEquals(CommonOps_DDRM.elementMin(ejmlColumn(x)), Ops.min(x));
        assertArrayEquals(x0, x);
      }
    }

    @Test
    void theFirstExtremeEntryIsTheResult() {
      // −0.0 and 0.0 tie, so the sign of the result shows which entry was chosen.
      assertEquals(-0.0, Ops.max(new double[] {-1, -0.0, 0.0}));
      assertEquals(0.0, Ops.max(new double[] {-1, 0.0, -0.0}));
      assertEquals(-0.0, Ops.min(new double[] {1, -0.0, 0.0}));
      assertEquals(0.0, Ops.min(new double[] {1, 0.0, -0.0}));
    }

    @Test
    void nanAnywhereGivesNaN() {
      assertTrue(Double.isNaN(Ops.max(new double[] {1, Double.NaN, 5})));
      assertTrue(Double.isNaN(Ops.min(new double[] {Double.NaN, 1, -5})));
      assertTrue(Double.isNaN(Ops.max(new double[] {1, 5, Double.NaN})));
    }

    @Test
    void emptyVectorsAreRejected() {
      assertEquals("max of an empty vector", assertShapeError(() -> Ops.max(new double[0])));
      assertEquals("min of an empty vector", assertShapeError(() -> Ops.min(new double[0])));
    }

    @Test
    void rejectsNull() {
      assertNullNamed("x", () -> Ops.max(null));
      assertNullNamed("x", () -> Ops.min(null));
    }
  }
}
