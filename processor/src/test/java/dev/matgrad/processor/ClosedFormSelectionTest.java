package dev.matgrad.processor;

import static dev.matgrad.processor.ProcessorTesting.classLoader;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.generatedSource;
import static dev.matgrad.processor.ProcessorTesting.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.matgrad.Derivation;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Which Jacobians and Hessians the closed-form pass (JacobianClosedForm) builds as one matrix
 * expression and which it declines, leaving them to the sweeps: read off the generated class
 * (the sweeps' fJacobian has a forward-sweep helper; the sweeps' fHessian states its rows).
 */
class ClosedFormSelectionTest {
  private static Class<?> gradients;
  private static String source;

  @BeforeAll
  static void compileOnce() throws Exception {
    Compilation compilation = compile(type("p.S", """
        @Differentiable(wrt = "x")
        static double[] linear(Matrix A, double[] x) {
          return matmul(transpose(A), x);
        }

        @Differentiable(wrt = "x")
        static double[] layer(Matrix A, Matrix B, double[] x) {
          return matmul(transpose(B), tanh(matmul(transpose(A), x)));
        }

        @Differentiable(wrt = "x")
        static double[] scaledBySum(double[] x, double c) {
          return scale(sum(x) * c, sigmoid(x));
        }

        @Differentiable(wrt = "x")
        static double[] elementTimesVector(double[] x, double[] y) {
          return scale(x[0] * dot(x, y), add(x, y));
        }

        @Differentiable(wrt = "x")
        static double[] loop(double[] x, int n) {
          double[] h = x;
          for (int k = 0; k < n; k++) {
            h = exp(h);
          }
          return h;
        }

        @Differentiable(wrt = "x")
        static double[] branch(double[] x, double t) {
          return t > 0 ? exp(x) : tanh(x);
        }

        @Differentiable(wrt = "x")
        static double[] outerProduct(double[] x, double[] c) {
          return matmul(outer(x, x), c);
        }

        @Differentiable(wrt = "x")
        static double[] logOfProduct(Matrix A, double[] x) {
          return log(add(matmul(A, square(x)), 2.0));
        }

        @Differentiable(wrt = "x")
        static double[] concatenated(double[] x) {
          return concat(exp(x), x);
        }

        @Differentiable(wrt = "A")
        static double[] inAMatrix(Matrix A, double[] x) {
          return matmul(A, x);
        }

        @Differentiable(wrt = "s")
        static double[] inAScalar(double s, double[] x) {
          return scale(s * s, x);
        }

        @Differentiable(wrt = "x")
        static Matrix matrixValued(double[] x, double[] y) {
          return outer(exp(x), y);
        }

        @Differentiable(wrt = "x", hessian = true)
        static double quadratic(double[] x, Matrix A) {
          return dot(x, matmul(A, x));
        }

        @Differentiable(wrt = "w", hessian = true)
        static double logistic(double[] w, Matrix X, double[] y, double lambda) {
          double[] z = matmul(X, w);
          return mean(sub(softplus(z), mul(y, z))) + lambda * sumSq(w);
        }

        @Differentiable(wrt = "x", hessian = true)
        static double separable(double[] x) {
          return sum(exp(x)) + norm2(x) * sum(x);
        }

        @Differentiable(hessian = true)
        static double twoParameters(double[] x, double[] y) {
          return dot(x, y) * sum(x);
        }

        @Differentiable(wrt = "W", hessian = true)
        static double hessianInAMatrix(Matrix W, double[] x) {
          return sumSq(matmul(W, x));
        }

        @Differentiable(wrt = "x", hessian = true)
        static double hessianWithAConstantLoop(double[] x, int n) {
          double s = 0.0;
          for (int k = 0; k < n; k++) {
            s += sumSq(x);
          }
          return s;
        }

        @Differentiable(wrt = "x", hessian = true)
        static double hessianWithALoop(double[] x, int n) {
          double[] h = x;
          for (int k = 0; k < n; k++) {
            h = tanh(h);
          }
          return sumSq(h);
        }

        @Differentiable(wrt = "x", hessian = true)
        static double hessianThroughLog(double[] x, Matrix A) {
          return sum(log(add(matmul(A, square(x)), 1.0)));
        }
        """));
    gradients = classLoader(compilation).loadClass("p.SGradients");
    source = generatedSource(compilation, "p.SGradients");
  }

  private static boolean jacobianBySweeps(String f) {
    return Arrays.stream(gradients.getDeclaredMethods())
        .anyMatch(m -> m.getName().equals(f + "JacobianByForwardSweeps"));
  }

  private static String derivative(String method) {
    for (Method m : gradients.getMethods()) {
      if (m.getName().equals(method)) {
        return m.getAnnotation(Derivation.class).notation()[1];
      }
    }
    throw new AssertionError("no " + method);
  }

  @ParameterizedTest
  @ValueSource(strings = {"linear", "layer", "scaledBySum", "elementTimesVector", "logOfProduct"})
  void jacobiansWithAClosedForm(String f) {
    assertFalse(jacobianBySweeps(f), f + " was left to the sweeps");
    assertTrue(derivative(f + "Jacobian").startsWith("∂f/∂x = "), derivative(f + "Jacobian"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "branch", "outerProduct", "concatenated",
      "inAMatrix", "inAScalar", "matrixValued"})
  void jacobiansLeftToTheSweeps(String f) {
    assertTrue(jacobianBySweeps(f), f + " got a closed form");
  }

  @ParameterizedTest
  @ValueSource(strings = {"quadratic", "logistic", "separable", "hessianThroughLog",
      "hessianWithAConstantLoop"})
  void hessiansWithAClosedForm(String f) {
    assertTrue(derivative(f + "Hessian").startsWith("∇²_"), derivative(f + "Hessian"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"twoParameters", "hessianInAMatrix", "hessianWithALoop"})
  void hessiansLeftToTheSweeps(String f) {
    assertTrue(derivative(f + "Hessian").startsWith("row a of ∇²f"), derivative(f + "Hessian"));
  }

  @Test
  void theClosedFormsReadInTheNotesNotation() {
    assertEquals("∂f/∂x = A", derivative("linearJacobian"));
    assertEquals("∂f/∂x = A diag(1 − tanh(Aᵀ x)²) B", derivative("layerJacobian"));
    assertEquals("∇²_x f = A + Aᵀ", derivative("quadraticHessian"));
    assertTrue(derivative("logisticHessian").matches("∇²_w f = Xᵀ diag\\(.*σ\\(z\\).*\\) X"
        + " \\+ 2 lambda I"), derivative("logisticHessian"));
  }

  @Test
  void theLogisticHessianIsOneProductIntoTheCallersArray() {
    String body = source.substring(source.indexOf("public static void logisticHessian(double[] w,"
        + " Matrix X, double[] y, double lambda, double[] hess,\n      Workspace workspace)"));
    body = body.substring(0, body.indexOf("\n  }\n"));
    assertEquals(1, body.split("Products\\.matmul\\(", -1).length - 1, body);
    assertFalse(body.contains("dir_w"), "no unit directions: no sweep per row");
  }
}
