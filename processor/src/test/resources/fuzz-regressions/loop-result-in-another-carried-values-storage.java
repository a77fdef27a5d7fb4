// Regression: a loop carrying two matrices where one takes the other's value (t0 = t2) and the
// other a value from outside (t2 = A0) had a wrong gradient (0 instead of 1). In the reverse
// loop the adjoint carried for t2 was computed in place in the storage of t0's adjoint, and t0's
// own update (zeros) overwrote it before t2's update read it. Found by the random program test
// (seed 1796176820937, program 698; programs 274, 442 and 988 of that seed, also wrong, pass too);
// shrunk from 143 lines. Fixed by reading a result that sits in another carried value's storage
// into a temporary first, as for a swap.
// dims: d0=1
// ---- rnd/P698.java
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P698 {
  private P698() {}

  public static final class In {
    private In() {}

    // A0: Matrix[d0×d0], x2: double[d0] -> double
    @Differentiable(wrt = "A0")
    public static double m1(Matrix A0, double[] x2) {
      Matrix t0 = A0;
      double t1 = 0.5;
      var t2 = t0;
      for (int i3 = 0; i3 < x2.length; i3++) {
        t0 = t2;
        t2 = A0;
        t1 = t0.get(i3, i3);
      }
      return t1;
    }
  }
}
