package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.assertError;
import static dev.matgrad.processor.ProcessorTesting.classC;
import static dev.matgrad.processor.ProcessorTesting.classLoader;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.compileRecording;
import static dev.matgrad.processor.ProcessorTesting.file;
import static dev.matgrad.processor.ProcessorTesting.generatedSource;
import static dev.matgrad.processor.ProcessorTesting.plainJavacWithRuntime;
import static dev.matgrad.processor.ProcessorTesting.type;
import static dev.matgrad.processor.ProcessorTesting.withProcessor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.matgrad.processor.ProcessorTesting.Recorded;
import dev.matgrad.Derivation;
import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What the processor generates: which classes and methods, and that they compile cleanly. */
class GenerationTest {

  /** The example of API.md, in a package. */
  static final JavaFileObject LOSSES = file("demo.Losses", """
      package demo;

      import dev.matgrad.Differentiable;
      import dev.matgrad.Matrix;
      import static dev.matgrad.Ops.*;

      public final class Losses {
        /** L(A) = ||Bᵀ σ(Aᵀ x) − c||²  (A: d×n, B: n×m, x: d, c: m). */
        @Differentiable(wrt = "A")
        public static double firstLayerLoss(Matrix A, Matrix B, double[] x, double[] c) {
          double[] h = sigmoid(matmul(transpose(A), x));
          return sumSq(sub(matmul(transpose(B), h), c));
        }
      }
      """);

  /** A vector-valued and a matrix-valued method. */
  static final JavaFileObject LAYERS = type("demo.Layers", """
      @Differentiable(wrt = {"W", "b"})
      public static double[] dense(Matrix W, double[] b, double[] x) {
        return tanh(add(matmul(W, x), b));
      }

      @Differentiable
      public static Matrix gram(Matrix X) {
        return matmul(transpose(X), X);
      }
      """);

  /** int parameters, int arithmetic, indexing and Math functions. */
  static final JavaFileObject FEATURES = type("demo.Features", """
      @Differentiable
      public static double poly(double x, double[] w, int k) {
        double t = Math.sin(x) * Math.exp(w[k]) + Math.pow(x, k) / Math.sqrt(1.0 + x * x);
        int j = 2 * k + 1;
        return t + Math.tanh(w[j]) * Math.cos(x)
            + Math.log(Math.abs(x) + 1.0) * (double) j + Math.PI;
      }
      """);

  /**
   * The generated source compiles on its own, with only the runtime on the class path, without any
   * processor and without a single warning under -Xlint:all; it calls no Ops and allocates no
   * Matrix.
   */
  private static String assertCleanGeneratedSource(Compilation compilation, String qualifiedName) {
    return assertClean(qualifiedName, generatedSource(compilation, qualifiedName));
  }

  private static String assertClean(String qualifiedName, String text) {
    Compilation alone = plainJavacWithRuntime("-Xlint:all")
        .compile(JavaFileObjects.forSourceString(qualifiedName, text));
    assertThat(alone).succeededWithoutWarnings();
    assertFalse(text.contains("Ops."), () -> "calls Ops:\n" + text);
    assertFalse(text.contains("import dev.matgrad.Ops"), () -> "imports Ops:\n" + text);
    assertFalse(text.contains("new Matrix"), () -> "allocates a Matrix:\n" + text);
    return text;
  }

  /**
   * Generated code writes qualified names (acc.Weights.rule, dev.matgrad.Matrix, java.util.Arrays):
   * no local or parameter named like their first part may hide the package.
   */
  @Test
  void localsAndParametersNamedLikeAPackageCompile() {
    JavaFileObject src = type("acc.Weights", """
        @Differentiable(wrt = "x")
        @CustomVjp("weightedRule")
        public static double weighted(double[] w, double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += w[i] * x[i] * x[i];
          }
          return s;
        }

        static void weightedRule(double[] w, double[] x, double gradOut, double[] grad_x) {
          for (int i = 0; i < x.length; i++) {
            grad_x[i] = 2 * w[i] * x[i] * gradOut;
          }
        }

        @Differentiable(wrt = "x")
        public static double looped(double[] w, double[] x, int n) {
          double acc = 0;
          for (int k = 0; k < n; k++) {
            acc += weighted(w, x) * 0.5 + acc * 0.1;
          }
          return acc;
        }

        @Differentiable(wrt = "x")
        public static double named(double[] acc, double[] x, double[] dev, Matrix java) {
          return weighted(acc, x) + sum(dev) + sum(java) + sum(inverse(java));
        }
        """);
    Compilation c = compile(src);
    assertThat(c).succeeded();
    assertThat(c).generatedSourceFile("acc.WeightsGradients");
  }

