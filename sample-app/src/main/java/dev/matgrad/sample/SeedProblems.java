package dev.matgrad.sample;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * The eight worked problems of the seed notes on matrix calculus, written as a user writes them.
 * Shapes as in the notes: x ∈ ℝᵈ, c ∈ ℝᵐ, A ∈ ℝ^{d×n}, B ∈ ℝ^{n×m}. The {@code derive} command
 * prints matgrad's derivation of each next to the notes' closed form.
 */
public final class SeedProblems {
  private SeedProblems() {}

  /** Problem 1: f(x) = ‖x‖₁; the notes: ∇ₓf = sign(x). */
  @Differentiable
  public static double l1Norm(double[] x) {
    return norm1(x);
  }

  /** Problem 2: f(x) = ‖x‖₂² = xᵀx; the notes: ∇ₓf = 2x. */
  @Differentiable
  public static double squaredL2Norm(double[] x) {
    return dot(x, x);
  }

  /** Problem 3: f(x) = ‖x‖_p; the notes: (∇ₓf)_j = x_j |x_j|^{p−2} / ‖x‖_p^{p−1}. */
  @Differentiable(wrt = "x")
  public static double pNorm(double[] x, double p) {
    return normP(x, p);
  }

  /** Problem 4: f(x) = Aᵀx; the notes: ∂f/∂x = A. */
  @Differentiable(wrt = "x")
  public static double[] linearMap(Matrix A, double[] x) {
    return matmul(transpose(A), x);
  }

  /** Problem 5: f(x) = ‖Aᵀx‖₂²; the notes: ∇ₓf = 2AAᵀx. */
  @Differentiable(wrt = "x")
  public static double squaredNormOfLinearMap(Matrix A, double[] x) {
    return sumSq(matmul(transpose(A), x));
  }

  /** Problem 6: f(x) = Bᵀσ(Aᵀx); the notes: ∂f/∂x = A diag(σ(Aᵀx) ⊙ (1 − σ(Aᵀx))) B. */
  @Differentiable(wrt = "x")
  public static double[] sigmoidLayer(Matrix A, Matrix B, double[] x) {
    return matmul(transpose(B), sigmoid(matmul(transpose(A), x)));
  }

  /** Problem 7: f(A) = ‖y‖₂² with y = Aᵀx, as the notes name it; the notes: ∇_A f = 2xyᵀ. */
  @Differentiable(wrt = "A")
  public static double squaredNormOfLinearMapWrtA(Matrix A, double[] x) {
    double[] y = matmul(transpose(A), x);
    return sumSq(y);
  }

  /**
   * Problem 8: L(A) = ‖Bᵀσ(Aᵀx) − c‖₂²; the notes:
   * ∇_A L = 2x (diag(σ(Aᵀx) ⊙ (1 − σ(Aᵀx))) B (Bᵀσ(Aᵀx) − c))ᵀ.
   */
  @Differentiable(wrt = "A")
  public static double firstLayerLoss(Matrix A, Matrix B, double[] x, double[] c) {
    double[] h = sigmoid(matmul(transpose(A), x));
    return sumSq(sub(matmul(transpose(B), h), c));
  }
}
