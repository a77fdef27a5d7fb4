package dev.matgrad.it;

import static dev.matgrad.Ops.add;
import static dev.matgrad.Ops.dot;
import static dev.matgrad.Ops.matmul;
import static dev.matgrad.Ops.mul;
import static dev.matgrad.Ops.scale;
import static dev.matgrad.Ops.sum;
import static dev.matgrad.Ops.sumSq;
import static dev.matgrad.Ops.tanh;
import static dev.matgrad.Ops.transpose;

import dev.matgrad.CustomVjp;
import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import java.util.Arrays;
import java.util.Comparator;

/**
 * {@code @Differentiable} methods calling methods that have a {@code @CustomVjp} rule: each call
 * takes its derivative from the rule (matgrad does not read the callee's body).
 */
public final class CustomRuleCalls {
  private CustomRuleCalls() {}

  /** API.md's clip: each entry of x clipped to [−c, c]; wrt x (c is a bound, not differentiated). */
  @Differentiable(wrt = "x")
  @CustomVjp("clipGradient")
  public static double[] clip(double[] x, double c) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.max(-c, Math.min(c, x[i]));
    }
    return y;
  }

  static void clipGradient(double[] x, double c, double[] gradOut, double[] grad_x) {
    for (int i = 0; i < x.length; i++) {
      grad_x[i] = Math.abs(x[i]) < c ? gradOut[i] : 0.0;
    }
  }

  /** w · clip(2x, 1.5): the call's argument is computed, its bound a constant. */
  @Differentiable
  public static double clippedEnergy(double[] x, double[] w) {
    return sum(mul(w, clip(scale(2.0, x), 1.5)));
  }

  /** clip(W x, 1) + x, vector-valued: fVjp and fJacobian through the rule. */
  @Differentiable
  public static double[] clippedLayer(Matrix W, double[] x) {
    return add(clip(matmul(W, x), 1.0), x);
  }

  /** A·A·A of a square matrix, by plain loops. */
  @Differentiable
  @CustomVjp("cubeGradient")
  public static Matrix cube(Matrix A) {
    return product(product(A, A), A);
  }

  /** Ḡ_A = Ḡ (A²)ᵀ + Aᵀ Ḡ Aᵀ + (A²)ᵀ Ḡ, from d(A³) = dA A² + A dA A + A² dA. */
  static void cubeGradient(Matrix A, double[] gradOut, double[] grad_A) {
    int n = A.rows();
    Matrix g = new Matrix(n, n, gradOut);
    Matrix a2t = transposed(product(A, A));
    Matrix at = transposed(A);
    Matrix sum = plus(plus(product(g, a2t), product(product(at, g), at)), product(a2t, g));
    System.arraycopy(sum.data(), 0, grad_A, 0, n * n);
  }

  /** Σ B ∘ (A Aᵀ)³: a computed Matrix argument. */
  @Differentiable
  public static double cubeLoss(Matrix A, Matrix B) {
    return sum(mul(B, cube(matmul(A, transpose(A)))));
  }

  /** 2 A³, matrix-valued: the caller's own parameter is passed on. */
  @Differentiable
  public static Matrix twiceCube(Matrix A) {
    return scale(2.0, cube(A));
  }

  /** x sorted ascending by the library's sort. */
  @Differentiable
  @CustomVjp("sortedGradient")
  public static double[] sorted(double[] x) {
    double[] y = x.clone();
    Arrays.sort(y);
    return y;
  }

  /** Entry i of the result is entry order[i] of x: its adjoint goes back there. */
  static void sortedGradient(double[] x, double[] gradOut, double[] grad_x) {
    Integer[] order = new Integer[x.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> x[i]));
    for (int i = 0; i < order.length; i++) {
      grad_x[order[i]] = gradOut[i];
    }
  }

  /** w · sort(x ∘ x): weights by rank. */
  @Differentiable
  public static double rankWeighted(double[] x, double[] w) {
    return sum(mul(w, sorted(mul(x, x))));
  }

  /** Rounding with a straight-through rule: the adjoint passes as through the identity. */
  @Differentiable
  @CustomVjp("straightThrough")
  public static double[] roundST(double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.rint(x[i]);
    }
    return y;
  }

  static void straightThrough(double[] x, double[] gradOut, double[] grad_x) {
    System.arraycopy(gradOut, 0, grad_x, 0, x.length);
  }

  /** w · round(3x): by the rule, ∇_x = 3w (not 0, the true derivative almost everywhere). */
  @Differentiable
  public static double roundedDot(double[] x, double[] w) {
    return dot(w, roundST(scale(3.0, x)));
  }

  /** h ← clip(h + ½ tanh h, c) n times, adding Σ log cosh h each step: calls in a loop. */
  @Differentiable(wrt = "x")
  public static double clippedSteps(double[] x, double c, int n) {
    double[] h = x;
    double s = 0.0;
    for (int t = 0; t < n; t++) {
      h = clip(add(h, scale(0.5, tanh(h))), c);
      s = s + CustomRules.logCosh(h);
    }
    return s + sum(h);
  }

  /** How often {@link #counted} and {@link #countedSum} ran, and their rules. */
  static int bodyRuns;
  static int ruleRuns;

  /** sin x elementwise, counting its runs: a user's method with an effect of its own. */
  @Differentiable(wrt = "x")
  @CustomVjp("countedGradient")
  public static double[] counted(double[] x) {
    bodyRuns++;
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.sin(x[i]);
    }
    return y;
  }

  static void countedGradient(double[] x, double[] gradOut, double[] grad_x) {
    ruleRuns++;
    for (int i = 0; i < x.length; i++) {
      grad_x[i] = gradOut[i] * Math.cos(x[i]);
    }
  }

  /** Σ sin x_i, counting its runs: a scalar result. */
  @Differentiable(wrt = "x")
  @CustomVjp("countedSumGradient")
  public static double countedSum(double[] x) {
    bodyRuns++;
    double s = 0.0;
    for (double v : x) {
      s += Math.sin(v);
    }
    return s;
  }

  static void countedSumGradient(double[] x, double gradOut, double[] grad_x) {
    ruleRuns++;
    for (int i = 0; i < x.length; i++) {
      grad_x[i] = gradOut * Math.cos(x[i]);
    }
  }

  /**
   * h ← tanh(counted(h)) depth times: the reverse loop needs the call's value (tanh's adjoint
   * reads its result), which it reads back from the forward loop's record instead of calling
   * again.
   */
  @Differentiable(wrt = "x")
  public static double tanhChain(double[] x, int depth) {
    double[] h = x;
    for (int k = 0; k < depth; k++) {
      h = tanh(counted(h));
    }
    return sumSq(h);
  }

  /** The same chain's last h: a vector result, with a VJP. */
  @Differentiable(wrt = "x")
  public static double[] tanhChainState(double[] x, int depth) {
    double[] h = x;
    for (int k = 0; k < depth; k++) {
      h = tanh(counted(h));
    }
    return h;
  }

  /**
   * The chain in a loop nested in another: the outer reverse loop recomputes the inner loop,
   * whose copy replays what each call returned instead of calling it again.
   */
  @Differentiable(wrt = "x")
  public static double nestedChain(double[] x, int outer, int inner) {
    double[] h = x;
    double s = 0.0;
    for (int a = 0; a < outer; a++) {
      for (int b = 0; b < inner; b++) {
        h = tanh(counted(h));
      }
      s = s + sumSq(mul(h, h));
      h = scale(0.9, h);
    }
    return s;
  }

  /** The nested chain's last state: a vector result, whose Jacobian runs one reverse sweep per output. */
  @Differentiable(wrt = "x")
  public static double[] nestedState(double[] x, int outer, int inner) {
    double[] h = x;
    for (int a = 0; a < outer; a++) {
      for (int b = 0; b < inner; b++) {
        h = tanh(counted(h));
      }
      h = scale(0.9, h);
    }
    return h;
  }

  /** Three loops deep: each reverse loop's copy of the loops inside it replays the calls. */
  @Differentiable(wrt = "x")
  public static double deepChain(double[] x, int n) {
    double[] h = x;
    for (int a = 0; a < n; a++) {
      for (int b = 0; b <= a; b++) {
        for (int c = 0; c < 2; c++) {
          h = tanh(counted(h));
        }
        h = scale(0.9, h);
      }
      h = add(h, 0.05);
    }
    return sumSq(h);
  }

  /** A scalar call in a while loop nested in a for loop, its value needed by exp's adjoint. */
  @Differentiable(wrt = "x")
  public static double nestedSums(double[] x, int outer) {
    double[] h = x;
    double s = 0.0;
    for (int a = 0; a < outer; a++) {
      double t = 0.0;
      while (t < 3.0) {
        t = t + Math.exp(countedSum(h));
        h = add(scale(0.5, h), 0.1);
      }
      s = s + t * t;
    }
    return s + sumSq(h);
  }

  /** A call in the condition of a while loop nested in a for loop: its copy replays it too. */
  @Differentiable(wrt = "x")
  public static double shrinkSteps(double[] x, int outer) {
    double[] h = x;
    double s = 0.0;
    for (int a = 0; a < outer; a++) {
      while (countedSum(h) > 0.5) {
        h = scale(0.8, h);
      }
      s = s + sumSq(h);
      h = add(h, 0.3);
    }
    return s;
  }

  /** s ← s + exp(countedSum(h)), h ← ½ h + 0.1, while s < limit: a scalar call in a while loop. */
  @Differentiable(wrt = "x")
  public static double expSteps(double[] x, double limit) {
    double[] h = x;
    double s = 0.0;
    while (s < limit) {
      s = s + Math.exp(countedSum(h));
      h = add(scale(0.5, h), 0.1);
    }
    return s + sumSq(h);
  }

  /** A call of another class's method in a branch. */
  @Differentiable(wrt = "x")
  public static double[] branchCall(double[] x, int mode) {
    double[] y;
    if (mode > 0) {
      y = CustomRules.softClip(x, 2.0);
    } else {
      y = mul(x, x);
    }
    return y;
  }

  /** s · (A ∘ A), wrt both: a Matrix and a scalar gradient from one rule call. */
  @Differentiable
  @CustomVjp("scaledSquareGradient")
  public static Matrix scaledSquare(Matrix A, double s) {
    Matrix y = Matrix.zeros(A.rows(), A.cols());
    for (int i = 0; i < y.data().length; i++) {
      y.data()[i] = s * A.data()[i] * A.data()[i];
    }
    return y;
  }

  static void scaledSquareGradient(Matrix A, double s, double[] gradOut, double[] grad_A,
      double[] grad_s) {
    grad_s[0] = 0.0;
    for (int i = 0; i < gradOut.length; i++) {
      double a = A.data()[i];
      grad_A[i] = 2 * s * a * gradOut[i];
      grad_s[0] += a * a * gradOut[i];
    }
  }

  /** Σ B ∘ (s² (A ∘ A + A) ∘ (…)²): computed Matrix and scalar arguments. */
  @Differentiable
  public static double scaledSquares(Matrix A, double s, Matrix B) {
    return sum(mul(B, scaledSquare(add(mul(A, B), A), s * s)));
  }

  /** Not of the shape matgrad takes a double[] result to have (its parameter's): for the run-time check. */
  @Differentiable
  @CustomVjp("dropLastGradient")
  public static double[] dropLast(double[] x) {
    return Arrays.copyOf(x, Math.max(0, x.length - 1));
  }

  static void dropLastGradient(double[] x, double[] gradOut, double[] grad_x) {
    for (int i = 0; i < x.length; i++) {
      grad_x[i] = i < gradOut.length ? gradOut[i] : 0.0;
    }
  }

  /**
   * Σ dropLast(x): called with the method's own argument, so the generated code calls it first
   * and takes its result's length from what it returns.
   */
  @Differentiable
  public static double sumDropLast(double[] x) {
    return sum(dropLast(x));
  }

  /**
   * Σ dropLast(x ⊙ x): an argument the method computes, so its result is taken to have its
   * parameter's shape, and the generated code rejects what it returns.
   */
  @Differentiable
  public static double sumDropLastOfSquares(double[] x) {
    return sum(dropLast(mul(x, x)));
  }

  /** The first k entries of x: a library call, so neither its body nor its result's length can be read. */
  @Differentiable(wrt = "x")
  @CustomVjp("firstKGradient")
  public static double[] firstK(double[] x, int k) {
    return Arrays.copyOf(x, k);
  }

  static void firstKGradient(double[] x, int k, double[] gradOut, double[] grad_x) {
    for (int i = 0; i < x.length; i++) {
      grad_x[i] = i < k ? gradOut[i] : 0.0;
    }
  }

  /** The first k rows of A, through a library call. */
  @Differentiable(wrt = "A")
  @CustomVjp("topRowsGradient")
  public static Matrix topRows(Matrix A, int k) {
    return new Matrix(k, A.cols(), Arrays.copyOf(A.data(), k * A.cols()));
  }

  static void topRowsGradient(Matrix A, int k, double[] gradOut, double[] grad_A) {
    System.arraycopy(gradOut, 0, grad_A, 0, k * A.cols());
  }

  /** w · head + ‖head‖², head = firstK(x, k): w must have the length firstK returns. */
  @Differentiable(wrt = {"x", "w"})
  public static double weightedHead(double[] x, int k, double[] w) {
    return dot(firstK(x, k), w) + sumSq(firstK(x, k));
  }

  /** tanh of the head: a result (and a Jacobian) of the length firstK returns. */
  @Differentiable(wrt = "x")
  public static double[] squashedHead(double[] x, int k) {
    return tanh(firstK(x, k));
  }

  /** ‖top(A) Bᵀ‖², top = topRows(A, k): B must have as many columns as what topRows returns. */
  @Differentiable(wrt = {"A", "B"})
  public static double topRowsEnergy(Matrix A, int k, Matrix B) {
    return sumSq(matmul(topRows(A, k), transpose(B)));
  }

  /** Σ_t t · Σ firstK(x, k) over a loop: the call in a loop body, made once at the start. */
  @Differentiable(wrt = "x")
  public static double headOverSteps(double[] x, int k, int steps) {
    double s = 0;
    for (int t = 0; t < steps; t++) {
      s += t * sum(firstK(x, k)) + sumSq(firstK(x, 2));
    }
    return s;
  }

  /** Each row's sum of squares: a double[A.rows()], a size no double[] parameter has. */
  @Differentiable
  @CustomVjp("rowSquaresGradient")
  public static double[] rowSquares(Matrix A) {
    double[] out = new double[A.rows()];
    for (int i = 0; i < A.rows(); i++) {
      for (int j = 0; j < A.cols(); j++) {
        out[i] += A.get(i, j) * A.get(i, j);
      }
    }
    return out;
  }

  static void rowSquaresGradient(Matrix A, double[] gradOut, double[] grad_A) {
    for (int i = 0; i < A.rows(); i++) {
      for (int j = 0; j < A.cols(); j++) {
        grad_A[i * A.cols() + j] = 2 * A.get(i, j) * gradOut[i];
      }
    }
  }

  /** s repeated n times: a double[n] from a double. */
  @Differentiable(wrt = "s")
  @CustomVjp("repeatedGradient")
  public static double[] repeated(double s, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = s;
    }
    return out;
  }

  static void repeatedGradient(double s, int n, double[] gradOut, double[] grad_s) {
    double total = 0;
    for (double g : gradOut) {
      total += g;
    }
    grad_s[0] = total;
  }

  /** Aᵀ: a Matrix[A.cols()×A.rows()]. */
  @Differentiable
  @CustomVjp("flippedGradient")
  public static Matrix flipped(Matrix A) {
    return transpose(A);
  }

  static void flippedGradient(Matrix A, double[] gradOut, double[] grad_A) {
    for (int i = 0; i < A.rows(); i++) {
      for (int j = 0; j < A.cols(); j++) {
        grad_A[i * A.cols() + j] = gradOut[j * A.rows() + i];
      }
    }
  }

  /** ‖rowSquares(A)‖² + ‖repeated(s, n)‖² + Σ Aᵀ A + Σ {s, s}: each call's shape from its body. */
  @Differentiable(wrt = {"A", "s"})
  public static double rowEnergies(Matrix A, double s, int n) {
    return sumSq(rowSquares(A)) + sumSq(repeated(s, n)) + sum(matmul(flipped(A), A))
        + sum(pair(s));
  }

  /** {s, s}: a double[2]. */
  @Differentiable
  @CustomVjp("pairGradient")
  public static double[] pair(double s) {
    return new double[] {s, s};
  }

  static void pairGradient(double s, double[] gradOut, double[] grad_s) {
    grad_s[0] = gradOut[0] + gradOut[1];
  }

  private static Matrix product(Matrix a, Matrix b) {
    Matrix c = Matrix.zeros(a.rows(), b.cols());
    for (int i = 0; i < a.rows(); i++) {
      for (int k = 0; k < a.cols(); k++) {
        for (int j = 0; j < b.cols(); j++) {
          c.data()[i * b.cols() + j] += a.get(i, k) * b.get(k, j);
        }
      }
    }
    return c;
  }

  private static Matrix transposed(Matrix a) {
    Matrix t = Matrix.zeros(a.cols(), a.rows());
    for (int i = 0; i < a.rows(); i++) {
      for (int j = 0; j < a.cols(); j++) {
        t.set(j, i, a.get(i, j));
      }
    }
    return t;
  }

  private static Matrix plus(Matrix a, Matrix b) {
    Matrix c = Matrix.zeros(a.rows(), a.cols());
    for (int i = 0; i < c.data().length; i++) {
      c.data()[i] = a.data()[i] + b.data()[i];
    }
    return c;
  }
}
