package dev.matgrad.bench;

import static dev.matgrad.bench.FlatKernels.axpy;
import static dev.matgrad.bench.FlatKernels.sigmoid;

import dev.matgrad.Matrix;
import java.util.Arrays;

/**
 * Jacobians and Hessians written by hand from their closed forms, on flat row-major arrays with
 * buffers allocated once per shape: the baselines of the generated {@code fJacobian} and
 * {@code fHessian}.
 */
public final class HandSecondOrder {
  private HandSecondOrder() {}

  /** The σ-layer's Jacobian ∂(Bᵀσ(Aᵀx))/∂x = A diag(σ'(Aᵀx)) B (d×m, jac[i·m + j]). */
  public static final class SigmoidLayerJacobian {
    private final double[] h;
    private final double[] scaledB;

    public SigmoidLayerJacobian(int n, int m) {
      h = new double[n];
      scaledB = new double[n * m];
    }

    public void jacobian(Matrix A, Matrix B, double[] x, double[] jac) {
      int d = A.rows();
      int n = A.cols();
      int m = B.cols();
      double[] a = A.data();
      double[] b = B.data();
      // Aᵀ x as a sum of A's rows, then σ' = σ (1 − σ).
      Arrays.fill(h, 0, n, 0.0);
      for (int k = 0; k < d; k++) {
        axpy(n, x[k], a, k * n, h, 0);
      }
      // diag(σ') B: row k of B scaled by σ'_k.
      for (int k = 0; k < n; k++) {
        double s = sigmoid(h[k]);
        double ds = s * (1.0 - s);
        int row = k * m;
        for (int j = 0; j < m; j++) {
          scaledB[row + j] = ds * b[row + j];
        }
      }
      // A (diag(σ') B): row i of the result is a sum of rows of diag(σ') B, read in storage order.
      Arrays.fill(jac, 0, d * m, 0.0);
      for (int i = 0; i < d; i++) {
        for (int k = 0; k < n; k++) {
          axpy(m, a[i * n + k], scaledB, k * m, jac, i * m);
        }
      }
    }
  }

  /**
   * The logistic loss's Hessian Xᵀ D X / samples + 2λI, D = diag(σ(Xw) ⊙ (1 − σ(Xw))): the upper
   * triangle only (it is symmetric), accumulated over samples in blocks of rows that stay in cache,
   * then mirrored.
   */
  public static final class LogisticHessian {
    /** Rows of the Hessian accumulated per pass over the samples (16 × 256 doubles = 32 KiB). */
    private static final int ROW_BLOCK = 16;

    private final double[] weight;

    public LogisticHessian(int samples) {
      weight = new double[samples];
    }

    public void hessian(double[] w, Matrix X, double lambda, double[] hess) {
      int samples = X.rows();
      int p = X.cols();
      double[] x = X.data();
      double inv = 1.0 / samples;
      for (int i = 0; i < samples; i++) {
        double z = 0.0;
        int row = i * p;
        for (int k = 0; k < p; k++) {
          z += x[row + k] * w[k];
        }
        double s = sigmoid(z);
        weight[i] = s * (1.0 - s) * inv;
      }
      Arrays.fill(hess, 0, p * p, 0.0);
      for (int a0 = 0; a0 < p; a0 += ROW_BLOCK) {
        int a1 = Math.min(p, a0 + ROW_BLOCK);
        for (int i = 0; i < samples; i++) {
          int row = i * p;
          double di = weight[i];
          for (int a = a0; a < a1; a++) {
            axpy(p - a, di * x[row + a], x, row + a, hess, a * p + a);
          }
        }
      }
      for (int a = 0; a < p; a++) {
        hess[a * p + a] += 2.0 * lambda;
        for (int b = a + 1; b < p; b++) {
          hess[b * p + a] = hess[a * p + b];
        }
      }
    }
  }
}
