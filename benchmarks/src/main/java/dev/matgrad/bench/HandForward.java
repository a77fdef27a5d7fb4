package dev.matgrad.bench;

import static dev.matgrad.bench.FlatKernels.axpy;
import static dev.matgrad.bench.FlatKernels.dot;
import static dev.matgrad.bench.FlatKernels.sigmoid;

import dev.matgrad.Matrix;
import java.util.Arrays;

/**
 * Value only, hand-written on flat row-major arrays: the cost a gradient is measured against (the
 * cheap-gradient bound says value and gradient together cost a small multiple of this).
 * Buffers are allocated once per shape.
 */
public final class HandForward {
  private HandForward() {}

  /** ‖Bᵀ σ(Aᵀ x) − c‖². */
  public static final class FirstLayer {
    private final double[] h;
    private final double[] r;

    public FirstLayer(int n, int m) {
      h = new double[n];
      r = new double[m];
    }

    public double value(Matrix A, Matrix B, double[] x, double[] c) {
      int d = A.rows();
      int n = A.cols();
      int m = B.cols();
      double[] a = A.data();
      double[] b = B.data();
      // Aᵀ x as a sum of A's rows: reads A in storage order.
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
      return dot(m, r, 0, r, 0);
    }
  }

  /** −Σ Y ⊙ logSoftmax(W2 relu(W1 X + b1 1ᵀ) + b2 1ᵀ) / batch. */
  public static final class Mlp {
    private final double[] hidden;
    private final double[] logits;
    private final double[] colMax;
    private final double[] colSum;

    public Mlp(int hiddenSize, int classes, int batch) {
      hidden = new double[hiddenSize * batch];
      logits = new double[classes * batch];
      colMax = new double[batch];
      colSum = new double[batch];
    }

    public double value(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X, Matrix Y, int batch) {
      denseForward(W1, b1, X.data(), X.cols(), hidden, true);
      denseForward(W2, b2, hidden, X.cols(), logits, false);
      return crossEntropy(logits, Y.data(), W2.rows(), X.cols(), batch, colMax, colSum);
    }
  }

  /**
   * out = act(W in + b 1ᵀ), row by row: each row of out is a sum of rows of in (a vectorised
   * axpy). Blocking the rows of in for cache measured no faster at these sizes.
   */
  static void denseForward(Matrix W, double[] bias, double[] in, int cols, double[] out, boolean relu) {
    int rows = W.rows();
    int inner = W.cols();
    double[] w = W.data();
    for (int i = 0; i < rows; i++) {
      int outRow = i * cols;
      Arrays.fill(out, outRow, outRow + cols, bias[i]);
      for (int k = 0; k < inner; k++) {
        axpy(cols, w[i * inner + k], in, k * cols, out, outRow);
      }
      if (relu) {
        for (int j = outRow; j < outRow + cols; j++) {
          out[j] = Math.max(out[j], 0.0);
        }
      }
    }
  }

  /**
   * −Σ Y ⊙ logSoftmax(logits) / batch, columns being samples; leaves log Σ exp of each column in
   * colMax. Walks rows (storage order) with per-column running values instead of strided columns.
   */
  static double crossEntropy(double[] logits, double[] y, int classes, int cols, int batch, double[] colMax,
      double[] colSum) {
    Arrays.fill(colMax, 0, cols, Double.NEGATIVE_INFINITY);
    for (int r = 0; r < classes; r++) {
      for (int j = 0; j < cols; j++) {
        colMax[j] = Math.max(colMax[j], logits[r * cols + j]);
      }
    }
    Arrays.fill(colSum, 0, cols, 0.0);
    for (int r = 0; r < classes; r++) {
      for (int j = 0; j < cols; j++) {
        colSum[j] += Math.exp(logits[r * cols + j] - colMax[j]);
      }
    }
    for (int j = 0; j < cols; j++) {
      colMax[j] += Math.log(colSum[j]);
    }
    double total = 0.0;
    for (int r = 0; r < classes; r++) {
      for (int j = 0; j < cols; j++) {
        total += y[r * cols + j] * (logits[r * cols + j] - colMax[j]);
      }
    }
    return -total / batch;
  }

  /** trace(Xᵀ A X) = Σᵢ ⟨row i of X, row i of A X⟩, one row of A X at a time. */
  public static final class Trace {
    private final double[] row;

    public Trace(int k) {
      row = new double[k];
    }

    public double value(Matrix X, Matrix A) {
      int n = X.rows();
      int k = X.cols();
      double[] x = X.data();
      double[] a = A.data();
      double total = 0.0;
      for (int i = 0; i < n; i++) {
        Arrays.fill(row, 0, k, 0.0);
        for (int l = 0; l < n; l++) {
          axpy(k, a[i * n + l], x, l * k, row, 0);
        }
        total += dot(k, x, i * k, row, 0);
      }
      return total;
    }
  }
}
