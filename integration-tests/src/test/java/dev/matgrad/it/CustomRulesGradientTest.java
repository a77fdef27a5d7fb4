package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.ANY;
import static dev.matgrad.it.Inputs.Domain.POSITIVE;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.Matrix;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** fGrad, fVjp and fJacobian generated from {@code @CustomVjp} rules ({@link CustomRules}). */
class CustomRulesGradientTest {
  @ParameterizedTest
  @ValueSource(longs = {31, 32, 33})
  void scalarMethodGradientComesFromItsRule(long seed) {
    new OpCase("logCosh", ANY).check(CustomRules.class, seed);
  }

  @ParameterizedTest
  @ValueSource(longs = {31, 32, 33})
  void vectorValuedMethodsVjpAndJacobianComeFromTheRule(long seed) {
    new OpCase("softClip", POSITIVE, 0).check(CustomRules.class, seed);
    new OpCase("scaledRowSums", ANY).check(CustomRules.class, seed);
  }

  @Test
  void noForwardModeIsGeneratedForAMethodWithARule() {
    Class<?> generated = GradientChecker.gradientsClass(CustomRules.class);
    assertTrue(Arrays.stream(generated.getMethods()).noneMatch(m -> m.getName().endsWith("Jvp")));
  }

  @Test
  void aWrongLengthGradientIsRejectedBeforeTheRuleRuns() throws Exception {
    var grad = GradientChecker.gradientsClass(CustomRules.class)
        .getMethod("scaledRowSumsVjp", Matrix.class, double.class, double[].class, double[].class,
            double[].class);
    double[] gradA = new double[5];
    Arrays.fill(gradA, 7);
    var e = assertThrows(java.lang.reflect.InvocationTargetException.class,
        () -> grad.invoke(null, Matrix.zeros(2, 3), 1.0, new double[2], gradA, new double[1]));
    assertTrue(e.getCause() instanceof IllegalArgumentException
        && e.getCause().getMessage().contains("grad_A has length 5"), e.getCause().toString());
    assertTrue(Arrays.stream(gradA).allMatch(v -> v == 7), "nothing written");
  }

  @Test
  void aWrongLengthResultAdjointIsRejectedBeforeTheRuleRuns() throws Exception {
    var vjp = GradientChecker.gradientsClass(CustomRules.class)
        .getMethod("scaledRowSumsVjp", Matrix.class, double.class, double[].class, double[].class,
            double[].class);
    for (int wrong : new int[] {1, 3}) {
      double[] gradA = new double[6];
      Arrays.fill(gradA, 7);
      var e = assertThrows(java.lang.reflect.InvocationTargetException.class,
          () -> vjp.invoke(null, Matrix.zeros(2, 3), 1.0, new double[wrong], gradA, new double[1]));
      assertTrue(e.getCause() instanceof IllegalArgumentException
          && e.getCause().getMessage().contains("gradOut has length " + wrong
              + " but needs the size of scaledRowSums's result, 2"), e.getCause().toString());
      assertTrue(Arrays.stream(gradA).allMatch(v -> v == 7), "nothing written");
    }
  }
}
