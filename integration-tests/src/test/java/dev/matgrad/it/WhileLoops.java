package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** while loops: the number of iterations is known only as they run (and recorded for the adjoint). */
public final class WhileLoops {
  private WhileLoops() {}

  /** Halves s until it is below 1: the derivative is 2^-k for the k halvings that ran. */
  @Differentiable
  public static double halveBelowOne(double x) {
    double s = x * x + 0.5;
    while (s >= 1.0) {
      s = 0.5 * s;
    }
    return s;
  }

  /** Newton's iteration for sqrt(a) until the step is tiny (a counted guard against a hang). */
  @Differentiable
  public static double newtonSqrt(double a) {
    double y = 1.0 + a;
    double step = 1.0;
    int iterations = 0;
    while (Math.abs(step) > 1e-13 && iterations < 60) {
      double next = 0.5 * (y + a / y);
      step = next - y;
      y = next;
      iterations++;
    }
    return y;
  }

  /** A prefix sum of squares that stops where it passes a budget; an index the loop carries. */
  @Differentiable
  public static double untilBudget(double[] x, double budget) {
    double s = 0;
    int i = 0;
    while (i < x.length && s + x[i] * x[i] <= budget) {
      s += x[i] * x[i] * Math.exp(0.1 * i);
      i++;
    }
    return s + budget * i;
  }

  /** An explicit Euler integration of dh/dt = tanh(W h) to a time that the step may overshoot. */
  @Differentiable(wrt = {"w", "h0", "dt"})
  public static double[] integrate(Matrix w, double[] h0, double dt, double t1) {
    double[] h = h0;
    double t = 0;
    while (t < t1) {
      h = add(h, scale(dt, tanh(matmul(w, h))));
      t += dt;
    }
    return h;
  }

  /** break and continue in a while loop, with a local array written entry by entry. */
  @Differentiable
  public static double withJumps(double[] x) {
    double[] y = new double[x.length];
    int i = 0;
    double total = 0;
    while (true) {
      if (i >= x.length) {
        break;
      }
      int at = i;
      i++;
      if (x[at] < -1.0) {
        continue;
      }
      y[at] = Math.sin(x[at]) * total + x[at];
      total += y[at];
      if (total > 4.0) {
        break;
      }
    }
    return total + sumSq(y);
  }

  /** A while loop inside a counted loop, and a counted loop inside a while loop. */
  @Differentiable
  public static double nested(double[] x) {
    double e = 0;
    for (int i = 0; i < x.length; i++) {
      double v = x[i] * x[i] + 2.0;
      while (v > 1.0) {
        v = Math.sqrt(v) - 0.1;
      }
      e += v;
    }
    int rounds = 0;
    while (rounds < 3) {
      for (int j = 0; j < x.length; j++) {
        e += 0.1 * x[j] * e;
      }
      rounds++;
    }
    return e;
  }

  /** A loop whose condition is false at once: the initial value, derivative and all. */
  @Differentiable(wrt = "x")
  public static double neverRuns(double x, double limit) {
    double s = x;
    while (s > limit) {
      s = s * s;
    }
    return 3 * s;
  }
}
