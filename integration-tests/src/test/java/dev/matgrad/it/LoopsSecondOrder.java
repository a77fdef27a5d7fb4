package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** Second derivatives (hessian = true) through loops, branches, local arrays and break. */
public final class LoopsSecondOrder {
  private LoopsSecondOrder() {}

  @Differentiable(hessian = true)
  public static double rosen(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length - 1; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      s += 100 * a * a + b * b;
    }
    return s;
  }

  @Differentiable(hessian = true)
  public static double product(double[] x) {
    double p = 1;
    for (int i = 0; i < x.length; i++) {
      p *= x[i];
    }
    return p;
  }

  @Differentiable(hessian = true)
  public static double rnn(Matrix W, Matrix X, double[] h0) {
    double[] h = h0;
    for (int t = 0; t < X.cols(); t++) {
      h = tanh(add(matmul(W, h), col(X, t)));
    }
    return sumSq(h);
  }

  @Differentiable(hessian = true)
  public static double recurrence(double[] x, double a) {
    double[] y = new double[x.length];
    y[0] = x[0];
    for (int i = 1; i < x.length; i++) {
      y[i] = a * y[i - 1] + x[i] * x[i];
    }
    return sumSq(y);
  }

  @Differentiable(hessian = true)
  public static double jumps(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] < -0.8) {
        break;
      }
      if (x[i] > 1.2) {
        continue;
      }
      s += Math.exp(x[i]) * x[(i + 1) % x.length];
    }
    return s;
  }
}
