package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.Matrix;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The harness itself, on hand-written "generated" code ({@link HandWrittenGradients}). */
class GradientCheckerSelfTest {
  private final Inputs in = new Inputs(99);
  private final double[] x = in.vector(5);
  private final double[] y = in.vector(5);
  private final Matrix a = in.matrix(3, 4);
  private final double[] v = in.vector(4);

  @Test
  void passesCorrectCode() {
    GradientChecker.of(HandWritten.class, "weightedCubes").check(x, y);
    GradientChecker.of(HandWritten.class, "product").check(a, v);
  }

  @Test
  void reportsTheWorstEntryOfAWrongGradient() {
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> GradientChecker.of(HandWritten.class, "wrongEntry").check(x, y));
    assertTrue(e.getMessage().contains("worst at [2]"), e.getMessage());
  }

  @Test
  void catchesAccumulationIntoTheOutput() {
    assertThrows(AssertionFailedError.class,
        () -> GradientChecker.of(HandWritten.class, "accumulates").check(x, y));
  }

  @Test
  void catchesAnUnwrittenEntry() {
    double[] withZero = x.clone();
    withZero[1] = 0.0;
    assertThrows(AssertionFailedError.class,
        () -> GradientChecker.of(HandWritten.class, "leavesAnEntryUnwritten").check(withZero, y));
  }

  @Test
  void catchesAModifiedInput() {
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> GradientChecker.of(HandWritten.class, "modifiesItsInput").check(x, y));
    assertTrue(e.getMessage().contains("modified"), e.getMessage());
  }

  @Test
  void catchesATransposedJacobianLayout() {
    assertThrows(AssertionFailedError.class,
        () -> GradientChecker.of(HandWritten.class, "transposedJacobian").check(a, v));
  }

  @Test
  void catchesAWrongVjp() {
    assertThrows(AssertionFailedError.class,
        () -> GradientChecker.of(HandWritten.class, "wrongVjp").check(a, v));
  }

  @Test
  void catchesAWrongWrtList() {
    // weightedCubesGrad has gradients for both parameters; wrt = {0} expects one.
    assertThrows(AssertionFailedError.class,
        () -> GradientChecker.of(HandWritten.class, "weightedCubes").wrt(0).check(x, y));
  }
}
