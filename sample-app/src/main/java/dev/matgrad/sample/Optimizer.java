package dev.matgrad.sample;

import java.util.Locale;

/** An update rule: moves parameters against their gradients. */
public abstract class Optimizer {
  /** Applies one step of size {@code rate} to {@code params} given {@code grads} (same shapes). */
  public abstract void step(double[][] params, double[][] grads, double rate);

  /** The rules on the command line, with the learning rate each is used with by default. */
  public enum Kind {
    ADAM(0.02),
    MOMENTUM(0.1);

    public final double defaultRate;

    Kind(double defaultRate) {
      this.defaultRate = defaultRate;
    }

    public Optimizer create(double[][] params) {
      return this == ADAM ? new Adam(params) : new Momentum(params);
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Adam (Kingma and Ba, 2015) with the usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
  static final class Adam extends Optimizer {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    private final double[][] first;
    private final double[][] second;
    private int steps;

    Adam(double[][] params) {
      first = zerosLike(params);
      second = zerosLike(params);
    }

    @Override
    public void step(double[][] params, double[][] grads, double rate) {
      steps++;
      double correction1 = 1 - Math.pow(BETA1, steps);
      double correction2 = 1 - Math.pow(BETA2, steps);
      double stepSize = rate * Math.sqrt(correction2) / correction1;
      for (int a = 0; a < params.length; a++) {
        double[] p = params[a];
        double[] g = grads[a];
        double[] m = first[a];
        double[] v = second[a];
        for (int i = 0; i < p.length; i++) {
          m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
          v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
          p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) + EPSILON);
        }
      }
    }
  }

  /** Gradient descent with heavy-ball momentum 0.9. */
  static final class Momentum extends Optimizer {
    private static final double MU = 0.9;
    private final double[][] velocity;

    Momentum(double[][] params) {
      velocity = zerosLike(params);
    }

    @Override
    public void step(double[][] params, double[][] grads, double rate) {
      for (int a = 0; a < params.length; a++) {
        double[] p = params[a];
        double[] g = grads[a];
        double[] v = velocity[a];
        for (int i = 0; i < p.length; i++) {
          v[i] = MU * v[i] - rate * g[i];
          p[i] += v[i];
        }
      }
    }
  }

  private static double[][] zerosLike(double[][] arrays) {
    double[][] zeros = new double[arrays.length][];
    for (int a = 0; a < arrays.length; a++) {
      zeros[a] = new double[arrays[a].length];
    }
    return zeros;
  }
}
