package dev.matgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.function.Executable;

/** Random inputs, conversions to EJML and tolerant comparisons shared by the Ops tests. */
final class TestSupport {
  /** Relative tolerance; below magnitude 1 it acts as an absolute one (inputs are of order 1). */
  static final double TOL = 1e-12;

  /** The largest dimension of a random shape (the smallest is 0). */
  static final int MAX_DIM = 6;

  /** Random cases per test. */
  static final int TRIALS = 40;

  private TestSupport() {}

  static double[] randomVector(Random rnd, int n) {
    return randomVector(rnd, n, -3, 3);
  }

  static double[] randomVector(Random rnd, int n, double lo, double hi) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + (hi - lo) * rnd.nextDouble();
    }
    return x;
  }

  static Matrix randomMatrix(Random rnd, int rows, int cols) {
    return new Matrix(rows, cols, randomVector(rnd, rows * cols));
  }

  static Matrix randomMatrix(Random rnd, int rows, int cols, double lo, double hi) {
    return new Matrix(rows, cols, randomVector(rnd, rows * cols, lo, hi));
  }

  /** A dimension in 0..MAX_DIM, so empty shapes come up too. */
  static int dim(Random rnd) {
    return rnd.nextInt(MAX_DIM + 1);
  }

  /** A copy of M for EJML (which copies the data, so EJML cannot touch M). */
  static DMatrixRMaj ejml(Matrix M) {
    return new DMatrixRMaj(M.rows(), M.cols(), true, M.data());
  }

  /** v as an n×1 EJML column vector. */
  static DMatrixRMaj ejmlColumn(double[] v) {
    return new DMatrixRMaj(v.length, 1, true, v);
  }

  static Matrix copy(Matrix M) {
    return new Matrix(M.rows(), M.cols(), M.data().clone());
  }

  static void assertClose(double expected, double actual) {
    assertClose(expected, actual, "");
  }

  static void assertClose(double expected, double actual, String where) {
    if (Double.isNaN(expected) || Double.isInfinite(expected)) {
      assertEquals(expected, actual, where);
      return;
    }
    double tol = TOL * Math.max(1.0, Math.abs(expected));
    if (!(Math.abs(expected - actual) <= tol)) {
      fail(where + " expected " + expected + " but was " + actual + " (tolerance " + tol + ")");
    }
  }

  static void assertClose(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      assertClose(expected[i], actual[i], "entry " + i + ":");
    }
  }

  static void assertClose(DMatrixRMaj expected, Matrix actual) {
    assertEquals(expected.numRows + "×" + expected.numCols, actual.rows() + "×" + actual.cols(),
        "shape");
    for (int i = 0; i < actual.rows(); i++) {
      for (int j = 0; j < actual.cols(); j++) {
        assertClose(expected.get(i, j), actual.get(i, j), "(" + i + ", " + j + "):");
      }
    }
  }

  /** An n×1 EJML column compared with a vector. */
  static void assertClose(DMatrixRMaj expectedColumn, double[] actual) {
    assertEquals(expectedColumn.numRows + "×1", actual.length + "×" + expectedColumn.numCols,
        "shape");
    for (int i = 0; i < actual.length; i++) {
      assertClose(expectedColumn.get(i, 0), actual[i], "entry " + i + ":");
    }
  }

  /** f applied to each entry: the reference for overloads that must agree with the scalar one. */
  static double[] each(double[] x, DoubleUnaryOperator f) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = f.applyAsDouble(x[i]);
    }
    return y;
  }

  /** A result is a new array, never one of the inputs. */
  static void assertFresh(double[] result, double[]... inputs) {
    for (double[] in : inputs) {
      assertNotSame(in, result, "the result must be a new array");
    }
  }

  static void assertFresh(Matrix result, Matrix... inputs) {
    for (Matrix in : inputs) {
      assertNotSame(in, result, "the result must be a new matrix");
      assertNotSame(in.data(), result.data(), "the result must have a new backing array");
    }
  }

  /**
   * Runs {@code call}, expects an IllegalArgumentException whose message contains every fragment,
   * and returns the message.
   */
  static String assertShapeError(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f),
          () -> "message \"" + e.getMessage() + "\" should contain \"" + f + "\"");
    }
    return e.getMessage();
  }

  /** Expects a NullPointerException whose message is the parameter's name. */
  static void assertNullNamed(String name, Executable call) {
    NullPointerException e = assertThrows(NullPointerException.class, call);
    assertEquals(name, e.getMessage());
  }

  static void assertSameEntries(double[] expected, double[] actual) {
    assertArrayEquals(expected, actual, "bit-for-bit equal entries");
  }
}
