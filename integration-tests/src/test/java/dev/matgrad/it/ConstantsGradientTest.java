package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.ANY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bodies that read static final constants ({@link Constants}). */
class ConstantsGradientTest {
  @ParameterizedTest
  @ValueSource(longs = {41, 42})
  void constantsAreReadAsTheirValues(long seed) {
    GradientChecker.Result r = new OpCase("smoothedNorm", ANY).check(Constants.class, seed);
    double sumSq = 0;
    new OpCase("qualified", ANY).check(Constants.class, seed);
    double[] x = {3.0, 4.0};
    for (double v : x) {
      sumSq += v * v;
    }
    double[][] g = GradientChecker.of(Constants.class, "smoothedNorm").grads(x);
    assertEquals(3 * x[0] / Math.sqrt(sumSq + 1e-3), g[0][0], 1e-12);
    assertEquals(r.outputs, 1);
  }
}
