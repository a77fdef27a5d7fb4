package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** @Differentiable helpers that {@link Composition} calls across classes. */
public final class OtherFixtures {
  private OtherFixtures() {}

  /** ‖x − y‖²_w = Σ w_i (x_i − y_i)², differentiated in x and y (w a constant). */
  @Differentiable(wrt = {"x", "y"})
  public static double weightedDistance(double[] x, double[] y, double[] w) {
    return dot(w, square(sub(x, y)));
  }

  /** Xᵀ X. */
  @Differentiable
  public static Matrix gram(Matrix X) {
    return matmul(transpose(X), X);
  }

  /** softplus(a) · b, a scalar helper. */
  @Differentiable
  public static double gate(double a, double b) {
    return softplus(a) * b;
  }
}
