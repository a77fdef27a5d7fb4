package dev.matgrad;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code static} method whose gradient matgrad derives at compile time.
 *
 * <p>For a class {@code p.C}, the annotation processor generates {@code p.CGradients} with, for a
 * scalar method {@code f}, {@code fGrad(params..., grad_w...)} and, for a vector- or matrix-valued
 * one, {@code fVjp(params..., gradOut, grad_w...)} and {@code fJacobian(params..., jac_w...)}.
 *
 * <p>Parameters may be {@code double}, {@code double[]} (a column vector), {@link Matrix} or
 * {@code int} (a size or index, never differentiated). The body is plain Java built from locals,
 * {@code return}, double arithmetic, {@code Math} functions, {@link Ops} and calls of other
 * {@code @Differentiable} methods; anything else is a compile error on its line.
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
   * Also generate second derivatives, for a scalar ({@code double}) method only:
   * {@code fHvp(params..., dir_w..., hvp_w...)}, the Hessian over all wrt parameters jointly
   * times a direction, and {@code fHessian(params..., hess)}, the N×N Hessian with
   * hess[a·N + b] = ∂²f/∂θ_a∂θ_b, θ being the wrt parameters flattened and concatenated in
   * declaration order. On a vector- or matrix-valued method it is a compile error.
   */
  boolean hessian() default false;
}
