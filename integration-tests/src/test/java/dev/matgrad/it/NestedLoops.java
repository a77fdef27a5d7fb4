package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;

/**
 * Nested loops whose inner loops read arrays from outside both loops: the inner reverse loops
 * accumulate into the enclosing reverse loop's adjoint, so these check every shape of nesting
 * that threads one accumulator through another.
 */
public final class NestedLoops {
  private NestedLoops() {}

  /** The inner loop reads the outer array (and another) at its own index and at the outer one. */
  @Differentiable
  public static double innerReadsOuter(double[] x, double[] w) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double xi = x[i] * w[i % w.length];
      for (int j = 0; j < x.length; j++) {
        s += Math.sin(xi * x[j]) * w[j % w.length];
      }
      s += x[i] * xi;
    }
    return s;
  }

  /** Two inner loops in one outer body, both reading x: one accumulator threads through both. */
  @Differentiable
  public static double twoInner(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double a = 0;
      for (int j = 0; j < x.length; j++) {
        a += x[i] * x[j];
      }
      double b = 0;
      for (int j = i; j < x.length; j++) {
        b += Math.cos(x[j] - a * 0.1);
      }
      s += a * b + x[i];
    }
    return s;
  }

  /** Three loops deep, each level reading x. */
  @Differentiable
  public static double triple(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        double t = x[i] - x[j];
        for (int k = 0; k < x.length; k++) {
          s += Math.tanh(t * x[k]);
        }
        s += t * t * x[j];
      }
      s += x[i] * x[i];
    }
    return s;
  }

  /** A while loop inside a counted loop, reading x at the outer index and its own. */
  @Differentiable
  public static double innerWhile(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double v = 0;
      int j = 0;
      while (j < x.length && v < 2.0) {
        v += x[j] * x[j] * 0.5 + 0.1 * x[i];
        j++;
      }
      s += v * x[i];
    }
    return s;
  }

  /** Inner loops under an if, one in each branch, and one under a condition with no else. */
  @Differentiable
  public static double innerUnderIf(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] > 0) {
        for (int j = 0; j < x.length; j++) {
          s += x[i] * x[j] * x[j];
        }
      } else {
        for (int j = 0; j < i; j++) {
          s += Math.sin(x[j] + x[i]);
        }
      }
      if (i % 2 == 0) {
        for (int j = i; j < x.length; j++) {
          s += 0.5 * x[j];
        }
      }
    }
    return s;
  }

  /** An inner loop carrying an array that starts from the outer loop's carried array. */
  @Differentiable
  public static double carriedThrough(double[] x) {
    double[] h = x;
    for (int i = 0; i < 3; i++) {
      double[] g = h;
      for (int j = 0; j < 2; j++) {
        g = tanh(add(scale(0.8, g), x));
      }
      h = add(g, scale(0.1, x));
    }
    return sumSq(h);
  }

  /** The same, but the outer carried array is read again after the inner loop. */
  @Differentiable
  public static double carriedAndRead(double[] x) {
    double[] h = x;
    for (int i = 0; i < 3; i++) {
      double[] g = h;
      for (int j = 0; j < 2; j++) {
        g = tanh(add(scale(0.8, g), x));
      }
      h = add(g, scale(0.5, h));
    }
    return sumSq(h);
  }

  /**
   * A while loop whose condition runs a loop (inlined from a call) on the carried array: the
   * iteration that stops after the condition keeps the array as it was.
   */
  @Differentiable
  public static double loopInCondition(double[] x) {
    double[] h = x;
    int steps = 0;
    while (decayedNorm(h) > 0.5 && steps < 4) {
      h = scale(0.5 / (steps + 1), x);
      steps++;
    }
    return sumSq(h);
  }

  @Differentiable
  public static double decayedNorm(double[] v) {
    double[] g = v;
    for (int j = 0; j < 2; j++) {
      g = scale(0.9, g);
    }
    return sumSq(g);
  }
}
