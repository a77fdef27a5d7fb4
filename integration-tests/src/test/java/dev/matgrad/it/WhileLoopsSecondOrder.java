package dev.matgrad.it;

import dev.matgrad.Differentiable;

/** Second derivatives through while loops (hessian = true: fHvp and fHessian). */
public final class WhileLoopsSecondOrder {
  private WhileLoopsSecondOrder() {}

  /** A damped recurrence that runs until its counter passes the data's length. */
  @Differentiable(hessian = true)
  public static double recurrence(double[] x, double a) {
    double s = 0;
    int i = 0;
    while (i < x.length) {
      s = a * s + x[i] * x[i] * x[i];
      i++;
    }
    return s * s;
  }

  /** Halving until below one, then a smooth function of what is left. */
  @Differentiable(hessian = true)
  public static double halving(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * x[i];
    }
    s = s + 2.0;
    while (s >= 1.0) {
      s = 0.5 * s;
    }
    return Math.exp(s) * s;
  }
}
