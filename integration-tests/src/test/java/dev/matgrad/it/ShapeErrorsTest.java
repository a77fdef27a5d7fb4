package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.Matrix;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * API.md: "A wrong-length array or a shape that does not fit raises IllegalArgumentException naming
 * the parameter and both shapes, before anything is written." Called the way a user calls the
 * generated code, directly. Every output array starts filled with a sentinel and must still hold
 * it after the exception; the inputs must be unchanged too.
 */
class ShapeErrorsTest {
  private static final double SENTINEL = -123.25;

  private final Inputs in = new Inputs(91);
  private final Matrix weights = in.matrix(3, 4); // d = 3, n = 4
  private final double[] input = in.vector(3);
  private final double[] target = in.vector(4);

  // ---------------------------------------------------------------- wrong-length output arrays

  @Test
  void wrongGradientLengthForAMatrixParameter() {
    double[] gradWeights = sentinel(13);
    double[] gradInput = sentinel(3);
    double[] gradTarget = sentinel(4);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.projectedLossGrad(weights, input, target, gradWeights, gradInput, gradTarget),
        gradWeights, gradInput, gradTarget);
    assertNames(message, "weights");
    assertNumbers(message, 13);
    assertShape(message, 3, 4);
  }

  @Test
  void wrongGradientLengthForTheLastParameterWritesNothingElse() {
    double[] gradWeights = sentinel(12);
    double[] gradInput = sentinel(3);
    double[] gradTarget = sentinel(5);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.projectedLossGrad(weights, input, target, gradWeights, gradInput, gradTarget),
        gradWeights, gradInput, gradTarget);
    assertNames(message, "target");
    assertNumbers(message, 5, 4);
  }

  @Test
  void wrongGradientLengthForADoubleParameter() {
    double[] gradFactor = sentinel(2);
    double[] gradValues = sentinel(3);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.scaledSumGrad(2.0, input, gradFactor, gradValues), gradFactor, gradValues);
    assertNames(message, "factor");
    assertNumbers(message, 2, 1);
  }

  @Test
  void wrongGradOutLength() {
    double[] gradOut = sentinel(5); // weightsᵀ input has 4 entries
    double[] gradWeights = sentinel(12);
    double[] gradInput = sentinel(3);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.projectVjp(weights, input, gradOut, gradWeights, gradInput),
        gradOut, gradWeights, gradInput);
    assertNames(message, "gradOut");
    assertNumbers(message, 5, 4);
  }

  @Test
  void wrongJacobianLength() {
    double[] jacWeights = sentinel(47); // 12 inputs × 4 outputs = 48
    double[] jacInput = sentinel(12);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.projectJacobian(weights, input, jacWeights, jacInput), jacWeights, jacInput);
    assertNames(message, "weights");
    assertNumbers(message, 47);
    assertTrue(mentions(message, 48) || (mentions(message, 12) && mentions(message, 4)),
        "the message should give the expected size 48 (= 12·4): " + message);

    double[] jacWeightsOk = sentinel(48);
    double[] jacInputBad = sentinel(11); // 3 × 4 = 12
    message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.projectJacobian(weights, input, jacWeightsOk, jacInputBad), jacWeightsOk,
        jacInputBad);
    assertNames(message, "input");
    assertNumbers(message, 11);
    assertTrue(mentions(message, 12) || (mentions(message, 3) && mentions(message, 4)),
        "the message should give the expected size 12 (= 3·4): " + message);
  }

  // ---------------------------------------------------------------- parameters that do not fit

  @Test
  void innerDimensionMismatchInGrad() {
    double[] wrongInput = in.vector(5); // weights is 3×4: weightsᵀ needs an input of length 3
    double[] gradWeights = sentinel(12);
    double[] gradInput = sentinel(5);
    double[] gradTarget = sentinel(4);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.projectedLossGrad(weights, wrongInput, target, gradWeights, gradInput,
            gradTarget),
        gradWeights, gradInput, gradTarget);
    assertNames(message, "weights", "input");
    assertNumbers(message, 3, 4, 5);
  }

  @Test
  void innerDimensionMismatchInVjpAndJacobian() {
    double[] wrongInput = in.vector(5);
    double[] gradOut = sentinel(4);
    double[] gradWeights = sentinel(12);
    double[] gradInput = sentinel(5);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.projectVjp(weights, wrongInput, gradOut, gradWeights, gradInput),
        gradOut, gradWeights, gradInput);
    assertNames(message, "weights", "input");
    assertNumbers(message, 3, 4, 5);

    double[] jacWeights = sentinel(48);
    double[] jacInput = sentinel(20);
    message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.projectJacobian(weights, wrongInput, jacWeights, jacInput),
        jacWeights, jacInput);
    assertNames(message, "weights", "input");
    assertNumbers(message, 3, 4, 5);
  }

  @Test
  void mismatchBetweenAnIntermediateResultAndAParameter() {
    double[] wrongTarget = in.vector(5); // weightsᵀ input has 4 entries
    double[] gradWeights = sentinel(12);
    double[] gradInput = sentinel(3);
    double[] gradTarget = sentinel(5);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.projectedLossGrad(weights, input, wrongTarget, gradWeights, gradInput,
            gradTarget),
        gradWeights, gradInput, gradTarget);
    assertNames(message, "target");
    assertNumbers(message, 4, 5);
  }

  @Test
  void vectorsOfDifferentLengths() {
    double[] left = in.vector(3);
    double[] right = in.vector(4);
    double[] gradLeft = sentinel(3);
    double[] gradRight = sentinel(4);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.pairedProductGrad(left, right, gradLeft, gradRight), gradLeft, gradRight);
    assertNames(message, "left", "right");
    assertNumbers(message, 3, 4);
  }

  @Test
  void matricesOfDifferentShapes() {
    Matrix first = in.matrix(2, 3);
    Matrix second = in.matrix(3, 2);
    double[] gradOut = sentinel(6);
    double[] gradFirst = sentinel(6);
    double[] gradSecond = sentinel(6);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.hadamardVjp(first, second, gradOut, gradFirst, gradSecond),
        gradOut, gradFirst, gradSecond);
    assertNames(message, "first", "second");
    assertNumbers(message, 2, 3);
  }

  @Test
  void matmulInnerDimensionsDiffer() {
    Matrix first = in.matrix(2, 3);
    Matrix second = in.matrix(4, 5);
    double[] gradFirst = sentinel(6);
    double[] gradSecond = sentinel(20);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.productSumGrad(first, second, gradFirst, gradSecond), gradFirst, gradSecond);
    assertNames(message, "first", "second");
    assertNumbers(message, 3, 4);
  }

  @Test
  void traceOfANonSquareMatrix() {
    Matrix square = in.matrix(2, 3);
    double[] gradSquare = sentinel(6);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.traceOfGrad(square, gradSquare), gradSquare);
    assertNames(message, "square");
    assertNumbers(message, 2, 3);
  }

  @Test
  void addToEachColumnWithAShiftOfTheWrongLength() {
    Matrix columns = in.matrix(3, 2);
    double[] shift = in.vector(2); // needs 3, one per row
    double[] gradOut = sentinel(6);
    double[] gradColumns = sentinel(6);
    double[] gradShift = sentinel(2);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.shiftedVjp(columns, shift, gradOut, gradColumns, gradShift),
        gradOut, gradColumns, gradShift);
    assertNames(message, "columns", "shift");
    assertNumbers(message, 3, 2);
  }

  @Test
  void mismatchInsideAHelper() {
    double[] left = in.vector(3);
    double[] values = in.vector(4);
    double[] gradLeft = sentinel(3);
    double[] gradValues = sentinel(4);
    String message = assertRejectedBeforeWriting(
        () -> ShapeFixturesGradients.callsPairedProductGrad(left, values, gradLeft, gradValues),
        gradLeft, gradValues);
    assertNames(message, "left");
    assertNumbers(message, 3, 4);
  }

  // ---------------------------------------------------------------------------------- helpers

  private static double[] sentinel(int n) {
    return Inputs.filled(n, SENTINEL);
  }

  /**
   * Runs call, which must throw IllegalArgumentException, and checks that none of outputs and none
   * of the test's inputs changed. Returns the message.
   */
  private String assertRejectedBeforeWriting(Executable call, double[]... outputs) {
    double[][] before = Arrays.stream(outputs).map(double[]::clone).toArray(double[][]::new);
    double[] weightsBefore = weights.data().clone();
    double[] inputBefore = input.clone();
    double[] targetBefore = target.clone();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (int i = 0; i < outputs.length; i++) {
      assertArrayEquals(before[i], outputs[i], 0.0,
          "array argument " + i + " of the failed call was written before the shape error was raised");
    }
    assertArrayEquals(weightsBefore, weights.data(), 0.0, "weights changed");
    assertArrayEquals(inputBefore, input, 0.0, "input changed");
    assertArrayEquals(targetBefore, target, 0.0, "target changed");
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the exception has no message");
    return e.getMessage();
  }

  private static void assertNames(String message, String... names) {
    for (String name : names) {
      assertTrue(message.contains(name), "the message should name \"" + name + "\": " + message);
    }
  }

  private static void assertNumbers(String message, int... numbers) {
    for (int n : numbers) {
      assertTrue(mentions(message, n), "the message should mention " + n + ": " + message);
    }
  }

  /** A matrix shape rows×cols, given either by both dimensions or by its size rows·cols. */
  private static void assertShape(String message, int rows, int cols) {
    assertTrue((mentions(message, rows) && mentions(message, cols)) || mentions(message, rows * cols),
        "the message should give the shape " + rows + "×" + cols + " (or its size " + rows * cols + "): "
            + message);
  }

  private static boolean mentions(String message, int number) {
    return Pattern.compile("(?<!\\d)" + number + "(?!\\d)").matcher(message).find();
  }
}
