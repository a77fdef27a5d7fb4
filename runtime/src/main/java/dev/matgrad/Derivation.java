package dev.matgrad;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Put by the processor on every generated gradient method: what it was derived from and the
 * derivation in matrix notation, the same lines as the method's Javadoc. Retained at run time,
 * so that tools (a gradient checker, a report) can list generated methods and show their
 * formulas without the sources.
 *
 * <pre>{@code
 * Derivation d = LossesGradients.class
 *     .getMethod("firstLayerLossGrad", Matrix.class, Matrix.class, double[].class,
 *         double[].class, double[].class)
 *     .getAnnotation(Derivation.class);
 * d.method();    // "firstLayerLoss"
 * d.wrt();       // {"A"}
 * d.notation();  // {"f = ‖Bᵀ h − c‖²", "∇_A f = 2 x (diag(h ⊙ (1 − h)) B (Bᵀ h − c))ᵀ",
 *                //  "where", "  h = σ(Aᵀ x)"}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Derivation {
  /** The simple name of the {@code @Differentiable} method this method was derived from. */
  String method();

  /** The parameters differentiated with respect to, in declaration order. */
  String[] wrt();

  /** The derivation in matrix notation, one line per element (indented lines continue "where"). */
  String[] notation();
}
