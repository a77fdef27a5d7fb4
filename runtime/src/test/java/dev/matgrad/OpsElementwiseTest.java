package dev.matgrad;

import static dev.matgrad.TestSupport.TRIALS;
import static dev.matgrad.TestSupport.assertClose;
import static dev.matgrad.TestSupport.assertFresh;
import static dev.matgrad.TestSupport.assertNullNamed;
import static dev.matgrad.TestSupport.assertSameEntries;
import static dev.matgrad.TestSupport.assertShapeError;
import static dev.matgrad.TestSupport.copy;
import static dev.matgrad.TestSupport.dim;
import static dev.matgrad.TestSupport.each;
import static dev.matgrad.TestSupport.ejml;
import static dev.matgrad.TestSupport.ejmlColumn;
import static dev.matgrad.TestSupport.randomMatrix;
import static dev.matgrad.TestSupport.randomVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.ops.DOperatorUnary;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpsElementwiseTest {

  // ---------------------------------------------------------------------------------------------
  // Two operands of one shape

  /** add, sub, mul or div: its two overloads and the EJML reference (output preallocated). */
  record Binary(String name, BinaryOperator<double[]> vector, BinaryOperator<Matrix> matrix,
      EjmlBinary reference) {
    @Override
    public String toString() {
      return name;
    }
  }

  interface EjmlBinary {
    void apply(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj out);
  }

  static Stream<Binary> binaryOps() {
    return Stream.of(
        new Binary("add", Ops::add, Ops::add, CommonOps_DDRM::add),
        new Binary("sub", Ops::sub, Ops::sub, CommonOps_DDRM::subtract),
        new Binary("mul", Ops::mul, Ops::mul, CommonOps_DDRM::elementMult),
        new Binary("div", Ops::div, Ops::div, CommonOps_DDRM::elementDiv));
  }

  @Nested
  class TwoOperands {
    @Test
    void handExamples() {
      double[] a = {1, 2, 3};
      double[] b = {4, -5, 0.5};
      assertArrayEquals(new double[] {5, -3, 3.5}, Ops.add(a, b));
      assertArrayEquals(new double[] {-3, 7, 2.5}, Ops.sub(a, b));
      assertArrayEquals(new double[] {4, -10, 1.5}, Ops.mul(a, b));
      assertArrayEquals(new double[] {0.25, -0.4, 6}, Ops.div(a, b));
      Matrix A = Matrix.of(2, 2, 1, 2, 3, 4);
      Matrix B = Matrix.of(2, 2, 2, 2, -1, 8);
      assertEquals(Matrix.of(2, 2, 3, 4, 2, 12), Ops.add(A, B));
      assertEquals(Matrix.of(2, 2, -1, 0, 4, -4), Ops.sub(A, B));
      assertEquals(Matrix.of(2, 2, 2, 4, -3, 32), Ops.mul(A, B));
      assertEquals(Matrix.of(2, 2, 0.5, 1, -3, 0.5), Ops.div(A, B));
    }

    @Test
    void divisionByZeroFollowsIeee() {
      assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN},
          Ops.div(new double[] {1, -1, 0}, new double[] {0, 0, 0}));
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsElementwiseTest#binaryOps")
    void randomVectorsAgreeWithEjml(Binary op) {
      Random rnd = new Random(op.name().hashCode());
      for (int t = 0; t < TRIALS; t++) {
        int n = dim(rnd);
        double[] a = randomVector(rnd, n);
        double[] b = randomVector(rnd, n);
        double[] a0 = a.clone();
        double[] b0 = b.clone();
        double[] y = op.vector().apply(a, b);
        DMatrixRMaj expected = new DMatrixRMaj(n, 1);
        op.reference().apply(ejmlColumn(a), ejmlColumn(b), expected);
        assertClose(expected, y);
        assertArrayEquals(a0, a);
        assertArrayEquals(b0, b);
        assertFresh(y, a, b);
      }
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsElementwiseTest#binaryOps")
    void randomMatricesAgreeWithEjml(Binary op) {
      Random rnd = new Random(op.name().hashCode() + 1);
      for (int t = 0; t < TRIALS; t++) {
        int m = dim(rnd);
        int n = dim(rnd);
        Matrix A = randomMatrix(rnd, m, n);
        Matrix B = randomMatrix(rnd, m, n);
        Matrix A0 = copy(A);
        Matrix B0 = copy(B);
        Matrix Y = op.matrix().apply(A, B);
        DMatrixRMaj expected = new DMatrixRMaj(m, n);
        op.reference().apply(ejml(A), ejml(B), expected);
        assertClose(expected, Y);
        assertSameEntries(op.vector().apply(A.data(), B.data()), Y.data());
        assertEquals(A0, A);
        assertEquals(B0, B);
        assertFresh(Y, A, B);
      }
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsElementwiseTest#binaryOps")
    void vectorLengthMismatchIsRejected(Binary op) {
      double[] a = {1, 2, 3};
      double[] b = {1, 2, 3, 4};
      String msg = assertShapeError(() -> op.vector().apply(a, b), op.name() + ":",
          "a has length 3", "b has length 4");
      assertEquals(op.name() + ": a has length 3 but b has length 4", msg);
      assertArrayEquals(new double[] {1, 2, 3}, a);
      assertArrayEquals(new double[] {1, 2, 3, 4}, b);
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsElementwiseTest#binaryOps")
    void matrixShapeMismatchIsRejected(Binary op) {
      // Same number of entries, other shape: a flat comparison would wrongly accept it.
      Matrix A = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      Matrix B = Matrix.of(3, 2, 1, 2, 3, 4, 5, 6);
      assertShapeError(() -> op.matrix().apply(A, B), op.name() + ":", "A is 2×3", "B is 3×2");
      assertShapeError(() -> op.matrix().apply(A, Matrix.zeros(2, 4)), "A is 2×3", "B is 2×4");
      assertEquals(Matrix.of(2, 3, 1, 2, 3, 4, 5, 6), A);
      assertEquals(Matrix.of(3, 2, 1, 2, 3, 4, 5, 6), B);
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsElementwiseTest#binaryOps")
    void nullsAreRejectedByName(Binary op) {
      assertNullNamed("a", () -> op.vector().apply(null, new double[1]));
      assertNullNamed("b", () -> op.vector().apply(new double[1], null));
      assertNullNamed("A", () -> op.matrix().apply(null, Matrix.zeros(1, 1)));
      assertNullNamed("B", () -> op.matrix().apply(Matrix.zeros(1, 1), null));
    }
  }

  @Nested
  class Scale {
    @Test
    void handExample() {
      assertArrayEquals(new double[] {-2, -0.0, 3}, Ops.scale(-2, new double[] {1, 0, -1.5}));
      assertEquals(Matrix.of(1, 2, 0.5, 1), Ops.scale(0.5, Matrix.of(1, 2, 1, 2)));
    }

    @Test
    void randomShapesAgreeWithEjml() {
      Random rnd = new Random(21);
      for (int t = 0; t < TRIALS; t++) {
        double s = randomVector(rnd, 1)[0];
        Matrix X = randomMatrix(rnd, dim(rnd), dim(rnd));
        Matrix X0 = copy(X);
        DMatrixRMaj expected = new DMatrixRMaj(X.rows(), X.cols());
        CommonOps_DDRM.scale(s, ejml(X), expected);
        Matrix Y = Ops.scale(s, X);
        assertClose(expected, Y);
        double[] y = Ops.scale(s, X.data());
        assertClose(expected.getData(), y);
        assertEquals(X0, X);
        assertFresh(Y, X);
        assertFresh(y, X.data());
      }
    }

    @Test
    void rejectsNull() {
      assertNullNamed("x", () -> Ops.scale(2, (double[]) null));
      assertNullNamed("X", () -> Ops.scale(2, (Matrix) null));
    }
  }

  @Nested
  class AddToEachColumn {
    @Test
    void handExample() {
      Matrix X = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      assertEquals(Matrix.of(2, 3, 11, 12, 13, 24, 25, 26),
          Ops.addToEachColumn(X, new double[] {10, 20}));
    }

    @Test
    void randomShapesAgreeWithEjmlXPlusBTimesOnesTransposed() {
      Random rnd = new Random(22);
      for (int t = 0; t < TRIALS; t++) {
        int m = dim(rnd);
        int n = dim(rnd);
        Matrix X = randomMatrix(rnd, m, n);
        double[] b = randomVector(rnd, m);
        Matrix X0 = copy(X);
        double[] b0 = b.clone();
        DMatrixRMaj ones = new DMatrixRMaj(1, n);
        ones.fill(1.0);
        DMatrixRMaj expected = ejml(X);
        CommonOps_DDRM.multAdd(ejmlColumn(b), ones, expected);
        Matrix Y = Ops.addToEachColumn(X, b);
        assertClose(expected, Y);
        assertEquals(X0, X);
        assertArrayEquals(b0, b);
        assertFresh(Y, X);
        assertFresh(Y.data(), b);
      }
    }

    @Test
    void rejectsBOfTheWrongLength() {
      Matrix X = Matrix.zeros(3, 4);
      double[] b = {1, 2, 3, 4, 5};
      String msg = assertShapeError(() -> Ops.addToEachColumn(X, b), "X is 3×4", "b has length 5");
      assertEquals(
          "addToEachColumn: X is 3×4 but b has length 5; b needs length X.rows() = 3", msg);
      // b of length cols (the transposed mistake) is rejected too.
      assertShapeError(() -> Ops.addToEachColumn(X, new double[4]), "b has length 4");
      assertEquals(Matrix.zeros(3, 4), X);
      assertArrayEquals(new double[] {1, 2, 3, 4, 5}, b);
    }

    @Test
    void rejectsNull() {
      assertNullNamed("X", () -> Ops.addToEachColumn(null, new double[1]));
      assertNullNamed("b", () -> Ops.addToEachColumn(Matrix.zeros(1, 1), null));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One operand

  /**
   * A one-operand function: its three overloads, an independent reference evaluated through EJML,
   * and the interval random inputs are drawn from.
   */
  record Unary(String name, DoubleUnaryOperator scalar, UnaryOperator<double[]> vector,
      UnaryOperator<Matrix> matrix, UnaryOperator<DMatrixRMaj> reference, double lo, double hi) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static UnaryOperator<DMatrixRMaj> entrywise(DOperatorUnary f) {
    return X -> CommonOps_DDRM.apply(X, f, new DMatrixRMaj(X.numRows, X.numCols));
  }

  private static Unary pow(double p, double lo, double hi) {
    return new Unary("pow " + p, x -> Ops.pow(x, p), x -> Ops.pow(x, p), X -> Ops.pow(X, p),
        X -> CommonOps_DDRM.elementPower(X, p, new DMatrixRMaj(X.numRows, X.numCols)), lo, hi);
  }

  static Stream<Unary> unaryOps() {
    return Stream.of(
        new Unary("neg", Ops::neg, Ops::neg, Ops::neg,
            X -> CommonOps_DDRM.changeSign(X, new DMatrixRMaj(X.numRows, X.numCols)), -3, 3),
        new Unary("exp", Ops::exp, Ops::exp, Ops::exp,
            X -> CommonOps_DDRM.elementExp(X, new DMatrixRMaj(X.numRows, X.numCols)), -3, 3),
        new Unary("log", Ops::log, Ops::log, Ops::log,
            X -> CommonOps_DDRM.elementLog(X, new DMatrixRMaj(X.numRows, X.numCols)), 0.01, 5),
        new Unary("sqrt", Ops::sqrt, Ops::sqrt, Ops::sqrt,
            X -> CommonOps_DDRM.elementPower(X, 0.5, new DMatrixRMaj(X.numRows, X.numCols)),
            0, 5),
        new Unary("square", Ops::square, Ops::square, Ops::square,
            X -> CommonOps_DDRM.elementMult(X, X, new DMatrixRMaj(X.numRows, X.numCols)), -3, 3),
        new Unary("abs", Ops::abs, Ops::abs, Ops::abs, X -> {
          DMatrixRMaj out = new DMatrixRMaj(X.numRows, X.numCols);
          CommonOps_DDRM.abs(X, out);
          return out;
        }, -3, 3),
        new Unary("tanh", Ops::tanh, Ops::tanh, Ops::tanh,
            entrywise(x -> Math.sinh(x) / Math.cosh(x)), -3, 3),
        new Unary("sigmoid", Ops::sigmoid, Ops::sigmoid, Ops::sigmoid,
            entrywise(x -> 1 / (1 + Math.exp(-x))), -3, 3),
        new Unary("relu", Ops::relu, Ops::relu, Ops::relu, entrywise(x -> Math.max(x, 0)), -3, 3),
        new Unary("softplus", Ops::softplus, Ops::softplus, Ops::softplus,
            entrywise(x -> Math.log(1 + Math.exp(x))), -3, 3),
        pow(3, -3, 3),
        pow(2.5, 0, 3),
        pow(-1.5, 0.1, 3));
  }

  @Nested
  class OneOperand {
    @Test
    void scalarHandValues() {
      assertEquals(-2.0, Ops.neg(2.0));
      assertEquals(1.0, Ops.exp(0.0));
      assertEquals(Math.E, Ops.exp(1.0));
      assertEquals(1.0, Ops.log(Math.E));
      assertEquals(Double.NEGATIVE_INFINITY, Ops.log(0.0));
      assertEquals(3.0, Ops.sqrt(9.0));
      assertEquals(9.0, Ops.square(-3.0));
      assertEquals(2.5, Ops.abs(-2.5));
      assertEquals(0.0, Ops.tanh(0.0));
      assertEquals(1.0, Ops.tanh(800.0));
      assertEquals(0.5, Ops.sigmoid(0.0));
      assertEquals(0.0, Ops.relu(-1.0));
      assertEquals(2.0, Ops.relu(2.0));
      assertEquals(Math.log(2), Ops.softplus(0.0));
      assertEquals(1024.0, Ops.pow(2.0, 10));
      assertEquals(0.5, Ops.pow(4.0, -0.5));
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsElementwiseTest#unaryOps")
    void vectorOverloadAgreesWithEjmlAndIsTheScalarFormulaPerEntry(Unary op) {
      Random rnd = new Random(op.name().hashCode());
      for (int t = 0; t < TRIALS; t++) {
        double[] x = randomVector(rnd, dim(rnd), op.lo(), op.hi());
        double[] x0 = x.clone();
        double[] y = op.vector().apply(x);
        assertClose(op.reference().apply(ejmlColumn(x)), y);
        assertSameEntries(each(x, op.scalar()), y);
        assertArrayEquals(x0, x);
        assertFresh(y, x);
      }
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsElementwiseTest#unaryOps")
    void matrixOverloadAgreesWithEjmlAndKeepsTheShape(Unary op) {
      Random rnd = new Random(op.name().hashCode() + 1);
      for (int t = 0; t < TRIALS; t++) {
        Matrix X = randomMatrix(rnd, dim(rnd), dim(rnd), op.lo(), op.hi());
        Matrix X0 = copy(X);
        Matrix Y = op.matrix().apply(X);
        assertClose(op.reference().apply(ejml(X)), Y);
        assertSameEntries(each(X.data(), op.scalar()), Y.data());
        assertEquals(X0, X);
        assertFresh(Y, X);
      }
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsElementwiseTest#unaryOps")
    void nullsAreRejectedByName(Unary op) {
      assertNullNamed("x", () -> op.vector().apply(null));
      assertNullNamed("X", () -> op.matrix().apply(null));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-800, -720, -40, -13.7, -2.5, -1, -0.3, -0.0, 0.0, 1e-300, 0.3, 1, 2.5,
        13.7, 40, 800, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN})
    void sigmoidSoftplusAndReluAreExactlyTheDocumentedFormulas(double x) {
      // Generated gradient code evaluates these same expressions; forward values must match bits.
      double sigmoid = x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
      assertEquals(sigmoid, Ops.sigmoid(x));
      assertEquals(Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x))), Ops.softplus(x));
      assertEquals(x > 0 ? x : 0.0, Ops.relu(x));
    }

    @Test
    void sigmoidIsFiniteAndSaturatesAtPlusMinus800() {
      assertEquals(1.0, Ops.sigmoid(800));
      assertEquals(0.0, Ops.sigmoid(-800));
      assertArrayEquals(new double[] {0.0, 0.5, 1.0}, Ops.sigmoid(new double[] {-800, 0, 800}));
      assertEquals(Matrix.of(1, 2, 0.0, 1.0), Ops.sigmoid(Matrix.of(1, 2, -800, 800)));
    }

    @Test
    void sigmoidIsAccurateInTheLeftTail() {
      assertEquals(Math.exp(-40), Ops.sigmoid(-40), 1e-15 * Math.exp(-40));
      // exp(720) overflows, so the naive 1 / (1 + exp(-x)) would give 0 here.
      assertEquals(Math.exp(-720), Ops.sigmoid(-720));
      assertTrue(Ops.sigmoid(-720) > 0);
      for (double x = -5; x <= 5; x += 0.25) {
        assertClose(1.0, Ops.sigmoid(x) + Ops.sigmoid(-x));
      }
    }

    @Test
    void softplusIsFiniteAndAccurateAtTheExtremes() {
      assertEquals(800.0, Ops.softplus(800));
      assertEquals(0.0, Ops.softplus(-800));
      // ln(1 + e^−30) = e^−30 − e^−60/2 + …; the naive log(1 + exp(x)) would lose all digits.
      assertEquals(Math.exp(-30), Ops.softplus(-30), 1e-12 * Math.exp(-30));
      assertArrayEquals(new double[] {0.0, 800.0}, Ops.softplus(new double[] {-800, 800}));
      assertEquals(Matrix.of(2, 1, 0.0, 800.0), Ops.softplus(Matrix.of(2, 1, -800, 800)));
    }

    @Test
    void reluAndAbsGivePositiveZeroAtZero() {
      assertEquals(0.0, Ops.relu(-0.0), "relu(-0.0) is +0.0");
      assertEquals(0.0, Ops.abs(-0.0), "abs(-0.0) is +0.0");
      assertEquals(-0.0, Ops.neg(0.0));
    }

    @Test
    void outOfDomainInputsFollowMath() {
      assertEquals(Double.NaN, Ops.log(-1.0));
      assertEquals(Double.NaN, Ops.sqrt(-1.0));
      assertEquals(Double.NaN, Ops.pow(-8.0, 1.0 / 3));
      assertEquals(-8.0, Ops.pow(-2.0, 3));
    }
  }
}
