package dev.matgrad.it;

import static dev.matgrad.Ops.*;
import static dev.matgrad.it.OtherFixtures.weightedDistance;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;

/**
 * Legal Java that a code generator can trip over: names that generated code might use too, the
 * order of {@code wrt}, qualified {@code Ops} calls, returns of a parameter or a constant, literal
 * spellings, negations, int parameters in int arithmetic, locals that shadow op names, helpers
 * differentiated through their own constant parameters, a class nested two deep, and compositions
 * of matrix ops that the other fixtures do not combine.
 */
public final class EdgeCases {
  private EdgeCases() {}

  // ----------------------------------------------------------------------------------- names

  /** Locals named like generated temporaries. */
  @Differentiable
  public static double localsNamedLikeTemporaries(double[] x, Matrix A) {
    double t1 = sum(x);
    double[] t2 = matmul(A, x);
    double dx = t1 * sumSq(t2);
    return dx + t1;
  }

  /** Parameters named like loop indices, adjoints and shape variables. */
  @Differentiable
  public static double parametersNamedLikeGeneratedVariables(double[] i, double[] k, double dx, Matrix A, int A_rows) {
    return dot(i, k) * dx + sum(matmul(A, k)) / A_rows;
  }

  /** A parameter named grad_x next to x: the gradient parameters must not collide with it. */
  @Differentiable
  public static double parameterNamedLikeAGradient(double[] x, double[] grad_x) {
    return dot(x, exp(grad_x));
  }

  /** Locals that shadow the names of Ops methods. */
  @Differentiable
  public static double localsNamedLikeOps(double[] x) {
    double sum = sum(x);
    double exp = exp(sum);
    return exp + sum * sum;
  }

  // -------------------------------------------------------------------------- wrt and calls

  /** wrt listed out of declaration order: the gradients still come in declaration order (x, z). */
  @Differentiable(wrt = {"z", "x"})
  public static double wrtListedOutOfOrder(double x, double y, double z) {
    return x * y + z * z * x + Math.sin(z);
  }

  @Differentiable
  public static double qualifiedOpsCalls(double[] x, Matrix A) {
    return Ops.sum(Ops.exp(x)) + dev.matgrad.Ops.sumSq(Ops.matmul(A, x)) + java.lang.Math.exp(Ops.dot(x, x));
  }

  /** A helper with wrt = "v" only, called with c depending on x: the caller needs ∂/∂c too. */
  @Differentiable
  public static double helperConstantSlotGetsAVariable(double[] x) {
    return Composition.weightedSquares(x, exp(x));
  }

  /** Helpers of another class called through a static import, and of another package. */
  @Differentiable(wrt = {"W", "x"})
  public static double staticImportAndOtherPackage(Matrix W, double[] x, double[] w) {
    return weightedDistance(x, exp(x), w) + dev.matgrad.it.other.PackageHelpers.squashedNorm(W, x);
  }

  /** The result of a vector-valued helper used several times. */
  @Differentiable
  public static double helperResultFanOut(Matrix W, double[] b, double[] x) {
    double[] a = Composition.affine(W, b, x);
    return dot(a, a) + sum(a) + sumSq(sigmoid(a));
  }

  // -------------------------------------------------------------------- returns and constants

  @Differentiable
  public static double returnsItsParameter(double x) {
    return x;
  }

  @Differentiable
  public static double[] returnsItsVectorParameter(double[] x) {
    return x;
  }

  @Differentiable
  public static Matrix returnsItsMatrixParameter(Matrix X) {
    return X;
  }

  /** Depends on no parameter: every gradient is zero. */
  @Differentiable
  @SuppressWarnings("matgrad:zero-gradient")
  public static double constantFunction(double x) {
    return 3.0;
  }

  /** A vector-valued function that ignores one wrt parameter: its Jacobian is all zeros. */
  @Differentiable
  @SuppressWarnings("matgrad:zero-gradient")
  public static double[] ignoresAWrtParameter(double[] x, double[] y) {
    return exp(x);
  }

