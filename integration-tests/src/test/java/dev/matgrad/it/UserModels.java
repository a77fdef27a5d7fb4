package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * What a practitioner writes next: regression and classification losses, a small MLP, a
 * likelihood, robust losses, quadratic and trace forms, a matrix-valued layer, and a model built
 * from helper methods. Batches are columns: X is d × batch.
 */
public final class UserModels {
  private UserModels() {}

  /** Mean squared error of a linear model, ‖X w − y‖² / n (X: n×d). */
  @Differentiable(wrt = "w")
  public static double leastSquares(Matrix X, double[] w, double[] y, int n) {
    double[] residual = sub(matmul(X, w), y);
    return sumSq(residual) / n;
  }

  /** Ridge regression, mean((Xw − y)²) + λ‖w‖², λ a constant. */
  @Differentiable(wrt = "w")
  public static double ridge(Matrix X, double[] w, double[] y, double lambda) {
    return mean(square(sub(matmul(X, w), y))) + lambda * sumSq(w);
  }

  /**
   * Logistic regression, softplus form: mean(softplus(z) − y ⊙ z) with z = X w + b·1 (X: n×d,
   * labels y ∈ {0,1}ⁿ, ones the constant vector of n ones).
   */
  @Differentiable(wrt = {"w", "b"})
  public static double logisticSoftplus(Matrix X, double[] w, double b, double[] y, double[] ones) {
    double[] z = add(matmul(X, w), scale(b, ones));
    return mean(sub(softplus(z), mul(y, z)));
  }

  /**
   * The same loss for a batch of columns, in its sigmoid form:
   * −mean(Y ⊙ log σ(Z) + (1 − Y) ⊙ log(1 − σ(Z))) with Z = W X + b 1ᵀ (W: 1×d, X: d×batch).
   */
  @Differentiable(wrt = {"W", "b"})
  public static double logisticSigmoid(Matrix W, double[] b, Matrix X, Matrix Y, Matrix ones) {
    Matrix z = addToEachColumn(matmul(W, X), b);
    Matrix p = sigmoid(z);
    return -mean(add(mul(Y, log(p)), mul(sub(ones, Y), log(sub(ones, p)))));
  }

  /** Softmax cross-entropy of a batch: −Σ Y ⊙ logSoftmax(W X + b 1ᵀ) / batch (Y one-hot columns). */
  @Differentiable(wrt = {"W", "b"})
  public static double softmaxCrossEntropy(Matrix W, double[] b, Matrix X, Matrix Y, int batch) {
    Matrix logits = addToEachColumn(matmul(W, X), b);
    return -sum(mul(Y, logSoftmax(logits))) / batch;
  }

  /** A two-layer tanh MLP with squared error, ‖W2 tanh(W1 X + b1 1ᵀ) + b2 1ᵀ − Y‖² / batch. */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static double mlpTanh(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X, Matrix Y, int batch) {
    Matrix hidden = tanh(addToEachColumn(matmul(W1, X), b1));
    Matrix out = addToEachColumn(matmul(W2, hidden), b2);
    return sumSq(sub(out, Y)) / batch;
  }

  /** A two-layer ReLU MLP with a softmax cross-entropy head. */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static double mlpRelu(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X, Matrix Y, int batch) {
    var hidden = relu(addToEachColumn(matmul(W1, X), b1));
    var logits = addToEachColumn(matmul(W2, hidden), b2);
    return -sum(mul(Y, logSoftmax(logits))) / batch;
  }

  /**
   * Gaussian negative log-likelihood of n samples x with scalar mean mu and deviation sigma:
   * n log σ + Σ(x_i − μ)² / (2σ²) + (n/2) log 2π, expanding Σ(x − μ)² = ‖x‖² − 2μ Σx + nμ².
   */
  @Differentiable
  public static double gaussianNll(double[] x, double mu, double sigma, int n) {
    double squares = sumSq(x) - 2.0 * mu * sum(x) + n * mu * mu;
    return n * Math.log(sigma) + squares / (2.0 * sigma * sigma) + 0.5 * n * Math.log(6.283185307179586);
  }

  /** log cosh(pred − target), written with Math.exp and Math.log. */
  @Differentiable
  public static double logCosh(double pred, double target) {
    double r = pred - target;
    return Math.log(0.5 * (Math.exp(r) + Math.exp(-r)));
  }

  /** Pseudo-Huber loss δ² Σ(√(1 + (r/δ)²) − 1), r = pred − target; δ and ones are constants. */
  @Differentiable(wrt = "pred")
  public static double pseudoHuber(double[] pred, double[] target, double delta, double[] ones) {
    double[] r = scale(1.0 / delta, sub(pred, target));
    return delta * delta * sum(sub(sqrt(add(ones, square(r))), ones));
  }

  /** Quadratic form xᵀ A x. */
  @Differentiable
  public static double quadraticForm(Matrix A, double[] x) {
    return dot(x, matmul(A, x));
  }

  /** tr(Xᵀ A X) (X: n×k, A: n×n). */
  @Differentiable
  public static double traceForm(Matrix X, Matrix A) {
    return trace(matmul(matmul(transpose(X), A), X));
  }

  /** A matrix-valued layer σ(W X). */
  @Differentiable
  public static Matrix sigmoidOfProduct(Matrix W, Matrix X) {
    return sigmoid(matmul(W, X));
  }

  /** A vector-valued model: class probabilities softmax(W2 tanh(W1 x + b1) + b2). */
  @Differentiable
  public static double[] mlpProbabilities(Matrix W1, double[] b1, Matrix W2, double[] b2, double[] x) {
    double[] h = tanh(add(matmul(W1, x), b1));
    return softmax(add(matmul(W2, h), b2));
  }

  // A model built from helpers.

  /** W X + b 1ᵀ. */
  @Differentiable
  public static Matrix dense(Matrix W, double[] b, Matrix X) {
    return addToEachColumn(matmul(W, X), b);
  }

  /** Mean cross-entropy of logits against one-hot Y. */
  @Differentiable(wrt = "logits")
  public static double crossEntropy(Matrix logits, Matrix Y, int batch) {
    return -sum(mul(Y, logSoftmax(logits))) / batch;
  }

  /** The ReLU MLP again, through the helpers, plus an L2 penalty λ(‖W1‖² + ‖W2‖²). */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static double mlpViaHelpers(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X, Matrix Y,
      int batch, double lambda) {
    Matrix hidden = relu(dense(W1, b1, X));
    double penalty = lambda * (sumSq(W1) + sumSq(W2));
    return crossEntropy(dense(W2, b2, hidden), Y, batch) + penalty;
  }
}
