package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** Local arrays built and written in loops and branches; methods returning them. */
public final class LocalArrayFixtures {
  private LocalArrayFixtures() {}

  @Differentiable
  public static double[] cumulative(double[] x) {
    double[] y = new double[x.length];
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * x[i];
      y[i] = s;
    }
    return y;
  }

  @Differentiable
  public static double recurrence(double[] x, double a) {
    double[] y = new double[x.length];
    y[0] = x[0];
    for (int i = 1; i < x.length; i++) {
      y[i] = a * y[i - 1] + x[i];
    }
    return sumSq(y);
  }

  @Differentiable
  public static double literal(double x, double y) {
    double[] v = new double[] {x, y, x * y};
    v[1] += 2 * x;
    return dot(v, v);
  }

  @Differentiable
  public static Matrix outerBuilt(double[] u, double[] v) {
    Matrix M = Matrix.zeros(u.length, v.length);
    for (int i = 0; i < u.length; i++) {
      for (int j = 0; j < v.length; j++) {
        M.set(i, j, Math.tanh(u[i] * v[j]));
      }
    }
    return M;
  }

  /** A matrix over a local array (new Matrix(r, c, data)); r·c must be x.length. */
  @Differentiable(wrt = "x")
  public static double wrapped(double[] x, int r, int c) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i] * 2;
    }
    Matrix M = new Matrix(r, c, d);
    return sumSq(matmul(M, ones(c)));
  }

  @Differentiable
  public static double condWrite(double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      if (x[i] > 0) {
        y[i] = x[i];
      } else {
        y[i] = 0.1 * x[i];
      }
    }
    return sumSq(y);
  }

  @Differentiable
  public static double readOld(double[] x) {
    double[] y = new double[2];
    y[0] = x[0];
    double s = dot(y, y);
    y[1] = 3 * x[1];
    return s * sum(y);
  }

  /** A vector literal, then writes into it under a condition and with *= and -=. */
  @Differentiable
  public static double[] literalWrites(double x, double y) {
    double[] v = {x, y, 1.0};
    if (x > y) {
      v[2] *= x;
    } else {
      v[2] -= y;
    }
    v[0] /= 2.0;
    return v;
  }

  /** Loop bounds read the sizes of the arrays the loops write: y.length, M.rows(), M.cols(). */
  @Differentiable
  public static double boundsFromWrittenSizes(double[] x, int steps) {
    double[] next = new double[x.length];
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < next.length; i++) {
        next[i] = 0.5 * next[i] + x[i];
      }
      next = tanh(next);
    }
    Matrix m = Matrix.zeros(2, x.length);
    for (int i = 0; i < m.rows(); i++) {
      for (int j = 0; j < m.cols(); j++) {
        m.set(i, j, x[j] * (i + 1));
      }
    }
    return sum(next) + sumSq(m);
  }

  /** Sizes that are sums and products of sizes: the outer product x xᵀ built flat, with a tail. */
  @Differentiable
  public static double composedSizes(double[] a, int n) {
    double[] data = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        data[i * n + j] = a[i % a.length] * a[j % a.length];
      }
    }
    double[] longer = new double[a.length + 1];
    for (int i = 0; i < a.length; i++) {
      longer[i + 1] = a[i];
    }
    return sumSq(new Matrix(n, n, data)) + sumSq(longer);
  }
}
