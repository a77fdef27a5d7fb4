package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.assertOnlyCataloguedDiagnostics;
import static dev.matgrad.processor.ProcessorTesting.assertError;
import static dev.matgrad.processor.ProcessorTesting.classC;
import static dev.matgrad.processor.ProcessorTesting.classLoader;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.file;
import static dev.matgrad.processor.ProcessorTesting.generatedSource;
import static dev.matgrad.processor.ProcessorTesting.matgradDiagnostics;
import static dev.matgrad.processor.ProcessorTesting.message;
import static dev.matgrad.processor.ProcessorTesting.messages;
import static dev.matgrad.processor.ProcessorTesting.plainJavacWithRuntime;
import static dev.matgrad.processor.ProcessorTesting.withProcessor;
import static dev.matgrad.processor.ProcessorTesting.tagged;
import static dev.matgrad.processor.ProcessorTesting.type;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The processor never crashes javac and never reports anything outside its catalogue: odd but
 * valid code compiles (and so does what is generated for it), odd and invalid code gets
 * catalogued diagnostics only.
 */
class RobustnessTest {

  /** Compiles every generated source on its own (plain javac, runtime only); all must compile. */
  private static void assertGeneratedSourcesCompile(Compilation c) {
    List<JavaFileObject> generated = c.generatedSourceFiles().stream().map(f -> {
      try {
        String text = f.getCharContent(true).toString();
        String name = f.getName().replaceAll("^.*?SOURCE_OUTPUT/", "").replaceAll("\\.java$", "")
            .replace('/', '.');
        return JavaFileObjects.forSourceString(name, text);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).toList();
    if (!generated.isEmpty()) {
      assertThat(plainJavacWithRuntime().compile(generated)).succeeded();
    }
  }

  // ---- valid code -------------------------------------------------------------------------------

  static Stream<Arguments> validCode() {
    return Stream.of(
        Arguments.of("odd but valid declarations", List.of(type("p.Odd", """
            static final String WRT = "λ";

            @dev.matgrad.Differentiable
            static <T> double varargs(final double... xs) throws Exception {
              return sum(xs);
            }

            @Differentiable(wrt = WRT)
            static double unicodeλ(double λ, @Deprecated double[] μ, double cStyle[]) {
              return λ * sum(μ) + sum(cStyle);
            }

            @Differentiable(wrt = {})
            static double explicitEmptyWrt(double x, int n) {
              return ((x)) * ((2.0)) + +x - -x + n;
            }

            @Differentiable
            static double literals(double x) {
              return x * 0x10 + 1_000.5 * x + 1e-3 + .5 + 0b101 + 07 + 2d + 3D;
            }

            @Differentiable
            static double sameNameAsParameter(double sameNameAsParameter) {
              return sameNameAsParameter * sameNameAsParameter;
            }

            @Differentiable
            static double fullyQualifiedTypes(dev.matgrad.Matrix A, double x) {
              dev.matgrad.Matrix B = transpose(A);
              var s = sum(B) /* a comment */ * x;
              return java.lang.Math.exp(s) + dev.matgrad.Ops.sum(A);
            }
            """))),
        Arguments.of("members of interfaces, enums, records and generic classes",
            List.of(file("p.Kinds", """
            package p;

            import dev.matgrad.Differentiable;

            public class Kinds<T extends Number> {
              interface I {
                @Differentiable
                static double fi(double x) {
                  return x * x;
                }
              }

              enum E {
                A;

                @Differentiable
                static double fe(double x) {
                  return x * x;
                }
              }

              record R(double a) {
                @Differentiable
                static double fr(double x) {
                  return x * x;
                }
              }

              @Differentiable
              static double fk(double x) {
                return x * x;
              }
            }
            """))),
        Arguments.of("the default package", List.of(file("Top", """
            import dev.matgrad.Differentiable;

            public class Top {
              @Differentiable
              static double top(double x) {
                return Math.sin(x);
              }
            }
            """))),
        Arguments.of("one simple name in two packages", List.of(
            type("p.Same", """
                @Differentiable
                public static double f(double x) {
                  return x * x;
                }
                """),
            type("q.Same", """
                @Differentiable
                static double f(double x) {
                  return p.Same.f(x) * x;
                }
                """))),
        Arguments.of("identities and constants", List.of(type("p.Ids", """
            @Differentiable
            static double[] vectorIdentity(double[] x) {
              return x;
            }

            @Differentiable
            static Matrix matrixIdentity(Matrix A) {
              return A;
            }

            @Differentiable
            static double scalarIdentity(double x) {
              return x;
            }
            """))),
        Arguments.of("deep nesting", List.of(type("p.Deep", """
            @Differentiable
            static double deep(double x) {
              return %s;
            }
            """.formatted("Math.exp(".repeat(100) + "x" + ")".repeat(100))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void validCode(String description, List<JavaFileObject> sources) {
    Compilation c = compile(sources.toArray(JavaFileObject[]::new));
    assertOnlyCataloguedDiagnostics(c);
    assertTrue(matgradDiagnostics(c).isEmpty(), () -> messages(c).toString());
    assertThat(c).succeeded();
    assertGeneratedSourcesCompile(c);
  }

  /**
   * The size of a differentiated array ({@code x.length}, {@code A.rows()}, {@code A.cols()}) is an
   * int that does not depend on the array's values: using it must neither crash the processor nor
   * be reported as a non-differentiable use of the array.
   */
  static Stream<Arguments> sizesOfDifferentiatedParameters() {
    return Stream.of(
        Arguments.of("""
            @Differentiable
            static double average(double[] x) {
              return sum(x) / x.length;
            }
            """),
        Arguments.of("""
            @Differentiable
            static double perRow(Matrix A) {
              return sum(A) / A.rows();
            }
            """),
        Arguments.of("""
            @Differentiable
            static double timesColumns(Matrix A, double[] x) {
              return sum(x) * A.cols();
            }
            """),
        Arguments.of("""
            @Differentiable
            static double wrappedIndex(double[] x, int i) {
              return x[i % x.length];
            }
            """),
        Arguments.of("""
            @Differentiable
            static double rowsAsDouble(Matrix A, double[] x) {
              int r = A.rows();
              double s = r;
              return sum(matmul(A, x)) * s;
            }
            """));
  }

  @ParameterizedTest
  @MethodSource
  void sizesOfDifferentiatedParameters(String members) {
    Compilation c = compile(classC(members));
    assertOnlyCataloguedDiagnostics(c);
    assertThat(c).succeeded();
    assertGeneratedSourcesCompile(c);
  }

  @Test
  void gradientOfAMeanWrittenWithLength() throws Exception {
    Compilation c = compile(classC("""
        @Differentiable
        static double average(double[] x) {
          return sum(x) / x.length;
        }
        """));
    assertThat(c).succeeded();
    Method grad = classLoader(c).loadClass("p.CGradients")
        .getMethod("averageGrad", double[].class, double[].class);
    double[] g = new double[4];
    assertEquals(2.5, (double) grad.invoke(null, new double[] {1, 2, 3, 4}, g));
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, g);
  }

  /**
   * Parameter names are the user's: the generated method takes them as they are, next to its own
   * parameters (gradOut, grad_w, jac_w) and the classes it uses (Objects, Math), and must compile.
   */
  static Stream<Arguments> parameterNamesThatMeetGeneratedNames() {
    return Stream.of(
        Arguments.of("""
            @Differentiable
            static double[] f(double[] gradOut) {
              return exp(gradOut);
            }
            """),
        Arguments.of("""
            @Differentiable
            static double[] f(double[] x, double[] jac_x, double[] grad_x) {
              return mul(x, add(jac_x, grad_x));
            }
            """),
        Arguments.of("""
            @Differentiable
            static double f(double[] Objects) {
              return sum(Objects);
            }
            """),
        Arguments.of("""
            @Differentiable
            static double f(double[] x, double Math) {
              return sum(sigmoid(x)) * Math;
            }
            """),
        Arguments.of("""
            @Differentiable
            static double f(double[] x, double t1, double i, double dx, double value) {
              double[] y = exp(scale(t1, x));
              return sum(mul(y, y)) * i * dx * value;
            }
            """));
  }

  @ParameterizedTest
  @MethodSource
  void parameterNamesThatMeetGeneratedNames(String members) {
    Compilation c = compile(classC(members));
    assertOnlyCataloguedDiagnostics(c);
    assertThat(c).succeeded();
    assertGeneratedSourcesCompile(c);
  }

  // ---- invalid code -----------------------------------------------------------------------------

  static Stream<Arguments> invalidCode() {
    return Stream.of(
        Arguments.of("unknown parameter type", """
            @Differentiable
            static double f(Unknown u, double x) {
              return x;
            }
            """),
        Arguments.of("unknown constant in wrt", """
            @Differentiable(wrt = NO_SUCH_CONSTANT)
            static double f(double x) {
              return x;
            }
            """),
        Arguments.of("no parameters at all", """
            @Differentiable
            static double f() {
              return 1.0;
            }
            """),
        Arguments.of("empty body", """
            @Differentiable
            static double f(double x) {
            }
            """),
        Arguments.of("void method", """
            @Differentiable
            static void f(double x) {
            }
            """),
        Arguments.of("an instance method of an interface", """
            interface Model {
              @Differentiable
              double f(double x);
            }
            """),
        Arguments.of("errors elsewhere in the class", """
            static double broken() {
              return undefinedVariable;
            }

            @Differentiable
            static double f(double x) {
              return x * x;
            }
            """),
        Arguments.of("a call with an undefined argument", """
            @Differentiable
            static double f(double x) {
              return sum(undefined) + x;
            }
            """),
        Arguments.of("a local class and a labelled block", """
            @Differentiable
            static double f(double x) {
              class Local {}
              here: {
              }
              return x;
            }
            """),
        Arguments.of("a generic method call", """
            @Differentiable
            static double f(double x) {
              return java.util.List.<Double>of(x).get(0);
            }
            """),
        Arguments.of("an array access on a call result and a matrix length", """
            @Differentiable
            static double f(double[] x, Matrix A) {
              return exp(x)[0] + A.data().length;
            }
            """),
        Arguments.of("a switch expression", """
            @Differentiable
            static double f(double x, int n) {
              double y = switch (n) { case 1 -> x; default -> 2.0 * x; };
              return y;
            }
            """),
        Arguments.of("a local of a functional interface type with a method reference", """
            @Differentiable
            static double f(double x) {
              java.util.function.DoubleUnaryOperator g = Math::exp;
              return g.applyAsDouble(x);
            }
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void invalidCode(String description, String members) {
    Compilation c = compile(classC(members));
    assertOnlyCataloguedDiagnostics(c);
    assertThat(c).failed();
  }

  @Test
  void classesOfTheUsersPackageNamedLikeJavaLangClassesDoNotBreakTheGeneratedCode() throws Exception {
    // p.Math and p.Double would shadow java.lang's in p.CGradients, which calls Math.exp and
    // uses Double.NEGATIVE_INFINITY: the generated class must refer to java.lang's qualified.
    JavaFileObject math = file("p.Math", """
        package p;

        public final class Math {
          public static double exp(double x) {
            return 42;
          }
        }
        """);
    JavaFileObject dbl = file("p.Double", """
        package p;

        public final class Double {
        }
        """);
    JavaFileObject src = classC("""
        @Differentiable
        static double f(double[] x) {
          return logSumExp(exp(x)) + java.lang.Math.sin(x[0]);
        }
        """);
    Compilation c = withProcessor().withOptions("-Xlint:all", "-Werror").compile(math, dbl, src);
    assertThat(c).succeededWithoutWarnings();
    String generated = generatedSource(c, "p.CGradients");
    assertTrue(generated.contains("java.lang.Math.exp(") && !generated.contains(" Math.exp("),
        generated);
    Method grad = classLoader(c).loadClass("p.CGradients").getMethod("fGrad", double[].class, double[].class);
    double[] x = {0.5, -1.0};
    double[] g = new double[2];
    double value = (double) grad.invoke(null, x, g);
    double expected = java.lang.Math.log(java.lang.Math.exp(java.lang.Math.exp(0.5))
        + java.lang.Math.exp(java.lang.Math.exp(-1.0))) + java.lang.Math.sin(0.5);
    assertEquals(expected, value, 1e-12);
  }

  /** A body of {@code layers} stacked layers h = tanh(W h), differentiated w.r.t. W. */
  private static JavaFileObject stackedLayers(int layers) {
    return classC("""
        @Differentiable(wrt = "W")
        static double deep(Matrix W, double[] x) {
          double[] h = x;
        %s  return sumSq(h);
        }

        @Differentiable
        static double small(double x) {
          return x * x;
        }
        """.formatted("  h = tanh(matmul(W, h));\n".repeat(layers)));
  }

  @Test
  void aDerivativeTooLargeForOneJvmMethodIsACompileErrorNotJavacsCodeTooLarge() {
    // 200 layers make javac fail with "code too large" on the generated class; matgrad must
    // report that on the method instead, and still generate the other methods.
    JavaFileObject src = stackedLayers(200);
    ProcessorTesting.Recorded r = ProcessorTesting.compileRecording(src);
    Compilation c = r.compilation();
    assertError(c, "too-large", src, "static double deep(Matrix W, double[] x)", "deepGrad",
        "64 KB", "chain their generated Grad/Vjp methods");
    assertEquals(1, c.errors().size(), c.errors().toString());
    String generated = r.source("p.CGradients");
    assertTrue(generated.contains("smallGrad(") && !generated.contains("deepGrad("), generated);
  }

  @Test
  void aLargeButCompilableDerivativeIsStillGenerated() {
    Compilation c = compile(stackedLayers(60));
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void generatedClassNameClashIsExplainedNotAnInternalError() {
    // p.Outer.Inner and p.Outer_Inner both map to p.Outer_InnerGradients.
    JavaFileObject nested = file("p.Outer", """
        package p;

        import dev.matgrad.Differentiable;

        public class Outer {
          public static class Inner {
            @Differentiable
            public static double f(double x) {
              return x * x;
            }
          }
        }
        """);
    JavaFileObject flat = file("p.Outer_Inner", """
        package p;

        import dev.matgrad.Differentiable;

        public class Outer_Inner {
          @Differentiable
          public static double g(double x) {
            return x * x;
          }
        }
        """);
    Compilation c = compile(nested, flat);
    assertThat(c).failed();
    assertTrue(tagged(c, "internal").isEmpty(),
        () -> "a user-fixable name clash reported as an internal error: " + messages(c));
    assertFalse(matgradDiagnostics(c).isEmpty());
    String text = message(matgradDiagnostics(c).get(0));
    assertTrue(text.startsWith("[matgrad:class-clash]"), text);
    assertTrue(text.contains("Outer_InnerGradients") && text.contains("p.Outer.Inner")
        && text.contains("p.Outer_Inner"), text);
  }

  @Test
  void theSameCompilationTwiceGivesTheSameDiagnostics() {
    String members = """
        @Differentiable
        static double f(double x) {
          if (x > 0.0) {
            return x;
          }
          return -x;
        }

        @Differentiable
        static double g(double x) {
          return f(x) + x;
        }
        """;
    List<String> first = messages(compile(classC(members)));
    List<String> second = messages(compile(classC(members)));
    assertEquals(first, second);
  }
}
