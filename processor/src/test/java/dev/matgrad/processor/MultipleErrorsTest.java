package dev.matgrad.processor;

import static dev.matgrad.processor.ProcessorTesting.assertOnlyCataloguedDiagnostics;
import static dev.matgrad.processor.ProcessorTesting.classC;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.compileRecording;
import static dev.matgrad.processor.ProcessorTesting.lineOf;
import static dev.matgrad.processor.ProcessorTesting.matgradDiagnostics;
import static dev.matgrad.processor.ProcessorTesting.message;
import static dev.matgrad.processor.ProcessorTesting.messages;
import static dev.matgrad.processor.ProcessorTesting.tagged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every independent error of a method is reported in one compilation, each on its own line and
 * once; an error's consequences (uses of a local whose value failed, a return left out with an
 * unsupported statement) are not reported again.
 */
class MultipleErrorsTest {

  /**
   * Asserts an ERROR tagged {@code [matgrad:tag]} on the line of {@code file} holding {@code
   * lineText} that mentions each of {@code mentions}; other errors may be on the same line.
   */
  private static void assertError(Compilation c, String tag, JavaFileObject file,
      String lineText, String... mentions) {
    long line = lineOf(file, lineText);
    assertTrue(tagged(c, tag).stream().anyMatch(d -> d.getKind() == Diagnostic.Kind.ERROR
            && d.getLineNumber() == line && d.getSource().toUri().equals(file.toUri())
            && Arrays.stream(mentions).allMatch(m -> message(d).contains(m))),
        () -> "no [matgrad:" + tag + "] error on line " + line + " mentioning "
            + Arrays.toString(mentions) + "; reported: " + messages(c));
  }

  /** Asserts exactly {@code count} matgrad diagnostics, no two alike (same line and message). */
  private static void assertMatgradErrors(Compilation c, int count) {
    assertOnlyCataloguedDiagnostics(c);
    List<Diagnostic<? extends JavaFileObject>> all = matgradDiagnostics(c);
    assertEquals(count, all.size(), () -> messages(c).toString());
    Set<String> seen = new HashSet<>();
    for (Diagnostic<? extends JavaFileObject> d : all) {
      assertTrue(seen.add(d.getLineNumber() + ":" + d.getColumnNumber() + ":" + message(d)),
          () -> "reported twice: " + message(d));
    }
  }

  @Nested
  class UnsupportedConstructs {
    @Test
    void everyUnsupportedStatementAndExpressionIsReportedOnItsLine() {
      JavaFileObject src = classC("""
          static double offset = 2.0;

          @Differentiable
          static double f(double x, double[] v) {
            double a = x * "two".length();
            double b = ((java.util.function.DoubleUnaryOperator) t -> t).applyAsDouble(x);
            halving: while (x > 0) {
              a = x;
            }
            v[0] = 1.0;
            double c = C.offset;
            return a + b + c;
          }
          """);
      Compilation c = compile(src);
      assertError(c, "expression", src, "\"two\".length()", "calling length");
      assertError(c, "expression", src, "DoubleUnaryOperator", "calling applyAsDouble");
      assertError(c, "control-flow", src, "halving: while (x > 0) {", "a labeled statement");
      assertError(c, "array-write", src, "v[0] = 1.0;", "v[0]");
      assertError(c, "expression", src, "C.offset", "the field access");
      assertMatgradErrors(c, 5);
    }

    @Test
    void independentErrorsInOneExpressionAreAllReported() {
      JavaFileObject src = classC("""
          @Differentiable
          static double f(double x) {
            return "a" + 1L + x;
          }
          """);
      Compilation c = compile(src);
      assertError(c, "literal", src, "return \"a\" + 1L + x;", "\"a\"");
      assertError(c, "literal", src, "return \"a\" + 1L + x;", "1L");
      assertMatgradErrors(c, 2);
    }

    @Test
    void aReturnInsideAnUnsupportedStatementIsNotAlsoAMissingReturn() {
      JavaFileObject src = classC("""
          @Differentiable
          static double f(double x) {
            switch ((int) x) {
              case 0:
                return x;
              default:
                return -x;
            }
          }
          """);
      Compilation c = compile(src);
      assertError(c, "control-flow", src, "switch ((int) x) {");
      assertMatgradErrors(c, 1);
    }

    @Test
    void statementsAfterTheReturnAreReportedOnce() {
      JavaFileObject src = classC("""
          @Differentiable
          static double f(double x) {
            return x;
            double y = x;
            double z = "z";
          }
          """);
      Compilation c = compile(src);
      assertError(c, "after-return", src, "double y = x;");
      // the reader still reports what it cannot read after the return
      assertError(c, "literal", src, "double z = \"z\";");
      assertMatgradErrors(c, 2);
    }
  }

