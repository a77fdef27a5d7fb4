package dev.matgrad;

import static dev.matgrad.TestSupport.TRIALS;
import static dev.matgrad.TestSupport.assertClose;
import static dev.matgrad.TestSupport.assertFresh;
import static dev.matgrad.TestSupport.assertNullNamed;
import static dev.matgrad.TestSupport.assertSameEntries;
import static dev.matgrad.TestSupport.assertShapeError;
import static dev.matgrad.TestSupport.copy;
import static dev.matgrad.TestSupport.dim;
import static dev.matgrad.TestSupport.ejml;
import static dev.matgrad.TestSupport.randomMatrix;
import static dev.matgrad.TestSupport.randomVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** maximum and minimum, and the scalar-broadcast overloads of the two-operand ops. */
class OpsBroadcastTest {

  private static double[] filled(int n, double value) {
    double[] y = new double[n];
    Arrays.fill(y, value);
    return y;
  }

  private static Matrix filled(int rows, int cols, double value) {
    return new Matrix(rows, cols, filled(rows * cols, value));
  }

  // ---------------------------------------------------------------------------------------------
  // maximum and minimum of two operands of one shape

  @Nested
  class MaximumAndMinimum {
    @Test
    void handExamples() {
      double[] a = {1, -2, 3, 0};
      double[] b = {0, 5, 3, -1};
      assertArrayEquals(new double[] {1, 5, 3, 0}, Ops.maximum(a, b));
      assertArrayEquals(new double[] {0, -2, 3, -1}, Ops.minimum(a, b));
      Matrix A = Matrix.of(2, 2, 1, 2, 3, 4);
      Matrix B = Matrix.of(2, 2, 4, 3, 2, 1);
      assertEquals(Matrix.of(2, 2, 4, 3, 3, 4), Ops.maximum(A, B));
      assertEquals(Matrix.of(2, 2, 1, 2, 2, 1), Ops.minimum(A, B));
    }

    @Test
    void randomOperandsAgreeWithMathMaxAndMin() {
      Random rnd = new Random(41);
      for (int t = 0; t < TRIALS; t++) {
        int m = dim(rnd);
        int n = dim(rnd);
        Matrix A = randomMatrix(rnd, m, n);
        Matrix B = randomMatrix(rnd, m, n);
        Matrix A0 = copy(A);
        Matrix B0 = copy(B);
        double[] max = new double[m * n];
        double[] min = new double[m * n];
        for (int i = 0; i < max.length; i++) {
          max[i] = Math.max(A.data()[i], B.data()[i]);
          min[i] = Math.min(A.data()[i], B.data()[i]);
        }
        Matrix Y = Ops.maximum(A, B);
        assertSameEntries(max, Y.data());
        assertSameEntries(min, Ops.minimum(A, B).data());
        assertSameEntries(max, Ops.maximum(A.data(), B.data()));
        assertSameEntries(min, Ops.minimum(A.data(), B.data()));
        assertEquals(A0, A);
        assertEquals(B0, B);
        assertFresh(Y, A, B);
      }
    }

    @Test
    void tiesGoToTheFirstOperand() {
      // Equal values are indistinguishable except for the sign of zero, which shows who won.
      double[] minusZero = {-0.0, 0.0};
      double[] plusZero = {0.0, -0.0};
      assertArrayEquals(new double[] {-0.0, 0.0}, Ops.maximum(minusZero, plusZero));
      assertArrayEquals(new double[] {0.0, -0.0}, Ops.maximum(plusZero, minusZero));
      assertArrayEquals(new double[] {-0.0, 0.0}, Ops.minimum(minusZero, plusZero));
      assertArrayEquals(new double[] {0.0, -0.0}, Ops.minimum(plusZero, minusZero));
      assertEquals(Matrix.of(1, 2, -0.0, 0.0),
          Ops.maximum(Matrix.of(1, 2, -0.0, 0.0), Matrix.of(1, 2, 0.0, -0.0)));
      assertArrayEquals(new double[] {2, 2}, Ops.maximum(new double[] {2, 2}, new double[] {2, 1}));
    }

    @Test
    void nanInEitherOperandGivesNaN() {
      double nan = Double.NaN;
      assertArrayEquals(new double[] {nan, nan, 1}, Ops.maximum(new double[] {nan, 1, 1},
          new double[] {1, nan, 0}));
      assertArrayEquals(new double[] {nan, nan, 0}, Ops.minimum(new double[] {nan, 1, 1},
          new double[] {1, nan, 0}));
      assertArrayEquals(new double[] {nan, nan}, Ops.maximum(2.0, new double[] {nan, nan}));
      assertArrayEquals(new double[] {nan}, Ops.minimum(new double[] {1}, nan));
    }

