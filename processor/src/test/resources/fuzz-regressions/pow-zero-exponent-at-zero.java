// Regression: pow(x, 0) had the gradient 0·x⁻¹, NaN where x = 0.
// Found by the random program test (seed 20240917), where an int remainder made an exact zero;
// fixed by "pow(x, 0) has gradient 0 at x = 0 (was NaN)": x⁰ is 1 everywhere, so its derivative
// is 0, 0 included. Each base below is exactly 0 on every draw; the adjoints of sub, scale and *
// pass a NaN on (relu's would mask it, so relu alone does not catch the bug).
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import static dev.matgrad.Ops.*;

public final class PowZero {
  private PowZero() {}

  // x0: double[d0], s1: double -> double
  @Differentiable
  public static double m0(double[] x0, double s1) {
    double t0 = sum(pow(sub(x0, x0), 0.0));
    double t1 = Math.pow(s1 * (x0.length % x0.length), 0) * s1;
    double t2 = pow(s1 - s1, 0) + sum(pow(relu(x0), 0));
    return t0 + t1 + t2 + sumSq(x0);
  }

  // A0: Matrix[d0×d1] -> Matrix[d0×d1]
  @Differentiable
  public static Matrix m1(Matrix A0) {
    return add(pow(scale(0.0, A0), 0), mul(pow(relu(neg(A0)), 0.0), A0));
  }
}
