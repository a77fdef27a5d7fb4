package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.assertError;
import static dev.matgrad.processor.ProcessorTesting.classC;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.compileRecording;
import static dev.matgrad.processor.ProcessorTesting.type;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Calls of methods with a {@code @CustomVjp} rule from other @Differentiable methods. */
class CustomRuleCallDiagnosticsTest {
  private static final String SCALED = """
      @Differentiable(wrt = "x")
      @CustomVjp("rule")
      static double scaled(double x, double s) {
        return s * x;
      }

      static void rule(double x, double s, double gradOut, double[] grad_x) {
        grad_x[0] = s * gradOut;
      }
      """;

  @Test
  void anArgumentOutsideTheCalleesWrtThatDependsOnTheCallersIsNamed() {
    JavaFileObject src = classC(SCALED + """

        @Differentiable
        static double g(double x, double y) {
          double t = y * y;
          return scaled(x, t);
        }
        """);
    assertError(compile(src), "custom-vjp-wrt", src, "return scaled(x, t);",
        "parameter s of C.scaled", "depends on y", "add \"s\" to its wrt");
  }

  @Test
  void anArgumentOutsideTheCalleesWrtIsFineWhenItIsAConstantOfTheCaller() {
    JavaFileObject src = classC(SCALED + """

        @Differentiable(wrt = "x")
        static double g(double x, double y) {
          return scaled(x, y * y) + scaled(x, 2.0);
        }
        """);
    var recorded = compileRecording(src);
    assertThat(recorded.compilation()).succeeded();
    String generated = recorded.source("p.CGradients");
    assertTrue(generated.contains("p.C.rule("), "the caller calls the rule");
    assertFalse(generated.contains("gJvp"), "a caller gets no fJvp");
  }

  @Test
  void hessianOnACallerSaysWhy() {
    JavaFileObject src = classC(SCALED + """

        @Differentiable(wrt = "x", hessian = true)
        static double g(double x) {
          return scaled(x, 3.0) * x;
        }
        """);
    assertError(compile(src), "custom-vjp-hessian", src,
        "@Differentiable(wrt = \"x\", hessian = true)", "it calls C.scaled, which has a @CustomVjp rule",
        "first derivatives only");
  }

  @Test
  void aPrivateRuleIsRejectedOnTheMethod() {
    JavaFileObject src = classC("""
        @Differentiable
        @CustomVjp("rule")
        static double f(double x) {
          return x * x;
        }

        private static void rule(double x, double gradOut, double[] grad_x) {
          grad_x[0] = 2 * x * gradOut;
        }
        """);
    assertError(compile(src), "custom-vjp-access", src, "@CustomVjp(\"rule\")",
        "C.rule cannot be called from the generated class p.CGradients", "it is private");
  }

  @Test
  void aPackagePrivateCalleeInAnotherPackageIsRejectedAtTheCall() {
    JavaFileObject lib = type("q.Lib", """
        @Differentiable
        @CustomVjp("rule")
        static double f(double x) {
          return x * x;
        }

        static void rule(double x, double gradOut, double[] grad_x) {
          grad_x[0] = 2 * x * gradOut;
        }
        """);
    JavaFileObject user = type("p.User", """
        @Differentiable
        static double g(double x) {
          return q.Lib.f(x) + x;
        }
        """);
    Compilation c = compile(lib, user);
    assertError(c, "custom-vjp-access", user, "return q.Lib.f(x) + x;",
        "p.UserGradients", "is not public and is in another package");
  }
}