    @Test
    void infinitiesCompareAsNumbers() {
      double inf = Double.POSITIVE_INFINITY;
      assertArrayEquals(new double[] {inf, 1}, Ops.maximum(new double[] {inf, -inf},
          new double[] {1, 1}));
      assertArrayEquals(new double[] {1, -inf}, Ops.minimum(new double[] {inf, -inf},
          new double[] {1, 1}));
    }

    @Test
    void shapeMismatchesAreRejected() {
      assertEquals("maximum: a has length 2 but b has length 3",
          assertShapeError(() -> Ops.maximum(new double[2], new double[3])));
      assertEquals("minimum: a has length 2 but b has length 3",
          assertShapeError(() -> Ops.minimum(new double[2], new double[3])));
      assertShapeError(() -> Ops.maximum(Matrix.zeros(2, 3), Matrix.zeros(3, 2)), "maximum:",
          "A is 2×3", "B is 3×2");
      assertShapeError(() -> Ops.minimum(Matrix.zeros(2, 3), Matrix.zeros(2, 2)), "minimum:",
          "A is 2×3", "B is 2×2");
    }

    @Test
    void nullsAreRejectedByName() {
      assertNullNamed("a", () -> Ops.maximum(null, new double[1]));
      assertNullNamed("b", () -> Ops.minimum(new double[1], null));
      assertNullNamed("A", () -> Ops.maximum(null, Matrix.zeros(1, 1)));
      assertNullNamed("B", () -> Ops.minimum(Matrix.zeros(1, 1), null));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // A double for either operand

  /**
   * One two-operand op with its four broadcast overloads, the same-shape overloads they must
   * equal with the scalar filled in, and the scalar formula.
   */
  record Broadcast(String name, DoubleBinaryOperator formula,
      BiFunction<Double, double[], double[]> scalarVector,
      BiFunction<double[], Double, double[]> vectorScalar,
      BiFunction<Double, Matrix, Matrix> scalarMatrix,
      BiFunction<Matrix, Double, Matrix> matrixScalar,
      BinaryOperator<double[]> vectors, BinaryOperator<Matrix> matrices) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Broadcast> broadcastOps() {
    return Stream.of(
        new Broadcast("add", (p, q) -> p + q, Ops::add, Ops::add, Ops::add, Ops::add, Ops::add,
            Ops::add),
        new Broadcast("sub", (p, q) -> p - q, Ops::sub, Ops::sub, Ops::sub, Ops::sub, Ops::sub,
            Ops::sub),
        new Broadcast("mul", (p, q) -> p * q, Ops::mul, Ops::mul, Ops::mul, Ops::mul, Ops::mul,
            Ops::mul),
        new Broadcast("div", (p, q) -> p / q, Ops::div, Ops::div, Ops::div, Ops::div, Ops::div,
            Ops::div),
        new Broadcast("maximum", Math::max, Ops::maximum, Ops::maximum, Ops::maximum,
            Ops::maximum, Ops::maximum, Ops::maximum),
        new Broadcast("minimum", Math::min, Ops::minimum, Ops::minimum, Ops::minimum,
            Ops::minimum, Ops::minimum, Ops::minimum));
  }

  @Nested
  class ScalarBroadcast {
    @Test
    void handExamples() {
      double[] x = {1, 2, 4};
      assertArrayEquals(new double[] {11, 12, 14}, Ops.add(10, x));
      assertArrayEquals(new double[] {11, 12, 14}, Ops.add(x, 10));
      assertArrayEquals(new double[] {9, 8, 6}, Ops.sub(10, x));
      assertArrayEquals(new double[] {-9, -8, -6}, Ops.sub(x, 10));
      assertArrayEquals(new double[] {3, 6, 12}, Ops.mul(3, x));
      assertArrayEquals(new double[] {1, 0.5, 0.25}, Ops.div(1.0, x));
      assertArrayEquals(new double[] {0.5, 1, 2}, Ops.div(x, 2));
      assertArrayEquals(new double[] {2, 2, 4}, Ops.maximum(2, x));
      assertArrayEquals(new double[] {1, 2, 2}, Ops.minimum(x, 2));
      Matrix X = Matrix.of(2, 2, 1, -1, 2, -2);
      assertEquals(Matrix.of(2, 2, 1, 0, 2, 0), Ops.maximum(X, 0.0));
      assertEquals(Matrix.of(2, 2, 0, -1, 0, -2), Ops.minimum(0.0, X));
      assertEquals(Matrix.of(2, 2, 2, 0, 3, -1), Ops.add(X, 1));
      assertEquals(Matrix.of(2, 2, 2, -2, 1, -1), Ops.div(2, X));
    }

    @Test
    void centringWithTheMean() {
      // The layer-norm step that motivated broadcasting: x − mean(x) has mean 0.
      double[] x = {3, 7, -1, 5};
      double[] centred = Ops.sub(x, Ops.mean(x));
      assertArrayEquals(new double[] {-0.5, 3.5, -4.5, 1.5}, centred);
      assertEquals(0.0, Ops.sum(centred));
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsBroadcastTest#broadcastOps")
    void equalsTheSameShapeOpWithTheScalarFilledIn(Broadcast op) {
      Random rnd = new Random(op.name().hashCode());
      for (int t = 0; t < TRIALS; t++) {
        int m = dim(rnd);
        int n = dim(rnd);
        double s = randomVector(rnd, 1)[0];
        Matrix X = randomMatrix(rnd, m, n);
        Matrix X0 = copy(X);
        double[] x = X.data();
        assertSameEntries(op.vectors().apply(filled(x.length, s), x),
            op.scalarVector().apply(s, x));
        assertSameEntries(op.vectors().apply(x, filled(x.length, s)),
            op.vectorScalar().apply(x, s));
        Matrix left = op.scalarMatrix().apply(s, X);
        Matrix right = op.matrixScalar().apply(X, s);
        assertEquals(op.matrices().apply(filled(m, n, s), X), left);
        assertEquals(op.matrices().apply(X, filled(m, n, s)), right);
        assertEquals(X0, X);
        assertFresh(left, X);
        assertFresh(right, X);
        assertFresh(op.vectorScalar().apply(x, s), x);
      }
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsBroadcastTest#broadcastOps")
    void isTheScalarFormulaPerEntry(Broadcast op) {
      double[] x = {-2.5, -0.0, 0.0, 1, 3.25, 1e300};
      double s = 1.5;
      double[] left = new double[x.length];
      double[] right = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        left[i] = op.formula().applyAsDouble(s, x[i]);
        right[i] = op.formula().applyAsDouble(x[i], s);
      }
      assertSameEntries(left, op.scalarVector().apply(s, x));
      assertSameEntries(right, op.vectorScalar().apply(x, s));
    }

    @Test
    void agreesWithEjmlsScalarOps() {
      Random rnd = new Random(42);
      for (int t = 0; t < TRIALS; t++) {
        Matrix X = randomMatrix(rnd, dim(rnd), dim(rnd));
        double s = randomVector(rnd, 1)[0];
        DMatrixRMaj out = new DMatrixRMaj(X.rows(), X.cols());
        CommonOps_DDRM.add(ejml(X), s, out);
        assertClose(out, Ops.add(X, s));
        CommonOps_DDRM.subtract(s, ejml(X), out);
        assertClose(out, Ops.sub(s, X));
        CommonOps_DDRM.subtract(ejml(X), s, out);
        assertClose(out, Ops.sub(X, s));
        CommonOps_DDRM.scale(s, ejml(X), out);
        assertClose(out, Ops.mul(s, X));
        CommonOps_DDRM.divide(ejml(X), s, out);
        assertClose(out, Ops.div(X, s));
      }
    }

    @Test
    void tiesGoToTheFirstOperandAlsoWhenItIsTheScalar() {
      assertArrayEquals(new double[] {-0.0, 1}, Ops.maximum(-0.0, new double[] {0.0, 1}));
      assertArrayEquals(new double[] {0.0}, Ops.maximum(new double[] {0.0}, -0.0));
      assertArrayEquals(new double[] {-0.0}, Ops.maximum(new double[] {-0.0}, 0.0));
      assertArrayEquals(new double[] {-0.0, -1}, Ops.minimum(-0.0, new double[] {0.0, -1}));
      assertEquals(Matrix.of(1, 1, -0.0), Ops.maximum(Matrix.of(1, 1, -0.0), 0.0));
      assertEquals(Matrix.of(1, 1, 0.0), Ops.minimum(0.0, Matrix.of(1, 1, -0.0)));
    }

    @Test
    void divisionByZeroFollowsIeee() {
      double inf = Double.POSITIVE_INFINITY;
      assertArrayEquals(new double[] {inf, -inf, Double.NaN},
          Ops.div(new double[] {1, -1, 0}, 0.0));
      assertArrayEquals(new double[] {inf, -inf}, Ops.div(1.0, new double[] {0.0, -0.0}));
    }

    @Test
    void emptyOperandsGiveEmptyResults() {
      assertArrayEquals(new double[0], Ops.add(1.0, new double[0]));
      assertEquals(Matrix.zeros(0, 3), Ops.mul(Matrix.zeros(0, 3), 2.0));
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsBroadcastTest#broadcastOps")
    void nullsAreRejectedByName(Broadcast op) {
      assertNullNamed("b", () -> op.scalarVector().apply(1.0, null));
      assertNullNamed("a", () -> op.vectorScalar().apply(null, 1.0));
      assertNullNamed("B", () -> op.scalarMatrix().apply(1.0, null));
      assertNullNamed("A", () -> op.matrixScalar().apply(null, 1.0));
    }
  }
}