  @Test
  void oneBadMethodNeverStopsTheOthers() {
    JavaFileObject src = classC("""
        @Differentiable
        static double goodOne(double x) {
          return x * x;
        }

        @Differentiable
        static double bad(double x) {
          double y = x;
          halving: while (y > 1.0) {
            y = y / 2.0;
          }
          return y;
        }

        @Differentiable
        static double goodTwo(double[] v) {
          return sumSq(v);
        }
        """);
    Recorded r = compileRecording(src);
    assertError(r.compilation(), "control-flow", src, "halving: while (y > 1.0) {", "a labeled statement");
    String text = assertClean("p.CGradients", r.source("p.CGradients"));
    assertTrue(text.contains("public static double goodOneGrad(double x, double[] grad_x)"), text);
    assertTrue(text.contains("public static double goodTwoGrad(double[] v, double[] grad_v)"),
        text);
    assertFalse(text.contains("badGrad"), text);
  }

  @Test
  void oneBadClassNeverStopsTheOthers() {
    JavaFileObject bad = type("p.Bad", """
        @Differentiable
        static double bad(double x) {
          double y = x;
          halving: while (y > 1.0) {
            y = y / 2.0;
          }
          return y;
        }
        """);
    JavaFileObject good = type("p.Good", """
        @Differentiable
        static double good(double x) {
          return x * x;
        }
        """);
    Recorded r = compileRecording(bad, good);
    assertError(r.compilation(), "control-flow", bad, "halving: while (y > 1.0) {", "a labeled statement");
    assertTrue(assertClean("p.GoodGradients", r.source("p.GoodGradients")).contains("goodGrad"));
    assertFalse(r.sources().containsKey("p.BadGradients"),
        "a class without a good method gets nothing");
  }

  @Nested
  class ApiExample {
    @Test
    void compilesWithTheProcessorWithoutWarnings() {
      // All lints, processing included: a user's -Xlint:all -Werror build must pass.
      Compilation c = withProcessor().withOptions("-Xlint:all", "-Werror").compile(LOSSES);
      assertThat(c).succeededWithoutWarnings();
      assertThat(c).generatedSourceFile("demo.LossesGradients");
    }

    @Test
    void generatedSourceIsCleanAndDocumentsTheGradient() {
      String text = assertCleanGeneratedSource(compile(LOSSES), "demo.LossesGradients");
      assertTrue(text.contains("public final class LossesGradients"), text);
      assertTrue(text.contains("∇_A f = 2 x (diag(h ⊙ (1 − h)) B (Bᵀ h − c))ᵀ"),
          () -> "Javadoc should state ∇_A f as the seed notes do:\n" + text);
      assertTrue(text.contains("h = σ(Aᵀ x)"), text);
    }

    @Test
    void javadocNamesEachGradientAndTheArrayItIsWrittenTo() {
      JavaFileObject src = type("demo.Outputs", """
          @Differentiable(wrt = {"W", "b"})
          public static double dense(Matrix W, double[] b, double[] x) {
            return sumSq(tanh(add(matmul(W, x), b)));
          }

          @Differentiable(wrt = "x")
          @CustomVjp("weightedRule")
          public static double weighted(double[] w, double[] x) {
            return dot(w, mul(x, x));
          }

          static void weightedRule(double[] w, double[] x, double gradOut, double[] grad_x) {
            for (int i = 0; i < x.length; i++) {
              grad_x[i] = 2 * w[i] * x[i] * gradOut;
            }
          }
          """);
      Compilation c = compile(src);
      assertThat(c).succeededWithoutWarnings();
      String text = generatedSource(c, "demo.OutputsGradients");
      assertTrue(text.contains("returns f = dense(W, b, x) and writes ∂f/∂W into {@code grad_W}"
          + " and ∂f/∂b into {@code grad_b}."), text);
      assertTrue(text.contains("returns f and writes ∂f/∂x into {@code grad_x}."), text);
      assertFalse(text.contains("grad_w}"), text);
    }

