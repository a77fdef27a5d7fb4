package dev.matgrad.it;

import dev.matgrad.Matrix;
import java.lang.reflect.Method;
import java.util.Random;

/**
 * Deterministic random inputs: every instance draws from a {@link Random} with the seed it is given,
 * so a failure reproduces exactly. Values are drawn from an op's domain: {@link Domain#POSITIVE} for
 * log, sqrt and fractional powers, {@link Domain#AWAY_FROM_ZERO} for the kinks of abs, relu and
 * norm1 (far enough that a finite-difference step never crosses the kink).
 */
final class Inputs {
  enum Domain {
    /** Uniform in [−1.5, 1.5]. */
    ANY,
    /** Uniform in [0.3, 2]. */
    POSITIVE,
    /** ±(uniform in [0.3, 1.5]), each sign with probability ½. */
    AWAY_FROM_ZERO
  }

  private final Random random;

  Inputs(long seed) {
    this.random = new Random(seed);
  }

  /** A dimension in 1..7. */
  int dim() {
    return dim(1, 7);
  }

  /** A dimension in lo..hi (inclusive). */
  int dim(int lo, int hi) {
    return lo + random.nextInt(hi - lo + 1);
  }

  double scalar() {
    return scalar(Domain.ANY);
  }

  double scalar(Domain domain) {
    switch (domain) {
      case POSITIVE:
        return uniform(0.3, 2.0);
      case AWAY_FROM_ZERO:
        return (random.nextBoolean() ? 1 : -1) * uniform(0.3, 1.5);
      default:
        return uniform(-1.5, 1.5);
    }
  }

  double[] vector(int n) {
    return vector(n, Domain.ANY);
  }

  double[] vector(int n, Domain domain) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scalar(domain);
    }
    return v;
  }

  Matrix matrix(int rows, int cols) {
    return matrix(rows, cols, Domain.ANY);
  }

  Matrix matrix(int rows, int cols, Domain domain) {
    return new Matrix(rows, cols, vector(rows * cols, domain));
  }

  /** A {@code classes × batch} matrix whose every column is a one-hot label. */
  Matrix oneHotColumns(int classes, int batch) {
    Matrix y = Matrix.zeros(classes, batch);
    for (int j = 0; j < batch; j++) {
      y.data()[random.nextInt(classes) * batch + j] = 1.0;
    }
    return y;
  }

  /** Labels in {0, 1}. */
  double[] labels(int n) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = random.nextBoolean() ? 1.0 : 0.0;
    }
    return y;
  }

  static double[] filled(int n, double value) {
    double[] v = new double[n];
    java.util.Arrays.fill(v, value);
    return v;
  }

  /**
   * Arguments for {@code method} where every {@code double[]} has one random length n, every
   * {@code Matrix} is n × k for one random k, every {@code double} is a random scalar and every
   * {@code int} is n: the shapes that all elementwise ops and reductions accept
   * ({@code addToEachColumn(X, b)} included, as b has X's row count).
   */
  Object[] sameShapeArgs(Method method, Domain domain) {
    int n = dim();
    int k = dim();
    Class<?>[] types = method.getParameterTypes();
    Object[] args = new Object[types.length];
    for (int p = 0; p < types.length; p++) {
      if (types[p] == double.class) {
        args[p] = scalar(domain);
      } else if (types[p] == double[].class) {
        args[p] = vector(n, domain);
      } else if (types[p] == Matrix.class) {
        args[p] = matrix(n, k, domain);
      } else if (types[p] == int.class) {
        args[p] = n;
      } else {
        throw new IllegalArgumentException("unsupported parameter type " + types[p] + " of " + method);
      }
    }
    return args;
  }

  private double uniform(double lo, double hi) {
    return lo + (hi - lo) * random.nextDouble();
  }
}
