// Regression: a loop carrying two vector locals, one of them updated by matmul(outer(x3, t0), x3)
// and the other scaled by normP of itself, made the generated m1Vjp declare a local named 'at'
// twice (javac: variable at is already defined). Found by the random program test (seed 1,
// program 0) once it generated for loops; shrunk from 70 lines.
// Fixed by naming each tape read's offset local uniquely in the method (local, not fresh).
// dims: d0=1
// ---- rnd/P0.java
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P0 {
  private P0() {}

  // x0: double[d0], x3: double[d0] -> double[d0]
  @Differentiable(wrt = "x3")
  public static double[] m1(double[] x0, double[] x3) {
    double[] t0 = x0;
    var t1 = x0;
    for (int i3 = x0.length - 1; i3 >= 0; i3--) {
      t0 = matmul(outer(x3, t0), x3);
      t1 = scale(normP(t1, 2.0), t0);
    }
    return t1;
  }
}
