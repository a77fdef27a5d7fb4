package dev.matgrad.bench;

import java.util.Map;
import net.finmath.montecarlo.automaticdifferentiation.RandomVariableDifferentiable;
import net.finmath.montecarlo.automaticdifferentiation.backward.RandomVariableDifferentiableAAD;
import net.finmath.stochastic.RandomVariable;

/**
 * Reverse-mode AD with finmath-lib's operator tape ({@link RandomVariableDifferentiableAAD}), one
 * scalar (deterministic) random variable per entry: the tape records every scalar operation, about
 * 2dn + 2nm + 4n + 2m nodes per evaluation, then one backward sweep. Run at sizes 8 and 64 like the
 * forward-mode baseline, the sizes the "30 × faster" target is stated for.
 */
public final class FinmathAad {
  private FinmathAad() {}

  public static final class FirstLayer {
    private final Inputs.FirstLayer in;

    public FirstLayer(Inputs.FirstLayer in) {
      this.in = in;
    }

    public double valueAndGradient(double[] gradA) {
      int d = in.d;
      int n = in.n;
      int m = in.m;
      double[] a = in.A.data();
      double[] b = in.B.data();
      RandomVariableDifferentiable[] vars = new RandomVariableDifferentiable[d * n];
      for (int e = 0; e < vars.length; e++) {
        vars[e] = RandomVariableDifferentiableAAD.of(a[e]);
      }
      RandomVariable[] h = new RandomVariable[n];
      for (int j = 0; j < n; j++) {
        RandomVariable t = vars[j].mult(in.x[0]);
        for (int k = 1; k < d; k++) {
          t = t.addProduct(vars[k * n + j], in.x[k]);
        }
        h[j] = t.mult(-1.0).exp().add(1.0).invert();
      }
      RandomVariable loss = null;
      for (int i = 0; i < m; i++) {
        RandomVariable r = h[0].mult(b[i]).sub(in.c[i]);
        for (int k = 1; k < n; k++) {
          r = r.addProduct(h[k], b[k * m + i]);
        }
        loss = loss == null ? r.squared() : loss.add(r.squared());
      }
      Map<Long, RandomVariable> gradient = ((RandomVariableDifferentiable) loss).getGradient();
      for (int e = 0; e < vars.length; e++) {
        RandomVariable g = gradient.get(vars[e].getID());
        gradA[e] = g == null ? 0.0 : g.get(0);
      }
      return loss.get(0);
    }
  }
}
