package dev.matgrad.bench.loops;

import dev.matgrad.Matrix;
import java.util.Arrays;

/**
 * An expert's hand-written forward pass and backprop of {@link ConvCases#convLoss}, on flat
 * row-major arrays with preallocated buffers: the convolution as direct loops (each filter tap
 * an axpy along a row of X, every image of the batch at once), max pooling that remembers the
 * winning position, the dense layers as axpys and dots along rows, and a pooling adjoint that
 * sends each pooled gradient through the nine taps of its winner only.
 */
public final class ConvHand {
  private static final int SIDE = ConvCases.SIDE;
  private static final int TAPS = ConvCases.TAPS;
  private static final int POSITIONS = SIDE * SIDE;

  private final int filters;
  private final int hidden;
  private final int classes;
  private final int batch;
  /** The C feature maps before relu, row c·64 + position, a column per image. */
  private final double[] maps;
  /** Pooled features, row qC + c, and the position (−1: relu's 0) each came from. */
  private final double[] pooled;
  private final int[] winner;
  private final double[] hiddenOut;
  private final double[] logits;
  private final double[] logSumExp;
  private final double[] labelSum;
  private final double[] dLogits;
  private final double[] dHidden;
  private final double[] dPooled;

  public ConvHand(int filters, int hidden, int classes, int batch) {
    this.filters = filters;
    this.hidden = hidden;
    this.classes = classes;
    this.batch = batch;
    maps = new double[filters * POSITIONS * batch];
    pooled = new double[ConvCases.POOLED * filters * batch];
    winner = new int[pooled.length];
    hiddenOut = new double[hidden * batch];
    logits = new double[classes * batch];
    logSumExp = new double[batch];
    labelSum = new double[batch];
    dLogits = new double[classes * batch];
    dHidden = new double[hidden * batch];
    dPooled = new double[pooled.length];
  }

  /** The loss alone. */
  public double value(Matrix K, double[] k, Matrix V1, double[] b1, Matrix V2, double[] b2,
      Matrix X, Matrix Y, double decay) {
    forward(K, k, V1, b1, V2, b2, X);
    return loss(Y) + decay * (sumSq(K.data()) + sumSq(V1.data()) + sumSq(V2.data()));
  }

  /** The loss, with its gradient written into the six arrays. */
  public double valueAndGradient(Matrix K, double[] k, Matrix V1, double[] b1, Matrix V2,
      double[] b2, Matrix X, Matrix Y, double decay, double[] gK, double[] gk, double[] gV1,
      double[] gb1, double[] gV2, double[] gb2) {
    double value = value(K, k, V1, b1, V2, b2, X, Y, decay);
    int n = batch;
    int features = pooled.length / n;
    double[] y = Y.data();
    double[] x = X.data();
    double[] v1 = V1.data();
    double[] v2 = V2.data();
    double twoDecay = 2 * decay;

    // G = (softmax · (column sums of Y) − Y) / B; ∇b2 = its row sums.
    Arrays.fill(labelSum, 0.0);
    for (int o = 0; o < classes; o++) {
      for (int j = 0; j < n; j++) {
        labelSum[j] += y[o * n + j];
      }
    }
    double inv = 1.0 / n;
    for (int o = 0; o < classes; o++) {
      double rowSum = 0;
      for (int j = 0; j < n; j++) {
        double g = (Math.exp(logits[o * n + j] - logSumExp[j]) * labelSum[j] - y[o * n + j]) * inv;
        dLogits[o * n + j] = g;
        rowSum += g;
      }
      gb2[o] = rowSum;
    }
    // ∇V2 = H Gᵀ + 2λV2, and dH = V2 G masked by the relu; ∇b1 = its row sums.
    for (int h = 0; h < hidden; h++) {
      double[] row = dHidden;
      int hr = h * n;
      Arrays.fill(row, hr, hr + n, 0.0);
      for (int o = 0; o < classes; o++) {
        gV2[h * classes + o] = dot(n, hiddenOut, hr, dLogits, o * n) + twoDecay * v2[h * classes + o];
        axpy(n, v2[h * classes + o], dLogits, o * n, row, hr);
      }
      double rowSum = 0;
      for (int j = 0; j < n; j++) {
        double g = hiddenOut[hr + j] > 0 ? row[hr + j] : 0.0;
        row[hr + j] = g;
        rowSum += g;
      }
      gb1[h] = rowSum;
    }
    // ∇V1 = F dHᵀ + 2λV1 and dF = V1 dH, one feature row at a time.
    for (int f = 0; f < features; f++) {
      int fr = f * n;
      Arrays.fill(dPooled, fr, fr + n, 0.0);
      for (int h = 0; h < hidden; h++) {
        double w = v1[f * hidden + h];
        gV1[f * hidden + h] = dot(n, pooled, fr, dHidden, h * n) + twoDecay * w;
        axpy(n, w, dHidden, h * n, dPooled, fr);
      }
    }
    // Each pooled gradient goes to the position that won its cell, then through its nine taps.
    Arrays.fill(gK, 0.0);
    Arrays.fill(gk, 0.0);
    for (int f = 0; f < features; f++) {
      int c = f % filters;
      for (int j = 0; j < n; j++) {
        int pos = winner[f * n + j];
        if (pos < 0) {
          continue;
        }
        double d = dPooled[f * n + j];
        gk[c] += d;
        int r = pos / SIDE;
        int s = pos % SIDE;
        for (int t = 0; t < TAPS; t++) {
          int rr = r + t / 3 - 1;
          int ss = s + t % 3 - 1;
          if (rr >= 0 && rr < SIDE && ss >= 0 && ss < SIDE) {
            gK[c * TAPS + t] += d * x[(rr * SIDE + ss) * n + j];
          }
        }
      }
    }
    double[] kd = K.data();
    for (int i = 0; i < gK.length; i++) {
      gK[i] += twoDecay * kd[i];
    }
    return value;
  }

