package dev.matgrad.sample;

import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The seed notes' eight problems: the statement and closed form as the notes write them, the
 * {@link SeedProblems} method matgrad differentiated, and both derivatives as numbers at a
 * random point so that the derive command can show they agree.
 */
final class SeedCatalog {
  private SeedCatalog() {}

  /** Sizes of the random point: x ∈ ℝᵈ, A ∈ ℝ^{d×n}, B ∈ ℝ^{n×m}, c ∈ ℝᵐ. */
  static final int D = 4;
  static final int N = 3;
  static final int M = 2;
  static final double P = 3;

  /** A random point of the notes' shapes. */
  record Point(double[] x, Matrix a, Matrix b, double[] c) {
    static Point random(long seed) {
      Random random = new Random(seed);
      return new Point(vector(D, random), matrix(D, N, random), matrix(N, M, random),
          vector(M, random));
    }
  }

  /**
   * One problem.
   *
   * @param number 1 to 8, in the order of the notes
   * @param title the notes' heading
   * @param statement the function, in the notes' notation
   * @param closedForm the notes' final answer
   * @param method the {@link SeedProblems} method that writes the function
   * @param generated matgrad's derivative at a point (flat, row-major: a gradient has the
   *     input's shape, a Jacobian is size(input)×size(output))
   * @param notes the closed form evaluated at the same point, laid out the same way
   */
  record Problem(
      int number,
      String title,
      String statement,
      String closedForm,
      String method,
      Function<Point, double[]> generated,
      Function<Point, double[]> notes) {}

  static final List<Problem> PROBLEMS = List.of(
      new Problem(1, "Example 1: gradient of the ℓ₁ norm",
          "f(x) = ‖x‖₁, x ∈ ℝᵈ",
          "∇ₓf = sign(x)",
          "l1Norm",
          p -> {
            double[] g = new double[D];
            SeedProblemsGradients.l1NormGrad(p.x(), g);
            return g;
          },
          p -> map(p.x(), Math::signum)),
      new Problem(2, "Guided Problem 2: gradient of the squared ℓ₂ norm",
          "f(x) = ‖x‖₂² = xᵀx, x ∈ ℝᵈ",
          "∇ₓf = 2x",
          "squaredL2Norm",
          p -> {
            double[] g = new double[D];
            SeedProblemsGradients.squaredL2NormGrad(p.x(), g);
            return g;
          },
          p -> Ops.scale(2, p.x())),
      new Problem(3, "Challenge Problem 3: gradient of the p-norm",
          "f(x) = ‖x‖_p, x ∈ ℝᵈ (here p = 3)",
          "(∇ₓf)_j = x_j |x_j|^(p−2) / ‖x‖_p^(p−1)",
          "pNorm",
          p -> {
            double[] g = new double[D];
            SeedProblemsGradients.pNormGrad(p.x(), P, g);
            return g;
          },
          p -> {
            double norm = Ops.normP(p.x(), P);
            return map(p.x(), v -> v * Math.pow(Math.abs(v), P - 2) / Math.pow(norm, P - 1));
          }),
      new Problem(4, "Example 4: Jacobian of a linear map",
          "f(x) = Aᵀx, x ∈ ℝᵈ, A ∈ ℝ^{d×n}",
          "∂f/∂x = A",
          "linearMap",
          p -> {
            double[] jac = new double[D * N];
            SeedProblemsGradients.linearMapJacobian(p.a(), p.x(), jac);
            return jac;
          },
          p -> p.a().data().clone()),
      new Problem(5, "Guided Problem 5: the chain rule, ‖Aᵀx‖₂² with respect to x",
          "f(x) = ‖Aᵀx‖₂², x ∈ ℝᵈ, A ∈ ℝ^{d×n}",
          "∇ₓf = 2AAᵀx",
          "squaredNormOfLinearMap",
          p -> {
            double[] g = new double[D];
            SeedProblemsGradients.squaredNormOfLinearMapGrad(p.a(), p.x(), g);
            return g;
          },
          p -> Ops.scale(2, Ops.matmul(p.a(), Ops.matmul(Ops.transpose(p.a()), p.x())))),
      new Problem(6, "Challenge Problem 6: Jacobian of a single neural network layer",
          "f(x) = Bᵀσ(Aᵀx), x ∈ ℝᵈ, A ∈ ℝ^{d×n}, B ∈ ℝ^{n×m}",
          "∂f/∂x = A diag(σ(Aᵀx) ⊙ (1 − σ(Aᵀx))) B",
          "sigmoidLayer",
          p -> {
            double[] jac = new double[D * M];
            SeedProblemsGradients.sigmoidLayerJacobian(p.a(), p.b(), p.x(), jac);
            return jac;
          },
          p -> {
            double[] s = Ops.sigmoid(Ops.matmul(Ops.transpose(p.a()), p.x()));
            double[] slope = Ops.mul(s, map(s, v -> 1 - v));
            return Ops.matmul(Ops.matmul(p.a(), Ops.diag(slope)), p.b()).data();
          }),
      new Problem(7, "Guided Problem 7: ‖Aᵀx‖₂² with respect to the matrix A",
          "f(A) = ‖Aᵀx‖₂², x ∈ ℝᵈ, A ∈ ℝ^{d×n}",
          "∇_A f = 2xyᵀ = 2(xxᵀ)A, y = Aᵀx",
          "squaredNormOfLinearMapWrtA",
          p -> {
            double[] g = new double[D * N];
            SeedProblemsGradients.squaredNormOfLinearMapWrtAGrad(p.a(), p.x(), g);
            return g;
          },
          p -> Ops.scale(2, Ops.matmul(Ops.outer(p.x(), p.x()), p.a())).data()),
      new Problem(8, "Challenge Problem 8: gradient with respect to the first layer weights",
          "L(A) = ‖Bᵀσ(Aᵀx) − c‖₂², x ∈ ℝᵈ, c ∈ ℝᵐ, A ∈ ℝ^{d×n}, B ∈ ℝ^{n×m}",
          "∇_A L = 2x (diag(σ(Aᵀx) ⊙ (1 − σ(Aᵀx))) B (Bᵀσ(Aᵀx) − c))ᵀ",
          "firstLayerLoss",
          p -> {
            double[] g = new double[D * N];
            SeedProblemsGradients.firstLayerLossGrad(p.a(), p.b(), p.x(), p.c(), g);
            return g;
          },
          p -> {
            double[] s = Ops.sigmoid(Ops.matmul(Ops.transpose(p.a()), p.x()));
            double[] slope = Ops.mul(s, map(s, v -> 1 - v));
            double[] residual = Ops.sub(Ops.matmul(Ops.transpose(p.b()), s), p.c());
            double[] inner = Ops.matmul(Ops.diag(slope), Ops.matmul(p.b(), residual));
            return Ops.scale(2, Ops.outer(p.x(), inner)).data();
          }));

  private static double[] map(double[] v, java.util.function.DoubleUnaryOperator f) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = f.applyAsDouble(v[i]);
    }
    return out;
  }

  private static double[] vector(int n, Random random) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }

  private static Matrix matrix(int rows, int cols, Random random) {
    return new Matrix(rows, cols, vector(rows * cols, random));
  }
}
