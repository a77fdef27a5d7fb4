package dev.matgrad.it;

import dev.matgrad.Differentiable;

/**
 * Fixtures for plain double arithmetic: + − * /, unary minus, literals (double and int), int
 * parameters used as numbers, the {@code Math} functions of API.md, typed and {@code var} locals,
 * locals used several times, and {@code wrt} subsets of scalar parameters.
 */
public final class ScalarArithmetic {
  private ScalarArithmetic() {}

  @Differentiable
  public static double polynomial(double x, double y) {
    return 3.0 * x * x * y - 2.0 * y + x / y - 0.5;
  }

  @Differentiable
  public static double unaryMinus(double x, double y) {
    return -x * y + -(x - y) * -y - -x;
  }

  /** Integer literals in double arithmetic. */
  @Differentiable
  public static double intLiterals(double x) {
    return 2 * x * x + 1 - x / 4;
  }

  @Differentiable
  public static double quotient(double x, double y) {
    return (x - y) / (x * x + y * y + 1.0);
  }

  @Differentiable
  public static double mathExp(double x) {
    return Math.exp(x);
  }

  @Differentiable
  public static double mathLog(double x) {
    return Math.log(x);
  }

  @Differentiable
  public static double mathSqrt(double x) {
    return Math.sqrt(x);
  }

  @Differentiable
  public static double mathPowLiteralExponents(double x) {
    return Math.pow(x, 3.0) + Math.pow(x, 0.5) - Math.pow(x, -2.0);
  }

  /** Math.pow with a differentiated exponent: ∂/∂y x^y = x^y ln x (x > 0). */
  @Differentiable
  public static double mathPowVariableExponent(double x, double y) {
    return Math.pow(x, y);
  }

  @Differentiable
  public static double mathAbs(double x) {
    return Math.abs(x);
  }

  @Differentiable
  public static double mathTanh(double x) {
    return Math.tanh(x);
  }

  @Differentiable
  public static double mathSin(double x) {
    return Math.sin(x);
  }

  @Differentiable
  public static double mathCos(double x) {
    return Math.cos(x);
  }

  /** Math functions nested in each other and mixed with arithmetic. */
  @Differentiable
  public static double mathComposition(double x, double y) {
    return Math.exp(Math.sin(x) * y) + Math.log(1.0 + x * x) * Math.cos(y)
        - Math.sqrt(Math.abs(x - y) + 1.0) + Math.tanh(x * y) * Math.pow(y * y + 1.0, 1.5);
  }

  @Differentiable
  public static double typedLocals(double x, double y) {
    double a = x * y;
    double b = Math.exp(-a);
    double c = a + b;
    return c * c / y;
  }

  @Differentiable
  public static double varLocals(double x, double y) {
    var a = x * y;
    var b = Math.sin(a);
    var c = a * b - y;
    return c;
  }

  /** One local feeding several expressions. */
  @Differentiable
  public static double fanOut(double x, double y) {
    double t = Math.tanh(x * y);
    double u = t * t;
    return u * t + t / (1.0 + y * y) + t + u;
  }

  @Differentiable
  public static double parameterUsedManyTimes(double x) {
    return x * x * x + x / (x * x + 1.0) - x;
  }

  /** int parameters are never differentiated; used as numbers in double arithmetic. */
  @Differentiable
  public static double intParameterAsNumber(double x, int n) {
    return x * n + 1.0 / n * x * x;
  }

  /** A parameter that the result does not depend on: its gradient must be written as 0. */
  @Differentiable
  @SuppressWarnings("matgrad:zero-gradient")
  public static double unusedParameter(double x, double y) {
    return x * x;
  }

  @Differentiable(wrt = "y")
  public static double wrtSubsetOfScalars(double x, double y, double z) {
    return x * y * y + z * Math.exp(y);
  }

  @Differentiable(wrt = {"x", "z"})
  public static double wrtFirstAndLast(double x, double y, double z) {
    return x * y * z + Math.sin(x) * y - z * z;
  }

  /**
   * Cubes written in each order, one through a local square that has another use: a cube's
   * adjoint goes to its base directly, the square's other uses keep theirs.
   */
  @Differentiable
  public static double cubes(double x, double y) {
    double y2 = y * y;
    return x * x * x + 0.5 * (y * y) * y - y * (y * y) + y2 * y - Math.sin(y2);
  }
}
