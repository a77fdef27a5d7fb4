package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.GradCheck;
import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Loops} and {@link Branches} against central differences (gradients, VJPs with the
 * dot-product test, Jacobians and JVPs: see {@link GradientChecker}) at random shapes, and
 * against values known exactly.
 */
class ControlFlowGradientTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {901, 902, 903, 904})
  void countedLoops(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(2, 9);
    GradientChecker.of(Loops.class, "rosenbrock").check(in.vector(n));
    GradientChecker.of(Loops.class, "product").check(in.vector(n));
    GradientChecker.of(Loops.class, "pairEnergy").check(in.vector(3 * in.dim(2, 5)));
    GradientChecker.of(Loops.class, "headerForms").wrt(0).check(in.vector(n), in.dim(1, 3));
    GradientChecker.of(Loops.class, "euler").check(in.scalar(), in.scalar(),
        in.scalar(Inputs.Domain.POSITIVE));
    GradientChecker.of(Loops.class, "swaps").check(in.scalar(), in.scalar(), in.dim(0, 6));
    GradientChecker.of(Loops.class, "maybeEmpty").wrt(0).check(in.vector(n), in.dim(0, 5));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {911, 912, 913})
  void loopsCarryingArrays(long seed) {
    Inputs in = new Inputs(seed);
    int h = in.dim(1, 5);
    int d = in.dim(1, 4);
    int steps = in.dim(1, 5);
    GradientChecker.of(Loops.class, "rnn").check(scaled(in.matrix(h, h), 0.5), in.matrix(h, d),
        in.vector(h), in.matrix(d, steps), in.vector(h));
    int k = in.dim(1, 4);
    GradientChecker.of(Loops.class, "matrixPower").wrt(0)
        .check(scaled(in.matrix(k, k), 0.6), in.dim(1, 4));
    GradientChecker.of(Loops.class, "entries").check(in.matrix(in.dim(), d), in.vector(d));
    GradientChecker.of(Loops.class, "fixedPointSteps").wrt(0, 1)
        .check(scaled(in.matrix(h, h), 0.5), in.vector(h), steps);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {921, 922, 923, 924})
  void branches(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 9);
    GradientChecker.of(Branches.class, "huber").check(in.vector(n),
        in.scalar(Inputs.Domain.POSITIVE));
    GradientChecker.of(Branches.class, "conditions").check(in.scalar(), in.scalar());
    GradientChecker.of(Branches.class, "guardedReads").check(in.vector(n));
    GradientChecker.of(Branches.class, "arrays").check(in.vector(n), 2 * in.scalar());
    GradientChecker.of(Branches.class, "intBranch").wrt(0).check(in.scalar(), in.dim(0, 6));
    GradientChecker.of(Branches.class, "assignedLater").check(in.vector(n), in.scalar());
    for (double x : new double[] {2.5, 0.5, -0.5, -3.0}) {
      GradientChecker.of(Branches.class, "piecewise").check(x + 0.1 * in.scalar());
    }
    int k = in.dim(2, 5);
    for (double corner : new double[] {2.0, -2.0}) {
      Matrix a = wellConditioned(in, k);
      a.set(0, 0, corner * Math.abs(a.get(0, 0)) + corner);
      GradientChecker.of(Branches.class, "factorInBranch").check(a, in.vector(k));
    }
    GradientChecker.of(Branches.class, "rowsUpTo").wrt(0).check(in.matrix(k, in.dim()), k + 2);
  }

  /** I + a small random matrix: well conditioned, its diagonal positive. */
  private static Matrix wellConditioned(Inputs in, int k) {
    Matrix a = scaled(in.matrix(k, k), 0.2);
    for (int i = 0; i < k; i++) {
      a.set(i, i, a.get(i, i) + 1.5);
    }
    return a;
  }

  @Test
  void aSideNotTakenContributesExactlyZeroEvenWhereItIsNaN() {
    double[] grad = new double[1];
    // x = −2: the entropy's, the exp's, the sin's and the log's sides are not taken (log(−2) is NaN)
    assertEquals(Branches.nanOnSidesNotTaken(-2.0), BranchesGradients.nanOnSidesNotTakenGrad(-2.0, grad));
    assertEquals(-12.0, grad[0], 1e-12);
    BranchesGradients.nanOnSidesNotTakenGrad(-0.5, grad);
    assertEquals(Math.exp(-0.5), grad[0], 1e-12);
    BranchesGradients.nanOnSidesNotTakenGrad(2.0, grad);
    assertEquals(-Math.log(2.0) - 1 + Math.log(2.0) + 1, grad[0], 1e-12);
    for (double x : new double[] {-3.0, -1.5, -0.7, -0.2, 1.5, 3.0}) {
      GradientChecker.of(Branches.class, "nanOnSidesNotTaken").check(x);
    }
  }

  @Test
  void aSingularMatrixInABranchNotTakenThrowsNothing() {
    // A is singular and A[0][0] <= 0: the branch that factors it is not taken.
    Matrix singular = new Matrix(3, 3, new double[] {-1, 0, 0, 0, 0, 0, 0, 0, 0});
    double[] b = {1, 2, 3};
    double[] gradA = new double[9];
    double[] gradB = new double[3];
    assertThrows(IllegalArgumentException.class, () -> dev.matgrad.Ops.inverse(singular));
    assertThrows(IllegalArgumentException.class,
        () -> BranchesGradients.factorInBranchGrad(flipped(singular), b, gradA, gradB));
    Matrix ones = new Matrix(3, 3, new double[] {-1, 0, 1, 0, 1, 0, 1, 0, 1});
    assertEquals(Branches.factorInBranch(ones, b),
        BranchesGradients.factorInBranchGrad(ones, b, gradA, gradB), 1e-12);
    // ∂/∂A of sum(col(A, 2)) + sum((Aᵀ)⁻¹) at this A, and ∂/∂b of ‖b‖².
    assertArrayEquals(new double[] {2, 4, 6}, gradB, 1e-12);
    double[] gradRows = new double[4];
    Matrix two = new Matrix(2, 2, new double[] {1, 2, 3, 4});
    assertEquals(30.0, BranchesGradients.rowsUpToGrad(two, 5, gradRows), 1e-12);
    assertArrayEquals(new double[] {2, 4, 6, 8}, gradRows, 1e-12);
  }

  /** m with its top-left entry made positive: the factorising branch is taken. */
  private static Matrix flipped(Matrix m) {
    Matrix c = new Matrix(m.rows(), m.cols(), m.data().clone());
    c.set(0, 0, 1.0);
    return c;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {941, 942, 943})
  void localArrays(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(2, 8);
    GradientChecker.of(LocalArrayFixtures.class, "cumulative").check(in.vector(n));
    GradientChecker.of(LocalArrayFixtures.class, "recurrence").check(in.vector(n), 0.8 * in.scalar());
    GradientChecker.of(LocalArrayFixtures.class, "literal").check(in.scalar(), in.scalar());
    GradientChecker.of(LocalArrayFixtures.class, "outerBuilt").check(in.vector(in.dim()),
        in.vector(in.dim()));
    GradientChecker.of(LocalArrayFixtures.class, "condWrite").check(in.vector(n));
    GradientChecker.of(LocalArrayFixtures.class, "boundsFromWrittenSizes").wrt(0)
        .check(in.vector(n), in.dim(0, 4));
    GradientChecker.of(LocalArrayFixtures.class, "composedSizes").wrt(0)
        .check(in.vector(n), in.dim(1, 4));
    GradientChecker.of(LocalArrayFixtures.class, "readOld").check(in.vector(2));
    int r = in.dim(1, 3);
    int c = in.dim(1, 3);
    GradientChecker.of(LocalArrayFixtures.class, "wrapped").wrt(0).check(in.vector(r * c), r, c);
    GradientChecker.of(LocalArrayFixtures.class, "literalWrites").check(in.scalar(), in.scalar());
  }

  @Test
  void aMatrixOverDataOfTheWrongLengthIsRejectedBeforeAnythingIsWritten() {
    double[] grad = {9, 9, 9, 9, 9};
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> LocalArrayFixturesGradients.wrappedGrad(new double[5], 2, 3, grad));
    assertTrue(e.getMessage().contains("data has length 5"), e.getMessage());
    assertArrayEquals(new double[] {9, 9, 9, 9, 9}, grad);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {951, 952, 953, 954})
  void breakAndContinue(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(2, 9);
    GradientChecker.of(Jumps.class, "untilNegative").check(in.vector(n));
    GradientChecker.of(Jumps.class, "positives").check(in.vector(n));
    GradientChecker.of(Jumps.class, "nested").check(in.vector(n));
    for (String name : new String[] {"breakAfterInnerLoop", "breakBeforeInnerLoop", "bothBreak",
        "whileBreaksAfterInnerLoop", "middleBreak"}) {
      GradientChecker.of(Jumps.class, name).wrt(0).check(in.vector(n), in.dim(0, n));
    }
  }

  @Test
  void aBreakAfterAnInnerLoopStopsTheOuterLoop() {
    // i = 0 adds x0 (x0 + x1 + x2) = 6 > 5 and breaks
    double[] grad = new double[3];
    assertEquals(6.0, JumpsGradients.stopsAboveGrad(new double[] {1, 2, 3}, 5.0, grad));
    assertArrayEquals(new double[] {7, 1, 1}, grad);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {961, 962, 963, 964})
  void nestedLoops(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 6);
    GradientChecker.of(NestedLoops.class, "innerReadsOuter").check(in.vector(n), in.vector(in.dim(1, 4)));
    GradientChecker.of(NestedLoops.class, "twoInner").check(in.vector(n));
    GradientChecker.of(NestedLoops.class, "triple").check(in.vector(n));
    GradientChecker.of(NestedLoops.class, "innerWhile").check(in.vector(n));
    GradientChecker.of(NestedLoops.class, "innerUnderIf").check(in.vector(n));
    GradientChecker.of(NestedLoops.class, "carriedThrough").check(in.vector(n));
    GradientChecker.of(NestedLoops.class, "carriedAndRead").check(in.vector(n));
    GradientChecker.of(NestedLoops.class, "loopInCondition").check(in.vector(n));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {941, 942, 943, 944})
  void whileLoops(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(2, 9);
    GradientChecker.of(WhileLoops.class, "halveBelowOne").check(in.scalar());
    GradientChecker.of(WhileLoops.class, "newtonSqrt").check(0.5 + in.scalar(Inputs.Domain.POSITIVE));
    GradientChecker.of(WhileLoops.class, "untilBudget").check(in.vector(n), 1.5 + in.scalar(Inputs.Domain.POSITIVE));
    int h = in.dim(1, 5);
    GradientChecker.of(WhileLoops.class, "integrate").wrt(0, 1, 2)
        .check(scaled(in.matrix(h, h), 0.5), in.vector(h), 0.13, 1.0);
    GradientChecker.of(WhileLoops.class, "withJumps").check(in.vector(n));
    double[] small = in.vector(n);
    for (int i = 0; i < n; i++) {
      small[i] *= 0.5;
    }
    GradientChecker.of(WhileLoops.class, "nested").check(small);
    GradientChecker.of(WhileLoops.class, "neverRuns").wrt(0).check(0.5, 0.75);
    GradCheck.of(WhileLoopsSecondOrder.class, "recurrence").check(in.vector(n), 0.6 * in.scalar());
    GradCheck.of(WhileLoopsSecondOrder.class, "halving").check(in.vector(n));
  }

  @Test
  void aWhileLoopsDerivativeIsThatOfTheIterationsThatRan() {
    double[] grad = new double[1];
    // s = 1.5² + 0.5 = 2.75, halved twice: 0.6875, and ds/dx = 2x / 4
    assertEquals(0.6875, WhileLoopsGradients.halveBelowOneGrad(1.5, grad));
    assertEquals(0.75, grad[0]);
    assertEquals(1.5, WhileLoopsGradients.neverRunsGrad(0.5, 0.75, grad));
    assertEquals(3.0, grad[0]);
    assertEquals(Math.sqrt(2.0), WhileLoopsGradients.newtonSqrtGrad(2.0, grad), 1e-15);
    assertEquals(0.5 / Math.sqrt(2.0), grad[0], 1e-12);
  }

  @Test
  void aWhileLoopsTapeGrowsOnceAndIsReused() {
    Inputs in = new Inputs(945);
    Matrix w = scaled(in.matrix(5, 5), 0.5);
    double[] h0 = in.vector(5);
    double[] gw = new double[25];
    double[] gh = new double[5];
    double[] gdt = new double[1];
    double[] u = in.vector(5);
    Workspace ws = new Workspace();
    double[] sink = new double[1];
    // 1000 steps: the tape starts at 16 records and doubles on the first call only
    Runnable calls = () -> {
      for (int i = 0; i < 20; i++) {
        WhileLoopsGradients.integrateVjp(w, h0, 0.001, 1.0, u, gw, gh, gdt, ws);
        sink[0] += gh[0];
      }
    };
    calls.run();
    Long bytes = WorkspaceTest.allocatedBytes(calls);
    if (bytes != null) {
      assertEquals(0L, bytes, "bytes allocated by 20 calls with a sized workspace");
    }
    double[] again = new double[5];
    WhileLoopsGradients.integrateVjp(w, h0, 0.001, 1.0, u, new double[25], again, new double[1]);
    assertArrayEquals(gh, again, 0.0, "with and without a workspace");
  }

  /**
   * fHvp against differences of fGrad and fHessian entry by entry (dev.matgrad.GradCheck), through
   * loops: forward mode over the reverse loops and what they read back from the tape.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {961, 962, 963})
  void secondDerivativesThroughLoops(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(2, 6);
    GradCheck.of(LoopsSecondOrder.class, "rosen").check(in.vector(n));
    GradCheck.of(LoopsSecondOrder.class, "product").check(in.vector(n));
    int h = in.dim(1, 4);
    GradCheck.of(LoopsSecondOrder.class, "rnn").check(scaled(in.matrix(h, h), 0.5),
        in.matrix(h, in.dim(1, 4)), in.vector(h));
    GradCheck.of(LoopsSecondOrder.class, "recurrence").check(in.vector(n), 0.6 * in.scalar());
    GradCheck.of(LoopsSecondOrder.class, "jumps").check(in.vector(n));
  }

  /**
   * Accumulator loops whose forward loop accumulates the adjoint (no reverse loop), and near
   * misses reversed as before: gradients, VJPs, JVPs and Jacobians against central differences,
   * fHvp and fHessian against differences of fGrad.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {971, 972, 973})
  void preaccumulatedLoops(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 7);
    for (String name : new String[] {"twoSums", "productOfSums", "logSumExp", "pairsAndSelf",
        "productOfInnerSums", "selfReading"}) {
      double[] x = in.vector(n);
      if (name.equals("productOfInnerSums")) {
        for (int i = 0; i < n; i++) {
          x[i] *= 0.5;
        }
      }
      GradientChecker.of(PreaccumulatedLoops.class, name).check(x);
      GradCheck.of(PreaccumulatedLoops.class, name).check(x);
    }
    double[] spread = new double[n];
    for (int i = 0; i < n; i++) {
      spread[i] = 3 * in.scalar();
    }
    GradientChecker.of(PreaccumulatedLoops.class, "branchedUpdates").check(spread, in.scalar());
    GradCheck.of(PreaccumulatedLoops.class, "branchedUpdates").check(spread, in.scalar());
    GradientChecker.of(PreaccumulatedLoops.class, "weightedEntries")
        .check(in.matrix(in.dim(1, 4), in.dim(1, 4)), in.vector(in.dim()));
    GradientChecker.of(PreaccumulatedLoops.class, "scaledBySum").check(in.vector(n));
  }

  @Test
  void aPreaccumulatedTermThatOverflowsWhereItsSeedIsZeroContributesZero() {
    double[] grad = new double[2];
    assertEquals(801.0, PreaccumulatedLoopsGradients.unusedWhenLargeGrad(
        new double[] {800, 1}, 1.0, grad));
    assertArrayEquals(new double[] {1, 1}, grad);
    assertEquals(Double.POSITIVE_INFINITY, PreaccumulatedLoopsGradients.unusedWhenLargeGrad(
        new double[] {800, 1}, -1.0, grad));
    assertEquals(Double.POSITIVE_INFINITY, grad[0]);
    assertEquals(Math.E, grad[1], 1e-15);
  }

  @Test
  void logSumExpGradientIsTheSoftmax() {
    double[] x = {0.5, -1, 2};
    double[] grad = new double[3];
    double value = PreaccumulatedLoopsGradients.logSumExpGrad(x, grad);
    double total = Math.exp(0.5) + Math.exp(-1) + Math.exp(2);
    assertEquals(Math.log(total), value, 1e-15);
    for (int i = 0; i < 3; i++) {
      assertEquals(Math.exp(x[i]) / total, grad[i], 1e-15);
    }
  }

  @Test
  void aBreakStopsTheLoopAndItsDerivative() {
    double[] x = {1, 2, -1, 3};
    double[] grad = new double[4];
    assertEquals(5.0, JumpsGradients.untilNegativeGrad(x, grad));
    assertArrayEquals(new double[] {2, 4, 0, 0}, grad);
  }

  @Test
  void rosenbrockIsStationaryAtItsMinimum() {
    double[] x = {1, 1, 1, 1, 1};
    double[] grad = new double[5];
    assertEquals(0.0, LoopsGradients.rosenbrockGrad(x, grad));
    assertArrayEquals(new double[5], grad);
  }

  @Test
  void productGradientIsTheProductOfTheOthers() {
    double[] x = {2, 3, 5, 7};
    double[] grad = new double[4];
    assertEquals(210.0, LoopsGradients.productGrad(x, grad));
    assertArrayEquals(new double[] {105, 70, 42, 30}, grad);
  }

  @Test
  void aLoopThatDoesNotRunLeavesTheInitialValue() {
    double[] x = {3, 4};
    double[] grad = {9, 9};
    assertEquals(3.0, LoopsGradients.maybeEmptyGrad(x, 0, grad));
    assertArrayEquals(new double[] {1, 0}, grad);
  }

  @Test
  void guardedReadsDoNotThrowWhereTheBranchIsNotTaken() {
    double[] x = {0.5};
    double[] grad = new double[1];
    // i = 0 only: x[i - 1] and x[i + 1] are outside x, and neither branch reading them is taken.
    assertEquals(0.25, BranchesGradients.guardedReadsGrad(x, grad));
    assertArrayEquals(new double[] {0.5}, grad);
  }

  @Test
  void theDerivativeIsThatOfThePathTaken() {
    double[] grad = new double[1];
    assertEquals(Math.log(2.0) + 1, BranchesGradients.piecewiseGrad(2.0, grad));
    assertEquals(0.5, grad[0], 1e-15);
    assertEquals(0.5 * 0.25 + 0.5, BranchesGradients.piecewiseGrad(0.5, grad));
    assertEquals(0.5, grad[0], 1e-15);
  }

  @Test
  void loopGradientsAllocateNothingOnceTheWorkspaceIsSized() {
    Inputs in = new Inputs(930);
    double[] x = in.vector(50);
    double[] gx = new double[50];
    Matrix w = scaled(in.matrix(6, 6), 0.5);
    Matrix u = in.matrix(6, 3);
    double[] b = in.vector(6);
    Matrix xs = in.matrix(3, 10);
    double[] h0 = in.vector(6);
    double[] gw = new double[36];
    double[] gu = new double[18];
    double[] gb = new double[6];
    double[] gxs = new double[30];
    double[] gh = new double[6];
    Workspace ws = new Workspace();
    double[] sink = new double[1];
    Runnable calls = () -> {
      for (int i = 0; i < 200; i++) {
        sink[0] += LoopsGradients.productGrad(x, gx, ws);
        sink[0] += LoopsGradients.pairEnergyGrad(x, gx, ws);
        sink[0] += LoopsGradients.rnnGrad(w, u, b, xs, h0, gw, gu, gb, gxs, gh, ws);
      }
    };
    calls.run();
    Long bytes = WorkspaceTest.allocatedBytes(calls);
    if (bytes != null) {
      assertEquals(0L, bytes, "bytes allocated by 600 calls with a sized workspace");
    }
    assertTrue(Double.isFinite(sink[0]));
  }

  private static Matrix scaled(Matrix m, double s) {
    double[] d = m.data().clone();
    for (int i = 0; i < d.length; i++) {
      d[i] *= s;
    }
    return new Matrix(m.rows(), m.cols(), d);
  }
}