  /** Returns a constant parameter (not in wrt): the Jacobian for x is all zeros. */
  @Differentiable(wrt = "x")
  @SuppressWarnings("matgrad:zero-gradient")
  public static double[] returnsAConstantParameter(double[] x, double[] c) {
    return c;
  }

  // ---------------------------------------------------------------- literals and arithmetic

  @Differentiable
  public static double literalSpellings(double x) {
    return 1e-3 * x + .5 * x * x + 2. * x + 1_000.0 - 2 * x + 0x10 * x + 1.5e+1 * x;
  }

  @Differentiable
  public static double constantFolding(double x) {
    return x * 0.0 + 0.0 * x + x * 1 + x / 1.0 + (2.0 + 3.0) * x + x / (2.0 * 2.0) + 1.0 / (1.0 / x);
  }

  @Differentiable
  public static double negations(double x, double y) {
    return -(-x) * y + (x - -y) + -x / -y + x * -1.0 - (-1.0) * y + neg(neg(x)) * y + 1.0 - -x / y
        + -(x / y) - x / -y + (x - (y - x / y)) - 0.0 - x;
  }

  @Differentiable
  public static double intArithmeticOfIntParameters(double x, int n) {
    return x / (n - 1) + x * (n * n) + x * -n + (n + 0.5) * x * x;
  }

  @Differentiable
  public static double finalLocal(double x) {
    final double a = x * x;
    final var b = a * x;
    return a * b;
  }

  @Differentiable
  public static double powWithIntParameter(double[] x, int n) {
    return sum(pow(x, n));
  }

  /** Ops.pow with a differentiated exponent: ∂/∂p (Σ x_i^p + 2^p) = Σ x_i^p ln x_i + 2^p ln 2 (x > 0). */
  @Differentiable
  public static double powWithDifferentiatedExponent(double[] x, double p) {
    return sum(pow(x, p)) + pow(2.0, p);
  }

  // ------------------------------------------------------------------ matrix compositions

  @Differentiable
  public static double scaleByAFunctionOfTheInput(double[] x, double[] y) {
    return sumSq(scale(sum(x), y));
  }

  @Differentiable
  public static double scaleMatrixByADot(double[] x, double[] y, Matrix A) {
    return sum(mul(A, scale(dot(x, y), A)));
  }

  @Differentiable
  public static double doubleTranspose(Matrix A, Matrix B) {
    return sum(mul(transpose(transpose(A)), B));
  }

  /** Aᵀ Bᵀ with A: k×n, B: m×k. */
  @Differentiable
  public static double productOfTransposes(Matrix A, Matrix B) {
    return sumSq(matmul(transpose(A), transpose(B)));
  }

  @Differentiable
  public static double traceOfOuter(double[] x, double[] y) {
    return trace(outer(x, y)) * dot(x, y);
  }

  @Differentiable
  public static double diagOfSoftmax(double[] x, double[] y) {
    return sum(matmul(diag(softmax(x)), y)) + sum(diag(x)) + norm2(matmul(diag(x), y));
  }

  /** addToEachColumn and column-wise logSoftmax of a transposed matrix. */
  @Differentiable
  public static double opsOfATranspose(Matrix X, double[] b, Matrix C) {
    return sumSq(addToEachColumn(transpose(X), b)) + sum(mul(C, logSoftmax(transpose(X))));
  }

  /** A class nested two deep: generated into {@code EdgeCases_Middle_InnerGradients}. */
  public static final class Middle {
    private Middle() {}

    public static final class Inner {
      private Inner() {}

      @Differentiable
      public static double deep(double x, double[] v) {
        return x * sumSq(v) + EdgeCases.returnsItsParameter(x);
      }

      /** Calls a method of its own (nested) class, unqualified. */
      @Differentiable
      public static double callsSibling(double x, double[] v) {
        return deep(x, v) * deep(x, v);
      }
    }
  }
}
