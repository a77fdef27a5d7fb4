package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Numerical stability of {@link StabilityFixtures}: at ±800 every op whose value is finite has a
 * finite value (in {@link Ops} and as returned by the generated method) and finite derivatives
 * equal to their analytic limits; at 0 the conventions of the README hold; and a pole of log or
 * div in one entry leaves every other entry and parameter of the gradient finite and exact.
 *
 * <p>The expected values are exact limits: at ±800, e<sup>−800</sup> ≈ 10<sup>−348</sup> is below
 * the smallest double, so σ(800) = 1, σ'(800) = 0 and softmax([800, −800, 0]) = [1, 0, 0] are the
 * correctly rounded values, not approximations.
 */
class StabilityTest {
  private static final double BIG = 800.0;
  /** Saturated both ways and at the center. */
  private static final double[] MIXED = {BIG, -BIG, 0.0};
  /** Entries compared with this relative tolerance (a few ulps), and no absolute slack. */
  private static final double RTOL = 4e-16;
  private static final double LN2 = Math.log(2);

  // ------------------------------------------------------------------- saturating activations

  @Nested
  class SaturatingActivations {
    @Test
    void sigmoidOfADouble() {
      double[][] expected = {{BIG, 1.0, 0.0}, {-BIG, 0.0, 0.0}, {0.0, 0.5, 0.25}};
      for (double[] e : expected) {
        double x = e[0];
        double[] g = nan(1);
        double value = StabilityFixturesGradients.sigmoidOfDoubleGrad(x, g);
        assertEquals(e[1], Ops.sigmoid(x), 0.0, "Ops.sigmoid(" + x + ")");
        assertEquals(e[1], value, 0.0, "sigmoidOfDoubleGrad's value at " + x);
        assertEquals(e[2], g[0], 0.0, "σ'(" + x + ")");
      }
    }

    @Test
    void softplusOfADouble() {
      double[][] expected = {{BIG, BIG, 1.0}, {-BIG, 0.0, 0.0}, {0.0, LN2, 0.5}};
      for (double[] e : expected) {
        double x = e[0];
        double[] g = nan(1);
        double value = StabilityFixturesGradients.softplusOfDoubleGrad(x, g);
        assertEquals(e[1], Ops.softplus(x), 0.0, "Ops.softplus(" + x + ")");
        assertEquals(e[1], value, 0.0, "softplusOfDoubleGrad's value at " + x);
        assertEquals(e[2], g[0], 0.0, "softplus'(" + x + ") = σ(x)");
      }
    }

    @Test
    void sigmoidAndSoftplusOfAVector() {
      assertEntries("Ops.sigmoid", new double[] {1, 0, 0.5}, Ops.sigmoid(MIXED));
      assertEntries("Ops.softplus", new double[] {BIG, 0, LN2}, Ops.softplus(MIXED));
      assertJacobianAndVjp("sigmoid", 3, 3, diagonal(0, 0, 0.25),
          jac -> StabilityFixturesGradients.sigmoidOfVectorJacobian(MIXED, jac),
          (u, g) -> StabilityFixturesGradients.sigmoidOfVectorVjp(MIXED, u, g));
      assertJacobianAndVjp("softplus", 3, 3, diagonal(1, 0, 0.5),
          jac -> StabilityFixturesGradients.softplusOfVectorJacobian(MIXED, jac),
          (u, g) -> StabilityFixturesGradients.softplusOfVectorVjp(MIXED, u, g));
    }

