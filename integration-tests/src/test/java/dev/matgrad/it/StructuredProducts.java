package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Products the simplifier rewrites: traces of products (no product, no identity matrix in the
 * adjoint) and products with a diagonal matrix (row or column scaling, no n×n matrix). Each must
 * keep its value and its gradient. C weights the matrix-valued ones into a scalar.
 */
public final class StructuredProducts {
  private StructuredProducts() {}

  @Differentiable
  public static double traceAB(Matrix A, Matrix B) {
    return trace(matmul(A, B));
  }

  @Differentiable
  public static double traceAtB(Matrix A, Matrix B) {
    return trace(matmul(transpose(A), B));
  }

  @Differentiable
  public static double traceABt(Matrix A, Matrix B) {
    return trace(matmul(A, transpose(B)));
  }

  @Differentiable
  public static double traceAtBt(Matrix A, Matrix B) {
    return trace(matmul(transpose(A), transpose(B)));
  }

  /** The benchmark's trace(Xᵀ A X): ∇_X = (A + Aᵀ) X, ∇_A = X Xᵀ. */
  @Differentiable
  public static double quadraticTrace(Matrix X, Matrix A) {
    return trace(matmul(matmul(transpose(X), A), X));
  }

  @Differentiable(wrt = {"v", "M"})
  public static double diagTimesMatrix(double[] v, Matrix M, Matrix C) {
    return sum(mul(C, matmul(diag(v), M)));
  }

  @Differentiable(wrt = {"v", "M"})
  public static double matrixTimesDiag(double[] v, Matrix M, Matrix C) {
    return sum(mul(C, matmul(M, diag(v))));
  }

  @Differentiable(wrt = {"v", "M"})
  public static double transposedTimesDiag(double[] v, Matrix M, Matrix C) {
    return sum(mul(C, matmul(transpose(M), diag(v))));
  }

  @Differentiable(wrt = {"v", "x"})
  public static double diagTimesVector(double[] v, double[] x, double[] c) {
    return dot(c, matmul(diag(v), x));
  }
}
