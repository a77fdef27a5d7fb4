package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.AWAY_FROM_ZERO;
import static dev.matgrad.it.Inputs.Domain.POSITIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.matgrad.Matrix;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EdgeCases} against finite differences, plus exact values where the generated code must
 * give an exact answer: zero gradients, identity Jacobians, derivatives at 0 and at saturated
 * inputs, and empty shapes.
 */
class EdgeCasesGradientTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {101, 102, 103})
  void namesThatGeneratedCodeMightUse(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    GradientChecker.of(EdgeCases.class, "localsNamedLikeTemporaries").check(in.vector(k), in.matrix(n, k));
    GradientChecker.of(EdgeCases.class, "parametersNamedLikeGeneratedVariables")
        .check(in.vector(k), in.vector(k), in.scalar(), in.matrix(n, k), n);
    GradientChecker.of(EdgeCases.class, "parameterNamedLikeAGradient").check(in.vector(n), in.vector(n));
    GradientChecker.of(EdgeCases.class, "localsNamedLikeOps").check(in.vector(n));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {101, 102, 103})
  void wrtOrderAndCalls(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    GradientChecker.of(EdgeCases.class, "wrtListedOutOfOrder").wrt(0, 2).check(in.scalar(), in.scalar(), in.scalar());
    GradientChecker.of(EdgeCases.class, "qualifiedOpsCalls").check(in.vector(k), in.matrix(n, k));
    GradientChecker.of(EdgeCases.class, "helperConstantSlotGetsAVariable").check(in.vector(n));
    GradientChecker.of(EdgeCases.class, "helperResultFanOut").check(in.matrix(n, k), in.vector(n), in.vector(k));
    GradientChecker.of(EdgeCases.Middle.Inner.class, "deep").check(in.scalar(), in.vector(n));
    GradientChecker.of(EdgeCases.Middle.Inner.class, "callsSibling").check(in.scalar(), in.vector(n));
    GradientChecker.of(dev.matgrad.it.other.PackageHelpers.class, "squashedNorm").check(in.matrix(n, k), in.vector(k));
    GradientChecker.of(EdgeCases.class, "staticImportAndOtherPackage").wrt(0, 1)
        .check(in.matrix(n, k), in.vector(k), in.vector(k));
  }

  @Test
  void wrtGradientsComeInDeclarationOrder() {
    // f = xy + z²x + sin z: ∂x = y + z², ∂z = 2zx + cos z. grad_x first, then grad_z.
    double[][] g = GradientChecker.of(EdgeCases.class, "wrtListedOutOfOrder").wrt(0, 2).grads(2.0, 3.0, 0.5);
    assertArrayEquals(new double[] {3.25}, g[0], 1e-15);
    assertArrayEquals(new double[] {2.0 + Math.cos(0.5)}, g[1], 1e-15);
  }

  @Test
  void doublyNestedClassGetsBothNames() {
    assertEquals("dev.matgrad.it.EdgeCases_Middle_InnerGradients",
        GradientChecker.gradientsClass(EdgeCases.Middle.Inner.class).getName());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {101, 102, 103})
  void returnsOfParametersAndConstants(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    assertArrayEquals(new double[] {1.0},
        GradientChecker.of(EdgeCases.class, "returnsItsParameter").check(in.scalar()).grad(0), 0.0);
    assertArrayEquals(identity(n),
        GradientChecker.of(EdgeCases.class, "returnsItsVectorParameter").check(in.vector(n)).jacobian(0), 0.0);
    assertArrayEquals(identity(n * k),
        GradientChecker.of(EdgeCases.class, "returnsItsMatrixParameter").check(in.matrix(n, k)).jacobian(0), 0.0);
    assertArrayEquals(new double[] {0.0},
        GradientChecker.of(EdgeCases.class, "constantFunction").check(in.scalar()).grad(0), 0.0);
    GradientChecker.Result ignores = GradientChecker.of(EdgeCases.class, "ignoresAWrtParameter")
        .check(in.vector(n), in.vector(k));
    assertArrayEquals(new double[k * n], ignores.jacobian(1), 0.0);
    assertArrayEquals(new double[n * n],
        GradientChecker.of(EdgeCases.class, "returnsAConstantParameter").wrt(0).check(in.vector(n), in.vector(n))
            .jacobian(0), 0.0);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {101, 102, 103})
  void literalsAndArithmetic(long seed) {
    Inputs in = new Inputs(seed);
    GradientChecker.of(EdgeCases.class, "literalSpellings").check(in.scalar());
    GradientChecker.of(EdgeCases.class, "constantFolding").check(in.scalar(AWAY_FROM_ZERO));
    GradientChecker.of(EdgeCases.class, "negations").check(in.scalar(AWAY_FROM_ZERO), in.scalar(AWAY_FROM_ZERO));
    GradientChecker.of(EdgeCases.class, "intArithmeticOfIntParameters").check(in.scalar(), in.dim(2, 7));
    GradientChecker.of(EdgeCases.class, "finalLocal").check(in.scalar());
    int n = in.dim();
    GradientChecker.of(EdgeCases.class, "powWithIntParameter").check(in.vector(n), n);
    GradientChecker.of(EdgeCases.class, "powWithDifferentiatedExponent").check(in.vector(n, POSITIVE), 1.7);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {101, 102, 103})
  void matrixCompositions(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    int m = in.dim();
    GradientChecker.of(EdgeCases.class, "scaleByAFunctionOfTheInput").check(in.vector(n), in.vector(k));
    GradientChecker.of(EdgeCases.class, "scaleMatrixByADot").check(in.vector(n), in.vector(n), in.matrix(k, m));
    GradientChecker.of(EdgeCases.class, "doubleTranspose").check(in.matrix(n, k), in.matrix(n, k));
    GradientChecker.of(EdgeCases.class, "productOfTransposes").check(in.matrix(k, n), in.matrix(m, k));
    GradientChecker.of(EdgeCases.class, "traceOfOuter").check(in.vector(n), in.vector(n));
    GradientChecker.of(EdgeCases.class, "diagOfSoftmax").check(in.vector(n), in.vector(n));
    GradientChecker.of(EdgeCases.class, "opsOfATranspose").check(in.matrix(n, k), in.vector(k), in.matrix(k, n));
  }

  // ---------------------------------------------------------------- exact values, special points

  @Test
  void powersHaveDerivativeZeroAtZero() {
    double[] x = {0.0, 1.0, 4.0};
    double[] c = {1.0, 2.0, 3.0};
    // 3x², 2.5 x^1.5, weighted by c
    assertArrayEquals(new double[] {0.0, 6.0, 144.0},
        GradientChecker.of(ElementwiseOps.class, "powCubeOfVector").wrt(0).grads(x, c)[0], 1e-13);
    assertArrayEquals(new double[] {0.0, 5.0, 60.0},
        GradientChecker.of(ElementwiseOps.class, "powFractionalOfVector").wrt(0).grads(x, c)[0], 1e-13);
    // d/dx (2x² + 1 − x/4) = 4x − ¼, zero at x = 1/16
    assertArrayEquals(new double[] {0.0},
        GradientChecker.of(ScalarArithmetic.class, "intLiterals").grads(0.0625)[0], 1e-15);
  }

  @Test
  void pNormHasDerivativeZeroAtAZeroEntry() {
    double[] x = {0.0, 3.0, -4.0};
    for (double p : new double[] {1.5, 3.0}) {
      double norm = Math.pow(Math.pow(3, p) + Math.pow(4, p), 1 / p);
      double[] expected = Arrays.stream(x)
          .map(v -> v == 0 ? 0 : v * Math.pow(Math.abs(v), p - 2) / Math.pow(norm, p - 1)).toArray();
      Close.assertAllClose("∇‖x‖_p, p = " + p, expected,
          GradientChecker.of(SeedProblems.class, "pNorm").wrt(0).grads(x, p)[0], 1e-13, 1e-15);
    }
  }

  @Test
  void saturatedActivationsHaveFiniteDerivatives() {
    double[] x = {800.0, -800.0, 0.0};
    double[] c = {1.0, 2.0, 3.0};
    assertArrayEquals(new double[] {1.0, 0.0, 1.5},
        GradientChecker.of(ElementwiseOps.class, "softplusOfVector").wrt(0).grads(x, c)[0], 1e-15, "softplus' = σ");
    assertArrayEquals(new double[] {0.0, 0.0, 0.75},
        GradientChecker.of(ElementwiseOps.class, "sigmoidOfVector").wrt(0).grads(x, c)[0], 1e-15, "σ' = σ(1 − σ)");
    assertArrayEquals(new double[] {0.0, 0.0, 3.0},
        GradientChecker.of(ElementwiseOps.class, "tanhOfVector").wrt(0).grads(x, c)[0], 1e-15, "tanh' = 1 − tanh²");
  }

  @Test
  void logSumExpIsStableForLargeInputs() {
    // r = logSumExp(x), f = r² + r: ∇f = (2r + 1) softmax(x)
    double[] x = {1000.0, 1000.0, -1000.0};
    double r = 1000.0 + Math.log(2);
    double[] expected = {(2 * r + 1) / 2, (2 * r + 1) / 2, 0.0};
    Close.assertAllClose("∇ logSumExp at ±1000", expected,
        GradientChecker.of(Reductions.class, "logSumExpOfVector").grads((Object) x)[0], 1e-12, 1e-12);
    Matrix xm = Matrix.of(1, 2, -1000.0, -1000.0);
    double rm = -1000.0 + Math.log(2);
    Close.assertAllClose("∇ logSumExp at −1000 (Matrix)", new double[] {(2 * rm + 1) / 2, (2 * rm + 1) / 2},
        GradientChecker.of(Reductions.class, "logSumExpOfMatrix").grads(xm)[0], 1e-12, 1e-12);
  }

  @Test
  void emptyShapes() {
    assertArrayEquals(new double[0],
        GradientChecker.of(Reductions.class, "sumOfVector").grads((Object) new double[0])[0]);
    double[][] g = GradientChecker.of(LinearAlgebraOps.class, "traceOfProduct")
        .grads(Matrix.zeros(2, 0), Matrix.zeros(0, 2));
    assertEquals(0, g[0].length);
    assertEquals(0, g[1].length);
    double[][] jac = GradientChecker.of(LinearAlgebraOps.class, "matmulOfMatricesValued")
        .jacobians(Matrix.zeros(2, 0), Matrix.zeros(0, 3));
    assertEquals(0, jac[0].length);
    assertEquals(0, jac[1].length);
  }

  private static double[] identity(int n) {
    double[] eye = new double[n * n];
    for (int i = 0; i < n; i++) {
      eye[i * n + i] = 1.0;
    }
    return eye;
  }
}
