package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Fixtures for {@code softmax} and {@code logSoftmax} on a vector and on each column of a matrix,
 * weighted by constants (c, C) and returned as they are (for the full, non-diagonal Jacobian).
 */
public final class SoftmaxOps {
  private SoftmaxOps() {}

  @Differentiable(wrt = "x")
  public static double softmaxOfVector(double[] x, double[] c) {
    return dot(c, softmax(x));
  }

  @Differentiable(wrt = "x")
  public static double logSoftmaxOfVector(double[] x, double[] c) {
    return dot(c, logSoftmax(x));
  }

  @Differentiable(wrt = "X")
  public static double softmaxOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, softmax(X)));
  }

  @Differentiable(wrt = "X")
  public static double logSoftmaxOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, logSoftmax(X)));
  }

  @Differentiable
  public static double[] softmaxVectorValued(double[] x) {
    return softmax(x);
  }

  @Differentiable
  public static double[] logSoftmaxVectorValued(double[] x) {
    return logSoftmax(x);
  }

  @Differentiable
  public static Matrix softmaxMatrixValued(Matrix X) {
    return softmax(X);
  }

  @Differentiable
  public static Matrix logSoftmaxMatrixValued(Matrix X) {
    return logSoftmax(X);
  }
}