    @Test
    void sigmoidAndSoftplusOfAMatrix() {
      Matrix X = Matrix.of(2, 2, BIG, -BIG, 0.0, -BIG);
      assertEntries("Ops.sigmoid", new double[] {1, 0, 0.5, 0}, Ops.sigmoid(X).data());
      assertEntries("Ops.softplus", new double[] {BIG, 0, LN2, 0}, Ops.softplus(X).data());
      assertJacobianAndVjp("sigmoid (Matrix)", 4, 4, diagonal(0, 0, 0.25, 0),
          jac -> StabilityFixturesGradients.sigmoidOfMatrixJacobian(X, jac),
          (u, g) -> StabilityFixturesGradients.sigmoidOfMatrixVjp(X, u, g));
      assertJacobianAndVjp("softplus (Matrix)", 4, 4, diagonal(1, 0, 0.5, 0),
          jac -> StabilityFixturesGradients.softplusOfMatrixJacobian(X, jac),
          (u, g) -> StabilityFixturesGradients.softplusOfMatrixVjp(X, u, g));
    }
  }

  // ------------------------------------------------------------------ log-sum-exp and softmax

  @Nested
  class LogSumExpAndSoftmax {
    @Test
    void logSumExpIsTheMaximumAndItsGradientOneHot() {
      double[][] inputs = {MIXED, {-BIG, BIG, BIG}, {-BIG, -BIG, -BIG}, {BIG}};
      double[] values = {BIG, BIG + LN2, -BIG + Math.log(3), BIG};
      double[][] gradients = {{1, 0, 0}, {0, 0.5, 0.5}, {1.0 / 3, 1.0 / 3, 1.0 / 3}, {1}};
      for (int k = 0; k < inputs.length; k++) {
        double[] x = inputs[k];
        String at = " at " + Arrays.toString(x);
        double[] g = nan(x.length);
        double value = StabilityFixturesGradients.logSumExpOfVectorGrad(x, g);
        assertEntries("Ops.logSumExp" + at, new double[] {values[k]}, new double[] {Ops.logSumExp(x)});
        assertEntries("logSumExpOfVectorGrad's value" + at, new double[] {values[k]}, new double[] {value});
        assertEntries("∇ logSumExp = softmax" + at, gradients[k], g);
      }
    }

    @Test
    void logSumExpOfAMatrixRunsOverAllEntries() {
      Matrix X = Matrix.of(2, 2, -BIG, BIG, BIG, 0.0);
      double[] g = nan(4);
      double value = StabilityFixturesGradients.logSumExpOfMatrixGrad(X, g);
      assertEntries("Ops.logSumExp", new double[] {BIG + LN2}, new double[] {Ops.logSumExp(X)});
      assertEntries("logSumExpOfMatrixGrad's value", new double[] {BIG + LN2}, new double[] {value});
      assertEntries("∇ logSumExp (Matrix)", new double[] {0, 0.5, 0.5, 0}, g);
    }

    @Test
    void softmaxOfAVector() {
      assertEntries("Ops.softmax", new double[] {1, 0, 0}, Ops.softmax(MIXED));
      // diag(y) − y yᵀ with y one-hot is 0: the saturated softmax is flat.
      assertJacobianAndVjp("softmax at [800, −800, 0]", 3, 3, new double[9],
          jac -> StabilityFixturesGradients.softmaxOfVectorJacobian(MIXED, jac),
          (u, g) -> StabilityFixturesGradients.softmaxOfVectorVjp(MIXED, u, g));
      double[] tie = {BIG, BIG, -BIG};
      assertEntries("Ops.softmax", new double[] {0.5, 0.5, 0}, Ops.softmax(tie));
      assertJacobianAndVjp("softmax at [800, 800, −800]", 3, 3, softmaxJacobian(0.5, 0.5, 0),
          jac -> StabilityFixturesGradients.softmaxOfVectorJacobian(tie, jac),
          (u, g) -> StabilityFixturesGradients.softmaxOfVectorVjp(tie, u, g));
    }

    @Test
    void logSoftmaxOfAVector() {
      assertEntries("Ops.logSoftmax", new double[] {0, -2 * BIG, -BIG}, Ops.logSoftmax(MIXED));
      // ∂y_j/∂x_i = δ_ij − softmax(x)_i
      assertJacobianAndVjp("logSoftmax at [800, −800, 0]", 3, 3, logSoftmaxJacobian(1, 0, 0),
          jac -> StabilityFixturesGradients.logSoftmaxOfVectorJacobian(MIXED, jac),
          (u, g) -> StabilityFixturesGradients.logSoftmaxOfVectorVjp(MIXED, u, g));
    }

