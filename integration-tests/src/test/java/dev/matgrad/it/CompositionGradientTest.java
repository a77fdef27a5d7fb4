package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.matgrad.Matrix;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Calls of @Differentiable methods, in the same class, another class and a nested class ({@link Composition}). */
class CompositionGradientTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {61, 62, 63})
  void helpersOfEveryShape(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    int h = in.dim();
    int batch = in.dim();
    Matrix w = in.matrix(n, k);
    double[] b = in.vector(n);
    double[] x = in.vector(k);
    double[] y = in.vector(n);

    GradientChecker.of(Composition.class, "scalarHelper").check(in.scalar(), in.scalar());
    GradientChecker.of(Composition.class, "squaredNorm").check(in.vector(n));
    GradientChecker.of(Composition.class, "affine").check(w, b, x);
    GradientChecker.of(Composition.class, "denseTanh").check(w, b, in.matrix(k, batch));
    GradientChecker.of(Composition.class, "meanSquare").check(in.vector(n), n);
    GradientChecker.of(Composition.class, "weightedSquares").wrt(0).check(in.vector(n), in.vector(n));

    GradientChecker.of(Composition.class, "callsScalarHelperTwice").check(in.scalar(), in.scalar());
    GradientChecker.of(Composition.class, "callsVectorHelper").check(w, b, x, y);
    GradientChecker.of(Composition.class, "callsCaller").check(w, b, x, y);
    GradientChecker.of(Composition.class, "twoLayersValued")
        .check(in.matrix(h, k), in.vector(h), in.matrix(n, h), in.vector(n), x);
    GradientChecker.of(Composition.class, "callsMatrixHelper").wrt(0, 1)
        .check(w, b, in.matrix(k, batch), in.matrix(n, batch));
    GradientChecker.of(Composition.class, "callsHelperWithIntParameter").check(in.vector(n), n);
    GradientChecker.of(Composition.class, "callsWrtSubsetHelper").wrt(0).check(in.vector(n), in.vector(n));
    GradientChecker.of(Composition.class, "callsHelperWithConstantArgument").wrt(0, 2).check(w, b, x);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {61, 62, 63})
  void helpersOfAnotherClassAndOfANestedClass(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    GradientChecker.of(OtherFixtures.class, "weightedDistance").wrt(0, 1)
        .check(in.vector(n), in.vector(n), in.vector(n));
    GradientChecker.of(OtherFixtures.class, "gram").check(in.matrix(n, k));
    GradientChecker.of(OtherFixtures.class, "gate").check(in.scalar(), in.scalar());
    GradientChecker.of(Composition.class, "callsOtherClass").wrt(0, 1, 3)
        .check(in.vector(n), in.vector(n), in.vector(n), in.matrix(k, n));

    GradientChecker.of(Composition.Nested.class, "logSumExpOfSquares").check(in.vector(n));
    GradientChecker.of(Composition.Nested.class, "halfSquaredNorm").check(in.vector(n));
    GradientChecker.of(Composition.Nested.class, "softmaxOfAffine")
        .check(in.matrix(n, k), in.vector(n), in.vector(k));
    GradientChecker.of(Composition.class, "callsNestedClass").check(in.vector(n));
  }

  @Test
  void nestedClassGetsOuterUnderscoreInnerGradients() {
    assertEquals("dev.matgrad.it.Composition_NestedGradients",
        GradientChecker.gradientsClass(Composition.Nested.class).getName());
  }

  /** ∇ of ‖W x + b − y‖² through two helpers, against the closed form 2 r xᵀ, 2 r, 2 Wᵀ r, −2 r. */
  @Test
  void vectorHelperChainMatchesClosedForm() {
    Inputs in = new Inputs(64);
    Matrix w = in.matrix(4, 3);
    double[] b = in.vector(4);
    double[] x = in.vector(3);
    double[] y = in.vector(4);
    double[][] g = GradientChecker.of(Composition.class, "callsVectorHelper").grads(w, b, x, y);
    DMatrixRMaj r2 = Ejml.scale(2, Ejml.minus(
        Ejml.plus(Ejml.mult(Ejml.of(w), Ejml.column(x)), Ejml.column(b)), Ejml.column(y)));
    Close.assertAllClose("2 r xᵀ", Ejml.data(Ejml.multTransB(r2, Ejml.column(x))), g[0], 1e-12, 1e-13);
    Close.assertAllClose("2 r", Ejml.data(r2), g[1], 1e-12, 1e-13);
    Close.assertAllClose("2 Wᵀ r", Ejml.data(Ejml.multTransA(Ejml.of(w), r2)), g[2], 1e-12, 1e-13);
    Close.assertAllClose("−2 r", Ejml.data(Ejml.scale(-1, r2)), g[3], 1e-12, 1e-13);
  }
}
