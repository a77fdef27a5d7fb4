package dev.matgrad.bench;

import org.hipparchus.analysis.differentiation.DSFactory;
import org.hipparchus.analysis.differentiation.DerivativeStructure;
import org.hipparchus.analysis.differentiation.Gradient;

/**
 * Forward-mode AD with Hipparchus {@link Gradient}: every intermediate carries the derivative with
 * respect to all d·n entries of A, so one evaluation costs about d·n times the forward pass. That
 * is fine at d = n = 8 or 64 and out of reach at 256 and above (65,536+ tangents per value), so
 * this baseline runs at sizes 8 and 64 only.
 */
public final class HipparchusForward {
  private HipparchusForward() {}

  /** ‖Bᵀ σ(Aᵀ x) − c‖² with A's entries as the free parameters (index k·n + j, row-major). */
  public static final class FirstLayer {
    private final Inputs.FirstLayer in;

    public FirstLayer(Inputs.FirstLayer in) {
      this.in = in;
    }

    public double valueAndGradient(double[] gradA) {
      int d = in.d;
      int n = in.n;
      int m = in.m;
      int params = d * n;
      double[] a = in.A.data();
      double[] b = in.B.data();
      Gradient[] h = new Gradient[n];
      for (int j = 0; j < n; j++) {
        Gradient t = Gradient.variable(params, j, a[j]).multiply(in.x[0]);
        for (int k = 1; k < d; k++) {
          t = t.add(Gradient.variable(params, k * n + j, a[k * n + j]).multiply(in.x[k]));
        }
        h[j] = t.negate().exp().add(1.0).reciprocal();
      }
      Gradient loss = Gradient.constant(params, 0.0);
      for (int i = 0; i < m; i++) {
        Gradient r = h[0].multiply(b[i]).subtract(in.c[i]);
        for (int k = 1; k < n; k++) {
          r = r.add(h[k].multiply(b[k * m + i]));
        }
        loss = loss.add(r.square());
      }
      System.arraycopy(loss.getGradient(), 0, gradA, 0, params);
      return loss.getValue();
    }
  }

  /**
   * The L2-regularised logistic loss's Hessian with {@link DerivativeStructure} at order 2: every
   * intermediate carries all (p + 1)(p + 2)/2 derivatives up to order 2 in the p weights, so the
   * cost grows with p² per operation; this baseline runs at a small feature count.
   */
  public static final class LogisticHessian {
    private final Inputs.Logistic in;
    private final DSFactory factory;
    private final int[] orders;

    public LogisticHessian(Inputs.Logistic in) {
      this.in = in;
      this.factory = new DSFactory(in.features, 2);
      this.orders = new int[in.features];
    }

    /** Writes the Hessian (p×p, row-major) and returns the loss. */
    public double hessian(double[] hess) {
      int p = in.features;
      int samples = in.samples;
      double[] x = in.X.data();
      DerivativeStructure[] w = new DerivativeStructure[p];
      for (int k = 0; k < p; k++) {
        w[k] = factory.variable(k, in.w[k]);
      }
      double[] row = new double[p];
      DerivativeStructure total = factory.constant(0.0);
      for (int i = 0; i < samples; i++) {
        System.arraycopy(x, i * p, row, 0, p);
        DerivativeStructure z = w[0].linearCombination(row, w);
        // softplus(z) − y z
        total = total.add(z.exp().add(1.0).log().subtract(z.multiply(in.y[i])));
      }
      DerivativeStructure reg = w[0].square();
      for (int k = 1; k < p; k++) {
        reg = reg.add(w[k].square());
      }
      DerivativeStructure loss = total.divide(samples).add(reg.multiply(in.lambda));
      for (int a = 0; a < p; a++) {
        for (int b = 0; b < p; b++) {
          orders[a]++;
          orders[b]++;
          hess[a * p + b] = loss.getPartialDerivative(orders);
          orders[a]--;
          orders[b]--;
        }
      }
      return loss.getValue();
    }
  }
}
