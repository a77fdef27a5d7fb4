package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Fixtures for the building ops of API.md's "More Ops" whose sizes are sums and products of
 * their arguments': concat, hstack, vstack and kron. Weights (c, C) are constants of the result's
 * shape, so every entry of the adjoint reaches the result with its own random weight.
 */
public final class BlockOps {
  private BlockOps() {}

  @Differentiable(wrt = {"a", "b"})
  public static double concatOf(double[] a, double[] b, double[] c) {
    return dot(c, concat(a, b));
  }

  @Differentiable
  public static double[] concatValued(double[] a, double[] b) {
    return concat(a, b);
  }

  /** One operand differentiated: the other's block of the tangent is zero. */
  @Differentiable(wrt = "b")
  public static double[] concatInSecond(double[] a, double[] b) {
    return tanh(concat(a, b));
  }

  @Differentiable(wrt = {"A", "B"})
  public static double hstackOf(Matrix A, Matrix B, Matrix C) {
    return sum(mul(C, hstack(A, B)));
  }

  @Differentiable
  public static Matrix hstackValued(Matrix A, Matrix B) {
    return hstack(A, B);
  }

  @Differentiable(wrt = "A")
  public static Matrix hstackInFirst(Matrix A, Matrix B) {
    return sigmoid(hstack(A, B));
  }

  @Differentiable(wrt = {"A", "B"})
  public static double vstackOf(Matrix A, Matrix B, Matrix C) {
    return sum(mul(C, vstack(A, B)));
  }

  @Differentiable
  public static Matrix vstackValued(Matrix A, Matrix B) {
    return vstack(A, B);
  }

  @Differentiable(wrt = "B")
  public static Matrix vstackInSecond(Matrix A, Matrix B) {
    return square(vstack(A, B));
  }

  @Differentiable(wrt = {"A", "B"})
  public static double kronOf(Matrix A, Matrix B, Matrix C) {
    return sum(mul(C, kron(A, B)));
  }

  @Differentiable
  public static Matrix kronValued(Matrix A, Matrix B) {
    return kron(A, B);
  }

  /** A ⊗ A: both factors are one parameter. */
  @Differentiable
  public static double kronOfItself(Matrix A) {
    return sumSq(kron(A, A));
  }

  /** The blocks used further: a product with a stacked matrix, sizes checked at run time. */
  @Differentiable(wrt = {"A", "B", "x"})
  public static double stackedLayer(Matrix A, Matrix B, double[] x, double[] y) {
    double[] h = tanh(matmul(vstack(A, B), x));
    return sumSq(sub(h, y));
  }

  /** concat's result meets a parameter: its length must be a.length + b.length. */
  @Differentiable(wrt = {"a", "b"})
  public static double concatAgainst(double[] a, double[] b, double[] y) {
    return sumSq(sub(concat(a, b), y));
  }

  /** Blocks of blocks: [[A B]; [B A]] and a kron of a stack. */
  @Differentiable
  public static double nested(Matrix A, Matrix B) {
    Matrix M = vstack(hstack(A, B), hstack(B, A));
    return sum(kron(M, transpose(A))) + sumSq(M);
  }
}
