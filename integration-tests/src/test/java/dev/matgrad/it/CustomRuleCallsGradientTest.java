package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Methods that call {@code @CustomVjp} methods ({@link CustomRuleCalls}): their gradients, VJPs
 * (dot-product test) and Jacobians against central differences where the rule is the true
 * derivative, and against the rule's own semantics where it is not (a straight-through rule).
 */
class CustomRuleCallsGradientTest {
  private static final Class<?> GENERATED = GradientChecker.gradientsClass(CustomRuleCalls.class);

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1101, 1102, 1103})
  void callsTakeTheirDerivativeFromTheRule(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 7);
    GradientChecker.of(CustomRuleCalls.class, "clippedEnergy").check(in.vector(n), in.vector(n));
    GradientChecker.of(CustomRuleCalls.class, "clippedLayer").check(in.matrix(n, n), in.vector(n));
    GradientChecker.of(CustomRuleCalls.class, "rankWeighted").check(in.vector(n), in.vector(n));
    int k = in.dim(1, 4);
    GradientChecker.of(CustomRuleCalls.class, "cubeLoss").check(scaled(in.matrix(k, in.dim(1, 4)), 0.7),
        in.matrix(k, k));
    GradientChecker.of(CustomRuleCalls.class, "twiceCube").check(in.matrix(k, k));
    GradientChecker.of(CustomRuleCalls.class, "scaledSquares").check(in.matrix(k, n), in.scalar(),
        in.matrix(k, n));
  }

  /** Results whose shape is read from the callee's body: not any parameter's. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1131, 1132, 1133})
  void resultShapesReadFromTheCalleesBody(long seed) {
    Inputs in = new Inputs(seed);
    int r = in.dim(1, 5);
    int c = in.dim(1, 5);
    GradientChecker.of(CustomRuleCalls.class, "rowEnergies").wrt(0, 1)
        .check(in.matrix(r, c), in.scalar(), in.dim(1, 4));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1111, 1112, 1113})
  void callsInLoopsAndBranches(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 7);
    GradientChecker.of(CustomRuleCalls.class, "clippedSteps").wrt(0)
        .check(in.vector(n), 1.3, in.dim(0, 5));
    for (int mode : new int[] {0, 1}) {
      GradientChecker.of(CustomRuleCalls.class, "branchCall").wrt(0).check(in.vector(n), mode);
    }
  }

  /** The rule says ∇ round = identity (straight-through), so ∇_x w·round(3x) = 3w, exactly. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1121, 1122})
  void theRulesSemanticsNotTheTrueDerivative(long seed) throws Exception {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 9);
    double[] x = in.vector(n);
    double[] w = in.vector(n);
    double[] gradX = new double[n];
    double[] gradW = new double[n];
    Method grad = GENERATED.getMethod("roundedDotGrad", double[].class, double[].class,
        double[].class, double[].class, Workspace.class);
    double value = (double) grad.invoke(null, x, w, gradX, gradW, new Workspace());
    double expected = 0;
    for (int i = 0; i < n; i++) {
      assertEquals(3 * w[i], gradX[i], 0.0, "grad_x[" + i + "]");
      assertEquals(Math.rint(3 * x[i]), gradW[i], 0.0, "grad_w[" + i + "]");
      expected += w[i] * Math.rint(3 * x[i]);
    }
    assertEquals(expected, value, 1e-12);
  }

  @Test
  void aCallerGetsNoForwardMode() {
    assertTrue(Arrays.stream(GENERATED.getMethods()).noneMatch(m -> m.getName().endsWith("Jvp")));
    assertTrue(Arrays.stream(GENERATED.getMethods()).anyMatch(m -> m.getName().equals("clippedLayerJacobian")));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1111, 1112, 1113})
  void callsInLoopsWhoseValueTheReverseLoopReads(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 6);
    for (int depth : new int[] {0, 1, 3}) {
      GradientChecker.of(CustomRuleCalls.class, "tanhChain").wrt(0).check(in.vector(n), depth);
      GradientChecker.of(CustomRuleCalls.class, "tanhChainState").wrt(0)
          .check(in.vector(n), depth);
    }
    GradientChecker.of(CustomRuleCalls.class, "nestedChain").wrt(0).check(in.vector(n), 2, 3);
    GradientChecker.of(CustomRuleCalls.class, "deepChain").wrt(0).check(in.vector(n), 3);
    GradientChecker.of(CustomRuleCalls.class, "nestedState").wrt(0).check(in.vector(n), 2, 2);
    GradientChecker.of(CustomRuleCalls.class, "nestedSums").wrt(0)
        .check(scaled(in.vector(n), 0.3), 3);
    GradientChecker.of(CustomRuleCalls.class, "expSteps").wrt(0)
        .check(scaled(in.vector(n), 0.3), 4.0 + 6.0 * Math.abs(in.scalar()));
  }

  /**
   * A user's method runs exactly as often as the plain method runs it, inside loops too: the
   * reverse loop reads back the value the forward loop recorded instead of calling it again.
   * Counted for loops and while loops, array and scalar results, the gradient and the VJP.
   */
  @Test
  void aCallInALoopRunsAsOftenAsThePlainMethodRunsIt() throws Exception {
    double[] x = {0.1, 0.2, 0.3};
    Method chainGrad = GENERATED.getMethod("tanhChainGrad", double[].class, int.class,
        double[].class, Workspace.class);
    Method chainVjp = GENERATED.getMethod("tanhChainStateVjp", double[].class, int.class,
        double[].class, double[].class);
    Method stepsGrad = GENERATED.getMethod("expStepsGrad", double[].class, double.class,
        double[].class);
    for (int depth : new int[] {1, 2, 4}) {
      assertEquals(depth, runs(() -> CustomRuleCalls.tanhChain(x, depth))[0]);
      int[] grad = runs(() -> chainGrad.invoke(null, x, depth, new double[3], new Workspace()));
      assertArrayEquals(new int[] {depth, depth}, grad, "tanhChainGrad, depth " + depth);
      int[] vjp = runs(() -> chainVjp.invoke(null, x, depth, new double[] {1, -1, 2},
          new double[3]));
      assertArrayEquals(new int[] {depth, depth}, vjp, "tanhChainStateVjp, depth " + depth);
    }
    int plain = runs(() -> CustomRuleCalls.expSteps(x, 20.0))[0];
    assertTrue(plain > 2, "the while loop runs several times: " + plain);
    assertArrayEquals(new int[] {plain, plain},
        runs(() -> stepsGrad.invoke(null, x, 20.0, new double[3])));
  }

  /**
   * In loops nested in a reversed loop, which its reverse loop recomputes, the calls are replayed
   * from what they returned, not run again: for loops three deep (with a bound that changes with
   * the outer index), and a while loop in a for loop.
   */
  @Test
  void aCallInNestedLoopsRunsAsOftenAsThePlainMethodRunsIt() throws Exception {
    double[] x = {0.1, -0.2, 0.3};
    Method nested = GENERATED.getMethod("nestedChainGrad", double[].class, int.class, int.class,
        double[].class);
    assertArrayEquals(new int[] {6, 6}, runs(() -> nested.invoke(null, x, 2, 3, new double[3])));
    // the Jacobian: one forward sweep, one reverse sweep (6 rule calls) per output
    Method jacobian = GENERATED.getMethod("nestedStateJacobian", double[].class, int.class,
        int.class, double[].class);
    assertArrayEquals(new int[] {6, 18}, runs(() -> jacobian.invoke(null, x, 2, 3, new double[9])));
    Method deep = GENERATED.getMethod("deepChainGrad", double[].class, int.class, double[].class,
        Workspace.class);
    int deepPlain = runs(() -> CustomRuleCalls.deepChain(x, 3))[0];
    assertEquals(12, deepPlain);
    Workspace ws = new Workspace();
    for (int call = 0; call < 2; call++) {
      assertArrayEquals(new int[] {12, 12},
          runs(() -> deep.invoke(null, x, 3, new double[3], ws)), "call " + call);
    }
    Method sums = GENERATED.getMethod("nestedSumsGrad", double[].class, int.class, double[].class);
    int sumsPlain = runs(() -> CustomRuleCalls.nestedSums(x, 3))[0];
    assertTrue(sumsPlain > 3, "the while loops run several times: " + sumsPlain);
    assertArrayEquals(new int[] {sumsPlain, sumsPlain},
        runs(() -> sums.invoke(null, x, 3, new double[3])));
    Method shrink = GENERATED.getMethod("shrinkStepsGrad", double[].class, int.class,
        double[].class);
    double[] positive = {0.4, 0.5, 0.6};
    int shrinkPlain = runs(() -> CustomRuleCalls.shrinkSteps(positive, 3))[0];
    assertTrue(shrinkPlain > 6, "the conditions run several times: " + shrinkPlain);
    int[] shrinkRuns = runs(() -> shrink.invoke(null, positive, 3, new double[3]));
    assertEquals(shrinkPlain, shrinkRuns[0]);
    GradientChecker.of(CustomRuleCalls.class, "shrinkSteps").wrt(0).check(positive, 3);
  }

  /** With a sized workspace, a call in a loop allocates only what the user's method does. */
  @Test
  void aCallInALoopAllocatesOnlyWhatTheUsersMethodAllocates() throws Exception {
    double[] x = new double[64];
    Arrays.fill(x, 0.25);
    double[] gradX = new double[64];
    Workspace ws = new Workspace();
    Method chainGrad = GENERATED.getMethod("tanhChainGrad", double[].class, int.class,
        double[].class, Workspace.class);
    Method deepGrad = GENERATED.getMethod("deepChainGrad", double[].class, int.class,
        double[].class, Workspace.class);
    Runnable plain = () -> {
      CustomRuleCalls.tanhChain(x, 4);
      CustomRuleCalls.deepChain(x, 2);
    };
    Runnable grad = () -> {
      try {
        for (int call = 0; call < 100; call++) {
          chainGrad.invoke(null, x, 4, gradX, ws);
          deepGrad.invoke(null, x, 2, gradX, ws);
        }
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    };
    grad.run();
    Long user = WorkspaceTest.allocatedBytes(() -> {
      for (int call = 0; call < 100; call++) {
        plain.run();
      }
    });
    Long generated = WorkspaceTest.allocatedBytes(grad);
    assumeTrue(user != null && generated != null, "the JVM cannot count allocated bytes");
    // 100 calls × 10 runs of a double[64] (528 bytes each); reflection's boxing is small
    assertTrue(generated < user + 100 * 64, "generated " + generated + " bytes, the user's "
        + user + " bytes");
  }

  /** How often the counted methods' bodies and rules ran during {@code call}. */
  private static int[] runs(ThrowingRunnable call) throws Exception {
    CustomRuleCalls.bodyRuns = 0;
    CustomRuleCalls.ruleRuns = 0;
    call.run();
    return new int[] {CustomRuleCalls.bodyRuns, CustomRuleCalls.ruleRuns};
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** After one call, a call with the same shapes allocates no scratch array (the workspace's). */
  @Test
  void theWorkspaceHoldsTheExactSizedArguments() throws Exception {
    Method grad = GENERATED.getMethod("clippedStepsGrad", double[].class, double.class, int.class,
        double[].class, Workspace.class);
    Workspace ws = new Workspace();
    double[] x = {0.3, -0.8, 1.7};
    double[] g1 = new double[3];
    grad.invoke(null, x, 1.0, 3, g1, ws);
    long capacity = ws.capacity();
    double[] g2 = new double[3];
    grad.invoke(null, x, 1.0, 3, g2, ws);
    assertEquals(capacity, ws.capacity());
    assertArrayEquals(g1, g2, 0.0);
  }

  /**
   * Calls with the method's own arguments of rule methods whose result's size matgrad cannot
   * read: the generated code calls them first and takes the sizes from what they return.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1141, 1142, 1143})
  void resultSizesReadFromWhatTheCallReturns(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(2, 7);
    int k = in.dim(1, n);
    GradientChecker.of(CustomRuleCalls.class, "sumDropLast").check(in.vector(n));
    GradientChecker.of(CustomRuleCalls.class, "weightedHead").wrt(0, 2)
        .check(in.vector(n), k, in.vector(k));
    GradientChecker.of(CustomRuleCalls.class, "squashedHead").wrt(0).check(in.vector(n), k);
    int c = in.dim(1, 4);
    GradientChecker.of(CustomRuleCalls.class, "topRowsEnergy").wrt(0, 2)
        .check(in.matrix(n, c), k, in.matrix(in.dim(1, 4), c));
    GradientChecker.of(CustomRuleCalls.class, "headOverSteps").wrt(0)
        .check(in.vector(n), k, in.dim(0, 4));
  }

  /** A size that must equal a returned one is checked at the start, naming both. */
  @Test
  void aParameterThatDoesNotFitAReturnedSizeIsRejectedBeforeAnythingIsWritten() throws Exception {
    Method grad = GENERATED.getMethod("weightedHeadGrad", double[].class, int.class,
        double[].class, double[].class, double[].class);
    double[] gradX = {7, 7, 7, 7};
    double[] gradW = {7, 7};
    var e = assertThrows(InvocationTargetException.class,
        () -> grad.invoke(null, new double[] {1, 2, 3, 4}, 3, new double[] {1, 2}, gradX, gradW));
    assertTrue(e.getCause() instanceof IllegalArgumentException
        && e.getCause().getMessage().contains("firstK(x, k).length == w.length")
        && e.getCause().getMessage().contains("w has length 2")
        && e.getCause().getMessage().contains("firstK(x, k).length is 3"), e.getCause().toString());
    assertArrayEquals(new double[] {7, 7, 7, 7}, gradX, 0.0);
    assertArrayEquals(new double[] {7, 7}, gradW, 0.0);
  }

  /** The VJP's gradOut must have the length the call returns. */
  @Test
  void aVjpsGradOutHasTheLengthTheCallReturns() throws Exception {
    Method vjp = GENERATED.getMethod("squashedHeadVjp", double[].class, int.class,
        double[].class, double[].class);
    double[] gradX = {7, 7, 7};
    var e = assertThrows(InvocationTargetException.class,
        () -> vjp.invoke(null, new double[] {1, 2, 3}, 2, new double[3], gradX));
    assertTrue(e.getCause() instanceof IllegalArgumentException
        && e.getCause().getMessage().contains("gradOut"), e.getCause().toString());
    assertArrayEquals(new double[] {7, 7, 7}, gradX, 0.0);
  }

  /** A callee whose result does not have the shape matgrad assumes is an error, not a wrong value. */
  @Test
  void aResultOfTheWrongShapeIsRejectedBeforeAnythingIsWritten() throws Exception {
    Method grad = GENERATED.getMethod("sumDropLastOfSquaresGrad", double[].class, double[].class);
    double[] gradX = {7, 7, 7};
    var e = assertThrows(InvocationTargetException.class,
        () -> grad.invoke(null, new double[] {1, 2, 3}, gradX));
    assertTrue(e.getCause() instanceof IllegalArgumentException
        && e.getCause().getMessage().contains("CustomRuleCalls.dropLast returned an array of length 2")
        && e.getCause().getMessage().contains("must have length x.length = 3"), e.getCause().toString());
    assertArrayEquals(new double[] {7, 7, 7}, gradX, 0.0);
  }

  private static double[] scaled(double[] v, double s) {
    double[] d = v.clone();
    for (int i = 0; i < d.length; i++) {
      d[i] *= s;
    }
    return d;
  }

  private static Matrix scaled(Matrix m, double s) {
    double[] d = m.data().clone();
    for (int i = 0; i < d.length; i++) {
      d[i] *= s;
    }
    return new Matrix(m.rows(), m.cols(), d);
  }
}
