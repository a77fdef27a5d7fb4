package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.generatedSource;
import static dev.matgrad.processor.ProcessorTesting.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The reverse of a nested loop reading the parameter array (a product, so that it is reversed
 * rather than preaccumulated, see PreaccumulatedLoopsTest): the inner reverse loop adds into
 * the outer one's adjoint of the array in its own storage, so that no iteration of the outer
 * loop zeroes, copies or adds an array of the parameter's size.
 */
class NestedReverseLoopsTest {

  static final JavaFileObject PAIRS = type("demo.Pairs", """
      @Differentiable
      public static double pairs(double[] x) {
        int n = x.length / 3;
        double e = 1;
        for (int i = 0; i < n; i++) {
          for (int j = i + 1; j < n; j++) {
            double dx = x[3 * i] - x[3 * j];
            double dy = x[3 * i + 1] - x[3 * j + 1];
            double s2 = 1.0 / (dx * dx + dy * dy + 1.0);
            e *= 1 + s2 * s2 * s2;
          }
        }
        return e;
      }
      """);

  /** An entry-by-entry loop over an array: zeroing, a copy or an add of two arrays. */
  static final Pattern WHOLE_ARRAY = Pattern.compile(
      "for \\(int (\\w+) = 0; \\1 < \\w+; \\1\\+\\+\\) \\{\\s*\\w+\\[\\1\\] = [^;]*;\\s*\\}");

  @Test
  void theOuterReverseLoopTouchesNoWholeArrayPerIteration() {
    Compilation c = compile(PAIRS);
    assertThat(c).succeededWithoutWarnings();
    String source = generatedSource(c, "demo.PairsGradients");
    int method = source.indexOf("pairsGrad(double[] x, double[] grad_x, Workspace workspace)");
    assertTrue(method > 0, source);
    String body = source.substring(method);
    int reverse = body.indexOf("// the adjoint of for (int i = 0; i < n; i++)");
    assertTrue(reverse > 0, body);
    int end = body.indexOf("System.arraycopy", reverse);
    assertTrue(end > reverse, body);
    String reverseLoop = body.substring(reverse, end);
    // (the inner loop's tape, one double per iteration, is the only buffer it takes)
    Matcher buffers = Pattern.compile("double\\[\\] (\\w+) = workspace\\.buffer\\(").matcher(reverseLoop);
    while (buffers.find()) {
      assertTrue(buffers.group(1).startsWith("tape"), "no accumulator per iteration:\n" + reverseLoop);
    }
    assertFalse(WHOLE_ARRAY.matcher(reverseLoop).find(),
        "no whole-array zeroing, copy or add per iteration:\n" + reverseLoop);
    // the one accumulator, zeroed once before the loops
    assertEquals(1, WHOLE_ARRAY.matcher(body.substring(0, reverse)).results().count(), body);
  }
}
