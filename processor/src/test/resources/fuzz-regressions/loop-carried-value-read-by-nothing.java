// Regression: a Matrix carried around nested loops that nothing reads afterwards (t1, whose
// values overflow to ∞ and NaN in the loop) gave the whole gradient NaN: its adjoint, zero, was
// still swept backwards through products with the overflowed values (0 · ∞ = NaN), and reached
// A0 through the custom rule before the loop. Found by the robustness fuzzer (seed 20261203,
// mutant 9045, a return in a branch). Fixed by sweeping back only the carried values read after
// the loop and those they are computed from.
// ---- rnd/P9045.java
package rnd;

import dev.matgrad.CustomVjp;
import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import static dev.matgrad.Ops.*;

public final class P9045 {
  private P9045() {}

  @Differentiable
  @CustomVjp("ruled0Rule")
  public static double ruled0(double[] x) {
    double s = 0;
    for (double v : x) {
      s += Math.log(Math.cosh(v));
    }
    return s;
  }

  static void ruled0Rule(double[] x, double gradOut, double[] grad_x) {
    double[] v = x;
    for (int i = 0; i < v.length; i++) {
      grad_x[i] = gradOut * Math.tanh(v[i]);
    }
  }

  @Differentiable
  @CustomVjp("ruled1Rule")
  public static Matrix ruled1(Matrix x) {
    double[] v = x.data();
    double[] y = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      y[i] = v[i] / (1 + v[i] * v[i]);
    }
    return new Matrix(x.rows(), x.cols(), y);
  }

  static void ruled1Rule(Matrix x, double[] gradOut, double[] grad_x) {
    double[] v = x.data();
    for (int i = 0; i < v.length; i++) {
      double q = 1 + v[i] * v[i];
      grad_x[i] = gradOut[i] * (1 - v[i] * v[i]) / (q * q);
    }
  }

  // A0: Matrix[d0×d0] -> Matrix[d0×d0]
  @Differentiable(wrt = "A0")
  public static Matrix m0(Matrix A0) {
    Matrix t3 = matmul(A0, matmul(matmul(A0, A0), matmul(A0, A0)));
    t3 = add(t3, scale(norm2(t3), scale(0.25, ruled1(A0))));
    return scale(0.02, scale((0.01 * sumSq(t3)), A0));
  }

  // A0: Matrix[d0×d0], n1: int -> double
  @Differentiable
  public static double m0(Matrix A0, int n1) {
    var t0 = A0;
    Matrix t1 = t0;
    t1 = normalCdf(ruled1(t1));
    for (int b2 = 0; A0.rows() > b2; b2++) {
      for (int rowStart = 1; rowStart <= A0.cols(); rowStart++) {
        t1 = mul(t1, tanh(t1));
        t1 = add(scale(0.5, t1), m0(t1));
      }
      t0 = t0;
    }
    return logSumExp(t0);
  }
}
