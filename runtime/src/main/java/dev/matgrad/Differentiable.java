package dev.matgrad;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code static} method whose derivatives matgrad derives at compile time.
 *
 * <p>For a class {@code p.C}, the annotation processor generates {@code p.CGradients} with, for a
 * scalar method {@code f}, {@code fGrad(params..., grad_w...)} (the gradient, reverse mode) and
 * {@code fJvp(params..., dir_w...)} (the derivative along a direction, forward mode); for a
 * vector- or matrix-valued one, {@code fVjp(params..., gradOut, grad_w...)},
 * {@code fJvp(params..., dir_w..., jvpOut)} and {@code fJacobian(params..., jac_w...)}. With
 * {@link #hessian() hessian = true}, a scalar method also gets {@code fHvp} and
 * {@code fHessian}.
 *
 * <p>Parameters may be {@code double}, {@code double[]} (a column vector), {@link Matrix} or
 * {@code int} (a size or index, never differentiated). The body is plain Java built from locals,
 * {@code return}, double arithmetic, {@code Math} functions, {@link Ops} and calls of other
 * {@code @Differentiable} methods, and everyday control flow: {@code if}/{@code else} and
 * {@code c ? a : b}, counted {@code for} loops, {@code while}, {@code break} and
 * {@code continue}, element reads ({@code x[i]}, {@code A.get(i, j)}), and local arrays and
 * matrices written element by element ({@code y[i] = e}, {@code M.set(i, j, e)}). The
 * derivative is that of the path actually executed; conditions are never differentiated.
 * Anything else is a compile error on its line; a method whose body matgrad cannot read can
 * still be differentiable through a hand-written rule, see {@link CustomVjp}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Differentiable {
  /**
   * The parameters to differentiate with respect to, by name. Empty (the default) means every
   * parameter of type {@code double}, {@code double[]} or {@code Matrix}; the others are constants.
   */
  String[] wrt() default {};

  /**
   * Whether to generate second derivatives as well: for a scalar method {@code f},
   * {@code fHvp(params..., dir_w..., hvp_w...)} (the Hessian over all {@code wrt} parameters
   * jointly times a direction) and {@code fHessian(params..., hess)} (the whole N×N Hessian,
   * N the total flat size of the {@code wrt} parameters, in declaration order). On a vector- or
   * matrix-valued method, or one that has or calls a {@link CustomVjp} rule, {@code true} is a
   * compile error.
   */
  boolean hessian() default false;
}
