package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.assertError;
import static dev.matgrad.processor.ProcessorTesting.assertWarning;
import static dev.matgrad.processor.ProcessorTesting.classC;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.compileRecording;
import static dev.matgrad.processor.ProcessorTesting.file;
import static dev.matgrad.processor.ProcessorTesting.runtimeClasspath;
import static dev.matgrad.processor.ProcessorTesting.tagged;
import static dev.matgrad.processor.ProcessorTesting.type;
import static dev.matgrad.processor.ProcessorTesting.withProcessor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The index of the diagnostic catalogue ({@link Message}): for every message, one small source
 * that produces it, and the line it must be reported on. Adding a message without a case here
 * fails {@link #everyMessageHasACase}. The detailed tests of each message (wording, variants,
 * what is generated next to it) are in the *DiagnosticsTest classes, {@link RobustnessTest} and
 * {@link JavacSupportTest}.
 */
class MessageCatalogueTest {

  /** A compilation that reports {@code message} in {@code file} on the line containing {@code line}. */
  record Case(Supplier<Compilation> compilation, JavaFileObject file, String line) {
    /** For a message about the compilation as a whole: no file, no line. */
    static Case withoutPosition(Supplier<Compilation> compilation) {
      return new Case(compilation, null, null);
    }
  }

  private static final Map<Message, Case> CASES = new EnumMap<>(Message.class);

  private static void add(Message message, Case c) {
    if (CASES.put(message, c) != null) {
      throw new IllegalStateException("two cases for " + message);
    }
  }

  /** A case of one class p.C whose members are given; the message is on the line {@code line}. */
  private static void add(Message message, String members, String line) {
    JavaFileObject src = classC(members);
    add(message, new Case(() -> compile(src), src, line));
  }

