package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.ANY;
import static dev.matgrad.it.Inputs.Domain.AWAY_FROM_ZERO;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.matgrad.it.Inputs.Domain;
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

/** The reductions to double, on vectors and matrices ({@link Reductions}), against finite differences. */
class ReductionsGradientTest {
  private static final long[] SEEDS = {21, 22, 23};

  static final List<OpCase> CASES = new ArrayList<>();

  static {
    both("sum", ANY);
    both("mean", ANY);
    both("sumSq", ANY);
    both("norm1", AWAY_FROM_ZERO);
    both("norm2", AWAY_FROM_ZERO);
    both("logSumExp", ANY);
    CASES.add(new OpCase("sumOverCount", ANY));
    CASES.add(new OpCase("reciprocalCountTimesSumSq", ANY));
  }

  private static void both(String op, Domain domain) {
    CASES.add(new OpCase(op + "OfVector", domain));
    CASES.add(new OpCase(op + "OfMatrix", domain));
  }

  static Stream<Arguments> casesAndSeeds() {
    return CASES.stream().flatMap(c -> Arrays.stream(SEEDS).mapToObj(s -> Arguments.of(c, s)));
  }

  @ParameterizedTest(name = "{0} (seed {1})")
  @MethodSource("casesAndSeeds")
  void gradientsMatchFiniteDifferences(OpCase op, long seed) {
    op.check(Reductions.class, seed);
  }

  static Stream<Arguments> exponentsAndSeeds() {
    return Stream.of(1.25, 1.5, 2.0, 3.0, 4.0)
        .flatMap(p -> Arrays.stream(SEEDS).mapToObj(s -> Arguments.of(p, s)));
  }

  @ParameterizedTest(name = "normP, p = {0} (seed {1})")
  @MethodSource("exponentsAndSeeds")
  void normPMatchesFiniteDifferences(double p, long seed) {
    Inputs in = new Inputs(seed);
    double[] x = in.vector(in.dim(), AWAY_FROM_ZERO);
    GradientChecker.of(Reductions.class, "normPOfVector").wrt(0).check(x, p);
  }

  @Test
  void everyFixtureIsChecked() {
    TreeSet<String> checked = CASES.stream().map(OpCase::method)
        .collect(Collectors.toCollection(TreeSet::new));
    checked.add("normPOfVector");
    assertEquals(ElementwiseOpsGradientTest.fixtureNames(Reductions.class), checked);
  }
}
