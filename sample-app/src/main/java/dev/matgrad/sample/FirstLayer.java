package dev.matgrad.sample;

import static dev.matgrad.Ops.matmul;
import static dev.matgrad.Ops.sigmoid;
import static dev.matgrad.Ops.sub;
import static dev.matgrad.Ops.sumSq;
import static dev.matgrad.Ops.transpose;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** The seed notes' two-layer network, written as a user writes it. */
public final class FirstLayer {
  private FirstLayer() {}

  /** L(A) = ‖Bᵀ σ(Aᵀ x) − c‖² (A: d×n, B: n×m, x: d, c: m). */
  @Differentiable(wrt = "A")
  public static double firstLayerLoss(Matrix A, Matrix B, double[] x, double[] c) {
    double[] h = sigmoid(matmul(transpose(A), x));
    return sumSq(sub(matmul(transpose(B), h), c));
  }
}