  static {
    // ---- the signature
    add(Message.NOT_STATIC, """
        @Differentiable
        double instanceLoss(double x) {
          return x * x;
        }
        """, "double instanceLoss(double x) {");
    add(Message.UNSUPPORTED_PARAMETER_TYPE, """
        @Differentiable
        static double labelled(double x, String label) {
          return x;
        }
        """, "static double labelled(double x, String label) {");
    add(Message.UNSUPPORTED_RETURN_TYPE, """
        @Differentiable
        static float single(double x) {
          return (float) x;
        }
        """, "static float single(double x) {");
    add(Message.WRT_NOT_A_PARAMETER, """
        @Differentiable(wrt = "y")
        static double f(double x) {
          return x;
        }
        """, "@Differentiable(wrt = \"y\")");
    add(Message.WRT_NOT_DIFFERENTIABLE, """
        @Differentiable(wrt = "n")
        static double g(double x, int n) {
          return x * n;
        }
        """, "@Differentiable(wrt = \"n\")");
    add(Message.WRT_DUPLICATE, """
        @Differentiable(wrt = {"x", "x"})
        static double h(double x) {
          return x;
        }
        """, "@Differentiable(wrt = {\"x\", \"x\"})");
    add(Message.NOTHING_TO_DIFFERENTIATE, """
        @Differentiable
        static double half(int n) {
          return n / 2.0;
        }
        """, "static double half(int n) {");
    add(Message.NO_BODY, """
        @Differentiable
        static native double nativeLoss(double x);
        """, "static native double nativeLoss(double x);");
    add(Message.SIGNATURE_CLASH, """
        @Differentiable
        static double f(double x, double y) {
          return x * y;
        }

        @Differentiable(wrt = "x")
        static double f(double x, double y, double[] z) {
          return x * y + sum(z);
        }
        """, "static double f(double x, double y, double[] z) {");
    add(Message.TOO_LARGE, """
        @Differentiable(wrt = "W")
        static double deep(Matrix W, double[] x) {
          double[] h = x;
        %s  return sumSq(h);
        }
        """.formatted("  h = tanh(matmul(W, h));\n".repeat(200)),
        "static double deep(Matrix W, double[] x) {");
    JavaFileObject tooDeep = classC("""
        @Differentiable
        static double longProduct(double x) {
          return x%s;
        }
        """.formatted(" * 1.0001".repeat(RobustnessTest.TOO_DEEP_TERMS)));
    add(Message.TOO_DEEP, new Case(() -> RobustnessTest.compileOnKnownStack(tooDeep), tooDeep,
        "static double longProduct(double x) {"));
    add(Message.CUSTOM_VJP_SIGNATURE, """
        @Differentiable(wrt = "x")
        @CustomVjp("clipGradient")
        static double[] clip(double[] x, double c) {
          return x;
        }

        static void clipGradient(double[] x, double c, double[] gradOut) {
        }
        """, "@CustomVjp(\"clipGradient\")");
    add(Message.CUSTOM_VJP_HESSIAN, """
        @Differentiable(hessian = true)
        @CustomVjp("rule")
        static double f(double x) {
          return x * x;
        }

        static void rule(double x, double gradOut, double[] grad_x) {
          grad_x[0] = 2 * x * gradOut;
        }
        """, "@CustomVjp(\"rule\")");
    add(Message.CUSTOM_VJP_NOT_WRT, """
        @Differentiable(wrt = "x")
        @CustomVjp("rule")
        static double scaled(double x, double s) {
          return s * x;
        }

        static void rule(double x, double s, double gradOut, double[] grad_x) {
          grad_x[0] = s * gradOut;
        }

        @Differentiable
        static double g(double x, double y) {
          return scaled(x, y) + x;
        }
        """, "return scaled(x, y) + x;");
    add(Message.CUSTOM_VJP_ACCESS, """
        @Differentiable
        @CustomVjp("rule")
        private static double f(double x) {
          return x * x;
        }

        static void rule(double x, double gradOut, double[] grad_x) {
          grad_x[0] = 2 * x * gradOut;
        }
        """, "@CustomVjp(\"rule\")");
    add(Message.CUSTOM_VJP_RESULT_SHAPE, """
        @Differentiable
        @CustomVjp("rule")
        static double[] spread(double x) {
          double[] out = new double[2];
          java.util.Arrays.fill(out, x);
          return out;
        }

        static void rule(double x, double[] gradOut, double[] grad_x) {
          grad_x[0] = gradOut[0] + gradOut[1];
        }

        @Differentiable
        static double g(double x) {
          return sum(spread(x * x));
        }
        """, "return sum(spread(x * x));");
    add(Message.SIZE_NOT_A_DIMENSION, """
        @Differentiable
        static double ridge(double[] x, int n) {
          return sum(mul(x, ones(n - 1)));
        }
        """, "return sum(mul(x, ones(n - 1)));");
    add(Message.HESSIAN_NOT_SCALAR, """
        @Differentiable(hessian = true)
        static double[] layer(Matrix W, double[] x) {
          return tanh(matmul(W, x));
        }
        """, "@Differentiable(hessian = true)");
    add(Message.ZERO_GRADIENT, """
        @Differentiable
        static double onlyX(double x, double[] unused) {
          return x * x;
        }
        """, "static double onlyX(double x, double[] unused) {");

    // ---- the body
    add(Message.CONTROL_FLOW, """
        @Differentiable
        static double halve(double x) {
          double y = x;
          do {
            y = y / 2.0;
          } while (y > 1.0);
          return y;
        }
        """, "do {");
    add(Message.LOOP_FORM, """
        @Differentiable
        static double everyOther(double x) {
          double s = 0.0;
          for (int i = 0; i != 4; i += 2) {
            s += x;
          }
          return s;
        }
        """, "for (int i = 0; i != 4; i += 2) {");
    add(Message.UNSUPPORTED_STATEMENT, """
        @Differentiable
        static double asserting(double x) {
          assert x > 0.0;
          return x;
        }
        """, "assert x > 0.0;");
    add(Message.WRITE_TO_ARRAY, """
        @Differentiable
        static double assignMatrixData(Matrix A) {
          A.data()[0] = 1.0;
          return sum(A);
        }
        """, "A.data()[0] = 1.0;");
    add(Message.WRITE_TO_PARAMETER, """
        @Differentiable
        static double vector(double[] v) {
          v = exp(v);
          return sum(v);
        }
        """, "v = exp(v);");
    add(Message.UNSUPPORTED_EXPRESSION, """
        @Differentiable
        static double cloned(double[] x) {
          return sum(x.clone());
        }
        """, "return sum(x.clone());");
    add(Message.UNSUPPORTED_LITERAL, """
        @Differentiable
        static double charLiteral(double x) {
          return x * 'a';
        }
        """, "return x * 'a';");
    add(Message.UNKNOWN_NAME, """
        static double RATE = 0.5;

        @Differentiable
        static double decay(double x) {
          return RATE * x;
        }
        """, "return RATE * x;");
    add(Message.TYPE_MISMATCH, """
        @Differentiable
        static Matrix matrixResult(double[] x) {
          return exp(x);
        }
        """, "return exp(x);");
    add(Message.MISSING_RETURN, """
        @Differentiable
        static double noReturn(double x) {
          double y = x * x;
        }
        """, "static double noReturn(double x) {");
    add(Message.UNREACHABLE_STATEMENT, """
        @Differentiable
        static double early(double x) {
          return x * x;
          double after = x;
        }
        """, "double after = x;");
    add(Message.NOT_DIFFERENTIABLE_ARGUMENT, """
        @Differentiable
        static double norm(double[] x, double p) {
          return normP(x, p);
        }
        """, "return normP(x, p);");

    // ---- calls
    add(Message.UNKNOWN_CALL, """
        @Differentiable
        static double angle(double x) {
          return Math.ulp(x) + x;
        }
        """, "return Math.ulp(x) + x;");
    add(Message.NO_MATCHING_OVERLOAD, """
        @Differentiable
        static double twice(double[] x) {
          return sum(x, x);
        }
        """, "return sum(x, x);");
    add(Message.UNKNOWN_CALL_NEAR_NAME, """
        @Differentiable
        static double misspelt(double[] x) {
          return sum(sigmod(x));
        }
        """, "return sum(sigmod(x));");
    add(Message.OVERLOAD_ON_ARRAYS, """
        @Differentiable
        static double clipped(double[] x) {
          return sum(Math.max(0, x));
        }
        """, "return sum(Math.max(0, x));");
    add(Message.NOT_DIFFERENTIABLE_CALL, """
        static double cube(double v) {
          return v * v * v;
        }

        @Differentiable
        static double usesCube(double x) {
          return cube(x) + 1.0;
        }
        """, "return cube(x) + 1.0;");
    add(Message.CALLEE_INVALID, """
        @Differentiable
        static double broken(double x) {
          return x * 1.0f;
        }

        @Differentiable
        static double caller(double x) {
          return 2.0 * broken(x);
        }
        """, "return 2.0 * broken(x);");
    add(Message.RECURSIVE_CALL, """
        @Differentiable
        static double selfCall(double x) {
          return 1.0 + selfCall(x * 0.5);
        }
        """, "return 1.0 + selfCall(x * 0.5);");
    JavaFileObject app = type("app.Model", """
        @Differentiable
        static double model(double x) {
          return lib.Layers.act(x) * 2.0;
        }
        """);
    add(Message.CALLEE_UNAVAILABLE, new Case(() -> compileAgainstClassFile(app), app,
        "return lib.Layers.act(x) * 2.0;"));

    // ---- the generated class and the compiler
    JavaFileObject owner = classC("""
        @Differentiable
        static double square(double x) {
          return x * x;
        }
        """);
    JavaFileObject handWritten = file("p.CGradients", """
        package p;

        public final class CGradients {}
        """);
    add(Message.GENERATED_CLASS_CLASH, new Case(() -> compile(owner, handWritten), owner,
        "public final class C {"));
    add(Message.INTERNAL_ERROR, new Case(
        () -> compileRecording(JavacSupportTest.FullDiskEnvironment::new, owner).compilation(),
        owner, "public final class C {"));
    add(Message.NO_TREE_API, Case.withoutPosition(
        () -> compileRecording(JavacSupportTest.OtherCompilerEnvironment::new, owner)
            .compilation()));
  }

