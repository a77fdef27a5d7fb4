package dev.matgrad.bench;

import static dev.matgrad.bench.FlatKernels.axpy;
import static dev.matgrad.bench.FlatKernels.dot;
import static dev.matgrad.bench.FlatKernels.sigmoid;

import dev.matgrad.Matrix;
import java.util.Arrays;

/**
 * Value and gradient by reverse mode written by hand on flat row-major arrays, the way an expert
 * writes backprop: forward values kept in preallocated buffers, every product in the loop order
 * that reads its operands in storage order, no transposes materialised, steps fused where they
 * share a loop. Gradients are written into the caller's arrays, laid out as the generated ones.
 */
public final class HandBackprop {
  private HandBackprop() {}

  /** ‖Bᵀ σ(Aᵀ x) − c‖² and its gradient x gᵀ, g = 2 B r ⊙ h ⊙ (1 − h), r = Bᵀ h − c. */
  public static final class FirstLayer {
    private final double[] h;
    private final double[] r;
    private final double[] g;

    public FirstLayer(int n, int m) {
      h = new double[n];
      r = new double[m];
      g = new double[n];
    }

    public double valueAndGradient(Matrix A, Matrix B, double[] x, double[] c, double[] gradA) {
      int d = A.rows();
      int n = A.cols();
      int m = B.cols();
      double[] a = A.data();
      double[] b = B.data();
      Arrays.fill(h, 0, n, 0.0);
      for (int k = 0; k < d; k++) {
        axpy(n, x[k], a, k * n, h, 0);
      }
      for (int j = 0; j < n; j++) {
        h[j] = sigmoid(h[j]);
      }
      for (int i = 0; i < m; i++) {
        r[i] = -c[i];
      }
      for (int k = 0; k < n; k++) {
        axpy(m, h[k], b, k * m, r, 0);
      }
      double loss = dot(m, r, 0, r, 0);
      // B r reads B by rows: one contiguous dot per entry.
      for (int j = 0; j < n; j++) {
        g[j] = 2.0 * dot(m, b, j * m, r, 0) * h[j] * (1.0 - h[j]);
      }
      for (int k = 0; k < d; k++) {
        double xk = x[k];
        int row = k * n;
        for (int j = 0; j < n; j++) {
          gradA[row + j] = xk * g[j];
        }
      }
      return loss;
    }
  }

  /**
   * Softmax cross-entropy of a ReLU MLP on a batch (samples in columns) and its gradient with
   * respect to W1, b1, W2, b2:
   * G2 = (softmax(Z2) diag(1ᵀY) − Y)/batch, ∇W2 = G2 H1ᵀ, ∇b2 = G2 1, G1 = (W2ᵀ G2) ⊙ [H1 > 0],
   * ∇W1 = G1 Xᵀ, ∇b1 = G1 1.
   */
  public static final class Mlp {
    private final double[] hidden;
    private final double[] logits;
    private final double[] logSumExp;
    private final double[] colSum;
    private final double[] labelSum;
    private final double[] dLogits;
    private final double[] dHidden;

    public Mlp(int hiddenSize, int classes, int batch) {
      hidden = new double[hiddenSize * batch];
      logits = new double[classes * batch];
      logSumExp = new double[batch];
      colSum = new double[batch];
      labelSum = new double[batch];
      dLogits = new double[classes * batch];
      dHidden = new double[batch];
    }

    public double valueAndGradient(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X, Matrix Y, int batch,
        double[] gradW1, double[] gradB1, double[] gradW2, double[] gradB2) {
      int inputs = W1.cols();
      int hiddenSize = W1.rows();
      int classes = W2.rows();
      int cols = X.cols();
      double[] x = X.data();
      double[] y = Y.data();
      double[] w2 = W2.data();
      HandForward.denseForward(W1, b1, x, cols, hidden, true);
      HandForward.denseForward(W2, b2, hidden, cols, logits, false);
      double loss = HandForward.crossEntropy(logits, y, classes, cols, batch, logSumExp, colSum);

      // G2 = (softmax · (column sums of Y) − Y) / batch; ∇b2 = its row sums.
      Arrays.fill(labelSum, 0, cols, 0.0);
      for (int r = 0; r < classes; r++) {
        axpy(cols, 1.0, y, r * cols, labelSum, 0);
      }
      double invBatch = 1.0 / batch;
      for (int r = 0; r < classes; r++) {
        int row = r * cols;
        double rowSum = 0.0;
        for (int j = 0; j < cols; j++) {
          double g = (Math.exp(logits[row + j] - logSumExp[j]) * labelSum[j] - y[row + j]) * invBatch;
          dLogits[row + j] = g;
          rowSum += g;
        }
        gradB2[r] = rowSum;
      }
      // ∇W2 = G2 H1ᵀ: both operands are read along their rows.
      for (int r = 0; r < classes; r++) {
        for (int i = 0; i < hiddenSize; i++) {
          gradW2[r * hiddenSize + i] = dot(cols, dLogits, r * cols, hidden, i * cols);
        }
      }
      // One row of G1 at a time: (W2ᵀ G2) row i, masked by the ReLU, summed into ∇b1, then the
      // row i of ∇W1 = G1 Xᵀ as contiguous dots with the rows of X.
      for (int i = 0; i < hiddenSize; i++) {
        Arrays.fill(dHidden, 0, cols, 0.0);
        for (int r = 0; r < classes; r++) {
          axpy(cols, w2[r * hiddenSize + i], dLogits, r * cols, dHidden, 0);
        }
        int hRow = i * cols;
        double rowSum = 0.0;
        for (int j = 0; j < cols; j++) {
          double g = hidden[hRow + j] > 0.0 ? dHidden[j] : 0.0;
          dHidden[j] = g;
          rowSum += g;
        }
        gradB1[i] = rowSum;
        for (int k = 0; k < inputs; k++) {
          gradW1[i * inputs + k] = dot(cols, dHidden, 0, x, k * cols);
        }
      }
      return loss;
    }
  }

  /**
   * trace(Xᵀ A X) by reverse mode: Y = A X is kept, f = ⟨X, Y⟩, and ∇X = Y + Aᵀ X is accumulated
   * into the gradient array in place. (The symmetric shortcut ∇X = (A + Aᵀ) X with f = ½⟨X, ∇X⟩
   * needs one product less; it is algebra rather than backprop, so it is not the baseline.)
   */
  public static final class Trace {
    public double valueAndGradient(Matrix X, Matrix A, double[] gradX) {
      int n = X.rows();
      int k = X.cols();
      double[] x = X.data();
      double[] a = A.data();
      double total = 0.0;
      for (int i = 0; i < n; i++) {
        int gRow = i * k;
        Arrays.fill(gradX, gRow, gRow + k, 0.0);
        for (int l = 0; l < n; l++) {
          axpy(k, a[i * n + l], x, l * k, gradX, gRow);
        }
        total += dot(k, x, gRow, gradX, gRow);
        // Row i of Aᵀ X is Σₗ A[l, i] X[l, :]: column i of A, each entry scaling a row of X.
        for (int l = 0; l < n; l++) {
          axpy(k, a[l * n + i], x, l * k, gradX, gRow);
        }
      }
      return total;
    }
  }
}
