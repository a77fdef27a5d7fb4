package dev.matgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** GradCheck against hand-written derivatives, right ones and deliberately wrong ones. */
class GradCheckTest {
  private final Random random = new Random(7);
  private final Matrix A = new Matrix(3, 2, TestSupport.randomVector(random, 6));
  private final double[] x = TestSupport.randomVector(random, 2);

  @AfterEach
  void restoreHvp() {
    GradCheckModelGradients.hvpError = 0;
  }

  @Nested
  class CorrectDerivatives {
    @Test
    void everyMethodOfAScalarFunctionPasses() {
      List<GradCheck.Result> results = GradCheck.of(GradCheckModel.class, "loss").check(A, x, 0.5);
      assertEquals(List.of("lossGrad", "lossGrad (Workspace)", "lossHessian", "lossHvp",
          "lossJvp"), results.stream().map(r -> r.label().substring(r.label().indexOf('.') + 1))
              .toList());
      for (GradCheck.Result r : results) {
        assertTrue(r.passed(), r.label() + ": " + r.failure());
        assertTrue(r.error() < 1e-8, r.label() + ": " + r.error());
      }
    }

    @Test
    void vjpJacobianAndJvpOfAVectorFunctionPass() {
      List<GradCheck.Result> results = GradCheck.of(GradCheckModel.class, "map").check(A, x);
      assertEquals(List.of(GradCheck.Kind.JACOBIAN, GradCheck.Kind.JVP, GradCheck.Kind.VJP),
          results.stream().map(GradCheck.Result::kind).toList());
    }

    @Test
    void argumentsAreRestoredExactly() {
      double[] before = A.data().clone();
      double[] xBefore = x.clone();
      GradCheck.of(GradCheckModel.class, "loss").check(A, x, 0.5);
      assertArrayEquals(before, A.data());
      assertArrayEquals(xBefore, x);
    }

    @Test
    void parameterNamesComeFromTheDebugInformation() throws Exception {
      // Maven compiles with -g but without -parameters: the names are in the local variable table.
      assertEquals(List.of("A", "x", "c"), GradCheck.parameterNames(
          GradCheckModel.class.getDeclaredMethod("loss", Matrix.class, double[].class,
              double.class)));
    }
  }

  @Nested
  class WrongDerivatives {
    @Test
    void aWrongGradientEntryIsNamedWithBothValuesAndTheError() {
      double[] point = {0.5, -1.5, 3.0, 1.0};
      AssertionError e = assertThrows(AssertionError.class,
          () -> GradCheck.of(GradCheckModel.class, "cubes").check((Object) point));
      // ∂f/∂x₂ = x₂² = 9; the method wrote 2 x₂ = 6.
      assertEquals("GradCheckModelGradients.cubesGrad: ∂f/∂x at x[2]: generated 6.000000000,"
          + " central difference 9.000000000, error 3.33e-01 > tolerance 1.0e-06", e.getMessage());
    }

    @Test
    void aMeasurementReportsTheFailureWithoutThrowing() {
      double[] point = {0.5, -1.5, 3.0, 1.0};
      GradCheck.Result r = GradCheck.of(GradCheckModel.class, "cubes").measure((Object) point)
          .get(0);
      assertFalse(r.passed());
      assertTrue(r.failure().startsWith("∂f/∂x at x[2]: generated 6.000000000, central difference"
          + " 9.00000"), r.failure());
      assertEquals(3.0 / 9.0, r.error(), 1e-6);
    }

    @Test
    void aWrongHessianVectorProductFailsItsCheckAndTheHessians() {
      GradCheckModelGradients.hvpError = 1e-3;
      List<GradCheck.Result> results =
          GradCheck.of(GradCheckModel.class, "loss").measure(A, x, 0.5);
      for (GradCheck.Result r : results) {
        boolean second = r.kind() == GradCheck.Kind.HVP || r.kind() == GradCheck.Kind.HESSIAN;
        assertEquals(!second, r.passed(), r.label() + ": " + r.failure());
      }
      GradCheck.Result hvp = results.stream().filter(r -> r.kind() == GradCheck.Kind.HVP)
          .findFirst().orElseThrow();
      assertTrue(hvp.failure().startsWith("(H · direction) for x at x[0]:"), hvp.failure());
    }

    @Test
    void aLooserToleranceAcceptsWhatTheDefaultRejects() {
      GradCheckModelGradients.hvpError = 1e-5;
      GradCheck check = GradCheck.of(GradCheckModel.class, "loss");
      assertThrows(AssertionError.class, () -> check.check(A, x, 0.5));
      check.tolerance(1e-3).check(A, x, 0.5);
    }
  }

  @Nested
  class Misuse {
    @Test
    void aMethodWithoutGeneratedDerivativesIsAnError() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GradCheck.of(GradCheckModel.class, "times"));
      assertTrue(e.getMessage().contains("no method derived from GradCheckModel.times"),
          e.getMessage());
    }

    @Test
    void aClassWithoutGeneratedClassIsAnError() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GradCheck.of(Matrix.class, "of"));
      assertTrue(e.getMessage().contains("dev.matgrad.MatrixGradients does not exist"),
          e.getMessage());
    }

    @Test
    void argumentsOfTheWrongTypeOrNumberAreNamed() {
      GradCheck check = GradCheck.of(GradCheckModel.class, "loss");
      IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
          () -> check.check(A, x));
      assertEquals("GradCheckModel.loss takes 3 arguments, but 2 were given", count.getMessage());
      IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
          () -> check.check(A, A, 0.5));
      assertEquals("argument 2 of loss must be a double[], but was Matrix", type.getMessage());
    }

    @Test
    void aShapeProblemOfTheGeneratedMethodIsReportedAsItIs() {
      Matrix wrongShape = Matrix.zeros(3, 3);
      assertThrows(RuntimeException.class,
          () -> GradCheck.of(GradCheckModel.class, "loss").check(wrongShape, x, 0.5));
    }

    @Test
    void nonPositiveTolerancesAreRejected() {
      assertThrows(IllegalArgumentException.class,
          () -> GradCheck.of(GradCheckModel.class, "loss").tolerance(0));
    }
  }
}
