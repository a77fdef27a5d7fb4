package dev.matgrad.bench;

import dev.matgrad.Matrix;
import java.util.Random;

/**
 * Deterministic inputs of the benchmark cases, scaled so that activations stay out of saturation
 * (a saturated sigmoid or dead ReLU would make gradients trivially cheap or trivially equal).
 */
public final class Inputs {
  private Inputs() {}

  /** ‖Bᵀ σ(Aᵀ x) − c‖² with d = n = m = size. */
  public static final class FirstLayer {
    public final int d;
    public final int n;
    public final int m;
    public final Matrix A;
    public final Matrix B;
    public final double[] x;
    public final double[] c;

    public FirstLayer(int size) {
      this(size, size, size, 1000L + size);
    }

    public FirstLayer(int d, int n, int m, long seed) {
      Random r = new Random(seed);
      this.d = d;
      this.n = n;
      this.m = m;
      A = gaussian(r, d, n, 1.0 / Math.sqrt(d));
      B = gaussian(r, n, m, 1.0 / Math.sqrt(n));
      x = gaussian(r, d, 1, 1.0).data();
      c = gaussian(r, m, 1, 1.0).data();
    }
  }

  /**
   * A ReLU MLP with softmax cross-entropy on a mini-batch: samples are the columns of X
   * (inputs × batch) and of the one-hot labels Y (classes × batch).
   */
  public static final class Mlp {
    public final int inputs;
    public final int hidden;
    public final int classes;
    public final int batch;
    public final Matrix W1;
    public final double[] b1;
    public final Matrix W2;
    public final double[] b2;
    public final Matrix X;
    public final Matrix Y;

    /** {@code shape} is "inputs-hidden-classesxbatch", e.g. "64-128-10x128". */
    public static Mlp of(String shape) {
      String[] layersAndBatch = shape.split("x");
      String[] layers = layersAndBatch[0].split("-");
      return new Mlp(Integer.parseInt(layers[0]), Integer.parseInt(layers[1]), Integer.parseInt(layers[2]),
          Integer.parseInt(layersAndBatch[1]), 2000L + shape.hashCode());
    }

    public Mlp(int inputs, int hidden, int classes, int batch, long seed) {
      Random r = new Random(seed);
      this.inputs = inputs;
      this.hidden = hidden;
      this.classes = classes;
      this.batch = batch;
      W1 = gaussian(r, hidden, inputs, Math.sqrt(2.0 / inputs));
      b1 = gaussian(r, hidden, 1, 0.1).data();
      W2 = gaussian(r, classes, hidden, Math.sqrt(1.0 / hidden));
      b2 = gaussian(r, classes, 1, 0.1).data();
      X = gaussian(r, inputs, batch, 1.0);
      double[] y = new double[classes * batch];
      for (int j = 0; j < batch; j++) {
        y[r.nextInt(classes) * batch + j] = 1.0;
      }
      Y = new Matrix(classes, batch, y);
    }
  }

  /** trace(Xᵀ A X) with X and A n×n. */
  public static final class Trace {
    public final int n;
    public final Matrix X;
    public final Matrix A;

    public Trace(int n) {
      Random r = new Random(3000L + n);
      this.n = n;
      X = gaussian(r, n, n, 1.0 / Math.sqrt(n));
      A = gaussian(r, n, n, 1.0 / Math.sqrt(n));
    }
  }

  /**
   * L2-regularised logistic regression: X is samples × features with entries of variance
   * 1/features, w standard normal (so Xw is about standard normal: σ' stays away from 0), labels
   * drawn from the model itself.
   */
  public static final class Logistic {
    public final int features;
    public final int samples;
    public final double[] w;
    public final Matrix X;
    public final double[] y;
    public final double lambda = 1e-3;

    public Logistic(int features, int samples) {
      Random r = new Random(4000L + 31L * features + samples);
      this.features = features;
      this.samples = samples;
      w = gaussian(r, features, 1, 1.0).data();
      X = gaussian(r, samples, features, 1.0 / Math.sqrt(features));
      y = new double[samples];
      double[] x = X.data();
      for (int i = 0; i < samples; i++) {
        double z = 0.0;
        for (int k = 0; k < features; k++) {
          z += x[i * features + k] * w[k];
        }
        y[i] = r.nextDouble() < 1.0 / (1.0 + Math.exp(-z)) ? 1.0 : 0.0;
      }
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