    @Test
    void softmaxAndLogSoftmaxOfAMatrixColumnByColumn() {
      // Columns [800, −800, 0] and [−800, 800, 800].
      Matrix X = Matrix.of(3, 2, BIG, -BIG, -BIG, BIG, 0.0, BIG);
      assertEntries("Ops.softmax (Matrix)", new double[] {1, 0, 0, 0.5, 0, 0.5}, Ops.softmax(X).data());
      assertEntries("Ops.logSoftmax (Matrix)", new double[] {0, -2 * BIG - LN2, -2 * BIG, -LN2, -BIG, -LN2},
          Ops.logSoftmax(X).data());
      double[][] softmaxColumns = {{1, 0, 0}, {0, 0.5, 0.5}};
      assertJacobianAndVjp("softmax (Matrix)", 6, 6,
          columnWise(3, 2, softmaxColumns, StabilityTest::softmaxJacobian),
          jac -> StabilityFixturesGradients.softmaxOfMatrixJacobian(X, jac),
          (u, g) -> StabilityFixturesGradients.softmaxOfMatrixVjp(X, u, g));
      assertJacobianAndVjp("logSoftmax (Matrix)", 6, 6,
          columnWise(3, 2, softmaxColumns, StabilityTest::logSoftmaxJacobian),
          jac -> StabilityFixturesGradients.logSoftmaxOfMatrixJacobian(X, jac),
          (u, g) -> StabilityFixturesGradients.logSoftmaxOfMatrixVjp(X, u, g));
    }
  }

  // ------------------------------------------------------------------------- losses users write

  @Nested
  class Losses {
    @Test
    void crossEntropyOfSaturatedLogits() {
      double[] y = {0, 1, 0}; // the target is the class with logit −800
      double[] gz = nan(3);
      double[] gy = nan(3);
      double loss = StabilityFixturesGradients.crossEntropyGrad(MIXED, y, gz, gy);
      assertEquals(2 * BIG, StabilityFixtures.crossEntropy(MIXED, y), 0.0, "the method itself");
      assertEquals(2 * BIG, loss, 0.0, "crossEntropyGrad's value");
      // ∇_z = softmax(z) Σy − y, ∇_y = −logSoftmax(z)
      assertEntries("∇_z cross-entropy", new double[] {1, -1, 0}, gz);
      assertEntries("∇_y cross-entropy", new double[] {0, 2 * BIG, BIG}, gy);

      double[] right = {1, 0, 0};
      assertEquals(0.0, StabilityFixturesGradients.crossEntropyGrad(MIXED, right, gz, gy), 0.0);
      assertEntries("∇_z cross-entropy, confident and right", new double[] {0, 0, 0}, gz);
    }

    @Test
    void batchCrossEntropyOfSaturatedLogits() {
      // Two examples (columns): logits [800, −800, 0] with target 0, [−800, 800, 800] with target 2.
      Matrix Z = Matrix.of(3, 2, BIG, -BIG, -BIG, BIG, 0.0, BIG);
      Matrix Y = Matrix.of(3, 2, 1, 0, 0, 0, 0, 1);
      double[] g = nan(6);
      double loss = StabilityFixturesGradients.batchCrossEntropyGrad(Z, Y, g);
      assertEquals(LN2 / 2, StabilityFixtures.batchCrossEntropy(Z, Y), 1e-15, "the method itself");
      assertEquals(LN2 / 2, loss, 1e-15, "batchCrossEntropyGrad's value");
      // (softmax(Z) − Y) / 2
      assertEntries("∇_Z", new double[] {0, 0, 0, 0.25, 0, -0.25}, g);
    }

