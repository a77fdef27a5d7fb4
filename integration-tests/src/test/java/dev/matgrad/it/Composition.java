package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Fixtures that call other {@code @Differentiable} methods: scalar-, vector- and matrix-valued
 * helpers in this class, helpers in {@link OtherFixtures}, helpers with int parameters and with a
 * {@code wrt} subset, and a nested class (whose generated class is {@code Composition_NestedGradients}).
 */
public final class Composition {
  private Composition() {}

  // ------------------------------------------------------------------------- helpers

  @Differentiable
  public static double scalarHelper(double a, double b) {
    return a * Math.exp(b) - b * b;
  }

  @Differentiable
  public static double squaredNorm(double[] v) {
    return sumSq(v);
  }

  /** W x + b. */
  @Differentiable
  public static double[] affine(Matrix W, double[] b, double[] x) {
    return add(matmul(W, x), b);
  }

  /** tanh(W X + b 1ᵀ). */
  @Differentiable
  public static Matrix denseTanh(Matrix W, double[] b, Matrix X) {
    return tanh(addToEachColumn(matmul(W, X), b));
  }

  /** ‖v‖² / n, with an int parameter. */
  @Differentiable
  public static double meanSquare(double[] v, int n) {
    return sumSq(v) / n;
  }

  /** Σ c_i v_i², differentiated in v only. */
  @Differentiable(wrt = "v")
  public static double weightedSquares(double[] v, double[] c) {
    return dot(c, square(v));
  }

  // ------------------------------------------------------------------------- callers

  /** The same scalar helper twice, with its arguments swapped around. */
  @Differentiable
  public static double callsScalarHelperTwice(double x, double y) {
    return scalarHelper(x, y) + scalarHelper(y * y, Math.sin(x)) * x;
  }

  /** ‖W x + b − y‖² through a vector-valued and a scalar helper. */
  @Differentiable
  public static double callsVectorHelper(Matrix W, double[] b, double[] x, double[] y) {
    return squaredNorm(sub(affine(W, b, x), y));
  }

  /** A vector-valued function made of a vector-valued helper twice: W2 tanh(W1 x + b1) + b2. */
  @Differentiable
  public static double[] twoLayersValued(Matrix W1, double[] b1, Matrix W2, double[] b2, double[] x) {
    return affine(W2, b2, tanh(affine(W1, b1, x)));
  }

  /** A matrix-valued helper, reduced. */
  @Differentiable(wrt = {"W", "b"})
  public static double callsMatrixHelper(Matrix W, double[] b, Matrix X, Matrix C) {
    return sum(mul(C, denseTanh(W, b, X)));
  }

  /** A helper with an int parameter, passed the caller's int. */
  @Differentiable
  public static double callsHelperWithIntParameter(double[] x, int n) {
    return meanSquare(scale(2.0, x), n) + meanSquare(x, n);
  }

  /** A helper whose own wrt excludes c, called with a constant c. */
  @Differentiable(wrt = "x")
  public static double callsWrtSubsetHelper(double[] x, double[] c) {
    return weightedSquares(exp(x), c);
  }

  /** A helper called with a constant argument where it would differentiate (b is not in wrt here). */
  @Differentiable(wrt = {"W", "x"})
  public static double callsHelperWithConstantArgument(Matrix W, double[] b, double[] x) {
    return sum(tanh(affine(W, b, x)));
  }

  /** Helpers of another class: a scalar one (with its own wrt subset) and a matrix-valued one. */
  @Differentiable(wrt = {"x", "y", "X"})
  public static double callsOtherClass(double[] x, double[] y, double[] w, Matrix X) {
    return OtherFixtures.weightedDistance(x, y, w) * OtherFixtures.gate(sum(x), 0.5)
        + trace(OtherFixtures.gram(X));
  }

  /** A helper of the nested class. */
  @Differentiable
  public static double callsNestedClass(double[] x) {
    return Nested.logSumExpOfSquares(x) + Nested.halfSquaredNorm(x);
  }

  /** Two levels of helpers: a caller of a caller. */
  @Differentiable
  public static double callsCaller(Matrix W, double[] b, double[] x, double[] y) {
    return 0.5 * callsVectorHelper(W, b, x, y) + squaredNorm(x);
  }

  /** Fixtures in a nested class: generated into {@code Composition_NestedGradients}. */
  public static final class Nested {
    private Nested() {}

    @Differentiable
    public static double logSumExpOfSquares(double[] x) {
      return logSumExp(square(x));
    }

    /**
     * Calls a helper of the enclosing class. (Qualified: the unqualified call {@code squaredNorm(x)},
     * valid Java, is rejected by the processor with matgrad:unknown-call; see the test report.)
     */
    @Differentiable
    public static double halfSquaredNorm(double[] x) {
      return 0.5 * Composition.squaredNorm(x);
    }

    @Differentiable
    public static double[] softmaxOfAffine(Matrix W, double[] b, double[] x) {
      return softmax(Composition.affine(W, b, x));
    }
  }
}
