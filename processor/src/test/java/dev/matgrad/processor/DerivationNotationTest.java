package dev.matgrad.processor;

import static dev.matgrad.processor.ProcessorTesting.classLoader;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.type;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.matgrad.Derivation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the derivation is printed (Javadoc and {@code @Derivation}): tidied as the seed notes
 * write it, one rule per test.
 */
class DerivationNotationTest {
  private static Map<String, List<String>> notation;

  @BeforeAll
  static void compileOnce() throws Exception {
    var compilation = compile(type("p.N", """
        @Differentiable
        static double l1(double[] x) {
          return norm1(x);
        }

        @Differentiable
        static double twice(double[] x) {
          return dot(x, x);
        }

        @Differentiable(wrt = "x")
        static double pNorm(double[] x, double p) {
          return normP(x, p);
        }

        @Differentiable(wrt = "x")
        static double[] linear(Matrix A, double[] x) {
          return matmul(transpose(A), x);
        }

        @Differentiable(wrt = "A")
        static double[] linearInA(Matrix A, double[] x) {
          return matmul(transpose(A), x);
        }

        @Differentiable(wrt = "x")
        static double[] layer(Matrix A, Matrix B, double[] x) {
          return matmul(transpose(B), tanh(matmul(transpose(A), x)));
        }

        @Differentiable(wrt = "x")
        static double[] scaled(double[] x, double c) {
          return scale(c, x);
        }

        @Differentiable
        static double sharedAdjoint(Matrix W, double[] v) {
          double[] h = matmul(W, v);
          return sumSq(tanh(h));
        }

        @Differentiable
        static double squares(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
          }
          return s;
        }

        @Differentiable
        static double product(double[] x) {
          double p = 1;
          for (int i = 0; i < x.length; i++) {
            p *= x[i];
          }
          return p;
        }

        @Differentiable
        static double productTwice(double[] x) {
          return Math.log(product(x)) + product(x);
        }

        @Differentiable
        static double squaresTwice(double[] x, double[] w) {
          return squares(x) * 2 + dot(w, x);
        }

        static final double EPSILON = 1.0;

        @Differentiable
        static double wellDepth(double s) {
          return 4 * EPSILON * (s * s - s);
        }

        @Differentiable
        static double logAndSquares(double[] x) {
          return Math.log(squares(x)) + squares(x);
        }
        """));
    Class<?> gradients = classLoader(compilation).loadClass("p.NGradients");
    notation = new TreeMap<>();
    for (Method m : gradients.getMethods()) {
      Derivation d = m.getAnnotation(Derivation.class);
      if (d != null) {
        notation.put(m.getName(), Arrays.asList(d.notation()));
      }
    }
  }

  /**
   * A loop's value is named after its loop; an adjoint accumulated as the loop runs after the
   * loop too (scaled by the seed where the seed is known only afterwards); a reverse loop by the
   * adjoints it starts from.
   */
  @Test
  void aLoopsValueIsNamedWithItsLoop() {
    assertEquals(List.of("f = s after for (int i = 0; i < x.length; i++)",
        "∇_x f = (dx accumulated in for (int i = 0; i < x.length; i++))", "where",
        "  s = 0", "  s = s + x[i]²"), notation.get("squaresGrad"));
    assertEquals(List.of("f = 2 s + wᵀ x",
        "∇_x f = 2 (dx accumulated in for (int i = 0; i < x.length; i++)) + w",
        "∇_w f = x", "where", "  s = 0", "  s = s + x[i]²",
        "  s = s after for (int i = 0; i < x.length; i++)"), notation.get("squaresTwiceGrad"));
    assertEquals(List.of("f = p after for (int i = 0; i < x.length; i++)",
        "∇_x f = (dx by the reverse of for (int i = 0; i < x.length; i++) from dp = 1)", "where",
        "  p = 1", "  p = p x[i]"), notation.get("productGrad"));
  }

  /**
   * Two loops with the same header but different seeds are two terms, not 2 × one; the two
   * inlined calls' locals are defined once.
   */
  @Test
  void twoLoopsAreNotFoldedIntoOne() {
    assertEquals(List.of("f = log(s) + s",
        "∇_x f = (1 / s) (dx accumulated in for (int i = 0; i < x.length; i++))"
            + " + (dx accumulated in for (int i = 0; i < x.length; i++))",
        "where", "  s = 0", "  s = s + x[i]²", "  s = s after for (int i = 0; i < x.length; i++)"),
        notation.get("logAndSquaresGrad"));
    assertEquals(List.of("f = log(p) + p",
        "∇_x f = (dx by the reverse of for (int i = 0; i < x.length; i++) from dp = 1 / p)"
            + " + (dx by the reverse of for (int i = 0; i < x.length; i++) from dp = 1)",
        "where", "  p = 1", "  p = p x[i]", "  p = p after for (int i = 0; i < x.length; i++)"),
        notation.get("productTwiceGrad"));
  }

  /**
   * An int literal times a constant field folds (4 · EPSILON with EPSILON = 1 reads 4, not 4 1),
   * and adding a negative constant reads as subtracting it.
   */
  @Test
  void constantFactorsFoldAndANegativeTermIsSubtracted() {
    assertEquals(List.of("f = 4 (s² − s)", "∇_s f = 8 s − 4"), notation.get("wellDepthGrad"));
  }

  @Test
  void anAdjointOfOneIsLeftOut() {
    assertEquals(List.of("f = ‖x‖₁", "∇_x f = sign(x)"), notation.get("l1Grad"));
    assertEquals("∇_x f = sign(x) ⊙ (|x| / ‖x‖_p)^(p − 1)", notation.get("pNormGrad").get(1));
  }

  @Test
  void aSumOfTheSameTermIsFolded() {
    assertEquals(List.of("f = xᵀ x", "∇_x f = 2 x"), notation.get("twiceGrad"));
  }

  @Test
  void aJacobianOfVectorsThatReadsMTimesTheAdjointIsStatedAsM() {
    assertEquals(List.of("f = Aᵀ x", "∂f/∂x = A"), notation.get("linearJacobian"));
    assertEquals(List.of("f = Aᵀ x", "(∂f/∂x) ḡ = A ḡ"), notation.get("linearVjp"));
  }

  @Test
  void aJacobianWithRespectToAMatrixKeepsItsColumnForm() {
    assertEquals("column j of ∂f/∂A = (∂f/∂A) e_j, with ḡ = e_j:",
        notation.get("linearInAJacobian").get(1));
  }

  @Test
  void anElementwiseDerivativeOfAProductIsADiagonalFactorInTheNotesOrder() {
    assertEquals("∂f/∂x = A diag(1 − tanh(Aᵀ x)²) B", notation.get("layerJacobian").get(1));
  }

  @Test
  void aScalarFactorComesBeforeTheArray() {
    // The adjoint rule multiplies ḡ by c; it prints as c ḡ. The Jacobian's closed form states
    // the identity (c alone would hide it).
    assertEquals(List.of("f = c x", "(∂f/∂x) ḡ = c ḡ"), notation.get("scaledVjp"));
    assertEquals("∂f/∂x = c I", notation.get("scaledJacobian").get(1));
  }

  @Test
  void anAdjointUsedTwiceKeepsItsName() {
    List<String> lines = notation.get("sharedAdjointGrad");
    assertEquals(List.of("f = ‖tanh(h)‖²", "∇_W f = dh vᵀ", "∇_v f = Wᵀ dh", "where",
        "  h = W v", "  dh = 2 tanh(h) ⊙ (1 − tanh(h)²)"), lines);
  }
}
