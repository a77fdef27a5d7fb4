package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.assertError;
import static dev.matgrad.processor.ProcessorTesting.classC;
import static dev.matgrad.processor.ProcessorTesting.classLoader;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.file;
import static dev.matgrad.processor.ProcessorTesting.generatedSource;
import static dev.matgrad.processor.ProcessorTesting.message;
import static dev.matgrad.processor.ProcessorTesting.runtimeClasspath;
import static dev.matgrad.processor.ProcessorTesting.tagged;
import static dev.matgrad.processor.ProcessorTesting.type;
import static dev.matgrad.processor.ProcessorTesting.withProcessor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Diagnostics about calls in a @Differentiable body, and how calls are resolved. */
class CallDiagnosticsTest {

  // ---- calls matgrad does not know --------------------------------------------------------------

  @Test
  void unknownMethod() {
    JavaFileObject src = classC("""
        @Differentiable
        static double callsUnknown(double x) {
          return foo(x) * 2.0;
        }
        """);
    Compilation c = compile(src);
    assertError(c, "unknown-call", src, "return foo(x) * 2.0;",
        "call of foo(...) is not supported");
  }

  @Test
  void unsupportedMathFunction() {
    JavaFileObject src = classC("""
        @Differentiable
        static double angle(double x) {
          return Math.ulp(x) + x;
        }
        """);
    Compilation c = compile(src);
    // The message lists the Math functions that are supported.
    assertError(c, "unknown-call", src, "return Math.ulp(x) + x;", "call of Math.ulp(...)",
        "Math.abs/acos/asin/atan/cbrt/cos/cosh/exp/expm1/hypot/log/log10/log1p/max/min/pow/signum/sin/sinh/sqrt/tan/tanh");
  }

  @Test
  void mathFunctionWithTwoArgumentsThatIsNotSupported() {
    JavaFileObject src = classC("""
        @Differentiable
        static double clamp(double x) {
          return Math.copySign(x, 0.0);
        }
        """);
    Compilation c = compile(src);
    assertError(c, "unknown-call", src, "return Math.copySign(x, 0.0);", "call of Math.copySign(...)");
  }

  @Test
  void misspeltOpsMethodSuggestsTheClosestName() {
    JavaFileObject src = file("p.C", """
        package p;

        import static dev.matgrad.Ops.*;

        import dev.matgrad.Differentiable;
        import dev.matgrad.Ops;

        public final class C {
          @Differentiable
          static double unqualified(double[] x) {
            return sum(sigmod(x));
          }

          @Differentiable
          static double qualified(double[] x) {
            return Ops.sum(Ops.sfotmax(x));
          }

          @Differentiable
          static double math(double x) {
            return Math.tahn(x) + x;
          }

          @Differentiable
          static double nothingNear(double x) {
            return frobnicate(x);
          }
        }
        """);
    Compilation c = compile(src);
    assertError(c, "unknown-call", src, "return sum(sigmod(x));",
        "call of sigmod(...) is not supported; did you mean sigmoid?");
    assertError(c, "unknown-call", src, "return Ops.sum(Ops.sfotmax(x));",
        "call of Ops.sfotmax(...) is not supported; did you mean Ops.softmax?");
    assertError(c, "unknown-call", src, "return Math.tahn(x) + x;", "did you mean Math.tanh?");
    assertFalse(message(assertError(c, "unknown-call", src, "return frobnicate(x);",
        "call of frobnicate(...)")).contains("did you mean"));
  }

  @Test
  void newOpsNamesAreSuggestedToo() {
    JavaFileObject src = classC("""
        @Differentiable
        static double typo(double[] a, double[] b) {
          double s = sum(concta(a, b));
          return s + sum(normalcdf(a));
        }
        """);
    Compilation c = compile(src);
    assertError(c, "unknown-call", src, "double s = sum(concta(a, b));", "did you mean concat?");
    assertError(c, "unknown-call", src, "return s + sum(normalcdf(a));",
        "did you mean normalCdf?");
  }