    @Test
    void binaryCrossEntropyWithSaturatedLogits() {
      double[] y = {0, 1, 1};
      double[] g = nan(3);
      double loss = StabilityFixturesGradients.binaryCrossEntropyWithLogitsGrad(MIXED, y, g);
      assertEquals(2 * BIG + LN2, StabilityFixtures.binaryCrossEntropyWithLogits(MIXED, y), 0.0);
      assertEquals(2 * BIG + LN2, loss, 0.0);
      assertEntries("∇_z = σ(z) − y", new double[] {1, -1, -0.5}, g);
    }

    @Test
    void logSigmoidInItsStableSpelling() {
      double[] g = nan(3);
      double value = StabilityFixturesGradients.logSigmoidStableGrad(MIXED, g);
      assertEquals(-BIG - LN2, StabilityFixtures.logSigmoidStable(MIXED), 0.0);
      assertEquals(-BIG - LN2, value, 0.0);
      assertEntries("d/dz log σ(z) = 1 − σ(z)", new double[] {0, 1, 0.5}, g);
    }

    /**
     * ln σ(z) as written: σ(−800) underflows to 0, so the value is −∞ (as Ops computes it) and
     * that entry's derivative is not finite; the other entries stay exact. −softplus(−z) is the
     * spelling without the underflow.
     */
    @Test
    void logOfSigmoidUnderflowsOnlyWhereSigmoidDoes() {
      double[] g = nan(3);
      double value = StabilityFixturesGradients.logOfSigmoidGrad(MIXED, g);
      assertEquals(Double.NEGATIVE_INFINITY, StabilityFixtures.logOfSigmoid(MIXED), 0.0);
      assertEquals(Double.NEGATIVE_INFINITY, value, 0.0);
      assertEquals(0.0, g[0], 0.0);
      assertEquals(0.5, g[2], 0.0);
      assertTrue(!Double.isFinite(g[1]), "the underflowed entry: " + g[1]);

      double[] moderate = {-700, 3, 0};
      double[] gm = nan(3);
      double v = StabilityFixturesGradients.logOfSigmoidGrad(moderate, gm);
      assertEntries("ln σ(z) while σ(z) is representable", new double[] {StabilityFixtures.logSigmoidStable(moderate)},
          new double[] {v}, 1e-12);
      assertEntries("1 − σ(z) while σ(z) is representable", new double[] {1, Ops.sigmoid(-3), 0.5}, gm, 1e-12);
    }

    @Test
    void attentionOnSaturatedScores() {
      double[] v = {2, 3, 5};
      double[] gs = nan(3);
      double[] gv = nan(3);
      double value = StabilityFixturesGradients.attentionGrad(MIXED, v, gs, gv);
      assertEquals(2.0, value, 0.0);
      assertEntries("∇_scores", new double[] {0, 0, 0}, gs);
      assertEntries("∇_v = softmax(scores)", new double[] {1, 0, 0}, gv);
    }
  }

  // ---------------------------------------------------------------------------- norms at 0

  @Nested
  class NormsAtZero {
    @Test
    void norm2HasGradientZeroAtTheZeroVector() {
      double[] g = nan(3);
      assertEquals(0.0, StabilityFixturesGradients.norm2OfVectorGrad(new double[3], g), 0.0);
      assertEntries("∇‖x‖₂ at 0", new double[3], g);
      double[] gm = nan(4);
      assertEquals(0.0, StabilityFixturesGradients.norm2OfMatrixGrad(Matrix.zeros(2, 2), gm), 0.0);
      assertEntries("∇‖X‖_F at 0", new double[4], gm);
      assertEquals(0.0, Ops.norm2(new double[3]), 0.0);
    }

    @Test
    void normPHasGradientZeroAtTheZeroVector() {
      for (double p : new double[] {1, 1.5, 2, 3}) {
        double[] g = nan(3);
        assertEquals(0.0, StabilityFixturesGradients.normPOfVectorGrad(new double[3], p, g), 0.0);
        assertEntries("∇‖x‖_p at 0, p = " + p, new double[3], g);
      }
    }

