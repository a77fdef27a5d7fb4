package dev.matgrad.bench.loops;

import static dev.matgrad.Ops.addToEachColumn;
import static dev.matgrad.Ops.logSoftmax;
import static dev.matgrad.Ops.matmul;
import static dev.matgrad.Ops.maximum;
import static dev.matgrad.Ops.mul;
import static dev.matgrad.Ops.relu;
import static dev.matgrad.Ops.sum;
import static dev.matgrad.Ops.sumSq;
import static dev.matgrad.Ops.transpose;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * The sample application's convolutional network ({@code dev.matgrad.sample.ConvNetwork}), its
 * loss written out in one class as the app writes it: 3×3 filters with zero padding over 8×8
 * images (X: 64×B, one image per column), relu and 2×2 max pooling in one, a relu hidden layer
 * and the mean softmax cross-entropy, plus decay·(‖K‖² + ‖V1‖² + ‖V2‖²). The processor
 * generates {@code ConvCasesGradients}; the hand-written backprop is {@link ConvHand}.
 */
public final class ConvCases {
  private ConvCases() {}

  static final int SIDE = 8;
  static final int TAPS = 9;
  static final int POOLED_SIDE = 4;
  static final int POOLED = 16;

  /** Logits (10×B); rows qC + c of the pooled features are filter c at 2×2 cell q. */
  @Differentiable(wrt = {"K", "k", "V1", "b1", "V2", "b2"})
  public static Matrix convLogits(Matrix K, double[] k, Matrix V1, double[] b1, Matrix V2,
      double[] b2, Matrix X) {
    int n = X.cols();
    int filters = K.rows();
    Matrix F = Matrix.zeros(V1.rows(), X.cols());
    for (int q = 0; q < POOLED; q++) {
      int top = 2 * (q / POOLED_SIDE);
      int left = 2 * (q % POOLED_SIDE);
      Matrix best = Matrix.zeros(K.rows(), X.cols());
      for (int cell = 0; cell < 4; cell++) {
        int r = top + cell / 2;
        int s = left + cell % 2;
        Matrix patch = Matrix.zeros(TAPS, X.cols());
        for (int i = 0; i < TAPS * n; i++) {
          int t = i / n;
          int rr = r + t / 3 - 1;
          int ss = s + t % 3 - 1;
          boolean inside = rr >= 0 && rr < SIDE && ss >= 0 && ss < SIDE;
          patch.set(t, i % n, inside ? X.get(rr * SIDE + ss, i % n) : 0.0);
        }
        best = maximum(best, addToEachColumn(matmul(K, patch), k));
      }
      for (int i = 0; i < filters * n; i++) {
        F.set(q * filters + i / n, i % n, best.get(i / n, i % n));
      }
    }
    Matrix H = relu(addToEachColumn(matmul(transpose(V1), F), b1));
    return addToEachColumn(matmul(transpose(V2), H), b2);
  }

  /** The training objective: mean cross-entropy against one-hot Y plus the L2 penalty. */
  @Differentiable(wrt = {"K", "k", "V1", "b1", "V2", "b2"})
  public static double convLoss(Matrix K, double[] k, Matrix V1, double[] b1, Matrix V2,
      double[] b2, Matrix X, Matrix Y, double decay) {
    Matrix logits = convLogits(K, k, V1, b1, V2, b2, X);
    return -sum(mul(Y, logSoftmax(logits))) / X.cols()
        + decay * (sumSq(K) + sumSq(V1) + sumSq(V2));
  }
}
