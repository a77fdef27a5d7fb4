package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.ANY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.Matrix;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** softmax and logSoftmax on vectors and on matrix columns ({@link SoftmaxOps}). */
class SoftmaxGradientTest {
  private static final long[] SEEDS = {31, 32, 33};

  static final List<OpCase> CASES = List.of(
      new OpCase("softmaxOfVector", ANY, 0),
      new OpCase("logSoftmaxOfVector", ANY, 0),
      new OpCase("softmaxOfMatrix", ANY, 0),
      new OpCase("logSoftmaxOfMatrix", ANY, 0),
      new OpCase("softmaxVectorValued", ANY),
      new OpCase("logSoftmaxVectorValued", ANY),
      new OpCase("softmaxMatrixValued", ANY),
      new OpCase("logSoftmaxMatrixValued", ANY));

  static Stream<Arguments> casesAndSeeds() {
    return CASES.stream().flatMap(c -> Arrays.stream(SEEDS).mapToObj(s -> Arguments.of(c, s)));
  }

  @ParameterizedTest(name = "{0} (seed {1})")
  @MethodSource("casesAndSeeds")
  void gradientsMatchFiniteDifferences(OpCase op, long seed) {
    op.check(SoftmaxOps.class, seed);
  }

  @Test
  void everyFixtureIsChecked() {
    assertEquals(ElementwiseOpsGradientTest.fixtureNames(SoftmaxOps.class),
        CASES.stream().map(OpCase::method).collect(Collectors.toCollection(TreeSet::new)));
  }

  /**
   * Matrix softmax works column by column: the Jacobian of softmaxMatrixValued has no entry linking
   * two different columns, and within column j it is diag(s) − s sᵀ with s = softmax(X[:, j]).
   */
  @Test
  void matrixSoftmaxJacobianIsBlockDiagonalByColumn() {
    Matrix x = new Inputs(34).matrix(3, 4);
    double[] jac = GradientChecker.of(SoftmaxOps.class, "softmaxMatrixValued").jacobians(x)[0];
    DMatrixRMaj s = Ejml.softmaxColumns(Ejml.of(x));
    int m = 12;
    double[] expected = new double[12 * m];
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < m; j++) {
        int ri = i / 4;
        int ci = i % 4;
        int rj = j / 4;
        int cj = j % 4;
        if (ci == cj) {
          expected[i * m + j] = s.get(rj, cj) * ((ri == rj ? 1 : 0) - s.get(ri, ci));
        }
      }
    }
    Close.assertAllClose("∂softmax(X)_j/∂X_i", expected, jac, 1e-12, 1e-14,
        i -> "(input " + i / m + ", output " + i % m + ")");
  }

  /**
   * Logits in the thousands: ∇x ⟨c, logSoftmax(x)⟩ = c − softmax(x)·Σc, which an implementation
   * that exponentiates the raw logits turns into NaN.
   */
  @Test
  void logSoftmaxGradientIsStableForLargeLogits() {
    double[] x = {1000.0, 1001.5, 998.0, 1000.5};
    double[] c = {0.5, -1.0, 2.0, 0.25};
    GradientChecker checker = GradientChecker.of(SoftmaxOps.class, "logSoftmaxOfVector").wrt(0);
    double[] g = checker.grads(x, c)[0];
    double[] s = Ejml.data(Ejml.softmaxColumns(Ejml.column(x)));
    double total = Arrays.stream(c).sum();
    double[] expected = new double[4];
    for (int i = 0; i < 4; i++) {
      expected[i] = c[i] - s[i] * total;
    }
    Close.assertAllClose("∇x ⟨c, logSoftmax(x)⟩ at large x", expected, g, 1e-12, 1e-14);
    assertTrue(Double.isFinite((Double) checker.invokeForward(x, c)));
  }
}
