package dev.matgrad;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a {@link Differentiable} method a hand-written derivative rule, which matgrad uses in
 * place of reading the body. The body may then be any Java (library calls, loops over anything,
 * an iterative solver): matgrad does not read it, and it runs as written to compute the value.
 *
 * <pre>{@code
 * @Differentiable(wrt = "x")
 * @CustomVjp("clipGradient")
 * public static double[] clip(double[] x, double c) { ... }
 *
 * // The rule: the method's parameters, the result's adjoint, one gradient per wrt parameter.
 * static void clipGradient(double[] x, double c, double[] gradOut, double[] grad_x) { ... }
 * }</pre>
 *
 * <p>The rule is a {@code static void} method of the same class, named by {@link #value()},
 * taking, in order:
 *
 * <ol>
 *   <li>the annotated method's parameters, with the same types;
 *   <li>the adjoint of its result: {@code double gradOut} for a {@code double} result,
 *       {@code double[] gradOut} of the result's flat size (row-major for a {@code Matrix})
 *       otherwise;
 *   <li>one {@code double[] grad_w} per {@code wrt} parameter w, in declaration order, of w's
 *       flat size, which the rule overwrites with Σ<sub>j</sub> ∂f<sub>j</sub>/∂w<sub>i</sub> ·
 *       gradOut<sub>j</sub> (it must not accumulate into it).
 * </ol>
 *
 * <p>A rule of any other signature is a compile error stating the expected one. From the rule
 * matgrad generates the method's {@code Grad}, {@code Vjp} and {@code Jacobian}, and every
 * {@code @Differentiable} method that calls the annotated method uses the rule for that call.
 * Methods that have or call a rule get no forward mode ({@code fJvp}), and
 * {@code hessian = true} on them is a compile error.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface CustomVjp {
  /** The simple name of the rule method, a {@code static} method of the same class. */
  String value();
}
