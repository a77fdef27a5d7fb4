package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** if/else, else-if chains, ?:, conditions and returns in branches. */
public final class Branches {
  private Branches() {}

  /** A Huber loss summed over residuals: a branch inside a loop. */
  @Differentiable
  public static double huber(double[] r, double delta) {
    double s = 0;
    for (int i = 0; i < r.length; i++) {
      double a = Math.abs(r[i]);
      if (a <= delta) {
        s += 0.5 * r[i] * r[i];
      } else {
        s += delta * (a - 0.5 * delta);
      }
    }
    return s;
  }

  /** Returns in branches, an else-if chain and a conditional expression. */
  @Differentiable
  public static double piecewise(double x) {
    if (x > 1) {
      return Math.log(x) + 1;
    } else if (x > 0) {
      return x * x * 0.5 + 0.5;
    }
    return x >= -1 ? 0.5 * Math.exp(x) : 0.5 * Math.exp(-1) * (x + 2);
  }

  /** An if without an else, a boolean local, !, && and ||. */
  @Differentiable
  public static double conditions(double x, double y) {
    double s = x * y;
    boolean bothPositive = x > 0 && y > 0;
    if (bothPositive) {
      s = s * 2;
    }
    if (!(x < y) || x == 0.0) {
      s += Math.sin(x);
    } else {
      s -= y * y;
    }
    return s;
  }

  /** Element reads guarded by the branch: x[i - 1] only where i > 0, also after &&. */
  @Differentiable
  public static double guardedReads(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      if (i > 0) {
        s += x[i] * x[i - 1];
      }
      s += i + 1 < x.length && x[i + 1] > x[i] ? x[i + 1] : 0.5 * x[i];
    }
    return s;
  }

  /** A branch choosing arrays, and a loop inside a branch. */
  @Differentiable
  public static double arrays(double[] x, double t) {
    double[] y = tanh(x);
    if (t > 0) {
      y = scale(t, y);
      for (int i = 0; i < 3; i++) {
        y = add(y, x);
      }
    } else {
      y = sub(x, y);
    }
    return sumSq(y) + (t > 1 ? t * sum(y) : t);
  }

  /** An int chosen by a branch, widened to double. */
  @Differentiable
  public static double intBranch(double x, int n) {
    int k = n > 2 ? n - 2 : 0;
    double s = x;
    for (int i = 0; i < k; i++) {
      s = s * x + 1;
    }
    return s;
  }

  /** A local declared without a value and assigned on each side, also in a loop body. */
  @Differentiable
  public static double assignedLater(double[] x, double t) {
    double y;
    if (t > 0) {
      y = t * t;
    } else {
      y = -t;
    }
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double w;
      if (x[i] > y) {
        w = x[i] - y;
      } else {
        w = 0.5 * (x[i] - y);
      }
      s += w * w;
    }
    return s;
  }

  /**
   * Factorisations and row/col in branches: where a branch is not taken they run on stand-ins
   * (the identity, row 0), so a matrix singular there throws nothing.
   */
  @Differentiable(wrt = {"A", "b"})
  public static double factorInBranch(Matrix A, double[] b) {
    double s = sumSq(b);
    if (A.get(0, 0) > 0) {
      s = s + sumSq(solve(A, b)) + logDet(A) + det(A) + sum(row(A, A.rows() - 1)) + solved(A, b);
    } else {
      s = s + sum(col(A, A.cols() - 1)) + sum(inverse(transpose(A)));
    }
    return s;
  }

  /** Called inside a branch of factorInBranch (inlined there). */
  @Differentiable(wrt = "A")
  public static double solved(Matrix A, double[] b) {
    return 0.5 * sum(inverse(A)) + sum(cholesky(add(matmul(A, transpose(A)), identity(A.rows()))));
  }

  /** row(A, i) under i < A.rows(): the loop runs past the last row, the branch guards it. */
  @Differentiable(wrt = "A")
  public static double rowsUpTo(Matrix A, int k) {
    double s = 0;
    for (int i = 0; i < k; i++) {
      s += i < A.rows() ? sumSq(row(A, i)) : 0.0;
    }
    return s;
  }

  /** Sides not taken that are NaN there: log of a negative, p log p at 0, an else-if chain. */
  @Differentiable
  public static double nanOnSidesNotTaken(double x) {
    double entropy = x > 0 ? -x * Math.log(x) : 0.0;
    if (x < -1) {
      return entropy - x * x * x;
    } else if (x < 0) {
      return entropy + Math.exp(x);
    } else if (x < 1) {
      return entropy + Math.sin(x * x);
    }
    return entropy + Math.log(x) * x;
  }
}
