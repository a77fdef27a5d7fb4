package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Accumulator loops (each carried value updated as s + terms that do not read it), whose
 * adjoint the forward loop accumulates as it runs, and near misses that get a reverse loop.
 */
public final class PreaccumulatedLoops {
  private PreaccumulatedLoops() {}

  /** Two sums whose seeds are known before the loop runs (constants). */
  @Differentiable(hessian = true)
  public static double twoSums(double[] x) {
    double s = 0;
    double t = 1;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * x[i];
      t -= Math.sin(x[i]);
    }
    return s + 2 * t;
  }

  /** Two sums whose seeds are computed from the loop's results: a reverse loop. */
  @Differentiable(hessian = true)
  public static double productOfSums(double[] x) {
    double s = 0;
    double t = 1;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * x[i];
      t += Math.cos(x[i]);
    }
    return s * t;
  }

  /** One sum whose seed, 1 / s, is known after the loop: scaled afterwards. */
  @Differentiable(hessian = true)
  public static double logSumExp(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += Math.exp(x[i]);
    }
    return Math.log(s);
  }

  /** An update chosen by a branch, each side adding to s, and a continue. */
  @Differentiable(hessian = true)
  public static double branchedUpdates(double[] x, double c) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] < -2) {
        continue;
      }
      if (x[i] > 0) {
        s += c * x[i] * x[i];
      } else {
        s -= x[i] / (1 + c * c);
      }
    }
    return s;
  }

  /** An inner loop continuing the outer sum, and a term of the outer body's own. */
  @Differentiable(hessian = true)
  public static double pairsAndSelf(double[] x) {
    int n = x.length;
    double e = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double d = x[i] - x[j];
        e += 1.0 / (1 + d * d);
      }
      e += 0.5 * x[i] * x[i];
    }
    return e;
  }

  /** Entries of a matrix read in nested loops, weighted by a vector: both differentiated. */
  @Differentiable
  public static double weightedEntries(Matrix A, double[] w) {
    double s = 0;
    for (int i = 0; i < A.rows(); i++) {
      for (int j = 0; j < A.cols(); j++) {
        s += w[j] * A.get(i, j) * A.get(i, j);
      }
    }
    return s * s;
  }

  /** An accumulator inside the reverse loop of a product: its seed is the reverse loop's. */
  @Differentiable(hessian = true)
  public static double productOfInnerSums(double[] x) {
    double p = 1;
    for (int i = 0; i < x.length; i++) {
      double q = 0;
      for (int j = 0; j <= i; j++) {
        q += x[j] * x[j];
      }
      p *= 1 + q;
    }
    return p;
  }

  /** A vector-valued method: the sum's seed comes from gradOut. */
  @Differentiable
  public static double[] scaledBySum(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * x[i];
    }
    return mul(x, s);
  }

  /** Near misses: a sum read by its own terms, and an affine update. */
  @Differentiable(hessian = true)
  public static double selfReading(double[] x) {
    double s = 1;
    double t = 0;
    for (int i = 0; i < x.length; i++) {
      s += s * x[i] * 0.5;
      t = 0.5 * t + x[i];
    }
    return s + t * t;
  }

  /** A term that overflows where its seed is 0: the gradient stays finite (0 · ∞ = 0). */
  @Differentiable(wrt = "x")
  public static double unusedWhenLarge(double[] x, double limit) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += Math.exp(x[i]);
    }
    return limit > 0 ? sum(x) : s;
  }
}