    @Test
    void aNormAtZeroAddsZeroToTheOtherTerms() {
      double[] y = {1, -2, 3};
      double[] gx = nan(3);
      double[] gy = nan(3);
      assertEquals(0.0, StabilityFixturesGradients.norm2PlusDotGrad(new double[3], y, gx, gy), 0.0);
      assertEntries("∇_x (‖x‖₂ + xᵀy) at x = 0", y, gx);
      assertEntries("∇_y (‖x‖₂ + xᵀy) at x = 0", new double[3], gy);

      // A regulariser at its kink, as at the start of training: ∇ = 2Aᵀ(Aw − b) + λ·0.
      Matrix A = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
      double[] b = {1, -1};
      double[] gw = nan(3);
      StabilityFixturesGradients.lassoLikeAtZeroGrad(A, new double[3], b, 0.5, gw);
      DMatrixRMaj expected = Ejml.scale(2, Ejml.multTransA(Ejml.of(A), Ejml.scale(-1, Ejml.column(b))));
      assertEntries("∇_w at w = 0", Ejml.data(expected), gw);
    }

    @Test
    void norm2IsFiniteWhereSumSqOverflowsOrUnderflows() {
      double[] huge = {3e200, -4e200};
      double[] tiny = {3e-200, 4e-200, 0};
      assertEntries("Ops.norm2 of 1e200 entries", new double[] {5e200}, new double[] {Ops.norm2(huge)});
      assertEntries("Ops.norm2 of 1e-200 entries", new double[] {5e-200}, new double[] {Ops.norm2(tiny)});
      double[] g = nan(2);
      assertEntries("norm2OfVectorGrad's value", new double[] {5e200},
          new double[] {StabilityFixturesGradients.norm2OfVectorGrad(huge, g)});
      assertEntries("∇‖x‖₂ = x/‖x‖₂ at 1e200", new double[] {0.6, -0.8}, g, 1e-15);
      double[] gt = nan(3);
      assertEntries("norm2OfVectorGrad's value", new double[] {5e-200},
          new double[] {StabilityFixturesGradients.norm2OfVectorGrad(tiny, gt)});
      assertEntries("∇‖x‖₂ = x/‖x‖₂ at 1e-200", new double[] {0.6, 0.8, 0}, gt, 1e-15);
      Matrix X = Matrix.of(1, 2, 3e200, 4e200);
      double[] gm = nan(2);
      assertEntries("norm2OfMatrixGrad's value", new double[] {5e200},
          new double[] {StabilityFixturesGradients.norm2OfMatrixGrad(X, gm)});
      assertEntries("∇‖X‖_F at 1e200", new double[] {0.6, 0.8}, gm, 1e-15);
    }

    @Test
    void kinksUseSignOfZeroEqualsZero() {
      double[] g = nan(3);
      StabilityFixturesGradients.kinksAtZeroGrad(new double[] {0, 2, -2}, g);
      // norm1 and abs: sign(x); relu: [x > 0]
      assertEntries("∇ at [0, 2, −2]", new double[] {0, 3, -2}, g);
    }
  }

  // ------------------------------------------------------------------------------- sqrt at 0

  @Nested
  class SqrtAtZero {
    @Test
    void sqrtHasSlopePlusInfinityAtZero() {
      double[] g = nan(1);
      assertEquals(0.0, StabilityFixturesGradients.sqrtOfDoubleGrad(0.0, g), 0.0);
      assertEquals(Double.POSITIVE_INFINITY, g[0], 0.0, "d√x/dx at 0");
      double[] jac = nan(4);
      StabilityFixturesGradients.sqrtOfVectorJacobian(new double[] {0, 4}, jac);
      // The diagonal is 1/(2√x); the entries off it are 0, also in the row of x = 0.
      assertEntriesOrInfinite("the Jacobian of √x at [0, 4]", new double[] {Double.POSITIVE_INFINITY, 0, 0, 0.25}, jac);
    }