  @Nested
  class Resolution {
    @Test
    void anUnknownCallAndATypeErrorInDifferentStatementsAreBothReported() {
      JavaFileObject src = classC("""
          @Differentiable
          static double f(double x, double[] v) {
            double a = frobnicate(x);
            Matrix m = exp(v);
            double b = sum(v) * x;
            return b + Ops.sgimoid(b);
          }
          """);
      Compilation c = compile(src);
      assertError(c, "unknown-call", src, "frobnicate(x)", "frobnicate");
      assertError(c, "type", src, "Matrix m = exp(v);", "m has type Matrix", "double[]");
      assertError(c, "unknown-call", src, "Ops.sgimoid(b)", "Ops.sgimoid");
      assertMatgradErrors(c, 3);
    }

    @Test
    void independentErrorsOfTheOperandsOfOneExpressionAreAllReported() {
      JavaFileObject src = classC("""
          @Differentiable
          static double f(double x, double[] v) {
            return foo(x) + sum(v, v) * bar(x);
          }
          """);
      Compilation c = compile(src);
      assertError(c, "unknown-call", src, "return foo(x)", "foo(...)");
      assertError(c, "overload", src, "return foo(x)", "sum(double[], double[])");
      assertError(c, "unknown-call", src, "return foo(x)", "bar(...)");
      assertMatgradErrors(c, 3);
    }

    @Test
    void usesOfALocalWhoseValueFailedAreNotReportedAgain() {
      JavaFileObject src = classC("""
          @Differentiable
          static double f(double x, double[] v) {
            double[] h = frobnicate(v);
            var g = exp(h);
            double s = sum(g) * h.length;
            s = s + h[0];
            return s * Math.sqrt(s);
          }
          """);
      Compilation c = compile(src);
      assertError(c, "unknown-call", src, "frobnicate(v)");
      assertMatgradErrors(c, 1);
    }

    @Test
    void aLocalOfAnUnsupportedTypeIsReportedOnlyWhereDeclared() {
      JavaFileObject src = classC("""
          @Differentiable
          static double f(double x) {
            String s = "text";
            double y;
            double z = s.length() * x;
            y = 2.0 * x;
            return y * z;
          }
          """);
      Compilation c = compile(src);
      assertError(c, "statement", src, "String s = \"text\";", "a local of type String");
      assertMatgradErrors(c, 1);
    }

    @Test
    void aLocalAssignedAgainAfterAFailureIsUsableAgain() {
      JavaFileObject src = classC("""
          @Differentiable
          static double f(double x, double[] v) {
            double t = frobnicate(x);
            t = 2.0 * x;
            Matrix wrong = t;
            return t;
          }
          """);
      Compilation c = compile(src);
      assertError(c, "unknown-call", src, "frobnicate(x)");
      assertError(c, "type", src, "Matrix wrong = t;", "wrong has type Matrix", "double");
      assertMatgradErrors(c, 2);
    }

    @Test
    void writesIntoParametersAreEachReported() {
      JavaFileObject src = classC("""
          @Differentiable
          static double f(double x, double y) {
            x = 2.0;
            y *= x;
            return x * y;
          }
          """);
      Compilation c = compile(src);
      assertError(c, "parameter-write", src, "x = 2.0;", "parameter x");
      assertError(c, "parameter-write", src, "y *= x;", "parameter y");
      assertMatgradErrors(c, 2);
    }
  }

  @Nested
  class SignatureAndBody {
    @Test
    void signatureErrorsAndUnsupportedConstructsAreReportedTogether() {
      JavaFileObject src = classC("""
          @Differentiable(wrt = {"nope", "n", "x", "x"})
          static double f(float a, double x, int n, String s) {
            double y = x;
            do {
              y = y / 2;
            } while (y > 1);
            return y;
          }
          """);
      Compilation c = compile(src);
      assertError(c, "parameter-type", src, "static double f(", "parameter a", "float");
      assertError(c, "parameter-type", src, "static double f(", "parameter s", "String");
      assertError(c, "wrt-unknown", src, "@Differentiable(wrt", "\"nope\"");
      assertError(c, "wrt-type", src, "@Differentiable(wrt", "\"n\"");
      assertError(c, "wrt-duplicate", src, "@Differentiable(wrt", "\"x\"");
      assertError(c, "control-flow", src, "do {", "a do-while loop");
      assertMatgradErrors(c, 6);
    }

    @Test
    void aCalleeWithSeveralErrorsIsReportedOnceOnEachCallAndHasAllItsErrors() {
      JavaFileObject src = classC("""
          @Differentiable
          static double callee(double x) {
            double a = "a";
            return a * frobnicate(x);
          }

          @Differentiable
          static double caller(double x) {
            return callee(x) * callee(2.0 * x);
          }

          @Differentiable
          static double fine(double x) {
            return x * x;
          }
          """);
      ProcessorTesting.Recorded r = compileRecording(src);
      Compilation c = r.compilation();
      assertError(c, "literal", src, "double a = \"a\";");
      assertError(c, "callee-invalid", src, "return callee(x) * callee(2.0 * x);", "p.C.callee");
      assertError(c, "unknown-call", src, "return a * frobnicate(x);", "frobnicate");
      // each call is reported (they are two), the callee's errors only on the callee
      assertEquals(2, tagged(c, "callee-invalid").size(), () -> messages(c).toString());
      assertMatgradErrors(c, 4);
      assertTrue(r.source("p.CGradients").contains("fineGrad("));
    }
  }
}
