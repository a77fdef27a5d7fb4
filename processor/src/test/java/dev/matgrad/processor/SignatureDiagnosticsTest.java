package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.assertError;
import static dev.matgrad.processor.ProcessorTesting.assertWarning;
import static dev.matgrad.processor.ProcessorTesting.classC;
import static dev.matgrad.processor.ProcessorTesting.classLoader;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.tagged;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.lang.reflect.Method;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Diagnostics about a @Differentiable method's declaration: modifiers, types and {@code wrt}. */
class SignatureDiagnosticsTest {

  @Test
  void instanceMethodIsNotStatic() {
    JavaFileObject src = classC("""
        @Differentiable
        double instanceLoss(double x) {
          return x * x;
        }
        """);
    Compilation c = compile(src);
    assertError(c, "not-static", src, "double instanceLoss(double x)",
        "method instanceLoss must be static");
  }

  @Test
  void stringParameterIsReportedOnTheParameter() {
    JavaFileObject src = classC("""
        @Differentiable
        static double labelled(
            double x,
            String label) {
          return x * x;
        }
        """);
    Compilation c = compile(src);
    assertError(c, "parameter-type", src, "String label",
        "parameter label has type java.lang.String",
        "double, double[] (a column vector), Matrix and int");
  }

  @Test
  void floatReturnType() {
    JavaFileObject src = classC("""
        @Differentiable
        static float single(double x) {
          return (float) x;
        }
        """);
    Compilation c = compile(src);
    assertError(c, "return-type", src, "static float single(double x)", "single returns float",
        "double, double[] and Matrix");
  }

  @Test
  void wrtNamesNoParameter() {
    JavaFileObject src = classC("""
        @Differentiable(wrt = "y")
        static double shift(double x, int n) {
          return x + n;
        }
        """);
    Compilation c = compile(src);
    assertError(c, "wrt-unknown", src, "@Differentiable(wrt = \"y\")",
        "wrt names \"y\", which is not a parameter of shift; its parameters are: x, n");
  }

  @Test
  void wrtNamesAnIntParameter() {
    JavaFileObject src = classC("""
        @Differentiable(wrt = "n")
        static double power(double x, int n) {
          return Math.pow(x, n);
        }
        """);
    Compilation c = compile(src);
    assertError(c, "wrt-type", src, "@Differentiable(wrt = \"n\")", "wrt names \"n\" of type int");
  }

  @Test
  void wrtNamesAParameterTwice() {
    JavaFileObject src = classC("""
        @Differentiable(wrt = {"x", "y", "x"})
        static double product(double x, double y) {
          return x * y;
        }
        """);
    Compilation c = compile(src);
    assertError(c, "wrt-duplicate", src, "@Differentiable(wrt = {\"x\", \"y\", \"x\"})",
        "wrt names \"x\" more than once");
  }

  @Test
  void onlyIntParametersLeaveNothingToDifferentiate() {
    JavaFileObject src = classC("""
        @Differentiable
        static double half(int n) {
          return n / 2.0;
        }
        """);
    Compilation c = compile(src);
    assertError(c, "no-wrt", src, "static double half(int n)",
        "half has no double, double[] or Matrix parameter");
  }

  @Test
  void overloadsGeneratingTheSameMethodClash() {
    // f(double, double) with both in wrt and f(double, double, double[]) with wrt x both generate
    // fGrad(double, double, double[], double[]).
    JavaFileObject src = classC("""
        @Differentiable
        static double f(double x, double y) {
          return x * y;
        }

        @Differentiable(wrt = "x")
        static double f(double x, double y, double[] z) {
          return x * y + sum(z);
        }
        """);
    ProcessorTesting.Recorded r = ProcessorTesting.compileRecording(src);
    Compilation c = r.compilation();
    assertError(c, "signature-clash", src, "static double f(double x, double y, double[] z)",
        "fGrad(double,double,double[],double[])", "rename one of them");
    assertEquals(1, tagged(c, "signature-clash").size());
    // The first overload is still generated, once (with its Workspace overload).
    String generated = r.source("p.CGradients");
    assertEquals(1, generated.split("public static double fGrad\\(double x, double y, double\\[\\] grad_x,\\s+double\\[\\] grad_y\\)", -1).length - 1, generated);
    assertEquals(2, generated.split("public static double fGrad\\(", -1).length - 1, generated);
  }

