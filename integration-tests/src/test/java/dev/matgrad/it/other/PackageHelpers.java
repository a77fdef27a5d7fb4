package dev.matgrad.it.other;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** @Differentiable helpers in another package, called from {@link dev.matgrad.it.EdgeCases}. */
public final class PackageHelpers {
  private PackageHelpers() {}

  /** ‖tanh(W x)‖². */
  @Differentiable
  public static double squashedNorm(Matrix W, double[] x) {
    return sumSq(tanh(matmul(W, x)));
  }
}