  /** app.Model calls lib.Layers.act, which is on the class path only as a class file. */
  private static Compilation compileAgainstClassFile(JavaFileObject app) {
    JavaFileObject lib = type("lib.Layers", """
        @Differentiable
        public static double act(double v) {
          return Math.tanh(v);
        }
        """);
    Compilation first = compile(lib);
    assertThat(first).succeeded();
    try {
      Path classes = Files.createTempDirectory("matgrad-classes");
      Path classFile = classes.resolve("lib").resolve("Layers.class");
      Files.createDirectories(classFile.getParent());
      try (InputStream in = first.generatedFile(StandardLocation.CLASS_OUTPUT, "lib", "Layers.class")
          .orElseThrow().openInputStream()) {
        Files.copy(in, classFile);
      }
      classes.toFile().deleteOnExit();
      classFile.getParent().toFile().deleteOnExit();
      classFile.toFile().deleteOnExit();
      return withProcessor().withClasspath(List.of(runtimeClasspath(), classes.toFile())).compile(app);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyMessageHasACase() {
    assertEquals(EnumSet.allOf(Message.class), CASES.keySet());
  }

  static Stream<Message> messages() {
    return CASES.keySet().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void isReportedOnItsLine(Message message) {
    Case c = CASES.get(message);
    Compilation compilation = c.compilation().get();
    String tag = message.tag().substring("matgrad:".length());
    if (c.file() == null) {
      List<Diagnostic<? extends JavaFileObject>> found = tagged(compilation, tag);
      assertEquals(1, found.size(), () -> ProcessorTesting.messages(compilation).toString());
      assertEquals(message.kind(), found.get(0).getKind());
      assertNull(found.get(0).getSource());
      return;
    }
    if (message.kind() == Diagnostic.Kind.WARNING) {
      assertWarning(compilation, tag, c.file(), c.line());
    } else {
      assertEquals(Diagnostic.Kind.ERROR, message.kind());
      assertError(compilation, tag, c.file(), c.line());
    }
    assertFalse(tagged(compilation, "internal").size() > 0 && message != Message.INTERNAL_ERROR,
        () -> "an internal error next to " + message + ": " + ProcessorTesting.messages(compilation));
  }
}