    @Test
    void aMaskedOutSqrtAtZeroAddsNothing() {
      double[] m = {0, 1, 2};
      double[] x = {0, 4, 9};
      double[] gm = nan(3);
      double[] gx = nan(3);
      double value = StabilityFixturesGradients.maskedSqrtGrad(m, x, gm, gx);
      assertEquals(8.0, value, 0.0);
      assertEntries("∇_x mᵀ√x (m = 0 where x = 0)", new double[] {0, 0.25, 1.0 / 3}, gx);
      assertEntries("∇_m mᵀ√x = √x", new double[] {0, 2, 3}, gm);
    }

    @Test
    void aMaskedOutSqrtAtZeroDoesNotSpreadThroughAProduct() {
      // A w = [0, 4, 1]; m masks the zero.
      Matrix A = Matrix.of(3, 2, 1, -1, 2, 2, 1, 0);
      double[] w = {1, 1};
      double[] m = {0, 3, 2};
      double[] gA = nan(6);
      double[] gw = nan(2);
      double value = StabilityFixturesGradients.maskedSqrtOfProductGrad(A, w, m, gA, gw);
      assertEquals(8.0, value, 0.0);
      // d = m ⊙ 1/(2√(A w)) with 0 where m = 0; ∇_A = d wᵀ, ∇_w = Aᵀ d
      double[] d = {0, 0.75, 1};
      assertEntries("∇_A", Ejml.data(Ejml.multTransB(Ejml.column(d), Ejml.column(w))), gA);
      assertEntries("∇_w", Ejml.data(Ejml.multTransA(Ejml.of(A), Ejml.column(d))), gw);
    }

    @Test
    void aMaskedOutPowerBelowOneAtZeroAddsNothing() {
      double[] gx = nan(3);
      double value = StabilityFixturesGradients.maskedPowGrad(new double[] {0, 1, 1}, new double[] {0, 4, 9}, 0.5, gx);
      assertEquals(5.0, value, 0.0);
      assertEntries("∇_x mᵀx^½", new double[] {0, 0.25, 1.0 / 6}, gx);
    }
  }

  // ---------------------------------------------------------------------------- log and div

  @Nested
  class Poles {
    private static final double TINY = 1e-300;

    @Test
    void aLogNearItsPoleLeavesTheOtherParameterExact() {
      double[] x = {TINY, 1, 2};
      double[] y = {1, -2, 0.5};
      double[] gx = nan(3);
      double[] gy = nan(3);
      double value = StabilityFixturesGradients.logPlusSquaresGrad(x, y, gx, gy);
      assertEntries("the value", new double[] {StabilityFixtures.logPlusSquares(x, y)}, new double[] {value}, 1e-15);
      assertTrue(Double.isFinite(value));
      assertEntries("∇_x Σ log x = 1/x, 1e300 at x = 1e-300", new double[] {1e300, 1, 0.5}, gx);
      assertEntries("∇_y", new double[] {2, -4, 1}, gy);

      double[] gx0 = nan(3);
      double[] gy0 = nan(3);
      StabilityFixturesGradients.logPlusSquaresGrad(new double[] {0, 1, 2}, y, gx0, gy0);
      assertEquals(Double.POSITIVE_INFINITY, gx0[0], 0.0, "1/x at x = 0");
      assertEntries("∇_x, the other entries", new double[] {1, 0.5}, Arrays.copyOfRange(gx0, 1, 3));
      assertEntries("∇_y with log's pole in x", new double[] {2, -4, 1}, gy0);
    }

    @Test
    void theJacobianOfLogAtItsPoleIsZeroOffTheDiagonal() {
      double[] x = {0, TINY, 4};
      double[] jac = nan(9);
      StabilityFixturesGradients.logOfVectorJacobian(x, jac);
      assertEntriesOrInfinite("the Jacobian of log x at [0, 1e-300, 4]",
          new double[] {Double.POSITIVE_INFINITY, 0, 0, 0, 1e300, 0, 0, 0, 0.25}, jac);
      double[] g = nan(3);
      StabilityFixturesGradients.logOfVectorVjp(x, new double[] {0, 1, 1}, g);
      assertEntries("VJP with gradOut 0 at the pole", new double[] {0, 1e300, 0.25}, g);
    }

