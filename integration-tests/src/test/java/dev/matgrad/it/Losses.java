package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** The example of API.md, verbatim (seed notes, Challenge Problem 8). */
public final class Losses {
  /** L(A) = ||Bᵀ σ(Aᵀ x) − c||²  (A: d×n, B: n×m, x: d, c: m). */
  @Differentiable(wrt = "A")
  public static double firstLayerLoss(Matrix A, Matrix B, double[] x, double[] c) {
    double[] h = sigmoid(matmul(transpose(A), x));
    return sumSq(sub(matmul(transpose(B), h), c));
  }
}
