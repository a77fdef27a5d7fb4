package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Fixtures for the linear-algebra ops: both matmul overloads, transpose, dot, outer, trace and
 * diag. Scalar ones reach a scalar through constant random weights (c, C); the valued ones return
 * the op's result for the VJP and Jacobian checks.
 */
public final class LinearAlgebraOps {
  private LinearAlgebraOps() {}

  /** ⟨C, A B⟩ for A: n×k, B: k×m, C: n×m. */
  @Differentiable(wrt = {"A", "B"})
  public static double matmulOfMatrices(Matrix A, Matrix B, Matrix C) {
    return sum(mul(C, matmul(A, B)));
  }

  @Differentiable
  public static Matrix matmulOfMatricesValued(Matrix A, Matrix B) {
    return matmul(A, B);
  }

  /** ⟨c, A x⟩ for A: n×k, x: k, c: n. */
  @Differentiable(wrt = {"A", "x"})
  public static double matmulOfMatrixAndVector(Matrix A, double[] x, double[] c) {
    return dot(c, matmul(A, x));
  }

  @Differentiable
  public static double[] matmulOfMatrixAndVectorValued(Matrix A, double[] x) {
    return matmul(A, x);
  }

  /** ⟨C, Aᵀ⟩ for A: n×k, C: k×n. */
  @Differentiable(wrt = "A")
  public static double transposeOf(Matrix A, Matrix C) {
    return sum(mul(C, transpose(A)));
  }

  @Differentiable
  public static Matrix transposeValued(Matrix A) {
    return transpose(A);
  }

  /** ⟨c, Aᵀ x⟩ for A: n×k, x: n, c: k. */
  @Differentiable(wrt = {"A", "x"})
  public static double matmulOfTransposeAndVector(Matrix A, double[] x, double[] c) {
    return dot(c, matmul(transpose(A), x));
  }

  /** ⟨C, Aᵀ B⟩ for A: k×n, B: k×m, C: n×m. */
  @Differentiable(wrt = {"A", "B"})
  public static double matmulOfTransposeAndMatrix(Matrix A, Matrix B, Matrix C) {
    return sum(mul(C, matmul(transpose(A), B)));
  }

  /** (xᵀy)² + xᵀx: dot with two parameters and with one parameter twice. */
  @Differentiable
  public static double dotOf(double[] x, double[] y) {
    double d = dot(x, y);
    return d * d + dot(x, x);
  }

  /** ⟨C, x yᵀ⟩ for x: n, y: m, C: n×m. */
  @Differentiable(wrt = {"x", "y"})
  public static double outerOf(double[] x, double[] y, Matrix C) {
    return sum(mul(C, outer(x, y)));
  }

  @Differentiable
  public static Matrix outerValued(double[] x, double[] y) {
    return outer(x, y);
  }

  /** t² + t with t = tr(A), A square. */
  @Differentiable
  public static double traceOf(Matrix A) {
    double t = trace(A);
    return t * t + t;
  }

  /** tr(A B) for A: n×k, B: k×n. */
  @Differentiable
  public static double traceOfProduct(Matrix A, Matrix B) {
    return trace(matmul(A, B));
  }

  /** ⟨C, diag(x)⟩ for x: n, C: n×n. */
  @Differentiable(wrt = "x")
  public static double diagOf(double[] x, Matrix C) {
    return sum(mul(C, diag(x)));
  }

  @Differentiable
  public static Matrix diagValued(double[] x) {
    return diag(x);
  }

  /** diag(x) y = x ⊙ y. */
  @Differentiable
  public static double[] diagTimesVectorValued(double[] x, double[] y) {
    return matmul(diag(x), y);
  }

  /** A Aᵀ: one parameter on both sides of a product. */
  @Differentiable
  public static Matrix gramValued(Matrix A) {
    return matmul(A, transpose(A));
  }

  /** ‖A B x‖²: a chain of products. */
  @Differentiable
  public static double chainOfProducts(Matrix A, Matrix B, double[] x) {
    return sumSq(matmul(A, matmul(B, x)));
  }
}
