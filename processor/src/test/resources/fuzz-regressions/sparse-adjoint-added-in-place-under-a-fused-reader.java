// Regression: the adjoint of x0² was computed by adding an element read's adjoint in place into
// a dense adjoint that the sigmoid's adjoint also read, fused into the final gradient loop, so
// that it read the array after the addition: a wrong VJP.
// Found by the random program test (seed 1796166555668, program 116) when sparse adjoint parts
// began to be added in place; fixed by counting a fused reader as reading where its consumer is.
// dims: d0=1
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P116 {
  private P116() {}

  // x0: double[d0] -> Matrix[d0×d0]
  @Differentiable(wrt = "x0")
  public static Matrix m3(double[] x0) {
    return scale(matmul(diag(x0), x0)[0], outer(add(sigmoid(x0), matmul(diag(x0), x0)), x0));
  }
}
