// Regression: compile time exponential in the depth of shared subexpressions (the processor
// did not finish in 30 s). Found by the random program test (seed 20240917), on locals read
// several times; fixed by "IR nodes are equal only to themselves": the records' structural
// equals and hashCode walked the whole DAG below a node, once per path, and the Javadoc printed
// shared values once per use. Each line below doubles the number of paths (2^24 in the end).
package rnd;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;
import static dev.matgrad.Ops.*;

public final class SharedSubexpressions {
  private SharedSubexpressions() {}

  // s0: double, x1: double[d0] -> double
  @Differentiable
  public static double m0(double s0, double[] x1) {
    double t0 = Math.tanh(s0 + sum(x1));
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    t0 = Math.tanh(t0 * t0 + t0);
    return t0;
  }

  // x0: double[d0] -> double[d0]
  @Differentiable
  public static double[] m1(double[] x0) {
    double[] t0 = tanh(x0);
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    t0 = tanh(add(mul(t0, t0), t0));
    return t0;
  }
}
