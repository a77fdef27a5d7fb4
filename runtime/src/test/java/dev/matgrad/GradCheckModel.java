package dev.matgrad;

/**
 * Methods as a user writes them, for the GradCheck tests: {@link GradCheckModelGradients} holds
 * their derivatives written by hand with the generated methods' signatures.
 */
final class GradCheckModel {
  private GradCheckModel() {}

  /** f(A, x, c) = c ‖A x‖², differentiated with respect to A and x (c is a constant). */
  static double loss(Matrix A, double[] x, double c) {
    double[] y = times(A, x);
    double s = 0;
    for (double v : y) {
      s += v * v;
    }
    return c * s;
  }

  /** f(A, x) = A x. */
  static double[] map(Matrix A, double[] x) {
    return times(A, x);
  }

  /** f(x) = Σ xᵢ³ / 3: its generated gradient below is deliberately wrong in one entry. */
  static double cubes(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v * v / 3;
    }
    return s;
  }

  static double[] times(Matrix A, double[] x) {
    double[] y = new double[A.rows()];
    for (int i = 0; i < A.rows(); i++) {
      for (int j = 0; j < A.cols(); j++) {
        y[i] += A.get(i, j) * x[j];
      }
    }
    return y;
  }
}
