package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.AWAY_FROM_ZERO;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fixtures of {@link RegressionFixtures}, against finite differences (see that file). */
class RegressionFixturesGradientTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {111, 112, 113})
  void regressionFixtures(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    GradientChecker.of(RegressionFixtures.class, "differenceOfQuotient")
        .check(in.scalar(AWAY_FROM_ZERO), in.scalar(AWAY_FROM_ZERO));
    GradientChecker.of(RegressionFixtures.class, "precedenceAndParentheses")
        .check(in.scalar(AWAY_FROM_ZERO), in.scalar(AWAY_FROM_ZERO), in.scalar(AWAY_FROM_ZERO));
    GradientChecker.of(RegressionFixtures.class, "vectorValuedWithParameterNamedGradOut").check(in.vector(n));
    GradientChecker.of(RegressionFixtures.Inner.class, "halfSquaredNorm").check(in.vector(n));
    GradientChecker.of(RegressionFixtures.class, "zerothPower").check(in.vector(n));
  }

  @Test
  void zerothPowerHasAFiniteGradientAtZero() {
    double[] x = {0.0, -1.5, 2.0};
    double[] grad = new double[3];
    assertEquals(3 + 0 + 2.25 + 4, RegressionFixturesGradients.zerothPowerGrad(x, grad));
    assertArrayEquals(new double[] {0.0, -3.0, 4.0}, grad);
  }
}
