package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Fixtures for the factorisation ops: inverse, both solve overloads, det, logDet and cholesky.
 * Scalar ones reach a scalar through constant random weights (c, C); the valued ones return the
 * op's result for the VJP and Jacobian checks; the entry ones read one entry, so that the
 * generated value can be compared with Ops' bit for bit.
 */
public final class FactorizationOps {
  private FactorizationOps() {}

  /** ⟨c, A⁻¹ b⟩. */
  @Differentiable(wrt = {"A", "b"})
  public static double solveVector(Matrix A, double[] b, double[] c) {
    return dot(c, solve(A, b));
  }

  @Differentiable
  public static double[] solveVectorValued(Matrix A, double[] b) {
    return solve(A, b);
  }

  /** ⟨C, A⁻¹ B⟩. */
  @Differentiable(wrt = {"A", "B"})
  public static double solveMatrix(Matrix A, Matrix B, Matrix C) {
    return sum(mul(C, solve(A, B)));
  }

  @Differentiable
  public static Matrix solveMatrixValued(Matrix A, Matrix B) {
    return solve(A, B);
  }

  /** ⟨C, A⁻¹⟩. */
  @Differentiable(wrt = "A")
  public static double inverseOf(Matrix A, Matrix C) {
    return sum(mul(C, inverse(A)));
  }

  @Differentiable
  public static Matrix inverseValued(Matrix A) {
    return inverse(A);
  }

  @Differentiable
  public static double detOf(Matrix A) {
    return det(A);
  }

  @Differentiable
  public static double logDetOf(Matrix A) {
    return logDet(A);
  }

  /** ⟨C, chol(A)⟩: C's upper triangle meets zeros. */
  @Differentiable(wrt = "A")
  public static double choleskyOf(Matrix A, Matrix C) {
    return sum(mul(C, cholesky(A)));
  }

  @Differentiable
  public static Matrix choleskyValued(Matrix A) {
    return cholesky(A);
  }

  /** A second parameter beside logDet, whose gradient must not depend on S being singular. */
  @Differentiable
  public static double logDetPlusSumSq(double[] x, Matrix S) {
    return sumSq(x) + logDet(S);
  }

  /**
   * Factorisations composed: a symmetric positive definite S = AᵀA + D (D a positive diagonal)
   * built from the parameter, every result used.
   */
  @Differentiable(wrt = "A")
  public static double composed(Matrix A, Matrix D, double[] b) {
    Matrix S = add(matmul(transpose(A), A), D);
    double[] x = solve(S, b);
    return dot(x, matmul(inverse(S), b)) + logDet(S) + sumSq(cholesky(S)) + det(scale(0.5, S));
  }

  // ---- one entry, for bit-for-bit comparisons with Ops ---------------------------------------------

  @Differentiable(wrt = "A")
  public static double solveVectorEntry(Matrix A, double[] b, int i) {
    return solve(A, b)[i];
  }

  @Differentiable(wrt = "A")
  public static double solveMatrixEntry(Matrix A, Matrix B, int i, int j) {
    Matrix X = solve(A, B);
    return X.get(i, j);
  }

  @Differentiable(wrt = "A")
  public static double inverseEntry(Matrix A, int i, int j) {
    Matrix Y = inverse(A);
    return Y.get(i, j);
  }

  @Differentiable(wrt = "A")
  public static double choleskyEntry(Matrix A, int i, int j) {
    Matrix L = cholesky(A);
    return L.get(i, j);
  }
}
