// Regression: a local declared in a bare block ({ var b1 = length; }) and a local of the same
// name and type declared later in one side of an if (double[] b1 = x1) were taken for one
// variable assigned in that side, so the two were merged after the if and their shapes had to be
// equal: the generated method threw "an elementwise operation needs length.length == x1.length".
// Found by the differential fuzzer (seed 20261202, program 948). Fixed by merging after an if only
// the locals that neither side declares itself.
// dims: d0=2 d1=1
// ---- rnd/P948.java
package rnd;

import dev.matgrad.CustomVjp;
import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P948 {
  private P948() {}

  // length: double[d1], x1: double[d0] -> double
  @Differentiable(wrt = "x1")
  public static double m2(double[] length, double[] x1) {
    double t0 = 1.0;
    {
      var b1 = length;
    }
    if (!(pow((((0.5 * t0) * (0.5 * t0)) + 0.5), tanh(t0)) <= (-0.1))) {
    }
    else {
      double[] b1 = x1;
    }
    return t0;
  }
}
