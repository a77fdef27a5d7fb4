package dev.matgrad.bench.loops;

/**
 * An expert's hand-written forward passes and adjoints of the loop cases, on flat row-major
 * arrays with preallocated buffers.
 */
public final class LoopHand {
  private LoopHand() {}

  /** Rosenbrock's value and gradient in one fused pass. */
  public static double rosenbrock(double[] x, double[] g) {
    int n = x.length;
    double s = 0;
    java.util.Arrays.fill(g, 0.0);
    for (int i = 0; i < n - 1; i++) {
      double xi = x[i];
      double a = x[i + 1] - xi * xi;
      double b = 1 - xi;
      s += 100 * a * a + b * b;
      g[i] += -400 * a * xi - 2 * b;
      g[i + 1] += 200 * a;
    }
    return s;
  }

  /** Lennard-Jones energy and its gradient: each pair's dE/dr² scatters to both particles. */
  public static double lennardJones(double[] x, double[] g) {
    int n = x.length / 3;
    double e = 0;
    java.util.Arrays.fill(g, 0.0);
    double four = 4 * LoopCases.EPSILON;
    for (int i = 0; i < n; i++) {
      double xi = x[3 * i];
      double yi = x[3 * i + 1];
      double zi = x[3 * i + 2];
      double gx = 0;
      double gy = 0;
      double gz = 0;
      for (int j = i + 1; j < n; j++) {
        double dx = xi - x[3 * j];
        double dy = yi - x[3 * j + 1];
        double dz = zi - x[3 * j + 2];
        double inv = 1.0 / (dx * dx + dy * dy + dz * dz);
        double s2 = LoopCases.SIGMA2 * inv;
        double s6 = s2 * s2 * s2;
        e += four * (s6 * s6 - s6);
        // dE/d(r²) = 4ε (2 s6 − 1) · (−3 s6 / r²); d(r²)/d(dx) = 2 dx
        double c = -6 * four * (2 * s6 - 1) * s6 * inv;
        double fx = c * dx;
        double fy = c * dy;
        double fz = c * dz;
        gx += fx;
        gy += fy;
        gz += fz;
        g[3 * j] -= fx;
        g[3 * j + 1] -= fy;
        g[3 * j + 2] -= fz;
      }
      g[3 * i] += gx;
      g[3 * i + 1] += gy;
      g[3 * i + 2] += gz;
    }
    return e;
  }

  /** The Elman RNN on flat arrays: W hidden×hidden, U hidden×inputs, X inputs×steps. */
  public static final class Rnn {
    final int hidden;
    final int inputs;
    final int steps;
    /** h_0 … h_T, one row each (BPTT stores them all). */
    final double[] hs;
    final double[] da;
    final double[] dh;

    public Rnn(int hidden, int inputs, int steps) {
      this.hidden = hidden;
      this.inputs = inputs;
      this.steps = steps;
      hs = new double[(steps + 1) * hidden];
      da = new double[hidden];
      dh = new double[hidden];
    }

    /** The forward pass alone: two hidden-state rows, no storage of the steps. */
    public double value(double[] W, double[] U, double[] b, double[] X, double[] h0) {
      double[] cur = da;
      double[] next = dh;
      System.arraycopy(h0, 0, cur, 0, hidden);
      for (int t = 0; t < steps; t++) {
        step(W, U, b, X, t, cur, 0, next, 0);
        double[] tmp = cur;
        cur = next;
        next = tmp;
      }
      double s = 0;
      for (int i = 0; i < hidden; i++) {
        s += cur[i] * cur[i];
      }
      return s;
    }

    private void step(double[] W, double[] U, double[] b, double[] X, int t, double[] h, int ho, double[] out,
        int oo) {
      for (int i = 0; i < hidden; i++) {
        double a = b[i];
        int w = i * hidden;
        for (int k = 0; k < hidden; k++) {
          a += W[w + k] * h[ho + k];
        }
        int u = i * inputs;
        for (int k = 0; k < inputs; k++) {
          a += U[u + k] * X[k * steps + t];
        }
        out[oo + i] = Math.tanh(a);
      }
    }

    /** Value and gradient by backpropagation through time over the stored h_t. */
    public double valueAndGradient(double[] W, double[] U, double[] b, double[] X, double[] h0, double[] gW,
        double[] gU, double[] gb) {
      System.arraycopy(h0, 0, hs, 0, hidden);
      for (int t = 0; t < steps; t++) {
        step(W, U, b, X, t, hs, t * hidden, hs, (t + 1) * hidden);
      }
      int last = steps * hidden;
      double s = 0;
      for (int i = 0; i < hidden; i++) {
        double h = hs[last + i];
        s += h * h;
        dh[i] = 2 * h;
      }
      java.util.Arrays.fill(gW, 0.0);
      java.util.Arrays.fill(gU, 0.0);
      java.util.Arrays.fill(gb, 0.0);
      for (int t = steps - 1; t >= 0; t--) {
        int hNext = (t + 1) * hidden;
        int hPrev = t * hidden;
        for (int i = 0; i < hidden; i++) {
          double h = hs[hNext + i];
          double d = dh[i] * (1 - h * h);
          da[i] = d;
          gb[i] += d;
          int w = i * hidden;
          for (int k = 0; k < hidden; k++) {
            gW[w + k] += d * hs[hPrev + k];
          }
          int u = i * inputs;
          for (int k = 0; k < inputs; k++) {
            gU[u + k] += d * X[k * steps + t];
          }
        }
        if (t > 0) {
          java.util.Arrays.fill(dh, 0.0);
          for (int i = 0; i < hidden; i++) {
            double d = da[i];
            int w = i * hidden;
            for (int k = 0; k < hidden; k++) {
              dh[k] += W[w + k] * d;
            }
          }
        }
      }
      return s;
    }
  }
}