    @Test
    void javadocStatesTheSeedNotesGradientInMatrixNotation() {
      JavaFileObject seed = file("demo.Seed", """
          package demo;

          import dev.matgrad.Differentiable;
          import dev.matgrad.Matrix;
          import static dev.matgrad.Ops.*;

          public final class Seed {
            @Differentiable(wrt = "x")
            public static double squaredNormOfLinearMap(Matrix A, double[] x) {
              return sumSq(matmul(transpose(A), x));
            }

            @Differentiable(wrt = "A")
            public static double withRespectToA(Matrix A, double[] x) {
              return sumSq(matmul(transpose(A), x));
            }
          }
          """);
      String text = assertCleanGeneratedSource(compile(seed), "demo.SeedGradients");
      assertTrue(text.contains("∇_x f = 2 A Aᵀ x"), text);
      assertTrue(text.contains("∇_A f = 2 x (Aᵀ x)ᵀ"), text);
    }

    @Test
    void theReadmeShowsTheGeneratedMethodAsItIs() throws Exception {
      // The README's worked example quotes the Workspace overload unedited; regenerate it there
      // when the generated code changes.
      String text = assertCleanGeneratedSource(compile(LOSSES), "demo.LossesGradients");
      int start = text.indexOf("  public static double firstLayerLossGrad(Matrix A, Matrix B, double[] x, double[] c,\n      double[] grad_A, Workspace workspace)");
      // The method ends at the first closing brace at its own indentation.
      String method = text.substring(start, text.indexOf("\n  }\n", start) + 4);
      String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
      assertTrue(start >= 0 && readme.contains(method),
          "README.md's worked example differs from the generated method, which is now:\n" + method);
    }

    @Test
    void theReadmeShowsTheGeneratedLoopsAsTheyAre() throws Exception {
      // "How it works" quotes the loops of fGrad for Rosenbrock and a product, with the comments
      // that name each value trimmed; regenerate them there when the generated code changes.
      JavaFileObject loops = file("demo.Loops", """
          package demo;

          import dev.matgrad.Differentiable;

          public final class Loops {
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
            public static double product(double[] x) {
              double p = 1;
              for (int i = 0; i < x.length; i++) {
                p *= x[i];
              }
              return p;
            }
          }
          """);
      String text = assertCleanGeneratedSource(compile(loops), "demo.LoopsGradients");
      String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
      for (String[] method : new String[][] {{"rosenbrock", "double s_2 = s;"},
          {"product", "double p_2 = p;"}}) {
        int start = text.indexOf("public static double " + method[0]
            + "Grad(double[] x, double[] grad_x, Workspace workspace)");
        String body = text.substring(text.indexOf(method[1], start),
            text.indexOf("\n  }\n", start));
        StringBuilder quoted = new StringBuilder();
        for (String line : body.split("\n")) {
          if (!line.trim().matches("// \\w+ = .*")) {
            quoted.append(line.replaceFirst("^    ", "")).append('\n');
          }
        }
        assertTrue(readme.contains(quoted.toString().trim()),
            "README.md's " + method[0] + " loop differs from the generated one, which is now:\n" + quoted);
      }
    }

    @Test
    void everyGeneratedMethodCarriesItsDerivationAtRunTime() throws Exception {
      ClassLoader loader = classLoader(compile(LOSSES));
      Class<?> gradients = loader.loadClass("demo.LossesGradients");
      for (Class<?>[] params : List.of(
          new Class<?>[] {Matrix.class, Matrix.class, double[].class, double[].class, double[].class},
          new Class<?>[] {Matrix.class, Matrix.class, double[].class, double[].class, double[].class,
              Workspace.class})) {
        Derivation d = gradients.getMethod("firstLayerLossGrad", params).getAnnotation(Derivation.class);
        assertEquals("firstLayerLoss", d.method());
        assertEquals(List.of("A"), List.of(d.wrt()));
        assertEquals(List.of("f = ‖Bᵀ h − c‖²", "∇_A f = 2 x (diag(h ⊙ (1 − h)) B (Bᵀ h − c))ᵀ",
            "where", "  h = σ(Aᵀ x)"), List.of(d.notation()));
      }
    }

    @Test
    void theWorkspaceOverloadTakesItsArraysFromTheWorkspaceAndThePlainOneDelegates() {
      String text = assertCleanGeneratedSource(compile(LOSSES), "demo.LossesGradients");
      assertTrue(text.contains("return firstLayerLossGrad(A, B, x, c, grad_A, new Workspace());"), text);
      assertTrue(text.contains("Workspace workspace) {"), text);
      assertTrue(text.contains("workspace.buffer(0, "), text);
      assertFalse(text.contains("new double["), text);
    }