  @Test
  void vectorValuedOverloadsClashOnTheirVjp() {
    // g(x, y) with both in wrt and g(x, y, z) with wrt x both generate
    // gVjp(double[] x, double[] y, double[], double[] gradOut..., double[]).
    JavaFileObject src = classC("""
        @Differentiable
        static double[] g(double[] x, double[] y) {
          return add(x, y);
        }

        @Differentiable(wrt = "x")
        static double[] g(double[] x, double[] y, double[] z) {
          return add(x, mul(y, z));
        }
        """);
    Compilation c = compile(src);
    assertError(c, "signature-clash", src, "static double[] g(double[] x, double[] y, double[] z)",
        "gVjp(double[],double[],double[],double[],double[])");
  }

  @Test
  void zeroGradientIsAWarningAndTheGradientIsZero() throws Exception {
    JavaFileObject src = classC("""
        @Differentiable
        static double onlyX(
            double x,
            double[] unused) {
          return x * x;
        }
        """);
    Compilation c = compile(src);
    assertThat(c).succeeded();
    assertWarning(c, "zero-gradient", src, "double[] unused",
        "the result of onlyX does not depend on unused");
    assertEquals(1, tagged(c, "zero-gradient").size());

    Method grad = classLoader(c).loadClass("p.CGradients").getMethod("onlyXGrad",
        double.class, double[].class, double[].class, double[].class);
    double[] gradX = {Double.NaN};
    double[] gradUnused = {7.0, Double.NaN, -1.0};
    double value = (double) grad.invoke(null, 3.0, new double[3], gradX, gradUnused);
    assertEquals(9.0, value);
    assertArrayEquals(new double[] {6.0}, gradX);
    assertArrayEquals(new double[] {0.0, 0.0, 0.0}, gradUnused,
        "outputs are overwritten with zeros");
  }

  @Test
  void zeroGradientOfAVectorValuedMethodGivesAZeroJacobian() throws Exception {
    JavaFileObject src = classC("""
        @Differentiable
        static double[] squares(double[] x, double ignored) {
          return square(x);
        }
        """);
    Compilation c = compile(src);
    assertThat(c).succeeded();
    assertWarning(c, "zero-gradient", src, "static double[] squares(double[] x, double ignored)",
        "the result of squares does not depend on ignored");

    Method jacobian = classLoader(c).loadClass("p.CGradients").getMethod("squaresJacobian",
        double[].class, double.class, double[].class, double[].class);
    double[] jacX = new double[4];
    double[] jacIgnored = {Double.NaN, Double.NaN};
    jacobian.invoke(null, new double[] {1.0, 2.0}, 5.0, jacX, jacIgnored);
    assertArrayEquals(new double[] {2.0, 0.0, 0.0, 4.0}, jacX);
    assertArrayEquals(new double[] {0.0, 0.0}, jacIgnored);
  }

  @Test
  void zeroGradientWarningCanBeSuppressedForBuildsWithWerror() {
    JavaFileObject src = classC("""
        @Differentiable
        @SuppressWarnings("matgrad:zero-gradient")
        static double onMethod(double x, double unused) {
          return x * x;
        }

        @Differentiable
        static double onParameter(double x, @SuppressWarnings("matgrad:zero-gradient") double unused) {
          return x * x;
        }

        @SuppressWarnings("all")
        static final class Nested {
          @Differentiable
          static double inAClass(double x, double unused) {
            return x * x;
          }
        }

        @Differentiable
        @SuppressWarnings("unchecked")
        static double otherTagsDoNot(double x, double unused) {
          return x * x;
        }
        """);
    Compilation c = compile(src);
    assertThat(c).succeeded();
    assertWarning(c, "zero-gradient", src, "static double otherTagsDoNot(",
        "the result of otherTagsDoNot does not depend on unused");
    assertEquals(1, tagged(c, "zero-gradient").size(), () -> ProcessorTesting.messages(c).toString());
  }

  @Test
  void aMethodThatUsesEveryParameterHasNoZeroGradientWarning() {
    Compilation c = compile(classC("""
        @Differentiable
        static double all(double x, double[] v, Matrix A) {
          return x * sum(v) + sum(A);
        }
        """));
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void nativeMethodIsReportedAsHavingNoBody() {
    // A native method has no body to differentiate. The error must say so, not claim that its body
    // is "not part of this compilation" (the declaration is right there).
    JavaFileObject src = classC("""
        @Differentiable
        static native double nativeLoss(double x);
        """);
    Compilation c = compile(src);
    assertThat(c).hadErrorContaining("[matgrad:").inFile(src)
        .onLineContaining("static native double nativeLoss(double x)");
    String text = ProcessorTesting.message(ProcessorTesting.matgradDiagnostics(c).get(0));
    assertTrue(text.startsWith("[matgrad:no-body]"), text);
    assertTrue(text.contains("nativeLoss") && text.contains("native"), text);
    assertFalse(text.contains("not part of this compilation"), text);
  }
}
