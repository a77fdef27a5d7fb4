package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Jacobians and Hessians the processor builds as matrix expressions (closed forms), and ones it
 * must leave to the sweeps; {@link ClosedFormsTest} checks both kinds and which path each took.
 */
public final class ClosedFormFixtures {
  private ClosedFormFixtures() {}

  // ---- closed forms --------------------------------------------------------------------------

  /** ∂(A x)/∂x = Aᵀ: the transpose of A, read in place. */
  @Differentiable(wrt = "x")
  public static double[] productWithA(Matrix A, double[] x) {
    return matmul(A, x);
  }

  /** A tanh layer with a bias, scaled: ∂f/∂x = Wᵀ diag((1 − tanh²(W x + b)) ⊙ c). */
  @Differentiable(wrt = "x")
  public static double[] tanhLayer(Matrix W, double[] b, double[] c, double[] x) {
    return mul(c, tanh(add(matmul(W, x), b)));
  }

  /** Two layers: ∂f/∂x = A diag(σ'(Aᵀx)) B diag(1 − tanh²(Bᵀ σ(Aᵀx))) C. */
  @Differentiable(wrt = "x")
  public static double[] twoLayers(Matrix A, Matrix B, Matrix C, double[] x) {
    return matmul(transpose(C), tanh(matmul(transpose(B), sigmoid(matmul(transpose(A), x)))));
  }

  /** Elementwise in x with a scalar of x spread over it: diag(e^x) s + e^x (2x)ᵀ, s = ‖x‖². */
  @Differentiable(wrt = "x")
  public static double[] spreadScalar(double[] x) {
    return scale(sumSq(x), exp(x));
  }

  /** Two inputs, a block each: ∂f/∂x = diag(y) + (yᵀy) A, ∂f/∂y = diag(x) + 2 y (Aᵀx)ᵀ. */
  @Differentiable(wrt = {"x", "y"})
  public static double[] twoInputs(double[] x, double[] y, Matrix A) {
    return add(mul(x, y), matmul(transpose(A), scale(dot(y, y), x)));
  }

  /** ½‖Xw − y‖² + λ‖w‖²: ∇²_w = XᵀX + 2λI. */
  @Differentiable(wrt = "w", hessian = true)
  public static double ridge(double[] w, Matrix X, double[] y, double lambda) {
    return 0.5 * sumSq(sub(matmul(X, w), y)) + lambda * sumSq(w);
  }

  /** A sum of exponentials of a linear map and a norm: reductions through their reverse rules. */
  @Differentiable(wrt = "x", hessian = true)
  public static double logSumExpLike(double[] x, Matrix A) {
    return sum(exp(matmul(transpose(A), x))) + 0.25 * sumSq(x) * sum(x) + dot(x, x) * x[0];
  }

  /** log of a value of x: a zero-safe partial, so the columns are scaled entry by entry. */
  @Differentiable(wrt = "x")
  public static double[] logOfLinearMap(Matrix A, double[] x) {
    return log(add(matmul(transpose(A), square(x)), 3.0));
  }

  // ---- declined: the sweeps are used -----------------------------------------------------------

  /** A concatenation. */
  @Differentiable(wrt = "x")
  public static double[] concatenated(double[] x, Matrix A) {
    return concat(exp(x), matmul(A, x));
  }

  /** A matrix computed from x. */
  @Differentiable(wrt = "x")
  public static double[] throughAnOuterProduct(double[] x, double[] c) {
    return matmul(outer(x, x), c);
  }

  /** A loop. */
  @Differentiable(wrt = "x")
  public static double[] inALoop(double[] x, int steps) {
    double[] h = x;
    for (int k = 0; k < steps; k++) {
      h = tanh(add(h, 0.5));
    }
    return h;
  }

  /** A Hessian w.r.t. a matrix. */
  @Differentiable(wrt = "W", hessian = true)
  public static double inAMatrix(Matrix W, double[] x) {
    return sumSq(tanh(matmul(W, x)));
  }
}