    /**
     * Σ m ⊙ log x with m = 0 where x = 0: the value is NaN (0·(−∞), as the method computes it),
     * but the derivative in x of a term weighted by 0 is 0 on both sides, and the other entries
     * and m's gradient (log x, −∞ at the pole) are what the formulas say.
     */
    @Test
    void aMaskedOutLogAtItsPole() {
      double[] m = {0, 2, 1};
      double[] x = {0, 4, TINY};
      double[] gm = nan(3);
      double[] gx = nan(3);
      double value = StabilityFixturesGradients.maskedLogGrad(m, x, gm, gx);
      assertTrue(Double.isNaN(value) && Double.isNaN(StabilityFixtures.maskedLog(m, x)), "0·log 0 is NaN");
      assertEntries("∇_x mᵀ log x", new double[] {0, 0.5, 1e300}, gx);
      assertEquals(Double.NEGATIVE_INFINITY, gm[0], 0.0);
      assertEntries("∇_m, the other entries", new double[] {Math.log(4), Math.log(TINY)},
          Arrays.copyOfRange(gm, 1, 3));
    }

    @Test
    void aQuotientNearItsPole() {
      double[] a = {1, 3, 0};
      double[] b = {1e-150, 2, TINY};
      double[] ga = nan(3);
      double[] gb = nan(3);
      double value = StabilityFixturesGradients.quotientSumGrad(a, b, ga, gb);
      assertEntries("the value", new double[] {1e150}, new double[] {value}, 1e-15);
      // ∂/∂a = 1/b (large, finite); ∂/∂b = −a/b² (−1e300 at b = 1e-150; 0 where a = 0)
      assertEntries("∇_a Σ a/b", new double[] {1e150, 0.5, 1e300}, ga, 1e-15);
      assertEntries("∇_b Σ a/b", new double[] {-1e300, -0.75, 0}, gb, 1e-15);
    }

    @Test
    void theJacobianOfAQuotientAtItsPoleIsZeroOffTheDiagonal() {
      double[] a = {1, 3};
      double[] b = {0, 2};
      double[] ja = nan(4);
      double[] jb = nan(4);
      StabilityFixturesGradients.quotientOfVectorsJacobian(a, b, ja, jb);
      assertEntriesOrInfinite("∂(a/b)/∂a at b = [0, 2]", new double[] {Double.POSITIVE_INFINITY, 0, 0, 0.5}, ja);
      assertEntriesOrInfinite("∂(a/b)/∂b at b = [0, 2]", new double[] {Double.NEGATIVE_INFINITY, 0, 0, -0.75}, jb);
    }

    /** A weight 0 where b = 0: the value is NaN (0·∞), the masked entry's derivatives are 0. */
    @Test
    void aMaskedOutQuotientAtItsPole() {
      double[] m = {0, 1};
      double[] a = {1, 3};
      double[] b = {0, 2};
      double[] ga = nan(2);
      double[] gb = nan(2);
      double value = StabilityFixturesGradients.maskedQuotientGrad(m, a, b, ga, gb);
      assertTrue(Double.isNaN(value), "0·(1/0) is NaN");
      assertEntries("∇_a", new double[] {0, 0.5}, ga);
      assertEntries("∇_b", new double[] {0, -0.75}, gb);
    }

    @Test
    void scalarsNearThePole() {
      double[] ga = nan(1);
      double[] gb = nan(1);
      double value = StabilityFixturesGradients.scalarQuotientGrad(2.0, TINY, ga, gb);
      assertEntries("the value", new double[] {StabilityFixtures.scalarQuotient(2.0, TINY)}, new double[] {value}, 1e-15);
      // f = a/b + a log b: ∂a = 1/b + log b, ∂b = −a/b² + a/b (−∞: a/b² overflows)
      assertEntries("∂f/∂a", new double[] {1e300 + Math.log(TINY)}, ga, 1e-15);
      assertEquals(Double.NEGATIVE_INFINITY, gb[0], 0.0);
    }
  }