  @Test
  void mathMaxOnArraysSuggestsReluOrMaximum() {
    JavaFileObject src = classC("""
        @Differentiable
        static double zeroFirst(double[] x) {
          return sum(Math.max(0, x));
        }

        @Differentiable
        static double zeroSecond(Matrix X) {
          return sum(Math.max(X, 0.0));
        }

        @Differentiable
        static double twoArrays(double[] a, double[] b) {
          return sum(Math.max(a, b));
        }

        @Differentiable
        static double minimumOfTwo(double[] a, double b) {
          return sum(Math.min(a, b));
        }

        @Differentiable
        static double expOfArray(double[] x) {
          return sum(Math.exp(x));
        }
        """);
    Compilation c = compile(src);
    assertError(c, "overload", src, "return sum(Math.max(0, x));",
        "no overload Math.max(int, double[])", "for arrays write relu(x)");
    assertError(c, "overload", src, "return sum(Math.max(X, 0.0));", "for arrays write relu(X)");
    assertError(c, "overload", src, "return sum(Math.max(a, b));",
        "for arrays write maximum(a, b)");
    assertError(c, "overload", src, "return sum(Math.min(a, b));",
        "for arrays write minimum(a, b)");
    assertError(c, "overload", src, "return sum(Math.exp(x));",
        "for arrays write exp(x) of dev.matgrad.Ops");
  }

  @Test
  void helperThatIsNotDifferentiable() {
    JavaFileObject src = classC("""
        static double helper(double v) {
          return v * v;
        }

        @Differentiable
        static double usesHelper(double x) {
          return helper(x) + 1.0;
        }
        """);
    Compilation c = compile(src);
    assertError(c, "call-not-differentiable", src, "return helper(x) + 1.0;",
        "p.C.helper is not annotated @Differentiable");
  }

  @Test
  void helperOfAnotherClassThatIsNotDifferentiable() {
    JavaFileObject helpers = type("p.Helpers", """
        public static double cube(double v) {
          return v * v * v;
        }
        """);
    JavaFileObject src = classC("""
        @Differentiable
        static double usesCube(double x) {
          return Helpers.cube(x);
        }
        """);
    Compilation c = compile(src, helpers);
    assertError(c, "call-not-differentiable", src, "return Helpers.cube(x);",
        "p.Helpers.cube is not annotated @Differentiable");
  }

  @Test
  void ownHelperShadowsTheStaticallyImportedOpsMethod() {
    // As in Java, the class's own sigmoid hides Ops.sigmoid; it is not @Differentiable.
    JavaFileObject src = classC("""
        static double[] sigmoid(double[] v) {
          return v;
        }

        @Differentiable
        static double activation(double[] x) {
          return sum(sigmoid(x));
        }
        """);
    Compilation c = compile(src);
    assertError(c, "call-not-differentiable", src, "return sum(sigmoid(x));", "p.C.sigmoid");
  }

  // ---- overloads --------------------------------------------------------------------------------

  @Test
  void opsMethodWithArgumentsOfTheWrongKinds() {
    JavaFileObject src = file("p.C", """
        package p;

        import dev.matgrad.Differentiable;
        import dev.matgrad.Matrix;
        import dev.matgrad.Ops;

        public final class C {
          @Differentiable
          static double product(double[] x, Matrix A) {
            return Ops.sum(Ops.matmul(x, A));
          }
        }
        """);
    Compilation c = compile(src);
    assertError(c, "overload", src, "return Ops.sum(Ops.matmul(x, A));",
        "no overload Ops.matmul(double[], Matrix)",
        "available: matmul(Matrix, Matrix); matmul(Matrix, double[])");
  }

  @Test
  void staticallyImportedOpsMethodWithTooManyArguments() {
    JavaFileObject src = classC("""
        @Differentiable
        static double twice(double[] x) {
          return sum(x, x);
        }
        """);
    Compilation c = compile(src);
    assertError(c, "overload", src, "return sum(x, x);", "sum(double[], double[])",
        "sum(double[]); sum(Matrix)");
  }

  @Test
  void differentiableMethodCalledWithTheWrongKind() {
    JavaFileObject src = classC("""
        @Differentiable
        static double square(double v) {
          return v * v;
        }

        @Differentiable
        static double callsWithVector(double[] x) {
          return square(x);
        }
        """);
    Compilation c = compile(src);
    assertError(c, "overload", src, "return square(x);", "square(double[])", "square(double)");
  }

