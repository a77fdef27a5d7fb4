package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The Workspace overloads: same results as the plain methods, and no allocation per call once the
 * workspace has been sized (measured in bytes allocated by this thread, never in time). The
 * gradient checks of every fixture also compare both overloads, through one shared workspace.
 */
class WorkspaceTest {
  private final Inputs inputs = new Inputs(11);

  /**
   * The fewest bytes this thread allocated over three runs of {@code calls} (null where the JVM
   * cannot tell). The minimum discounts one-off allocations by the JVM itself (the first use of
   * the measuring bean, a recompilation) while any allocation per call shows in every run.
   */
  static Long allocatedBytes(Runnable calls) {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)
        || !mx.isThreadAllocatedMemorySupported()) {
      return null;
    }
    mx.setThreadAllocatedMemoryEnabled(true);
    long thread = Thread.currentThread().getId();
    long fewest = Long.MAX_VALUE;
    for (int run = 0; run < 3; run++) {
      long before = mx.getThreadAllocatedBytes(thread);
      calls.run();
      fewest = Math.min(fewest, mx.getThreadAllocatedBytes(thread) - before);
    }
    return fewest;
  }

  @Test
  void mlpGradientAllocatesNothingOnceTheWorkspaceIsSized() {
    int in = 12;
    int hidden = 16;
    int classes = 5;
    int batch = 8;
    Matrix w1 = inputs.matrix(hidden, in);
    double[] b1 = inputs.vector(hidden);
    Matrix w2 = inputs.matrix(classes, hidden);
    double[] b2 = inputs.vector(classes);
    Matrix x = inputs.matrix(in, batch);
    Matrix y = inputs.oneHotColumns(classes, batch);
    double[] gW1 = new double[hidden * in];
    double[] gB1 = new double[hidden];
    double[] gW2 = new double[classes * hidden];
    double[] gB2 = new double[classes];
    Workspace ws = new Workspace();
    double[] sink = new double[1];
    Runnable calls = () -> {
      for (int k = 0; k < 200; k++) {
        sink[0] += UserModelsGradients.mlpReluGrad(w1, b1, w2, b2, x, y, batch, gW1, gB1, gW2, gB2, ws);
      }
    };
    calls.run(); // sizes the workspace and lets the JIT settle
    Long bytes = allocatedBytes(calls);
    assumeTrue(bytes != null, "this JVM does not report per-thread allocation");
    assertEquals(0L, bytes, "bytes allocated by 200 mlpReluGrad calls with a sized workspace");

    double[] plainW1 = new double[gW1.length];
    double[] plainB1 = new double[gB1.length];
    double[] plainW2 = new double[gW2.length];
    double[] plainB2 = new double[gB2.length];
    double value = UserModelsGradients.mlpReluGrad(w1, b1, w2, b2, x, y, batch, plainW1, plainB1, plainW2, plainB2);
    assertEquals(value, UserModelsGradients.mlpReluGrad(w1, b1, w2, b2, x, y, batch, gW1, gB1, gW2, gB2, ws));
    assertArrayEquals(plainW1, gW1);
    assertArrayEquals(plainB1, gB1);
    assertArrayEquals(plainW2, gW2);
    assertArrayEquals(plainB2, gB2);
  }

  @Test
  void jacobianAndVjpAllocateNothingOnceTheWorkspaceIsSized() {
    Matrix a = inputs.matrix(6, 4);
    Matrix b = inputs.matrix(4, 3);
    double[] x = inputs.vector(6);
    double[] gradOut = inputs.vector(3);
    double[] vjp = new double[6];
    double[] jac = new double[6 * 3];
    Workspace ws = new Workspace();
    Runnable calls = () -> {
      for (int k = 0; k < 200; k++) {
        SeedProblemsGradients.sigmoidLayerVjp(a, b, x, gradOut, vjp, ws);
        SeedProblemsGradients.sigmoidLayerJacobian(a, b, x, jac, ws);
      }
    };
    calls.run();
    Long bytes = allocatedBytes(calls);
    assumeTrue(bytes != null, "this JVM does not report per-thread allocation");
    assertEquals(0L, bytes, "bytes allocated by 200 VJP + Jacobian calls with a sized workspace");
  }

  @Test
  void oneWorkspaceServesShapesThatGrowAndShrink() {
    Workspace ws = new Workspace();
    for (int n : new int[] {3, 40, 7, 40, 1, 64, 5}) {
      Matrix a = inputs.matrix(n, n + 1);
      double[] x = inputs.vector(n);
      double[] expected = new double[a.data().length];
      double[] actual = new double[a.data().length];
      double v1 = SeedProblemsGradients.squaredNormOfLinearMapWrtAGrad(a, x, expected);
      double v2 = SeedProblemsGradients.squaredNormOfLinearMapWrtAGrad(a, x, actual, ws);
      assertEquals(v1, v2, 0.0, "value at n = " + n);
      assertArrayEquals(expected, actual, 0.0, "gradient at n = " + n);
    }
  }

  @Test
  void aNullWorkspaceIsRejectedByName() {
    Matrix a = inputs.matrix(3, 2);
    double[] x = inputs.vector(3);
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> SeedProblemsGradients.squaredNormOfLinearMapWrtAGrad(a, x, new double[6], null));
    assertEquals("workspace", e.getMessage());
  }
}
