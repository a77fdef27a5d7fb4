package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.AWAY_FROM_ZERO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.matgrad.Matrix;
import java.util.Arrays;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The eight worked problems of the seed notes, each against its closed form (matrix ones computed
 * with EJML) and against finite differences, on random shapes. The notes' convention: gradients
 * have the shape of the input, and the Jacobian of f: Rⁿ → Rᵐ is n×m with entry (i, j) = ∂f_j/∂x_i,
 * which is exactly jac[i*m + j] of the generated {@code fJacobian}.
 */
class SeedProblemsTest {
  private static final double RTOL = 1e-12;
  private static final double ATOL = 1e-13;

  /** Example 1: ∇‖x‖₁ = sign(x). */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {71, 72, 73, 74})
  void problem1GradientOfL1NormIsSign(long seed) {
    Inputs in = new Inputs(seed);
    double[] x = in.vector(in.dim(), AWAY_FROM_ZERO);
    double[] sign = Arrays.stream(x).map(Math::signum).toArray();
    for (String f : new String[] {"l1Norm", "l1NormBySum"}) {
      assertArrayEquals(sign, GradientChecker.of(SeedProblems.class, f).check(x).grad(0), 0.0, f);
    }
  }

  /** Example 1 at x_j = 0: the subgradient with sign(0) = 0. */
  @Test
  void problem1AtZeroUsesSignOfZeroEqualsZero() {
    double[] x = {0.0, -2.0, 3.0, 0.0};
    for (String f : new String[] {"l1Norm", "l1NormBySum"}) {
      assertArrayEquals(new double[] {0.0, -1.0, 1.0, 0.0},
          GradientChecker.of(SeedProblems.class, f).grads((Object) x)[0], 0.0, f);
    }
  }

  /** Guided Problem 2: ∇ xᵀx = 2x. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {71, 72, 73, 74})
  void problem2GradientOfSquaredL2NormIsTwoX(long seed) {
    Inputs in = new Inputs(seed);
    double[] x = in.vector(in.dim());
    double[] twoX = Arrays.stream(x).map(v -> 2 * v).toArray();
    for (String f : new String[] {"squaredL2", "squaredL2BySumSq"}) {
      assertArrayEquals(twoX, GradientChecker.of(SeedProblems.class, f).check(x).grad(0), 1e-15, f);
    }
  }

  static Stream<Arguments> exponentsAndSeeds() {
    return Stream.of(1.5, 2.0, 3.0, 4.0).flatMap(p -> Stream.of(71L, 72L, 73L).map(s -> Arguments.of(p, s)));
  }

  /** Challenge Problem 3: ∂‖x‖_p/∂x_j = x_j |x_j|^{p−2} / ‖x‖_p^{p−1}. */
  @ParameterizedTest(name = "p = {0} (seed {1})")
  @MethodSource("exponentsAndSeeds")
  void problem3GradientOfPNorm(double p, long seed) {
    Inputs in = new Inputs(seed);
    double[] x = in.vector(in.dim(), AWAY_FROM_ZERO);
    double norm = Math.pow(Arrays.stream(x).map(v -> Math.pow(Math.abs(v), p)).sum(), 1 / p);
    double[] expected = Arrays.stream(x)
        .map(v -> v * Math.pow(Math.abs(v), p - 2) / Math.pow(norm, p - 1)).toArray();
    for (String f : new String[] {"pNorm", "pNormByDefinition"}) {
      Close.assertAllClose(f + ", p = " + p, expected,
          GradientChecker.of(SeedProblems.class, f).wrt(0).check(x, p).grad(0), RTOL, ATOL);
    }
  }

  /** Example Problem 5 (Solution 4): the Jacobian of Aᵀx w.r.t. x is A itself (d×n). */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {71, 72, 73, 74})
  void problem4JacobianOfLinearMapIsA(long seed) {
    Inputs in = new Inputs(seed);
    int d = in.dim();
    int n = in.dim();
    Matrix a = in.matrix(d, n);
    double[] x = in.vector(d);
    GradientChecker.Result r = GradientChecker.of(SeedProblems.class, "linearMap").wrt(1).check(a, x);
    assertEquals(n, r.outputs);
    assertArrayEquals(a.data(), r.jacobian(0), 1e-15, "jac[i*n + j] = A_ij");
  }

  /** Guided Problem 5: ∇x ‖Aᵀx‖² = 2 A Aᵀ x. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {71, 72, 73, 74})
  void problem5GradientOfSquaredNormOfLinearMap(long seed) {
    Inputs in = new Inputs(seed);
    Matrix a = in.matrix(in.dim(), in.dim());
    double[] x = in.vector(a.rows());
    Close.assertAllClose("2 A Aᵀ x", twoAATx(a, x),
        GradientChecker.of(SeedProblems.class, "squaredNormOfLinearMap").wrt(1).check(a, x).grad(0), RTOL, ATOL);
  }

  /** Challenge Problem 6: the Jacobian of Bᵀσ(Aᵀx) w.r.t. x is A diag(σ(Aᵀx) ⊙ (1 − σ(Aᵀx))) B. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {71, 72, 73, 74})
  void problem6JacobianOfSigmoidLayer(long seed) {
    Inputs in = new Inputs(seed);
    int d = in.dim();
    int n = in.dim();
    int m = in.dim();
    Matrix a = in.matrix(d, n);
    Matrix b = in.matrix(n, m);
    double[] x = in.vector(d);
    GradientChecker.Result r = GradientChecker.of(SeedProblems.class, "sigmoidLayer").wrt(2).check(a, b, x);
    DMatrixRMaj s = Ejml.map(Ejml.multTransA(Ejml.of(a), Ejml.column(x)), Ejml::sigmoid);
    DMatrixRMaj sPrime = Ejml.map(s, v -> v * (1 - v));
    DMatrixRMaj expected = Ejml.mult(Ejml.mult(Ejml.of(a), Ejml.diag(Ejml.data(sPrime))), Ejml.of(b));
    assertEquals(m, r.outputs);
    Close.assertAllClose("A diag(σ'(Aᵀx)) B (d×m)", Ejml.data(expected), r.jacobian(0), RTOL, ATOL,
        i -> "(x_" + i / m + ", f_" + i % m + ")");
  }

  /** Guided Problem 7: ∇A ‖Aᵀx‖² = 2 x xᵀ A. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {71, 72, 73, 74})
  void problem7GradientWithRespectToMatrix(long seed) {
    Inputs in = new Inputs(seed);
    Matrix a = in.matrix(in.dim(), in.dim());
    double[] x = in.vector(a.rows());
    Close.assertAllClose("2 x xᵀ A", twoXXTA(a, x),
        GradientChecker.of(SeedProblems.class, "squaredNormOfLinearMapWrtA").wrt(0).check(a, x).grad(0),
        RTOL, ATOL);
    GradientChecker.Result both = GradientChecker.of(SeedProblems.class, "squaredNormOfLinearMapWrtBoth")
        .check(a, x);
    Close.assertAllClose("2 x xᵀ A", twoXXTA(a, x), both.grad(0), RTOL, ATOL);
    Close.assertAllClose("2 A Aᵀ x", twoAATx(a, x), both.grad(1), RTOL, ATOL);
  }

  /**
   * Challenge Problem 8, API.md's own example:
   * ∇A ‖Bᵀσ(Aᵀx) − c‖² = 2 x (diag(σ'(Aᵀx)) B (Bᵀσ(Aᵀx) − c))ᵀ.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {71, 72, 73, 74})
  void problem8GradientOfFirstLayerLoss(long seed) {
    Inputs in = new Inputs(seed);
    int d = in.dim();
    int n = in.dim();
    int m = in.dim();
    Matrix a = in.matrix(d, n);
    Matrix b = in.matrix(n, m);
    double[] x = in.vector(d);
    double[] c = in.vector(m);
    double[] expected = firstLayerGradient(a, b, x, c);

    GradientChecker.Result r = GradientChecker.of(Losses.class, "firstLayerLoss").wrt(0).check(a, b, x, c);
    Close.assertAllClose("2 x (diag(σ') B (Bᵀσ(Aᵀx) − c))ᵀ", expected, r.grad(0), RTOL, ATOL);

    // The way a user calls it: the generated method itself, one gradient array for A only.
    double[] gradA = new double[d * n];
    Arrays.fill(gradA, Double.NaN);
    double value = LossesGradients.firstLayerLossGrad(a, b, x, c, gradA);
    assertEquals(Losses.firstLayerLoss(a, b, x, c), value, 1e-12 * Math.max(1, Math.abs(value)));
    Close.assertAllClose("firstLayerLossGrad called directly", expected, gradA, RTOL, ATOL);
  }

  // ------------------------------------------------------------------ closed forms (EJML)

  private static double[] twoAATx(Matrix a, double[] x) {
    DMatrixRMaj y = Ejml.multTransA(Ejml.of(a), Ejml.column(x));
    return Ejml.data(Ejml.scale(2, Ejml.mult(Ejml.of(a), y)));
  }

  private static double[] twoXXTA(Matrix a, double[] x) {
    DMatrixRMaj xxT = Ejml.multTransB(Ejml.column(x), Ejml.column(x));
    return Ejml.data(Ejml.scale(2, Ejml.mult(xxT, Ejml.of(a))));
  }

  static double[] firstLayerGradient(Matrix a, Matrix b, double[] x, double[] c) {
    DMatrixRMaj s = Ejml.map(Ejml.multTransA(Ejml.of(a), Ejml.column(x)), Ejml::sigmoid);
    DMatrixRMaj residual = Ejml.minus(Ejml.multTransA(Ejml.of(b), s), Ejml.column(c));
    DMatrixRMaj sPrime = Ejml.diag(Ejml.data(Ejml.map(s, v -> v * (1 - v))));
    DMatrixRMaj inner = Ejml.mult(Ejml.mult(sPrime, Ejml.of(b)), residual);
    return Ejml.data(Ejml.scale(2, Ejml.multTransB(Ejml.column(x), inner)));
  }
}