    @Test
    void gradientMatchesCentralDifferences() throws Exception {
      Compilation c = compile(LOSSES);
      ClassLoader loader = classLoader(c);
      Method loss = loader.loadClass("demo.Losses").getMethod("firstLayerLoss",
          Matrix.class, Matrix.class, double[].class, double[].class);
      Method grad = loader.loadClass("demo.LossesGradients").getMethod("firstLayerLossGrad",
          Matrix.class, Matrix.class, double[].class, double[].class, double[].class);
      assertEquals(double.class, grad.getReturnType());

      Matrix a = Matrix.of(3, 2, 0.1, -0.4, 0.7, 0.2, -0.3, 0.5);
      Matrix b = Matrix.of(2, 2, 1.0, -0.5, 0.25, 0.8);
      double[] x = {0.3, -1.2, 0.9};
      double[] target = {0.5, -0.25};
      double[] gradA = new double[6];
      double value = (double) grad.invoke(null, a, b, x, target, gradA);
      assertEquals((double) loss.invoke(null, a, b, x, target), value, 1e-12);
      assertClose(centralDifferences(a.data(), w -> call(loss, a, b, x, target)), gradA);
    }
  }

  @Test
  void vectorAndMatrixValuedMethodsGetVjpAndJacobian() throws Exception {
    Compilation c = withProcessor().withOptions("-Xlint:all", "-Werror").compile(LAYERS);
    assertThat(c).succeededWithoutWarnings();
    String text = assertCleanGeneratedSource(c, "demo.LayersGradients");
    assertTrue(text.contains("(∂f/∂W) ḡ = "), text);
    assertTrue(text.contains("(∂f/∂X) ḡ = "), text);

    Class<?> gradients = classLoader(c).loadClass("demo.LayersGradients");
    gradients.getMethod("denseVjp", Matrix.class, double[].class, double[].class, double[].class,
        double[].class, double[].class);
    gradients.getMethod("denseJacobian", Matrix.class, double[].class, double[].class,
        double[].class, double[].class);
    gradients.getMethod("gramVjp", Matrix.class, double[].class, double[].class);
    gradients.getMethod("gramJacobian", Matrix.class, double[].class);
  }

  @Test
  void intParametersAndMathFunctions() throws Exception {
    Compilation c = withProcessor().withOptions("-Xlint:all", "-Werror").compile(FEATURES);
    assertThat(c).succeededWithoutWarnings();
    assertCleanGeneratedSource(c, "demo.FeaturesGradients");

    ClassLoader loader = classLoader(c);
    Method poly = loader.loadClass("demo.Features")
        .getMethod("poly", double.class, double[].class, int.class);
    Method grad = loader.loadClass("demo.FeaturesGradients").getMethod("polyGrad",
        double.class, double[].class, int.class, double[].class, double[].class);
    double[] w = {0.2, -0.7, 1.1, 0.4};
    double[] gradX = new double[1];
    double[] gradW = new double[4];
    double value = (double) grad.invoke(null, 0.8, w, 1, gradX, gradW);
    assertEquals(call(poly, 0.8, w, 1), value, 1e-12);
    double[] x = {0.8};
    assertClose(centralDifferences(x, v -> call(poly, x[0], w, 1)), gradX);
    assertClose(centralDifferences(w, v -> call(poly, 0.8, w, 1)), gradW);
  }

  @Nested
  class NestedClasses {
    @Test
    void nestedClassGetsOuterUnderscoreInner() {
      JavaFileObject outer = file("p.Outer", """
          package p;

          import dev.matgrad.Differentiable;

          public class Outer {
            @Differentiable
            public static double top(double x) {
              return x * x;
            }

            public static class Inner {
              @Differentiable
              public static double inner(double x) {
                return 3.0 * x;
              }

              public static final class Deepest {
                @Differentiable
                public static double deepest(double x) {
                  return x / 2.0;
                }
              }
            }
          }
          """);
      Compilation c = compile(outer);
      assertThat(c).succeeded();
      assertTrue(assertCleanGeneratedSource(c, "p.OuterGradients").contains("topGrad"));
      String inner = assertCleanGeneratedSource(c, "p.Outer_InnerGradients");
      assertTrue(inner.contains("public final class Outer_InnerGradients"), inner);
      assertTrue(inner.contains("innerGrad"), inner);
      assertFalse(inner.contains("topGrad") || inner.contains("deepestGrad"), inner);
      assertTrue(assertCleanGeneratedSource(c, "p.Outer_Inner_DeepestGradients")
          .contains("deepestGrad"));
    }
  }

