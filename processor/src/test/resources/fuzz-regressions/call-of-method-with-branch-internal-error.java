// Regression: a call of a method whose body has an if/else that reassigns a vector local failed
// with matgrad:internal (NullPointerException: Cannot invoke Origin.source() because
// this.written is null) on the calling method. Found by the random program test (seed 7,
// program 13) once it generated branches; shrunk from 68 lines.
// Fixed by giving an inlined node without an origin of its own no origin (not one
// wrapping null).
// ---- rnd/P13.java
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P13 {
  private P13() {}

  // x0: double[d0], s1: double -> double
  @Differentiable(wrt = {"s1"})
  public static double m0(double[] x0, double s1) {
    double[] t0 = x0;
    if ((0.5 * dot(x0, t0)) <= (0.5 * trace(diag(t0)))) {
    }
    else {
      t0 = mul(t0, t0);
    }
    return s1;
  }

  // x2: double[d0] -> double
  @Differentiable(wrt = "x2")
  public static double m1(double[] x2) {
    return m0(x2, 1.0);
  }
}
