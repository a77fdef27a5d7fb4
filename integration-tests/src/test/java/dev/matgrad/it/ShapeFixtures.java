package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** Fixtures with distinctive parameter names, for the shape checks of {@link ShapeErrorsTest}. */
public final class ShapeFixtures {
  private ShapeFixtures() {}

  /** ‖weightsᵀ input − target‖² (weights: d×n, input: d, target: n). */
  @Differentiable
  public static double projectedLoss(Matrix weights, double[] input, double[] target) {
    return sumSq(sub(matmul(transpose(weights), input), target));
  }

  /** weightsᵀ input. */
  @Differentiable
  public static double[] project(Matrix weights, double[] input) {
    return matmul(transpose(weights), input);
  }

  @Differentiable
  public static double pairedProduct(double[] left, double[] right) {
    return dot(left, right);
  }

  @Differentiable
  public static Matrix hadamard(Matrix first, Matrix second) {
    return mul(first, second);
  }

  @Differentiable
  public static double productSum(Matrix first, Matrix second) {
    return sum(matmul(first, second));
  }

  @Differentiable
  public static double scaledSum(double factor, double[] values) {
    return factor * sum(values);
  }

  @Differentiable
  public static double traceOf(Matrix square) {
    return trace(square);
  }

  @Differentiable
  public static Matrix shifted(Matrix columns, double[] shift) {
    return addToEachColumn(columns, shift);
  }

  /** The mismatch is inside a helper: pairedProduct(left, right) with right = exp(values). */
  @Differentiable
  public static double callsPairedProduct(double[] left, double[] values) {
    return pairedProduct(left, exp(values));
  }
}
