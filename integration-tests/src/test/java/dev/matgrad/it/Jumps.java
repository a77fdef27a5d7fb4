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

  /** A break after an inner loop: the outer loop's flag outlives the inner loop. */
  @Differentiable(wrt = "x")
  public static double breakAfterInnerLoop(double[] x, int stopAt) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        s += x[i] * x[j];
      }
      if (i >= stopAt) {
        break;
      }
    }
    return s;
  }

  /** A break before an inner loop. */
  @Differentiable(wrt = "x")
  public static double breakBeforeInnerLoop(double[] x, int stopAt) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      if (i > stopAt) {
        break;
      }
      for (int j = 0; j < x.length; j++) {
        s += x[i] * Math.sin(x[j]);
      }
    }
    return s;
  }

  /** Both loops break, the inner one first. */
  @Differentiable(wrt = "x")
  public static double bothBreak(double[] x, int stopAt) {
    double s = 1;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        if (j > i) {
          break;
        }
        s *= 1 + 0.5 * x[i] * x[j];
      }
      if (i >= stopAt) {
        break;
      }
    }
    return s;
  }

  /** A while loop breaking after an inner counted loop. */
  @Differentiable(wrt = "x")
  public static double whileBreaksAfterInnerLoop(double[] x, int stopAt) {
    double s = 0;
    int i = 0;
    while (i < x.length) {
      for (int j = 0; j < x.length; j++) {
        s += x[j] * x[i];
      }
      if (i >= stopAt) {
        break;
      }
      i++;
    }
    return s;
  }

  /** A break in the middle of three nested loops. */
  @Differentiable(wrt = "x")
  public static double middleBreak(double[] x, int stopAt) {
    double s = 0;
    for (int k = 0; k < 2; k++) {
      for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < x.length; j++) {
          s += x[j] * x[i] * (k + 1);
        }
        if (i >= stopAt) {
          break;
        }
      }
    }
    return s;
  }

  /** A break decided by the data, after an inner loop. */
  @Differentiable(wrt = "x")
  public static double stopsAbove(double[] x, double stop) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        s += x[i] * x[j];
      }
      if (s > stop) {
        break;
      }
    }
    return s;
  }
}
