package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * The worked problems of the seed notes (shared/seed/matrix-calculus-notes.txt), written the way
 * a user would; {@link Losses#firstLayerLoss} is Problem 8. Shapes: x ∈ Rᵈ, A ∈ R^{d×n},
 * B ∈ R^{n×m}.
 */
public final class SeedProblems {
  private SeedProblems() {}

  /** Example 1: ‖x‖₁; ∇ = sign(x). */
  @Differentiable
  public static double l1Norm(double[] x) {
    return norm1(x);
  }

  /** Example 1 again, as Σ|x_i|. */
  @Differentiable
  public static double l1NormBySum(double[] x) {
    return sum(abs(x));
  }

  /** Guided Problem 2: ‖x‖₂² = xᵀx; ∇ = 2x. */
  @Differentiable
  public static double squaredL2(double[] x) {
    return dot(x, x);
  }

  /** Guided Problem 2 again, as sumSq. */
  @Differentiable
  public static double squaredL2BySumSq(double[] x) {
    return sumSq(x);
  }

  /** Challenge Problem 3: ‖x‖_p; ∇_j = x_j |x_j|^{p−2} / ‖x‖_p^{p−1}. */
  @Differentiable(wrt = "x")
  public static double pNorm(double[] x, double p) {
    return normP(x, p);
  }

  /** Challenge Problem 3 again, from its definition (Σ|x_i|^p)^{1/p}. */
  @Differentiable(wrt = "x")
  public static double pNormByDefinition(double[] x, double p) {
    return Math.pow(sum(pow(abs(x), p)), 1.0 / p);
  }

  /** Example Problem 5 (Solution 4): f(x) = Aᵀx; its Jacobian w.r.t. x is A (d×n). */
  @Differentiable(wrt = "x")
  public static double[] linearMap(Matrix A, double[] x) {
    return matmul(transpose(A), x);
  }

  /** Guided Problem 5: ‖Aᵀx‖²; ∇x = 2 A Aᵀ x. */
  @Differentiable(wrt = "x")
  public static double squaredNormOfLinearMap(Matrix A, double[] x) {
    return sumSq(matmul(transpose(A), x));
  }

  /** Challenge Problem 6: f(x) = Bᵀ σ(Aᵀx); Jacobian w.r.t. x is A diag(σ'(Aᵀx)) B (d×m). */
  @Differentiable(wrt = "x")
  public static double[] sigmoidLayer(Matrix A, Matrix B, double[] x) {
    return matmul(transpose(B), sigmoid(matmul(transpose(A), x)));
  }

  /** Guided Problem 7: ‖Aᵀx‖² w.r.t. A; ∇A = 2 x xᵀ A. */
  @Differentiable(wrt = "A")
  public static double squaredNormOfLinearMapWrtA(Matrix A, double[] x) {
    return sumSq(matmul(transpose(A), x));
  }

  /** Problems 5 and 7 at once: wrt both A and x. */
  @Differentiable
  public static double squaredNormOfLinearMapWrtBoth(Matrix A, double[] x) {
    double[] y = matmul(transpose(A), x);
    return dot(y, y);
  }
}
