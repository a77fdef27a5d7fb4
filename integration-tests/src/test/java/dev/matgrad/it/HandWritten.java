package dev.matgrad.it;

import dev.matgrad.Matrix;

/**
 * Plain functions (no {@code @Differentiable}) whose "generated" class {@link HandWrittenGradients}
 * is written by hand, some of it deliberately wrong: {@link GradientCheckerSelfTest} shows that the
 * harness passes the right code and catches each kind of wrong code.
 */
public final class HandWritten {
  private HandWritten() {}

  /** Σ y_i x_i³. */
  public static double weightedCubes(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += y[i] * x[i] * x[i] * x[i];
    }
    return s;
  }

  public static double wrongEntry(double[] x, double[] y) {
    return weightedCubes(x, y);
  }

  public static double accumulates(double[] x, double[] y) {
    return weightedCubes(x, y);
  }

  public static double leavesAnEntryUnwritten(double[] x, double[] y) {
    return weightedCubes(x, y);
  }

  public static double modifiesItsInput(double[] x, double[] y) {
    return weightedCubes(x, y);
  }

  /** A x, A: rows×cols. */
  public static double[] product(Matrix a, double[] x) {
    double[] out = new double[a.rows()];
    for (int i = 0; i < a.rows(); i++) {
      for (int j = 0; j < a.cols(); j++) {
        out[i] += a.get(i, j) * x[j];
      }
    }
    return out;
  }

  public static double[] transposedJacobian(Matrix a, double[] x) {
    return product(a, x);
  }

  public static double[] wrongVjp(Matrix a, double[] x) {
    return product(a, x);
  }
}
