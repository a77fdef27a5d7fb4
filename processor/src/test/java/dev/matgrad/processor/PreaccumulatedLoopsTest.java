package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.generatedSource;
import static dev.matgrad.processor.ProcessorTesting.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Which loops accumulate their adjoint as they run (no reverse loop, no tape): those whose
 * carried values with an adjoint are updated as s + terms not reading any of them. The values
 * of these gradients are checked against central differences in the integration tests
 * (PreaccumulatedLoops); this test pins the form of the generated code.
 */
class PreaccumulatedLoopsTest {

  static final JavaFileObject SUMS = type("demo.Sums", """
      @Differentiable
      public static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length - 1; i++) {
          double a = x[i + 1] - x[i] * x[i];
          double b = 1 - x[i];
          s += 100 * a * a + b * b;
        }
        return s;
      }

      @Differentiable
      public static double pairs(double[] x) {
        double e = 0;
        for (int i = 0; i < x.length; i++) {
          for (int j = i + 1; j < x.length; j++) {
            double d = x[i] - x[j];
            e += 1.0 / (1 + d * d);
          }
        }
        return e;
      }

      @Differentiable
      public static double logOfSum(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
          s = x[i] > 0 ? s + x[i] * x[i] : s - x[i];
        }
        return Math.log(1 + s);
      }

      @Differentiable
      public static double selfReading(double[] x) {
        double s = 1;
        for (int i = 0; i < x.length; i++) {
          s += s * x[i];
        }
        return s;
      }

      @Differentiable
      public static double affine(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
          s = 0.5 * s + x[i];
        }
        return s;
      }

      @Differentiable
      public static double productOfSums(double[] x) {
        double s = 0;
        double t = 0;
        for (int i = 0; i < x.length; i++) {
          s += x[i];
          t += x[i] * x[i];
        }
        return s * t;
      }

      @Differentiable
      public static double resetByBranch(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
          s = x[i] > 0 ? s + x[i] : 0;
        }
        return s;
      }

      @Differentiable
      public static double whileSum(double[] x) {
        double s = 0;
        int i = 0;
        while (i < x.length) {
          s += x[i] * x[i];
          i++;
        }
        return s;
      }
      """);

  private static String gradientOf(String source, String method) {
    int start = source.indexOf("public static double " + method + "Grad(double[] x, double[] grad_x, Workspace workspace)");
    assertTrue(start > 0, source);
    int end = source.indexOf("\n  }\n", start);
    return source.substring(start, end);
  }

  private static final String REVERSE = "// the adjoint of ";

  @Test
  void accumulatorLoopsRunTheirAdjointForwards() {
    Compilation c = compile(SUMS);
    assertThat(c).succeededWithoutWarnings();
    String source = generatedSource(c, "demo.SumsGradients");
    for (String method : new String[] {"rosenbrock", "pairs", "logOfSum"}) {
      String body = gradientOf(source, method);
      assertFalse(body.contains(REVERSE), method + ": no reverse loop\n" + body);
      assertFalse(body.contains("tape"), method + ": no tape\n" + body);
    }
    // the pairs' inner loop adds into the one gradient accumulator, zeroed once
    String pairs = gradientOf(source, "pairs");
    assertEquals(1, pairs.split("workspace\\.buffer\\(", -1).length - 1, pairs);
    // the seed 1 / (1 + s) is known after the loop: the accumulated adjoint is scaled by it
    assertTrue(gradientOf(source, "logOfSum").contains("== 0.0 ? 0.0 :"),
        gradientOf(source, "logOfSum"));
  }

  @Test
  void otherLoopsAreReversed() {
    Compilation c = compile(SUMS);
    assertThat(c).succeededWithoutWarnings();
    String source = generatedSource(c, "demo.SumsGradients");
    for (String method : new String[] {"selfReading", "affine", "productOfSums", "resetByBranch",
        "whileSum"}) {
      String body = gradientOf(source, method);
      assertTrue(body.contains(REVERSE), method + ": a reverse loop\n" + body);
    }
  }
}
