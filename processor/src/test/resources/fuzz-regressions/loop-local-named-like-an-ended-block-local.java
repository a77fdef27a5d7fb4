// Regression: a loop body declaring and assigning a local named like one of a block that had
// ended before the loop ({ double[] b1 = …; } then for (…) { Matrix b1 = …; b1 = …; }) was
// rejected with matgrad:type ("b1 in the loop has type double[] but its value has type
// Matrix"): blocks are read flat, so the earlier b1 was taken for a value the loop carries.
// Found by the random program test (seed 1796176457365, program 1704); written small by hand.
// Fixed by never carrying a name the loop body declares (Java forbids declaring a local that
// is in scope, so an earlier one of that name is out of scope).
// ---- rnd/P1704.java
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P1704 {
  private P1704() {}

  // x0: double[d0], n2: int -> double
  @Differentiable(wrt = "x0")
  public static double m0(double[] x0, int n2) {
    double t0 = 0.5;
    {
      double[] b1 = exp(x0);
      t0 = t0 + sum(b1);
    }
    for (int b4 = x0.length; b4 > 0; b4--) {
      Matrix b1 = softmax(diag(x0));
      b1 = tanh(add(b1, outer(x0, x0)));
      t0 = (0.5 * t0) + sumSq(b1);
    }
    return t0;
  }
}