  // ----------------------------------------------------------------------------- assertions

  @FunctionalInterface
  interface JacobianCall {
    void into(double[] jac);
  }

  @FunctionalInterface
  interface VjpCall {
    void into(double[] gradOut, double[] grad);
  }

  /**
   * The Jacobian (jac[i·m + j] = ∂f_j/∂x_i) equals {@code expected}, and a VJP with gradOut =
   * [1, −2, 3, …] equals expectedᵀ applied to it; every entry is finite.
   */
  static void assertJacobianAndVjp(String what, int n, int m, double[] expected, JacobianCall jacobian,
      VjpCall vjp) {
    double[] jac = nan(n * m);
    jacobian.into(jac);
    assertEntries(what + ": Jacobian", expected, jac);
    double[] u = new double[m];
    for (int j = 0; j < m; j++) {
      u[j] = (j % 2 == 0 ? 1 : -1) * (j + 1);
    }
    double[] want = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        want[i] += expected[i * m + j] * u[j];
      }
    }
    double[] g = nan(n);
    vjp.into(u, g);
    assertEntries(what + ": VJP", want, g);
  }

  /** Finite and equal to {@code expected} within a few ulps ({@link Close} fails on NaN and ±∞). */
  static void assertEntries(String what, double[] expected, double[] actual) {
    assertEntries(what, expected, actual, RTOL);
  }

  static void assertEntries(String what, double[] expected, double[] actual, double rtol) {
    Close.assertAllClose(what, expected, actual, rtol, 0.0);
  }

  /** As {@link #assertEntries}, where an expected ±∞ must be matched exactly (and NaN never passes). */
  static void assertEntriesOrInfinite(String what, double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (Double.isInfinite(expected[i])) {
        assertEquals(expected[i], actual[i], 0.0, what + ": entry " + i + " of " + Arrays.toString(actual));
      } else {
        assertEntries(what + ": entry " + i + " of " + Arrays.toString(actual), new double[] {expected[i]},
            new double[] {actual[i]});
      }
    }
  }

  static double[] nan(int n) {
    return Inputs.filled(n, Double.NaN);
  }

  static double[] diagonal(double... d) {
    int n = d.length;
    double[] m = new double[n * n];
    for (int i = 0; i < n; i++) {
      m[i * n + i] = d[i];
    }
    return m;
  }

  /** diag(y) − y yᵀ (symmetric, so the layout convention does not matter). */
  static double[] softmaxJacobian(double... y) {
    int n = y.length;
    double[] jac = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        jac[i * n + j] = (i == j ? y[i] : 0) - y[i] * y[j];
      }
    }
    return jac;
  }

  /** jac[i·n + j] = ∂y_j/∂x_i = δ_ij − s_i for y = logSoftmax(x), s = softmax(x). */
  static double[] logSoftmaxJacobian(double... s) {
    int n = s.length;
    double[] jac = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        jac[i * n + j] = (i == j ? 1 : 0) - s[i];
      }
    }
    return jac;
  }

  @FunctionalInterface
  interface ColumnJacobian {
    double[] of(double... softmaxColumn);
  }

  /**
   * The Jacobian of a column-wise function of a rows×cols matrix (flat row-major indices on both
   * sides), block-diagonal over the columns: entry (r·cols + c, r'·cols + c) is the column's
   * (r, r') entry, and 0 across columns.
   */
  static double[] columnWise(int rows, int cols, double[][] softmaxColumns, ColumnJacobian perColumn) {
    int size = rows * cols;
    double[] jac = new double[size * size];
    for (int c = 0; c < cols; c++) {
      double[] block = perColumn.of(softmaxColumns[c]);
      for (int r = 0; r < rows; r++) {
        for (int r2 = 0; r2 < rows; r2++) {
          jac[(r * cols + c) * size + (r2 * cols + c)] = block[r * rows + r2];
        }
      }
    }
    return jac;
  }
}
