package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.ANY;
import static dev.matgrad.it.Inputs.Domain.AWAY_FROM_ZERO;
import static dev.matgrad.it.Inputs.Domain.POSITIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every op and overload of API.md's "More Ops" that matgrad differentiates ({@link MoreOps}). */
class MoreOpsGradientTest {
  private static final long[] SEEDS = {21, 22, 23};

  static final List<OpCase> CASES = new ArrayList<>();

  static {
    CASES.add(new OpCase("log1pOfDouble", POSITIVE, 0));
    CASES.add(new OpCase("log1pOfVector", POSITIVE, 0));
    CASES.add(new OpCase("log1pOfMatrix", POSITIVE, 0));
    CASES.add(new OpCase("log1pVectorValued", POSITIVE));
    CASES.add(new OpCase("log1pMatrixValued", POSITIVE));
    CASES.add(new OpCase("expm1OfDouble", ANY, 0));
    CASES.add(new OpCase("expm1OfVector", ANY, 0));
    CASES.add(new OpCase("expm1OfMatrix", ANY, 0));
    CASES.add(new OpCase("expm1VectorValued", ANY));
    CASES.add(new OpCase("expm1MatrixValued", ANY));
    CASES.add(new OpCase("atanOfDouble", ANY, 0));
    CASES.add(new OpCase("atanOfVector", ANY, 0));
    CASES.add(new OpCase("atanOfMatrix", ANY, 0));
    CASES.add(new OpCase("atanVectorValued", ANY));
    CASES.add(new OpCase("atanMatrixValued", ANY));
    CASES.add(new OpCase("sinhOfDouble", ANY, 0));
    CASES.add(new OpCase("sinhOfVector", ANY, 0));
    CASES.add(new OpCase("sinhOfMatrix", ANY, 0));
    CASES.add(new OpCase("sinhVectorValued", ANY));
    CASES.add(new OpCase("sinhMatrixValued", ANY));
    CASES.add(new OpCase("coshOfDouble", ANY, 0));
    CASES.add(new OpCase("coshOfVector", ANY, 0));
    CASES.add(new OpCase("coshOfMatrix", ANY, 0));
    CASES.add(new OpCase("coshVectorValued", ANY));
    CASES.add(new OpCase("coshMatrixValued", ANY));
    for (String f : List.of("erf", "erfc", "normalCdf")) {
      CASES.add(new OpCase(f + "OfDouble", ANY, 0));
      CASES.add(new OpCase(f + "OfVector", ANY, 0));
      CASES.add(new OpCase(f + "OfMatrix", ANY, 0));
      CASES.add(new OpCase(f + "VectorValued", ANY));
      CASES.add(new OpCase(f + "MatrixValued", ANY));
    }
    CASES.add(new OpCase("logErfc", ANY));
    CASES.add(new OpCase("mathLog1p", POSITIVE, 0));
    CASES.add(new OpCase("mathExpm1", ANY, 0));
    CASES.add(new OpCase("mathAtan", ANY, 0));
    CASES.add(new OpCase("mathSinh", ANY, 0));
    CASES.add(new OpCase("mathCosh", ANY, 0));
    CASES.add(new OpCase("mathTan", ANY, 0));
    CASES.add(new OpCase("mathAsin", ANY, 0));
    CASES.add(new OpCase("mathAcos", ANY, 0));
    CASES.add(new OpCase("mathCbrt", AWAY_FROM_ZERO, 0));
    CASES.add(new OpCase("mathLog10", POSITIVE, 0));
    CASES.add(new OpCase("mathSignumTimesX", AWAY_FROM_ZERO, 0));
    CASES.add(new OpCase("mathHypot", AWAY_FROM_ZERO));
    CASES.add(new OpCase("mathMax", ANY));
    CASES.add(new OpCase("mathMaxOfInts", ANY, 0));
    CASES.add(new OpCase("addVectorScalar", ANY, 0, 1));
    CASES.add(new OpCase("addScalarVector", ANY, 0, 1));
    CASES.add(new OpCase("addMatrixScalar", ANY, 0, 1));
    CASES.add(new OpCase("addScalarMatrix", ANY, 0, 1));
    CASES.add(new OpCase("subVectorScalar", ANY, 0, 1));
    CASES.add(new OpCase("subScalarVector", ANY, 0, 1));
    CASES.add(new OpCase("subMatrixScalar", ANY, 0, 1));
    CASES.add(new OpCase("subScalarMatrix", ANY, 0, 1));
    CASES.add(new OpCase("mulVectorScalar", ANY, 0, 1));
    CASES.add(new OpCase("mulScalarVector", ANY, 0, 1));
    CASES.add(new OpCase("mulMatrixScalar", ANY, 0, 1));
    CASES.add(new OpCase("mulScalarMatrix", ANY, 0, 1));
    CASES.add(new OpCase("divVectorScalar", AWAY_FROM_ZERO, 0, 1));
    CASES.add(new OpCase("divScalarVector", AWAY_FROM_ZERO, 0, 1));
    CASES.add(new OpCase("divMatrixScalar", AWAY_FROM_ZERO, 0, 1));
    CASES.add(new OpCase("divScalarMatrix", AWAY_FROM_ZERO, 0, 1));
    CASES.add(new OpCase("maximumVectorScalar", ANY, 0, 1));
    CASES.add(new OpCase("maximumScalarVector", ANY, 0, 1));
    CASES.add(new OpCase("maximumMatrixScalar", ANY, 0, 1));
    CASES.add(new OpCase("maximumScalarMatrix", ANY, 0, 1));
    CASES.add(new OpCase("minimumVectorScalar", ANY, 0, 1));
    CASES.add(new OpCase("minimumScalarVector", ANY, 0, 1));
    CASES.add(new OpCase("minimumMatrixScalar", ANY, 0, 1));
    CASES.add(new OpCase("minimumScalarMatrix", ANY, 0, 1));
    CASES.add(new OpCase("maximumOfVectors", ANY, 0, 1));
    CASES.add(new OpCase("maximumOfMatrices", ANY, 0, 1));
    CASES.add(new OpCase("maximumVectorsValued", ANY));
    CASES.add(new OpCase("minimumOfVectors", ANY, 0, 1));
    CASES.add(new OpCase("minimumOfMatrices", ANY, 0, 1));
    CASES.add(new OpCase("minimumVectorsValued", ANY));
    CASES.add(new OpCase("centred", ANY));
    CASES.add(new OpCase("rowSumsOf", ANY, 0));
    CASES.add(new OpCase("colSumsOf", ANY, 0));
    CASES.add(new OpCase("rowSumsValued", ANY));
    CASES.add(new OpCase("colSumsValued", ANY));
    CASES.add(new OpCase("addToEachRowOf", ANY, 0, 1));
    CASES.add(new OpCase("maxOfVector", ANY, 0));
    CASES.add(new OpCase("rowOfMatrix", ANY));
    CASES.add(new OpCase("colOfMatrix", ANY));
    CASES.add(new OpCase("rowAndCol", ANY, 0));
    CASES.add(new OpCase("traceByIdentity", ANY, 0));
    CASES.add(new OpCase("sumByOnes", ANY, 0));
  }

