package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.AWAY_FROM_ZERO;

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
  }
}
