package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;

/**
 * Regression fixtures: code that once broke the processor, kept so it cannot break again.
 *
 * <ol>
 *   <li>{@code differenceOfQuotient}: the generated code contains {@code --1.0 * t1 / y}, which
 *       javac reads as a decrement ("unexpected type, required: variable, found: value").
 *   <li>{@code vectorValuedWithParameterNamedGradOut}: fVjp gets two parameters named gradOut
 *       ("variable gradOut is already defined"); grad_x-style clashes are renamed, this one is not.
 *   <li>{@code Inner.halfSquaredNorm}: an unqualified call of a @Differentiable method of the
 *       enclosing class from a nested class is rejected with matgrad:unknown-call (the qualified
 *       call {@code RegressionFixtures.squaredNorm(x)} works).
 *   <li>{@code zerothPower}: the adjoint of pow(x, 0) was 0·x⁻¹, NaN at x = 0 (found by the random
 *       program test).
 * </ol>
 */
public final class RegressionFixtures {
  private RegressionFixtures() {}

  @Differentiable
  public static double differenceOfQuotient(double x, double y) {
    return x - x / y;
  }

  @Differentiable
  public static double precedenceAndParentheses(double x, double y, double z) {
    return x + y * z - (x + y) * z / (1.0 + z * z) + x / y / z;
  }

  @Differentiable
  public static double[] vectorValuedWithParameterNamedGradOut(double[] gradOut) {
    return exp(gradOut);
  }

  @Differentiable
  public static double squaredNorm(double[] v) {
    return sumSq(v);
  }

  /** x⁰ is 1 everywhere, 0 included: its derivative is 0, not 0·0⁻¹ = NaN. */
  @Differentiable
  public static double zerothPower(double[] x) {
    return sum(pow(x, 0)) + sumSq(x);
  }

  public static final class Inner {
    private Inner() {}

    @Differentiable
    public static double halfSquaredNorm(double[] x) {
      return 0.5 * squaredNorm(x);
    }
  }
}
