// Regression: `k %= n` on an int local was rejected (matgrad:expression) although `k = k % n`
// was accepted. Found by the random program test (seed 20240917); fixed by "Accept %= on int
// locals". The int arithmetic must keep Java's semantics (here k0 and k1 are 0, 1 or 2).
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import static dev.matgrad.Ops.*;

public final class RemainderAssignment {
  private RemainderAssignment() {}

  // x0: double[d0], n1: int -> double
  @Differentiable(wrt = "x0")
  public static double m0(double[] x0, int n1) {
    int k0 = x0.length + 3;
    k0 %= n1 + 1;
    var k1 = n1 * 7;
    k1 %= 3;
    k0 %= 3;
    return sum(x0) * k0 + k1 * sumSq(x0) + (n1 % 2) * mean(x0);
  }
}
