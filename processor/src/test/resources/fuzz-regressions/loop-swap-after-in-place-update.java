// Regression: a loop that swaps two carried matrices after updating one (s5 = t1; t1 = t2;
// t2 = s5; t1 = tanh(t1)) had a wrong gradient (2.0 where central differences give 0.82): in
// the reverse loop the adjoint dt1 ⊙ (1 − tanh²) was computed in dt1's own storage, and the
// swap of the adjoints then overwrote dt1 before copying that value into the other adjoint.
// Found by the random program test (seed 1796176457365, program 488) once it drew the newer
// ops; shrunk from 112 lines.
// Fixed by saving, before the carried values are written back, a result that lives in another
// carried value's storage, as a result that is another carried value already was.
// dims: d0=1
// ---- rnd/P488Lib.java
package rnd;

import dev.matgrad.CustomVjp;
import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P488Lib {
  private P488Lib() {}

  // n0: int, x1: double[d0] -> double
  @Differentiable(wrt = "x1")
  static double m1(int n0, double[] x1) {
    var t1 = diag(x1);
    var t2 = t1;
    for (int i4 = 0; n0 > i4; i4++) {
      Matrix s5 = t1;
      t1 = t2;
      t2 = s5;
      t1 = tanh(t1);
    }
    return logSumExp(t2);
  }
}
