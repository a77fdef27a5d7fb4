package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Fixtures for {@link StabilityTest}: the ops that must stay finite for large inputs (sigmoid,
 * softplus, logSumExp, softmax, logSoftmax, norm2), the losses users build from them, the
 * conventions at 0 (norm2, normP, sqrt, abs, relu, norm1) and functions with a pole (log, div)
 * next to entries and parameters that have none.
 */
public final class StabilityFixtures {
  private StabilityFixtures() {}

  // ------------------------------------------------------------------- saturating activations

  @Differentiable
  public static double sigmoidOfDouble(double x) {
    return sigmoid(x);
  }

  @Differentiable
  public static double softplusOfDouble(double x) {
    return softplus(x);
  }

  @Differentiable
  public static double[] sigmoidOfVector(double[] x) {
    return sigmoid(x);
  }

  @Differentiable
  public static double[] softplusOfVector(double[] x) {
    return softplus(x);
  }

  @Differentiable
  public static Matrix sigmoidOfMatrix(Matrix X) {
    return sigmoid(X);
  }

  @Differentiable
  public static Matrix softplusOfMatrix(Matrix X) {
    return softplus(X);
  }

  // ------------------------------------------------------------------ log-sum-exp and softmax

  @Differentiable
  public static double logSumExpOfVector(double[] x) {
    return logSumExp(x);
  }

  @Differentiable
  public static double logSumExpOfMatrix(Matrix X) {
    return logSumExp(X);
  }

  @Differentiable
  public static double[] softmaxOfVector(double[] x) {
    return softmax(x);
  }

  @Differentiable
  public static double[] logSoftmaxOfVector(double[] x) {
    return logSoftmax(x);
  }

  @Differentiable
  public static Matrix softmaxOfMatrix(Matrix X) {
    return softmax(X);
  }

  @Differentiable
  public static Matrix logSoftmaxOfMatrix(Matrix X) {
    return logSoftmax(X);
  }

  // ------------------------------------------------------------------------- losses users write

  /** Cross-entropy of the logits z against the target distribution y. */
  @Differentiable
  public static double crossEntropy(double[] z, double[] y) {
    return -sum(mul(y, logSoftmax(z)));
  }

  /** Mean cross-entropy of a batch of logits (one column per example) against one-hot targets. */
  @Differentiable(wrt = "Z")
  public static double batchCrossEntropy(Matrix Z, Matrix Y) {
    return -sum(mul(Y, logSoftmax(Z))) / Z.cols();
  }

  /** Binary cross-entropy from logits: Σ softplus(z) − y z = −Σ y log σ(z) + (1 − y) log(1 − σ(z)). */
  @Differentiable(wrt = "z")
  public static double binaryCrossEntropyWithLogits(double[] z, double[] y) {
    return sum(sub(softplus(z), mul(y, z)));
  }

  /** Σ log σ(z) in the stable spelling −softplus(−z). */
  @Differentiable
  public static double logSigmoidStable(double[] z) {
    return -sum(softplus(neg(z)));
  }

  /** Σ log σ(z) spelled out: σ(z) underflows to 0 for z ≤ −746, and its log to −∞. */
  @Differentiable
  public static double logOfSigmoid(double[] z) {
    return sum(log(sigmoid(z)));
  }

  /** A softmax attention weight times values: the saturated softmax must not poison v's gradient. */
  @Differentiable
  public static double attention(double[] scores, double[] v) {
    return dot(softmax(scores), v);
  }

  // ---------------------------------------------------------------------------- norms at 0

  @Differentiable
  public static double norm2OfVector(double[] x) {
    return norm2(x);
  }

  @Differentiable
  public static double norm2OfMatrix(Matrix X) {
    return norm2(X);
  }

  @Differentiable(wrt = "x")
  public static double normPOfVector(double[] x, double p) {
    return normP(x, p);
  }

  /** A norm at 0 next to a term that does not vanish: the norm must add 0, not NaN, to x's gradient. */
  @Differentiable
  public static double norm2PlusDot(double[] x, double[] y) {
    return norm2(x) + dot(x, y);
  }

  /** Regularised least squares whose weights start at 0: ‖A w − b‖² + λ‖w‖₂. */
  @Differentiable(wrt = "w")
  public static double lassoLikeAtZero(Matrix A, double[] w, double[] b, double lambda) {
    return sumSq(sub(matmul(A, w), b)) + lambda * norm2(w);
  }

  @Differentiable
  public static double kinksAtZero(double[] x) {
    return norm1(x) + sum(abs(x)) + sum(relu(x));
  }

  // ------------------------------------------------------------------------------- sqrt at 0

  @Differentiable
  public static double sqrtOfDouble(double x) {
    return Math.sqrt(x);
  }

  @Differentiable
  public static double[] sqrtOfVector(double[] x) {
    return sqrt(x);
  }

  /** √ of entries weighted by m: an entry with m = 0 at x = 0 must add 0, not 0·∞ = NaN. */
  @Differentiable
  public static double maskedSqrt(double[] m, double[] x) {
    return dot(m, sqrt(x));
  }

  /** The same mask after a matrix product, where a NaN would spread to every entry of w and A. */
  @Differentiable(wrt = {"A", "w"})
  public static double maskedSqrtOfProduct(Matrix A, double[] w, double[] m) {
    return dot(m, sqrt(matmul(A, w)));
  }

  /** pow with an exponent below 1 has slope ∞ at 0 too. */
  @Differentiable(wrt = "x")
  public static double maskedPow(double[] m, double[] x, double p) {
    return dot(m, pow(x, p));
  }

  // ---------------------------------------------------------------------------- log and div

  /** Σ log x + yᵀy: a pole of log in x must leave y's gradient alone. */
  @Differentiable
  public static double logPlusSquares(double[] x, double[] y) {
    return sum(log(x)) + dot(y, y);
  }

  @Differentiable
  public static double[] logOfVector(double[] x) {
    return log(x);
  }

  /** Σ m ⊙ log x: entries with m = 0 (masked out) at x = 0. */
  @Differentiable
  public static double maskedLog(double[] m, double[] x) {
    return dot(m, log(x));
  }

  @Differentiable
  public static double quotientSum(double[] a, double[] b) {
    return sum(div(a, b));
  }

  @Differentiable
  public static double[] quotientOfVectors(double[] a, double[] b) {
    return div(a, b);
  }

  /** Σ m ⊙ (a / b) with a weight m = 0 where b = 0 (the division's value is ±∞ there). */
  @Differentiable(wrt = {"a", "b"})
  public static double maskedQuotient(double[] m, double[] a, double[] b) {
    return dot(m, div(a, b));
  }

  @Differentiable
  public static double scalarQuotient(double a, double b) {
    return a / b + Math.log(b) * a;
  }
}
