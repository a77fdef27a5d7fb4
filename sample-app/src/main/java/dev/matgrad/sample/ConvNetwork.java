package dev.matgrad.sample;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * A small convolutional network over the 8×8 images: C filters of 3×3 with zero ("same")
 * padding, relu, 2×2 max pooling to C maps of 4×4, a relu hidden layer and the softmax
 * cross-entropy head. A batch is X: 64×B (one image per column, pixels row by row), labels Y:
 * 10×B; the parameters are K: C×9 (one filter per row, taps row by row), k: C, V1: 16C×H, b1: H,
 * V2: H×10, b2: 10.
 *
 * <p>The loops run over the 16 cells of the pooled map and the four positions of each cell; at a
 * position the convolution of all C filters with every image of the batch is one matrix product
 * K P, where the loop over the nine taps gathers P (9×B) from the images. The loops that write
 * arrays are single flat loops (index i over taps × images, split by / and %): matgrad copies
 * an array written in a loop at each iteration of any loop around that one, so nesting them
 * would copy P nine times per position. matgrad differentiates the loops as written; P depends
 * on the images only, so its loop has no adjoint. The trainer calls only the generated
 * {@code ConvNetworkGradients.lossGrad}; the methods themselves are the forward pass for
 * predictions.
 */
public final class ConvNetwork {
  private ConvNetwork() {}

  /** Side of an image, and of a feature map (same padding keeps the size). */
  static final int SIDE = 8;
  /** Taps of a 3×3 filter. */
  static final int TAPS = 9;
  /** Side of a pooled map, and its number of cells. */
  static final int POOLED_SIDE = 4;
  static final int POOLED = 16;

  /**
   * Logits V2ᵀ relu(V1ᵀ F + b1 1ᵀ) + b2 1ᵀ (10×B) of the pooled maps F (16C×B). For each 2×2
   * cell q of the 8×8 map, rows qC .. qC + C − 1 of F hold max(0, z) over the cell's four
   * positions, z = K P + k 1ᵀ (C×B), where the patch P (9×B) holds each image's pixels at the
   * position's nine taps, 0 outside the image: relu and max pooling in one, since the max of
   * relus is the relu of the max.
   */
  @Differentiable(wrt = {"K", "k", "V1", "b1", "V2", "b2"})
  public static Matrix logits(Matrix K, double[] k, Matrix V1, double[] b1, Matrix V2,
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

  /** The training objective: cross-entropy plus decay·(‖K‖² + ‖V1‖² + ‖V2‖²). */
  @Differentiable(wrt = {"K", "k", "V1", "b1", "V2", "b2"})
  public static double loss(Matrix K, double[] k, Matrix V1, double[] b1, Matrix V2, double[] b2,
      Matrix X, Matrix Y, double decay) {
    return DigitNetwork.crossEntropy(logits(K, k, V1, b1, V2, b2, X), Y)
        + decay * (sumSq(K) + sumSq(V1) + sumSq(V2));
  }
}