  static Stream<Arguments> casesAndSeeds() {
    return CASES.stream().flatMap(c -> Arrays.stream(SEEDS).mapToObj(s -> Arguments.of(c, s)));
  }

  @ParameterizedTest(name = "{0} (seed {1})")
  @MethodSource("casesAndSeeds")
  void gradientsMatchFiniteDifferences(OpCase op, long seed) {
    op.check(MoreOps.class, seed);
  }

  @Test
  void everyFixtureIsChecked() {
    assertEquals(ElementwiseOpsGradientTest.fixtureNames(MoreOps.class),
        CASES.stream().map(OpCase::method).collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void atATieTheFirstOperandTakesTheGradient() {
    // maximum(x, y) with x = y: all of c goes to x, none to y (API.md), and the same for minimum.
    double[] x = {1.0, -2.0, 0.5};
    double[] c = {1.0, 2.0, 3.0};
    for (String op : List.of("maximumOfVectors", "minimumOfVectors")) {
      double[][] g = GradientChecker.of(MoreOps.class, op).wrt(0, 1).grads(x, x.clone(), c);
      assertArrayEquals(c, g[0], 0.0, op + ": ∂/∂x at a tie");
      assertArrayEquals(new double[3], g[1], 0.0, op + ": ∂/∂y at a tie");
    }
    // A broadcast double first operand takes it too: maximum(s, x) with s = x_0 = x_1, and s
    // larger than x_2, gets all of c.
    double[][] g = GradientChecker.of(MoreOps.class, "maximumScalarVector").wrt(0, 1)
        .grads(new double[] {0.5, 0.5, -1.0}, 0.5, c);
    assertArrayEquals(new double[] {0.0, 0.0, 0.0}, g[0], 0.0);
    assertArrayEquals(new double[] {6.0}, g[1], 0.0);
  }

  @Test
  void maxAndMinGiveTheWholeGradientToTheFirstExtremeEntry() {
    double[] x = {2.0, -1.0, 2.0, -1.0};
    double[][] g = GradientChecker.of(MoreOps.class, "maxOfVector").wrt(0).grads(x, 3.0);
    assertArrayEquals(new double[] {3.0, 1.0, 0.0, 0.0}, g[0], 0.0);
  }
}
