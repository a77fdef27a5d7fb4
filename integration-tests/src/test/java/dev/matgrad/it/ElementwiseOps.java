package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Fixtures for the elementwise ops of API.md, every overload: one operand ({@code double},
 * {@code double[]}, {@code Matrix}) and two operands of one shape, {@code scale} and
 * {@code addToEachColumn}.
 *
 * <p>Naming, relied on by {@link ElementwiseOpsGradientTest}: {@code <op>OfDouble(x, w)} is
 * {@code w·op(x)}; {@code <op>OfVector(x, c)} is {@code ⟨c, op(x)⟩} and {@code <op>OfMatrix(X, C)} is
 * {@code sum(C ⊙ op(X))}, where the weights w, c, C are constants (not in {@code wrt}) so that every
 * entry of the op's adjoint reaches the scalar with its own random weight and a wrong adjoint cannot
 * hide. {@code <op>VectorValued} and {@code <op>MatrixValued} return the op's result itself, for the
 * VJP and Jacobian checks.
 */
public final class ElementwiseOps {
  private ElementwiseOps() {}

  // neg: neg(x)

  @Differentiable(wrt = "x")
  public static double negOfDouble(double x, double w) {
    return w * neg(x);
  }

  @Differentiable(wrt = "x")
  public static double negOfVector(double[] x, double[] c) {
    return dot(c, neg(x));
  }

