// Regression: a loop swapping two carried vectors (t0 = t2; t2 = s4) had its Hessian wrong: an
// elementwise update of a carried tangent was written in place although the loop read that
// tangent again as another carried value's result. Found by the random program test (seed 616161,
// program 446) once loops carried arrays; fixed by counting a loop reading its own parameter as a
// result as a read at the end of the iteration.
// ---- rnd/P446.java
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P446 {
  private P446() {}

  // s1: double, x2: double[d0] -> double
  @Differentiable(wrt = "s1")
  private static double m0(double s1, double[] x2) {
    return s1;
  }

  // s0: double, s0_length: double, x2: double[d0], s3: double, x4: double[d0], x5: double[d0], x6: double[d0], s7: double -> double
  @Differentiable(wrt = {"s0", "x2", "s3", "x4", "x5", "x6", "s7"}, hessian = true)
  public static double m2(double s0, double s0_length, double[] x2, double s3, double[] x4, double[] x5, double[] x6, double s7) {
    double[] t0 = x6;
    var t2 = x6;
    for (int i3 = x2.length - 1; i3 >= 0; i3--) {
      t0 = mul(scale(s0, t2), t0);
      double[] s4 = t0;
      t0 = t2;
      t2 = s4;
    }
    return mean(diag(t2));
  }
}
