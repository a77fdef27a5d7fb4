package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.ANY;
import static dev.matgrad.it.Inputs.Domain.AWAY_FROM_ZERO;
import static dev.matgrad.it.Inputs.Domain.POSITIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.matgrad.Matrix;
import dev.matgrad.it.Inputs.Domain;
import java.lang.reflect.Modifier;
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

/** Every elementwise op and overload of API.md, against finite differences ({@link ElementwiseOps}). */
class ElementwiseOpsGradientTest {
  private static final long[] SEEDS = {11, 12, 13};

  static final List<OpCase> CASES = new ArrayList<>();

  static {
    unary("neg", ANY);
    unary("exp", ANY);
    unary("log", POSITIVE);
    unary("sqrt", POSITIVE);
    unary("square", ANY);
    unary("abs", AWAY_FROM_ZERO);
    unary("tanh", ANY);
    unary("sigmoid", ANY);
    unary("relu", AWAY_FROM_ZERO);
    unary("softplus", ANY);
    unary("powCube", ANY);
    unary("powFractional", POSITIVE);
    unary("powNegative", POSITIVE);
    CASES.add(new OpCase("powWithExponentParameter", POSITIVE, 0));
    binary("add", ANY);
    binary("sub", ANY);
    binary("mul", ANY);
    binary("div", AWAY_FROM_ZERO);
    CASES.add(new OpCase("mulOfVectorWithItself", ANY, 0));
    CASES.add(new OpCase("divOfMatrixBySomethingOfItself", ANY, 0));
    CASES.add(new OpCase("cubesOfMatrix", ANY, 0));
    CASES.add(new OpCase("subOfMatrixFromItsSquareValued", ANY));
    CASES.add(new OpCase("scaleOfVector", ANY, 0, 1));
    CASES.add(new OpCase("scaleOfMatrix", ANY, 0, 1));
    CASES.add(new OpCase("scaleVectorValued", ANY));
    CASES.add(new OpCase("scaleMatrixValued", ANY));
    CASES.add(new OpCase("addToEachColumnOf", ANY, 0, 1));
    CASES.add(new OpCase("addToEachColumnValued", ANY));
  }

  /** The five fixtures of a one-operand op: on double, double[], Matrix, and the two valued ones. */
  private static void unary(String op, Domain domain) {
    CASES.add(new OpCase(op + "OfDouble", domain, 0));
    CASES.add(new OpCase(op + "OfVector", domain, 0));
    CASES.add(new OpCase(op + "OfMatrix", domain, 0));
    CASES.add(new OpCase(op + "VectorValued", domain));
    CASES.add(new OpCase(op + "MatrixValued", domain));
  }

  /** The four fixtures of a two-operand op. */
  private static void binary(String op, Domain domain) {
    CASES.add(new OpCase(op + "OfVectors", domain, 0, 1));
    CASES.add(new OpCase(op + "OfMatrices", domain, 0, 1));
    CASES.add(new OpCase(op + "VectorsValued", domain));
    CASES.add(new OpCase(op + "MatricesValued", domain));
  }

  static Stream<Arguments> casesAndSeeds() {
    return CASES.stream().flatMap(c -> Arrays.stream(SEEDS).mapToObj(s -> Arguments.of(c, s)));
  }

  @ParameterizedTest(name = "{0} (seed {1})")
  @MethodSource("casesAndSeeds")
  void gradientsMatchFiniteDifferences(OpCase op, long seed) {
    op.check(ElementwiseOps.class, seed);
  }

  @Test
  void everyFixtureIsChecked() {
    assertEquals(fixtureNames(ElementwiseOps.class),
        CASES.stream().map(OpCase::method).collect(Collectors.toCollection(TreeSet::new)));
  }

  static TreeSet<String> fixtureNames(Class<?> fixture) {
    return Arrays.stream(fixture.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
        .map(java.lang.reflect.Method::getName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  // Kinks: API.md's subgradient with sign(0) = 0. Checked exactly, as finite differences
  // straddling a kink mean nothing.

  @Test
  void absAtZeroUsesSignOfZeroEqualsZero() {
    double[] x = {0.0, 1.5, -2.0, 0.0};
    double[] c = {0.5, 0.25, 2.0, -3.0};
    assertArrayEquals(new double[] {0.0, 0.25, -2.0, 0.0},
        GradientChecker.of(ElementwiseOps.class, "absOfVector").wrt(0).grads(x, c)[0], 1e-15);
    assertArrayEquals(new double[] {0.0},
        GradientChecker.of(ElementwiseOps.class, "absOfDouble").wrt(0).grads(0.0, 3.0)[0], 0.0);
    Matrix xm = Matrix.of(2, 2, 0.0, -1.0, 2.0, 0.0);
    Matrix cm = Matrix.of(2, 2, 1.0, 2.0, 3.0, 4.0);
    assertArrayEquals(new double[] {0.0, -2.0, 3.0, 0.0},
        GradientChecker.of(ElementwiseOps.class, "absOfMatrix").wrt(0).grads(xm, cm)[0], 1e-15);
  }

  @Test
  void reluAtZeroHasDerivativeZero() {
    double[] x = {0.0, 1.5, -2.0};
    double[] c = {0.5, 0.25, 2.0};
    assertArrayEquals(new double[] {0.0, 0.25, 0.0},
        GradientChecker.of(ElementwiseOps.class, "reluOfVector").wrt(0).grads(x, c)[0], 1e-15);
    assertArrayEquals(new double[] {0.0},
        GradientChecker.of(ElementwiseOps.class, "reluOfDouble").wrt(0).grads(0.0, 3.0)[0], 0.0);
  }

  @Test
  void hadamardQuotientClosedForm() {
    // ∂/∂x ⟨c, x ⊘ y⟩ = c ⊘ y and ∂/∂y = −c ⊙ x ⊘ y², entry by entry.
    double[] x = {1.0, -2.0, 3.0};
    double[] y = {2.0, 4.0, -0.5};
    double[] c = {1.0, 0.5, 2.0};
    double[][] g = GradientChecker.of(ElementwiseOps.class, "divOfVectors").wrt(0, 1).grads(x, y, c);
    assertArrayEquals(new double[] {0.5, 0.125, -4.0}, g[0], 1e-15);
    assertArrayEquals(new double[] {-0.25, 0.0625, -24.0}, g[1], 1e-14);
  }
}
