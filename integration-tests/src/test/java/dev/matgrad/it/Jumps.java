package dev.matgrad.it;

import dev.matgrad.Differentiable;

/** break and continue in counted loops. */
public final class Jumps {
  private Jumps() {}

  /** The sum of x up to (not including) the first entry below -0.5. */
  @Differentiable
  public static double untilNegative(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] < -0.5) {
        break;
      }
      s += x[i] * x[i];
    }
    return s;
  }

  /** Positive entries only, continue for the others; a counter. */
  @Differentiable
  public static double positives(double[] x) {
    double s = 0;
    int n = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] <= 0) {
        continue;
      }
      s += Math.log(1 + x[i]);
      n += 1;
    }
    return s * (n + 1);
  }

  /** Break in an inner loop, continue in the outer. */
  @Differentiable
  public static double nested(double[] x) {
    double e = 0;
    for (int i = 0; i < x.length; i++) {
      if (i % 2 == 1) {
        continue;
      }
      double t = 0;
      for (int j = 0; j < x.length; j++) {
        t += x[i] * x[j];
        if (t > 1.5) {
          break;
        }
      }
      e += t;
    }
    return e;
  }
}
