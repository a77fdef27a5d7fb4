package dev.matgrad.bench.loops;

import dev.matgrad.Matrix;
import java.util.Random;

/** Deterministic inputs of the loop cases. */
public final class LoopInputs {
  private LoopInputs() {}

  /** A point of n dimensions around Rosenbrock's valley (entries 1 ± a Gaussian of spread 0.5). */
  public static double[] rosenbrock(int n) {
    Random r = new Random(3000L + n);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + 0.5 * r.nextGaussian();
    }
    return x;
  }

  /**
   * n particles on a jittered cubic lattice of spacing 1.1σ (no two closer than about 0.9σ, so
   * no pair term dominates), flattened as x[3i + k].
   */
  public static double[] particles(int n) {
    Random r = new Random(4000L + n);
    int side = (int) Math.ceil(Math.cbrt(n));
    double[] x = new double[3 * n];
    for (int p = 0; p < n; p++) {
      int[] cell = {p % side, (p / side) % side, p / (side * side)};
      for (int k = 0; k < 3; k++) {
        x[3 * p + k] = 1.1 * cell[k] + 0.1 * (2 * r.nextDouble() - 1);
      }
    }
    return x;
  }

  /** The Elman RNN: W hidden×hidden, U hidden×inputs, b, X inputs×steps, h0 ("hidden-inputs x steps"). */
  public static final class Rnn {
    public final int hidden;
    public final int inputs;
    public final int steps;
    public final Matrix W;
    public final Matrix U;
    public final double[] b;
    public final Matrix X;
    public final double[] h0;

    public Rnn(int hidden, int inputs, int steps) {
      Random r = new Random(5000L + 31L * hidden + inputs + 7L * steps);
      this.hidden = hidden;
      this.inputs = inputs;
      this.steps = steps;
      W = gaussian(r, hidden, hidden, 0.9 / Math.sqrt(hidden));
      U = gaussian(r, hidden, inputs, 0.5 / Math.sqrt(inputs));
      b = gaussian(r, hidden, 1, 0.1).data();
      X = gaussian(r, inputs, steps, 1.0);
      h0 = gaussian(r, hidden, 1, 0.1).data();
    }

    public static Rnn of(String shape) {
      String[] p = shape.split("x");
      String[] sizes = p[0].split("-");
      return new Rnn(Integer.parseInt(sizes[0]), Integer.parseInt(sizes[1]), Integer.parseInt(p[1]));
    }
  }

  static Matrix gaussian(Random r, int rows, int cols, double scale) {
    double[] data = new double[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = scale * r.nextGaussian();
    }
    return new Matrix(rows, cols, data);
  }
}
