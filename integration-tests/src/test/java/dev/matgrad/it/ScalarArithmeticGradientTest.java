package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.ANY;
import static dev.matgrad.it.Inputs.Domain.AWAY_FROM_ZERO;
import static dev.matgrad.it.Inputs.Domain.POSITIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Double arithmetic, Math functions and locals ({@link ScalarArithmetic}), against finite differences. */
class ScalarArithmeticGradientTest {
  private static final long[] SEEDS = {51, 52, 53, 54};

  static final List<OpCase> CASES = List.of(
      new OpCase("polynomial", AWAY_FROM_ZERO),
      new OpCase("unaryMinus", ANY),
      new OpCase("intLiterals", ANY),
      new OpCase("quotient", ANY),
      new OpCase("mathExp", ANY),
      new OpCase("mathLog", POSITIVE),
      new OpCase("mathSqrt", POSITIVE),
      new OpCase("mathPowLiteralExponents", POSITIVE),
      new OpCase("mathPowVariableExponent", POSITIVE),
      new OpCase("mathAbs", AWAY_FROM_ZERO),
      new OpCase("mathTanh", ANY),
      new OpCase("mathSin", ANY),
      new OpCase("mathCos", ANY),
      new OpCase("mathComposition", ANY),
      new OpCase("typedLocals", AWAY_FROM_ZERO),
      new OpCase("varLocals", ANY),
      new OpCase("fanOut", ANY),
      new OpCase("parameterUsedManyTimes", ANY),
      new OpCase("intParameterAsNumber", ANY),
      new OpCase("unusedParameter", ANY),
      new OpCase("wrtSubsetOfScalars", ANY, 1),
      new OpCase("wrtFirstAndLast", ANY, 0, 2),
      new OpCase("cubes", ANY));

  static Stream<Arguments> casesAndSeeds() {
    return CASES.stream().flatMap(c -> Arrays.stream(SEEDS).mapToObj(s -> Arguments.of(c, s)));
  }

  @ParameterizedTest(name = "{0} (seed {1})")
  @MethodSource("casesAndSeeds")
  void gradientsMatchFiniteDifferences(OpCase op, long seed) {
    op.check(ScalarArithmetic.class, seed);
  }

  @Test
  void everyFixtureIsChecked() {
    assertEquals(ElementwiseOpsGradientTest.fixtureNames(ScalarArithmetic.class),
        CASES.stream().map(OpCase::method).collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void exactValuesAtSimplePoints() {
    // d/dx (3x²y − 2y + x/y − ½) = 6xy + 1/y; d/dy = 3x² − 2 − x/y²
    double[][] g = GradientChecker.of(ScalarArithmetic.class, "polynomial").grads(2.0, 4.0);
    assertArrayEquals(new double[] {48.25}, g[0], 1e-13);
    assertArrayEquals(new double[] {9.875}, g[1], 1e-13);
    // d/dx (x·n + x²/n) = n + 2x/n
    g = GradientChecker.of(ScalarArithmetic.class, "intParameterAsNumber").grads(1.5, 4);
    assertArrayEquals(new double[] {4.75}, g[0], 1e-14);
    // the unused parameter gets an exact zero even if its array held NaN
    g = GradientChecker.of(ScalarArithmetic.class, "unusedParameter").grads(3.0, 5.0);
    assertArrayEquals(new double[] {6.0}, g[0], 0.0);
    assertArrayEquals(new double[] {0.0}, g[1], 0.0);
  }

  @Test
  void cubesHaveExactDerivatives() {
    // d/dx x³ = 3x²; d/dy (½y³ − y³ + y³ − sin y²) = 1.5y² − 2y cos y²
    double[][] g = GradientChecker.of(ScalarArithmetic.class, "cubes").grads(2.0, 0.0);
    assertArrayEquals(new double[] {12.0}, g[0], 0.0);
    assertArrayEquals(new double[] {0.0}, g[1], 0.0);
    g = GradientChecker.of(ScalarArithmetic.class, "cubes").grads(-3.0, 1.0);
    assertArrayEquals(new double[] {27.0}, g[0], 0.0);
    assertArrayEquals(new double[] {1.5 - 2 * Math.cos(1.0)}, g[1], 1e-15);
  }

  @Test
  void mathAbsAtZeroUsesSignOfZeroEqualsZero() {
    assertArrayEquals(new double[] {0.0},
        GradientChecker.of(ScalarArithmetic.class, "mathAbs").grads(0.0)[0], 0.0);
  }
}