  @Nested
  class CallsAcrossClasses {
    final JavaFileObject layers = type("p.Layers", """
        @Differentiable
        public static double act(double v) {
          return Math.tanh(v) * v;
        }

        public static final class Nested {
          @Differentiable
          public static double twice(double v) {
            return 2.0 * v;
          }
        }
        """);

    /** Compiles the caller with p.Layers; both succeed and the call is inlined. */
    private void assertInlined(JavaFileObject caller, String gradients) throws Exception {
      Compilation c = compile(layers, caller);
      assertThat(c).succeededWithoutWarnings();
      String text = assertCleanGeneratedSource(c, gradients);
      assertFalse(text.contains("Layers.act("), () -> "the call should be inlined:\n" + text);
      assertFalse(text.contains("LayersGradients"), text);
      Method grad = classLoader(c).loadClass(gradients)
          .getMethod("modelGrad", double.class, double[].class);
      double[] g = new double[1];
      double x = 0.6;
      double value = (double) grad.invoke(null, x, g);
      assertEquals(Math.tanh(x) * x + 1.0, value, 1e-12);
      double th = Math.tanh(x);
      assertEquals((1.0 - th * th) * x + th, g[0], 1e-12);
    }

    @Test
    void classQualifiedCallInTheSamePackage() throws Exception {
      assertInlined(type("p.Model", """
          @Differentiable
          static double model(double x) {
            return Layers.act(x) + 1.0;
          }
          """), "p.ModelGradients");
    }

    @Test
    void fullyQualifiedCall() throws Exception {
      assertInlined(type("q.Model", """
          @Differentiable
          static double model(double x) {
            return p.Layers.act(x) + 1.0;
          }
          """), "q.ModelGradients");
    }

    @Test
    void importedClassQualifiedCall() throws Exception {
      assertInlined(file("q.Model", """
          package q;

          import dev.matgrad.Differentiable;
          import p.Layers;

          public final class Model {
            @Differentiable
            static double model(double x) {
              return Layers.act(x) + 1.0;
            }
          }
          """), "q.ModelGradients");
    }

    @Test
    void singleStaticImport() throws Exception {
      assertInlined(file("q.Model", """
          package q;

          import dev.matgrad.Differentiable;
          import static p.Layers.act;

          public final class Model {
            @Differentiable
            static double model(double x) {
              return act(x) + 1.0;
            }
          }
          """), "q.ModelGradients");
    }

    @Test
    void staticImportOnDemandNextToOps() throws Exception {
      assertInlined(file("q.Model", """
          package q;

          import dev.matgrad.Differentiable;
          import static dev.matgrad.Ops.*;
          import static p.Layers.*;

          public final class Model {
            @Differentiable
            static double model(double x) {
              return act(x) + 1.0;
            }
          }
          """), "q.ModelGradients");
    }

    @Test
    void callOfANestedClassMethod() throws Exception {
      JavaFileObject caller = type("q.Model", """
          @Differentiable
          static double model(double x) {
            return p.Layers.Nested.twice(x) * x;
          }
          """);
      Compilation c = compile(layers, caller);
      assertThat(c).succeededWithoutWarnings();
      Method grad = classLoader(c).loadClass("q.ModelGradients")
          .getMethod("modelGrad", double.class, double[].class);
      double[] g = new double[1];
      assertEquals(18.0, (double) grad.invoke(null, 3.0, g));
      assertEquals(12.0, g[0]);
    }
  }

  // ---- numerics ---------------------------------------------------------------------------------

  private static double call(Method m, Object... args) {
    try {
      return (double) m.invoke(null, args);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** ∂f/∂w_i by central differences, perturbing {@code w} in place (and restoring it). */
  private static double[] centralDifferences(double[] w, ToDoubleFunction<double[]> f) {
    double h = 1e-6;
    double[] out = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      double saved = w[i];
      w[i] = saved + h;
      double plus = f.applyAsDouble(w);
      w[i] = saved - h;
      double minus = f.applyAsDouble(w);
      w[i] = saved;
      out[i] = (plus - minus) / (2 * h);
    }
    return out;
  }

  private static void assertClose(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      double tolerance = 1e-6 * Math.max(1.0, Math.abs(expected[i]));
      assertEquals(expected[i], actual[i], tolerance, "entry " + i);
    }
  }
}