  private void forward(Matrix K, double[] k, Matrix V1, double[] b1, Matrix V2, double[] b2,
      Matrix X) {
    int n = batch;
    double[] x = X.data();
    double[] kd = K.data();
    // Direct convolution: map row (c, position) = k_c + Σ_t K_ct · (row of X at the tap).
    for (int c = 0; c < filters; c++) {
      for (int pos = 0; pos < POSITIONS; pos++) {
        int zr = (c * POSITIONS + pos) * n;
        Arrays.fill(maps, zr, zr + n, k[c]);
        int r = pos / SIDE;
        int s = pos % SIDE;
        for (int t = 0; t < TAPS; t++) {
          int rr = r + t / 3 - 1;
          int ss = s + t % 3 - 1;
          if (rr >= 0 && rr < SIDE && ss >= 0 && ss < SIDE) {
            axpy(n, kd[c * TAPS + t], x, (rr * SIDE + ss) * n, maps, zr);
          }
        }
      }
    }
    // relu and 2×2 max pooling: max(0, the cell's four values), and which one it was.
    for (int q = 0; q < ConvCases.POOLED; q++) {
      int top = 2 * (q / ConvCases.POOLED_SIDE);
      int left = 2 * (q % ConvCases.POOLED_SIDE);
      for (int c = 0; c < filters; c++) {
        int fr = (q * filters + c) * n;
        for (int j = 0; j < n; j++) {
          double best = 0;
          int at = -1;
          for (int cell = 0; cell < 4; cell++) {
            int pos = (top + cell / 2) * SIDE + left + cell % 2;
            double v = maps[(c * POSITIONS + pos) * n + j];
            if (v > best) {
              best = v;
              at = pos;
            }
          }
          pooled[fr + j] = best;
          winner[fr + j] = at;
        }
      }
    }
    dense(V1.data(), b1, pooled, pooled.length / n, hidden, hiddenOut, true);
    dense(V2.data(), b2, hiddenOut, hidden, classes, logits, false);
  }

  /** out = Wᵀ in + b 1ᵀ (relu'd if asked), W: inputs×outputs, reading W and in along rows. */
  private void dense(double[] w, double[] bias, double[] in, int inputs, int outputs,
      double[] out, boolean relu) {
    int n = batch;
    for (int o = 0; o < outputs; o++) {
      Arrays.fill(out, o * n, o * n + n, bias[o]);
    }
    for (int i = 0; i < inputs; i++) {
      for (int o = 0; o < outputs; o++) {
        axpy(n, w[i * outputs + o], in, i * n, out, o * n);
      }
    }
    if (relu) {
      for (int i = 0; i < outputs * n; i++) {
        out[i] = Math.max(out[i], 0.0);
      }
    }
  }

  /** Mean cross-entropy of the logits' column softmax against Y; keeps each column's log-sum-exp. */
  private double loss(Matrix Y) {
    int n = batch;
    double[] y = Y.data();
    double total = 0;
    for (int j = 0; j < n; j++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int o = 0; o < classes; o++) {
        max = Math.max(max, logits[o * n + j]);
      }
      double sum = 0;
      for (int o = 0; o < classes; o++) {
        sum += Math.exp(logits[o * n + j] - max);
      }
      double lse = max + Math.log(sum);
      logSumExp[j] = lse;
      for (int o = 0; o < classes; o++) {
        total += y[o * n + j] * (logits[o * n + j] - lse);
      }
    }
    return -total / n;
  }

  private static double sumSq(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v * v;
    }
    return s;
  }

  private static void axpy(int len, double a, double[] x, int xOff, double[] y, int yOff) {
    for (int i = 0; i < len; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  private static double dot(int len, double[] x, int xOff, double[] y, int yOff) {
    double s = 0;
    for (int i = 0; i < len; i++) {
      s += x[xOff + i] * y[yOff + i];
    }
    return s;
  }
}
