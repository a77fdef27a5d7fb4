package dev.matgrad.bench;

import static dev.matgrad.Ops.addToEachColumn;
import static dev.matgrad.Ops.logSoftmax;
import static dev.matgrad.Ops.mean;
import static dev.matgrad.Ops.matmul;
import static dev.matgrad.Ops.mul;
import static dev.matgrad.Ops.relu;
import static dev.matgrad.Ops.sigmoid;
import static dev.matgrad.Ops.softplus;
import static dev.matgrad.Ops.sub;
import static dev.matgrad.Ops.sum;
import static dev.matgrad.Ops.sumSq;
import static dev.matgrad.Ops.trace;
import static dev.matgrad.Ops.transpose;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** The benchmarked functions, written as a user writes them; the processor generates {@code CasesGradients}. */
public final class Cases {
  private Cases() {}

  /** The seed notes' first layer: ‖Bᵀ σ(Aᵀ x) − c‖² (A: d×n, B: n×m, x: d, c: m). */
  @Differentiable(wrt = "A")
  public static double firstLayerLoss(Matrix A, Matrix B, double[] x, double[] c) {
    double[] h = sigmoid(matmul(transpose(A), x));
    return sumSq(sub(matmul(transpose(B), h), c));
  }

  /**
   * Mean softmax cross-entropy of a ReLU MLP over a mini-batch: X holds one sample per column
   * (inputs × batch), Y the one-hot labels (classes × batch).
   */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static double mlpLoss(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X, Matrix Y, int batch) {
    Matrix hidden = relu(addToEachColumn(matmul(W1, X), b1));
    Matrix logits = addToEachColumn(matmul(W2, hidden), b2);
    return -sum(mul(Y, logSoftmax(logits))) / batch;
  }

  /** The quadratic form trace(Xᵀ A X) (X: n×k, A: n×n), w.r.t. X. */
  @Differentiable(wrt = "X")
  public static double traceQuadratic(Matrix X, Matrix A) {
    return trace(matmul(matmul(transpose(X), A), X));
  }

  /**
   * The seed notes' σ-layer f(x) = Bᵀ σ(Aᵀ x) (A: d×n, B: n×m, x: d); its Jacobian w.r.t. x is
   * A diag(σ'(Aᵀx)) B (d×m), which {@code sigmoidLayerJacobian} computes.
   */
  @Differentiable(wrt = "x")
  public static double[] sigmoidLayer(Matrix A, Matrix B, double[] x) {
    return matmul(transpose(B), sigmoid(matmul(transpose(A), x)));
  }

  /**
   * L2-regularised logistic regression, the mean over the rows of X (samples × features, labels
   * y in {0, 1}); ∇²_w = Xᵀ diag(σ(Xw) ⊙ (1 − σ(Xw))) X / samples + 2λI.
   */
  @Differentiable(wrt = "w", hessian = true)
  public static double logistic(double[] w, Matrix X, double[] y, double lambda) {
    double[] z = matmul(X, w);
    return mean(sub(softplus(z), mul(y, z))) + lambda * sumSq(w);
  }
}