  // ---- recursion and broken callees -------------------------------------------------------------

  @Test
  void directRecursion() {
    JavaFileObject src = classC("""
        @Differentiable
        static double selfCall(double x) {
          return 1.0 + selfCall(x * 0.5);
        }
        """);
    Compilation c = compile(src);
    assertError(c, "recursion", src, "return 1.0 + selfCall(x * 0.5);",
        "recursive call of p.C.selfCall");
  }

  @Test
  void mutualRecursionIsReportedAsRecursion() {
    JavaFileObject src = classC("""
        @Differentiable
        static double ping(double x) {
          return pong(x) * 2.0;
        }

        @Differentiable
        static double pong(double x) {
          return ping(x) + 1.0;
        }
        """);
    Compilation c = compile(src);
    assertThat(c).failed();
    // Each method fails because of the cycle; the user must be told it is recursion, not only
    // "see the error reported on" the other method, which itself says the same about the first.
    assertFalse(tagged(c, "recursion").isEmpty(),
        () -> "no recursion error: " + ProcessorTesting.messages(c));
  }

  @Test
  void calleeWithAnErrorIsReportedAtTheCallAndAtTheCallee() {
    JavaFileObject src = classC("""
        @Differentiable
        static double broken(double x) {
          double y = x;
          halving: while (y > 1.0) {
            y = y / 2.0;
          }
          return y;
        }

        @Differentiable
        static double first(double x) {
          return 2.0 * broken(x);
        }

        @Differentiable
        static double second(double x) {
          return broken(x) / 2.0;
        }
        """);
    Compilation c = compile(src);
    assertError(c, "control-flow", src, "halving: while (y > 1.0) {", "a labeled statement");
    assertError(c, "callee-invalid", src, "return 2.0 * broken(x);",
        "p.C.broken cannot be differentiated (see the error reported on it)");
    assertError(c, "callee-invalid", src, "return broken(x) / 2.0;", "p.C.broken");
    assertEquals(1, tagged(c, "control-flow").size(), "the callee's own error is reported once");
  }

  @Test
  void calleeInAnotherFileWithAnErrorIsReportedInBothFiles() {
    JavaFileObject layers = type("p.Layers", """
        @Differentiable
        public static double leaky(double v) {
          double y = v;
          halving: while (y > 1.0) {
            y = y / 2.0;
          }
          return y;
        }
        """);
    JavaFileObject model = type("p.Model", """
        @Differentiable
        static double model(double x) {
          return Layers.leaky(x) * x;
        }
        """);
    Compilation c = compile(layers, model);
    assertError(c, "control-flow", layers, "halving: while (y > 1.0) {", "a labeled statement");
    assertError(c, "callee-invalid", model, "return Layers.leaky(x) * x;", "p.Layers.leaky");
  }

  @Test
  void calleeWhoseNamesDoNotResolveIsInvalid() {
    JavaFileObject src = classC("""
        static double RATE = 0.1;

        @Differentiable
        static double decay(double x) {
          return RATE * x;
        }

        @Differentiable
        static double model(double x) {
          return decay(x) + x;
        }
        """);
    Compilation c = compile(src);
    assertError(c, "unknown-name", src, "return RATE * x;", "RATE");
    assertError(c, "callee-invalid", src, "return decay(x) + x;", "p.C.decay");
  }

  @Test
  void calleeCompiledEarlierIsUnavailable(@TempDir Path classes) throws IOException {
    JavaFileObject lib = type("lib.Layers", """
        @Differentiable
        public static double act(double v) {
          return Math.tanh(v);
        }
        """);
    Compilation first = compile(lib);
    assertThat(first).succeeded();
    Path classFile = classes.resolve("lib").resolve("Layers.class");
    Files.createDirectories(classFile.getParent());
    try (InputStream in = first.generatedFile(StandardLocation.CLASS_OUTPUT, "lib", "Layers.class")
        .orElseThrow().openInputStream()) {
      Files.copy(in, classFile);
    }

    JavaFileObject app = type("app.Model", """
        @Differentiable
        static double model(double x) {
          return lib.Layers.act(x) * 2.0;
        }
        """);
    Compilation second = withProcessor()
        .withClasspath(List.of(runtimeClasspath(), classes.toFile()))
        .compile(app);
    assertError(second, "callee-unavailable", app, "return lib.Layers.act(x) * 2.0;",
        "the body of lib.Layers.act is not part of this compilation");
  }

