package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** Scalar functions with {@code hessian = true}: fHvp and fHessian are generated for each. */
public final class SecondOrder {
  private SecondOrder() {}

  /** xᵀ A x: ∇²_x = A + Aᵀ. */
  @Differentiable(wrt = "x", hessian = true)
  public static double quadraticForm(Matrix A, double[] x) {
    return dot(x, matmul(A, x));
  }

  /**
   * L2-regularised logistic regression, mean over the rows of X (labels y in {0, 1}):
   * ∇²_w = Xᵀ diag(σ ⊙ (1 − σ)) X / n + 2λI.
   */
  @Differentiable(wrt = "w", hessian = true)
  public static double logistic(double[] w, Matrix X, double[] y, double lambda) {
    double[] z = matmul(X, w);
    return mean(sub(softplus(z), mul(y, z))) + lambda * sumSq(w);
  }

  /** A tanh layer's squared error, in the weights and the bias jointly. */
  @Differentiable(wrt = {"W", "b"}, hessian = true)
  public static double tanhLayer(Matrix W, double[] b, double[] x, double[] t) {
    return sumSq(sub(tanh(add(matmul(W, x), b)), t));
  }

  /** Softmax cross-entropy of a linear model over a batch (columns of X). */
  @Differentiable(wrt = "W", hessian = true)
  public static double softmaxCrossEntropy(Matrix W, Matrix X, Matrix Y) {
    return -sum(mul(Y, logSoftmax(matmul(W, X)))) / X.cols();
  }

  /** A scalar, a vector and elementwise functions together: every kind of wrt parameter. */
  @Differentiable(hessian = true)
  public static double mixed(double s, double[] v, Matrix M) {
    double a = s * s * sum(exp(scale(0.3, v)));
    return a + log(1.0 + sumSq(M)) * sigmoid(s) + pow(norm2(v), 3.0) + Math.sin(s) * trace(M);
  }

  /**
   * A zero-mean Gaussian's negative log-likelihood ½ xᵀ Σ⁻¹ x + ½ log |Σ|, in x and Σ jointly:
   * the x–x block of ∇² is Σ⁻¹.
   */
  @Differentiable(hessian = true)
  public static double gaussianNll(double[] x, Matrix S) {
    return 0.5 * dot(x, solve(S, x)) + 0.5 * logDet(S);
  }

  /** A GP-style bᵀ A⁻¹ b in A, with the matrix overload of solve and det. */
  @Differentiable(wrt = "A", hessian = true)
  public static double gpQuadratic(Matrix A, double[] b, Matrix B) {
    return dot(b, solve(A, b)) + sum(mul(B, solve(A, B))) + 0.1 * det(A);
  }

  /** The Cholesky factor and the inverse through second order. */
  @Differentiable(wrt = "A", hessian = true)
  public static double choleskyAndInverse(Matrix A, double[] x) {
    return sumSq(matmul(cholesky(A), x)) + sum(inverse(A));
  }

  /** ‖x‖: its Hessian (I − u uᵀ)/‖x‖ is finite for the smallest nonzero x too. */
  @Differentiable(hessian = true)
  public static double euclideanNorm(double[] x) {
    return norm2(x);
  }

  /** Only a product of its two inputs: ∇² = [[0, 1], [1, 0]] exactly. */
  @Differentiable(hessian = true)
  public static double product(double a, double b) {
    return a * b;
  }

  /**
   * Cubes, one through a square with another use: f = 2 Σ x³ + a³ + Σ x⁴, so
   * ∇² = diag(12x + 12x²) ⊕ 6a.
   */
  @Differentiable(hessian = true)
  public static double cubes(double[] x, double a) {
    double[] square = mul(x, x);
    return sum(mul(square, x)) + a * a * a + sum(mul(x, mul(x, x))) + dot(square, square);
  }

  /** concat of erf and Φ, kron, vstack and hstack: second derivatives through each. */
  @Differentiable(wrt = {"a", "A"}, hessian = true)
  public static double buildingOpsAndErf(double[] a, Matrix A, Matrix B) {
    double[] v = concat(erf(a), normalCdf(a));
    return sumSq(v) + sum(square(kron(A, B))) + sum(mul(vstack(A, B), vstack(A, B)))
        + sum(tanh(hstack(A, A)));
  }
}
