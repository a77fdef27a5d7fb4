// Regression: nested loops whose body reassigns a Matrix local (scale(logSumExp(t1), A0)) made the
// generated m2Vjp declare the local 'at' twice (javac: variable at is already defined), the
// reverse pass reading two array values from the loop's tape. Found by the random program test
// (seed 8, program 58) once it generated loops; shrunk from 107 lines.
// Fixed by naming each tape read's offset local uniquely in the method (local, not fresh).
// ---- rnd/P58.java
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P58 {
  private P58() {}

  // A0: Matrix[d0×d0] -> Matrix[d0×d0]
  @Differentiable(wrt = {"A0"})
  public static Matrix m2(Matrix A0) {
    Matrix t1 = A0;
    for (int i2 = 0 - 1; i2 >= 0; i2--) {
      for (int b_k = A0.rows() - 1; b_k >= 0; b_k -= 1) {
        if (Math.tanh(1.5D) <= (0.25 * norm2(t1))) {
        }
        t1 = scale(logSumExp(t1), A0);
      }
    }
    return scale(0.5, t1);
  }
}