  @Differentiable(wrt = "X")
  public static double negOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, neg(X)));
  }

  @Differentiable
  public static double[] negVectorValued(double[] x) {
    return neg(x);
  }

  @Differentiable
  public static Matrix negMatrixValued(Matrix X) {
    return neg(X);
  }

  // exp: exp(x)

  @Differentiable(wrt = "x")
  public static double expOfDouble(double x, double w) {
    return w * exp(x);
  }

  @Differentiable(wrt = "x")
  public static double expOfVector(double[] x, double[] c) {
    return dot(c, exp(x));
  }

  @Differentiable(wrt = "X")
  public static double expOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, exp(X)));
  }

  @Differentiable
  public static double[] expVectorValued(double[] x) {
    return exp(x);
  }

  @Differentiable
  public static Matrix expMatrixValued(Matrix X) {
    return exp(X);
  }

  // log: log(x)

  @Differentiable(wrt = "x")
  public static double logOfDouble(double x, double w) {
    return w * log(x);
  }

  @Differentiable(wrt = "x")
  public static double logOfVector(double[] x, double[] c) {
    return dot(c, log(x));
  }

  @Differentiable(wrt = "X")
  public static double logOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, log(X)));
  }

  @Differentiable
  public static double[] logVectorValued(double[] x) {
    return log(x);
  }

  @Differentiable
  public static Matrix logMatrixValued(Matrix X) {
    return log(X);
  }

  // sqrt: sqrt(x)

  @Differentiable(wrt = "x")
  public static double sqrtOfDouble(double x, double w) {
    return w * sqrt(x);
  }

  @Differentiable(wrt = "x")
  public static double sqrtOfVector(double[] x, double[] c) {
    return dot(c, sqrt(x));
  }

  @Differentiable(wrt = "X")
  public static double sqrtOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, sqrt(X)));
  }

  @Differentiable
  public static double[] sqrtVectorValued(double[] x) {
    return sqrt(x);
  }

  @Differentiable
  public static Matrix sqrtMatrixValued(Matrix X) {
    return sqrt(X);
  }

  // square: square(x)

  @Differentiable(wrt = "x")
  public static double squareOfDouble(double x, double w) {
    return w * square(x);
  }

  @Differentiable(wrt = "x")
  public static double squareOfVector(double[] x, double[] c) {
    return dot(c, square(x));
  }

  @Differentiable(wrt = "X")
  public static double squareOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, square(X)));
  }

  @Differentiable
  public static double[] squareVectorValued(double[] x) {
    return square(x);
  }

  @Differentiable
  public static Matrix squareMatrixValued(Matrix X) {
    return square(X);
  }

  // abs: abs(x)

  @Differentiable(wrt = "x")
  public static double absOfDouble(double x, double w) {
    return w * abs(x);
  }

  @Differentiable(wrt = "x")
  public static double absOfVector(double[] x, double[] c) {
    return dot(c, abs(x));
  }

  @Differentiable(wrt = "X")
  public static double absOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, abs(X)));
  }

  @Differentiable
  public static double[] absVectorValued(double[] x) {
    return abs(x);
  }

  @Differentiable
  public static Matrix absMatrixValued(Matrix X) {
    return abs(X);
  }

  // tanh: tanh(x)

  @Differentiable(wrt = "x")
  public static double tanhOfDouble(double x, double w) {
    return w * tanh(x);
  }

  @Differentiable(wrt = "x")
  public static double tanhOfVector(double[] x, double[] c) {
    return dot(c, tanh(x));
  }

  @Differentiable(wrt = "X")
  public static double tanhOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, tanh(X)));
  }

  @Differentiable
  public static double[] tanhVectorValued(double[] x) {
    return tanh(x);
  }

  @Differentiable
  public static Matrix tanhMatrixValued(Matrix X) {
    return tanh(X);
  }

  // sigmoid: sigmoid(x)

  @Differentiable(wrt = "x")
  public static double sigmoidOfDouble(double x, double w) {
    return w * sigmoid(x);
  }

  @Differentiable(wrt = "x")
  public static double sigmoidOfVector(double[] x, double[] c) {
    return dot(c, sigmoid(x));
  }

  @Differentiable(wrt = "X")
  public static double sigmoidOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, sigmoid(X)));
  }

  @Differentiable
  public static double[] sigmoidVectorValued(double[] x) {
    return sigmoid(x);
  }

  @Differentiable
  public static Matrix sigmoidMatrixValued(Matrix X) {
    return sigmoid(X);
  }

  // relu: relu(x)

  @Differentiable(wrt = "x")
  public static double reluOfDouble(double x, double w) {
    return w * relu(x);
  }

  @Differentiable(wrt = "x")
  public static double reluOfVector(double[] x, double[] c) {
    return dot(c, relu(x));
  }

  @Differentiable(wrt = "X")
  public static double reluOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, relu(X)));
  }

  @Differentiable
  public static double[] reluVectorValued(double[] x) {
    return relu(x);
  }

  @Differentiable
  public static Matrix reluMatrixValued(Matrix X) {
    return relu(X);
  }

  // softplus: softplus(x)

  @Differentiable(wrt = "x")
  public static double softplusOfDouble(double x, double w) {
    return w * softplus(x);
  }

  @Differentiable(wrt = "x")
  public static double softplusOfVector(double[] x, double[] c) {
    return dot(c, softplus(x));
  }

  @Differentiable(wrt = "X")
  public static double softplusOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, softplus(X)));
  }

  @Differentiable
  public static double[] softplusVectorValued(double[] x) {
    return softplus(x);
  }

  @Differentiable
  public static Matrix softplusMatrixValued(Matrix X) {
    return softplus(X);
  }

  // powCube: pow(x, 3.0)

  @Differentiable(wrt = "x")
  public static double powCubeOfDouble(double x, double w) {
    return w * pow(x, 3.0);
  }

  @Differentiable(wrt = "x")
  public static double powCubeOfVector(double[] x, double[] c) {
    return dot(c, pow(x, 3.0));
  }

  @Differentiable(wrt = "X")
  public static double powCubeOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, pow(X, 3.0)));
  }

  @Differentiable
  public static double[] powCubeVectorValued(double[] x) {
    return pow(x, 3.0);
  }

  @Differentiable
  public static Matrix powCubeMatrixValued(Matrix X) {
    return pow(X, 3.0);
  }

  // powFractional: pow(x, 2.5)

  @Differentiable(wrt = "x")
  public static double powFractionalOfDouble(double x, double w) {
    return w * pow(x, 2.5);
  }

  @Differentiable(wrt = "x")
  public static double powFractionalOfVector(double[] x, double[] c) {
    return dot(c, pow(x, 2.5));
  }

  @Differentiable(wrt = "X")
  public static double powFractionalOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, pow(X, 2.5)));
  }

  @Differentiable
  public static double[] powFractionalVectorValued(double[] x) {
    return pow(x, 2.5);
  }

  @Differentiable
  public static Matrix powFractionalMatrixValued(Matrix X) {
    return pow(X, 2.5);
  }

  // powNegative: pow(x, -0.5)

  @Differentiable(wrt = "x")
  public static double powNegativeOfDouble(double x, double w) {
    return w * pow(x, -0.5);
  }

  @Differentiable(wrt = "x")
  public static double powNegativeOfVector(double[] x, double[] c) {
    return dot(c, pow(x, -0.5));
  }

  @Differentiable(wrt = "X")
  public static double powNegativeOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, pow(X, -0.5)));
  }

  @Differentiable
  public static double[] powNegativeVectorValued(double[] x) {
    return pow(x, -0.5);
  }

  @Differentiable
  public static Matrix powNegativeMatrixValued(Matrix X) {
    return pow(X, -0.5);
  }

  // pow with an exponent that is a (constant) parameter rather than a literal

  @Differentiable(wrt = "x")
  public static double powWithExponentParameter(double[] x, double[] c, double p) {
    return dot(c, pow(x, p));
  }

  // add

  @Differentiable(wrt = {"x", "y"})
  public static double addOfVectors(double[] x, double[] y, double[] c) {
    return dot(c, add(x, y));
  }

  @Differentiable(wrt = {"X", "Y"})
  public static double addOfMatrices(Matrix X, Matrix Y, Matrix C) {
    return sum(mul(C, add(X, Y)));
  }

  @Differentiable
  public static double[] addVectorsValued(double[] x, double[] y) {
    return add(x, y);
  }

  @Differentiable
  public static Matrix addMatricesValued(Matrix X, Matrix Y) {
    return add(X, Y);
  }

  // sub

  @Differentiable(wrt = {"x", "y"})
  public static double subOfVectors(double[] x, double[] y, double[] c) {
    return dot(c, sub(x, y));
  }

  @Differentiable(wrt = {"X", "Y"})
  public static double subOfMatrices(Matrix X, Matrix Y, Matrix C) {
    return sum(mul(C, sub(X, Y)));
  }

  @Differentiable
  public static double[] subVectorsValued(double[] x, double[] y) {
    return sub(x, y);
  }

  @Differentiable
  public static Matrix subMatricesValued(Matrix X, Matrix Y) {
    return sub(X, Y);
  }

  // mul

  @Differentiable(wrt = {"x", "y"})
  public static double mulOfVectors(double[] x, double[] y, double[] c) {
    return dot(c, mul(x, y));
  }

  @Differentiable(wrt = {"X", "Y"})
  public static double mulOfMatrices(Matrix X, Matrix Y, Matrix C) {
    return sum(mul(C, mul(X, Y)));
  }

  @Differentiable
  public static double[] mulVectorsValued(double[] x, double[] y) {
    return mul(x, y);
  }

  @Differentiable
  public static Matrix mulMatricesValued(Matrix X, Matrix Y) {
    return mul(X, Y);
  }

  // div

  @Differentiable(wrt = {"x", "y"})
  public static double divOfVectors(double[] x, double[] y, double[] c) {
    return dot(c, div(x, y));
  }

  @Differentiable(wrt = {"X", "Y"})
  public static double divOfMatrices(Matrix X, Matrix Y, Matrix C) {
    return sum(mul(C, div(X, Y)));
  }

  @Differentiable
  public static double[] divVectorsValued(double[] x, double[] y) {
    return div(x, y);
  }

  @Differentiable
  public static Matrix divMatricesValued(Matrix X, Matrix Y) {
    return div(X, Y);
  }

  // one parameter as both operands: the two adjoint contributions must add up

  @Differentiable(wrt = "x")
  public static double mulOfVectorWithItself(double[] x, double[] c) {
    return dot(c, mul(x, x));
  }

  /** Elementwise cubes in both orders; the square X ⊙ X also has a use of its own. */
  @Differentiable(wrt = "X")
  public static Matrix cubesOfMatrix(Matrix X, Matrix C) {
    Matrix square = mul(X, X);
    return add(mul(mul(X, X), X), add(mul(C, mul(X, square)), exp(square)));
  }

  @Differentiable(wrt = "X")
  public static double divOfMatrixBySomethingOfItself(Matrix X, Matrix C) {
    return sum(mul(C, div(X, exp(X))));
  }

  @Differentiable
  public static Matrix subOfMatrixFromItsSquareValued(Matrix X) {
    return sub(mul(X, X), X);
  }

  // scale(s, X), with s differentiated too

  @Differentiable(wrt = {"s", "x"})
  public static double scaleOfVector(double s, double[] x, double[] c) {
    return dot(c, scale(s, x));
  }

  @Differentiable(wrt = {"s", "X"})
  public static double scaleOfMatrix(double s, Matrix X, Matrix C) {
    return sum(mul(C, scale(s, X)));
  }

  @Differentiable
  public static double[] scaleVectorValued(double s, double[] x) {
    return scale(s, x);
  }

  @Differentiable
  public static Matrix scaleMatrixValued(double s, Matrix X) {
    return scale(s, X);
  }

  // addToEachColumn(X, b) = X + b·1ᵀ

  @Differentiable(wrt = {"X", "b"})
  public static double addToEachColumnOf(Matrix X, double[] b, Matrix C) {
    return sum(mul(C, addToEachColumn(X, b)));
  }

  @Differentiable
  public static Matrix addToEachColumnValued(Matrix X, double[] b) {
    return addToEachColumn(X, b);
  }
}
