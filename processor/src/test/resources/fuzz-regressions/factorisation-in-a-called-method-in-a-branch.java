// Regression: a call, inside a branch, of a method whose body solves (solve(A0, A0)) was the
// error "matgrad:control-flow ... inside a branch (it may throw where the branch is not taken)",
// though the generator meant it to be accepted. Found by the differential fuzzer (seed 20261202,
// program 1649). Fixed by giving factorisations and row/col in a branch stand-ins for where the
// branch is not taken (the identity to factor, index 0), so they may be written there.
// dims: d0=1
// ---- rnd/P1649.java
package rnd;

import dev.matgrad.CustomVjp;
import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P1649 {
  private P1649() {}

  // A0: Matrix[d0×d0] -> Matrix[d0×d0]
  @Differentiable(wrt = "A0")
  public static Matrix m1(Matrix A0) {
    return solve(A0, A0);
  }

  // A1: Matrix[d0×d0] -> Matrix[d0×d0]
  @Differentiable(wrt = "A1")
  private static Matrix m2(Matrix A1) {
    if (!(A1.rows() >= 3)) {
      Matrix t4 = P1649.m1(A1);
    }
    return A1;
  }
}
