package dev.matgrad.it;

import dev.matgrad.CustomVjp;
import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Methods matgrad cannot read (loops, library-style Java) made differentiable through a
 * {@code @CustomVjp} rule.
 */
public final class CustomRules {
  private CustomRules() {}

  /** Σ log cosh(x_i), computed with a loop; its gradient is tanh(x). */
  @Differentiable
  @CustomVjp("logCoshGradient")
  public static double logCosh(double[] x) {
    double s = 0;
    for (double v : x) {
      s += Math.log(Math.cosh(v));
    }
    return s;
  }

  static void logCoshGradient(double[] x, double gradOut, double[] grad_x) {
    for (int i = 0; i < x.length; i++) {
      grad_x[i] = gradOut * Math.tanh(x[i]);
    }
  }

  /** A smooth clip c·tanh(x/c), entry by entry; wrt x only (c is a constant). */
  @Differentiable(wrt = "x")
  @CustomVjp("softClipGradient")
  public static double[] softClip(double[] x, double c) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = c * Math.tanh(x[i] / c);
    }
    return y;
  }

  static void softClipGradient(double[] x, double c, double[] gradOut, double[] grad_x) {
    for (int i = 0; i < x.length; i++) {
      double t = Math.tanh(x[i] / c);
      grad_x[i] = gradOut[i] * (1 - t * t);
    }
  }

  /** The row sums of A scaled by s: a matrix and a scalar parameter. */
  @Differentiable
  @CustomVjp("scaledRowSumsGradient")
  public static double[] scaledRowSums(Matrix A, double s) {
    double[] y = new double[A.rows()];
    for (int i = 0; i < A.rows(); i++) {
      for (int j = 0; j < A.cols(); j++) {
        y[i] += s * A.get(i, j);
      }
    }
    return y;
  }

  static void scaledRowSumsGradient(Matrix A, double s, double[] gradOut, double[] grad_A,
      double[] grad_s) {
    grad_s[0] = 0;
    for (int i = 0; i < A.rows(); i++) {
      double rowSum = 0;
      for (int j = 0; j < A.cols(); j++) {
        grad_A[i * A.cols() + j] = s * gradOut[i];
        rowSum += A.get(i, j);
      }
      grad_s[0] += gradOut[i] * rowSum;
    }
  }
}
