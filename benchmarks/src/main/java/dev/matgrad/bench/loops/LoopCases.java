package dev.matgrad.bench.loops;

import static dev.matgrad.Ops.add;
import static dev.matgrad.Ops.col;
import static dev.matgrad.Ops.matmul;
import static dev.matgrad.Ops.sumSq;
import static dev.matgrad.Ops.tanh;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * The loop cases, written as a user writes them; the processor generates {@code LoopCasesGradients}.
 * Their hand-written adjoints are in {@link LoopHand}.
 */
public final class LoopCases {
  private LoopCases() {}

  /** Lennard-Jones well depth ε. */
  public static final double EPSILON = 1.0;
  /** Lennard-Jones σ², the squared distance at which the pair potential is zero. */
  public static final double SIGMA2 = 1.0;

  /** Rosenbrock over n dimensions: Σ 100 (x[i+1] − x[i]²)² + (1 − x[i])². */
  @Differentiable
  public static double rosenbrock(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length - 1; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      s += 100 * a * a + b * b;
    }
    return s;
  }

  /**
   * Lennard-Jones energy Σ_{i<j} 4ε((σ/r)¹² − (σ/r)⁶) of particles at x[3i], x[3i+1], x[3i+2],
   * through r² and multiplications.
   */
  @Differentiable
  public static double lennardJones(double[] x) {
    int n = x.length / 3;
    double e = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double dx = x[3 * i] - x[3 * j];
        double dy = x[3 * i + 1] - x[3 * j + 1];
        double dz = x[3 * i + 2] - x[3 * j + 2];
        double s2 = SIGMA2 / (dx * dx + dy * dy + dz * dz);
        double s6 = s2 * s2 * s2;
        e += 4 * EPSILON * (s6 * s6 - s6);
      }
    }
    return e;
  }

  /** An Elman RNN over the columns of X, h_t = tanh(W h_{t−1} + U x_t + b), loss ‖h_T‖². */
  @Differentiable(wrt = {"W", "U", "b"})
  public static double rnn(Matrix W, Matrix U, double[] b, Matrix X, double[] h0) {
    double[] h = h0;
    for (int t = 0; t < X.cols(); t++) {
      h = tanh(add(add(matmul(W, h), matmul(U, col(X, t))), b));
    }
    return sumSq(h);
  }
}
