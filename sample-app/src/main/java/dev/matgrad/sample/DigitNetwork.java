package dev.matgrad.sample;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * The seed notes' two-layer network Bᵀ σ(Aᵀ x), extended the way practitioners do: biases, a
 * choice of nonlinearity and a softmax cross-entropy head over the 10 classes, on a mini-batch at
 * once. A batch is a matrix whose columns are images, X: 64×B, with one-hot labels in the columns
 * of Y: 10×B; the parameters are W1: 64×H, b1: H, W2: H×10, b2: 10.
 *
 * <p>matgrad generates {@code DigitNetworkGradients} from these methods; the trainer calls only
 * those generated gradients. The methods themselves run as written and serve as the forward pass
 * for predictions.
 */
public final class DigitNetwork {
  private DigitNetwork() {}

  /** Mean cross-entropy of softmax(logits) against the one-hot columns of Y. */
  @Differentiable(wrt = "logits")
  public static double crossEntropy(Matrix logits, Matrix Y) {
    return -sum(mul(Y, logSoftmax(logits))) / logits.cols();
  }

  /** Logits W2ᵀ relu(W1ᵀ X + b1 1ᵀ) + b2 1ᵀ (10×B). */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static Matrix reluLogits(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X) {
    Matrix H = relu(addToEachColumn(matmul(transpose(W1), X), b1));
    return addToEachColumn(matmul(transpose(W2), H), b2);
  }

  /** Logits W2ᵀ tanh(W1ᵀ X + b1 1ᵀ) + b2 1ᵀ (10×B). */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static Matrix tanhLogits(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X) {
    Matrix H = tanh(addToEachColumn(matmul(transpose(W1), X), b1));
    return addToEachColumn(matmul(transpose(W2), H), b2);
  }

  /** Logits W2ᵀ σ(W1ᵀ X + b1 1ᵀ) + b2 1ᵀ (10×B): the seed notes' σ. */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static Matrix sigmoidLogits(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X) {
    Matrix H = sigmoid(addToEachColumn(matmul(transpose(W1), X), b1));
    return addToEachColumn(matmul(transpose(W2), H), b2);
  }

  /** The training objective with relu: cross-entropy plus decay·(‖W1‖² + ‖W2‖²). */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static double reluLoss(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X, Matrix Y,
      double decay) {
    return crossEntropy(reluLogits(W1, b1, W2, b2, X), Y) + decay * (sumSq(W1) + sumSq(W2));
  }

  /** The training objective with tanh: cross-entropy plus decay·(‖W1‖² + ‖W2‖²). */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static double tanhLoss(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X, Matrix Y,
      double decay) {
    return crossEntropy(tanhLogits(W1, b1, W2, b2, X), Y) + decay * (sumSq(W1) + sumSq(W2));
  }

  /** The training objective with σ: cross-entropy plus decay·(‖W1‖² + ‖W2‖²). */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static double sigmoidLoss(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X,
      Matrix Y, double decay) {
    return crossEntropy(sigmoidLogits(W1, b1, W2, b2, X), Y) + decay * (sumSq(W1) + sumSq(W2));
  }
}