  @Test
  void nonDifferentiableArgumentOfAnInlinedCalleeIsReportedAtTheCall() {
    // norm is fine on its own (p is a constant there); model passes q, which is in model's wrt.
    JavaFileObject src = classC("""
        @Differentiable(wrt = "x")
        static double norm(double[] x, double p) {
          return normP(x, p);
        }

        @Differentiable
        static double model(double[] x, double q) {
          return norm(x, q) * 2.0;
        }
        """);
    Compilation c = compile(src);
    assertThat(c).hadErrorContaining("[matgrad:").inFile(src)
        .onLineContaining("return norm(x, q) * 2.0;");
    String text = message(tagged(c, "argument-not-differentiable").get(0));
    assertTrue(text.contains("q"), text);
  }

  // ---- resolution -------------------------------------------------------------------------------

  @Test
  void ownDifferentiableMethodShadowsTheOpsMethodOfTheSameName() throws Exception {
    JavaFileObject src = classC("""
        @Differentiable
        static double sumSq(double[] v) {
          return 3.0 * sum(mul(v, v));
        }

        @Differentiable
        static double useIt(double[] x) {
          return sumSq(x);
        }
        """);
    Compilation c = compile(src);
    assertThat(c).succeeded();
    Method grad = classLoader(c).loadClass("p.CGradients")
        .getMethod("useItGrad", double[].class, double[].class);
    double[] g = new double[2];
    assertEquals(15.0, (double) grad.invoke(null, new double[] {1.0, 2.0}, g),
        "3 (1 + 4), not 1 + 4");
    assertEquals(6.0, g[0]);
    assertEquals(12.0, g[1]);
  }

  @Test
  void inheritedDifferentiableMethodIsInlined() {
    JavaFileObject base = file("p.Base", """
        package p;

        import dev.matgrad.Differentiable;

        public class Base {
          @Differentiable
          public static double act(double x) {
            return x * x;
          }
        }
        """);
    JavaFileObject child = file("p.Child", """
        package p;

        import dev.matgrad.Differentiable;

        public class Child extends Base {
          @Differentiable
          static double usesInherited(double x) {
            return act(x) + 1.0;
          }
        }
        """);
    Compilation c = compile(base, child);
    assertThat(c).succeeded();
    assertTrue(generatedSource(c, "p.ChildGradients").contains("usesInheritedGrad"));
  }

  @Test
  void inheritedHelperShadowsTheStaticallyImportedOpsMethod() {
    // In Java, the inherited Base.sigmoid hides Ops.sigmoid, so the method runs Base.sigmoid,
    // which is not @Differentiable. Differentiating Ops.sigmoid instead would be a wrong gradient.
    JavaFileObject base = file("p.Base", """
        package p;

        public class Base {
          public static double[] sigmoid(double[] x) {
            return x;
          }
        }
        """);
    JavaFileObject child = file("p.Child", """
        package p;

        import dev.matgrad.Differentiable;
        import static dev.matgrad.Ops.*;

        public class Child extends Base {
          @Differentiable
          static double activation(double[] x) {
            return sum(sigmoid(x));
          }
        }
        """);
    Compilation c = compile(base, child);
    assertError(c, "call-not-differentiable", child, "return sum(sigmoid(x));", "p.Base.sigmoid");
  }

  @Test
  void classNamedOpsInTheSamePackageIsNotDevMatgradOps() {
    // Java resolves Ops to q.Ops (same package wins over the on-demand import dev.matgrad.*).
    JavaFileObject ops = file("q.Ops", """
        package q;

        public final class Ops {
          public static double sum(double[] x) {
            return 42.0;
          }
        }
        """);
    JavaFileObject user = file("q.User", """
        package q;

        import dev.matgrad.*;

        public class User {
          @Differentiable
          static double total(double[] x) {
            return Ops.sum(x);
          }
        }
        """);
    Compilation c = compile(ops, user);
    assertError(c, "call-not-differentiable", user, "return Ops.sum(x);", "q.Ops.sum");
  }
}
