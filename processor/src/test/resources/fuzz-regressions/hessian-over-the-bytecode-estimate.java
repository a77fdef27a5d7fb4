// Regression: the Hessian of m1 (dense scalar steps over a softmax, diag and a call) compiled to
// more than the JVM's 64 KB for one method, so javac failed on the generated class ("code too
// large") instead of matgrad reporting matgrad:too-large. The size estimate, 0.5 bytes of
// bytecode per character of code, put it at 62,704 bytes, just under the limit; its real ratio
// was above 0.52. Found by the random program test (seed 20261202, program 442); shrunk from 49
// lines. Fixed by estimating 0.55 bytes per character: the method is now reported (skipped by
// the fuzzer as too large, by design), never javac's error.
// ---- rnd/P442.java
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P442 {
  private P442() {}

  // x0: double[d1], A1: Matrix[d1×d0], x2: double[d1], A3: Matrix[d0×d0] -> double
  @Differentiable(wrt = {"x0", "x2"})
  static double m0(double[] x0, Matrix A1, double[] x2, Matrix A3) {
    return Ops.dot(scale(0.25, Ops.matmul(softmax(A1), Ops.add(matmul(Ops.transpose(A1), x2), matmul(transpose(A1), x0)))), matmul(transpose(addToEachColumn(diag(x0), x2)), Ops.sigmoid(x0))) + (0.25 * Ops.norm1(tanh(matmul(Ops.matmul(Ops.transpose(A1), diag(x0)), div(x2, sigmoid(x2))))));
  }

  // x0: double[d1], A1: Matrix[d1×d0], x2: double[d1], A3: Matrix[d0×d0], s4: double -> double
  @Differentiable(wrt = {"x0", "A1", "x2", "A3", "s4"}, hessian = true)
  public static double m1(double[] x0, Matrix A1, double[] x2, Matrix A3, double s4) {
    double t0 = pow(tanh(normP(pow(softplus(tanh(matmul(transpose(A1), x0))), 1), 2.0)), 1.0);
    t0 *= (0.25 * (Math.sqrt(sigmoid((0.5 * sum(x2)))) * m0(x2, A1, x2, A3)));
    t0 /= sigmoid((0.25 * scale(0.5, matmul(A1, matmul(transpose(A1), x2)))[((0 * A3.cols()) % x0.length)]));
    t0 += tanh((t0 + logSumExp(A1)));
    return t0;
  }
}
