package dev.matgrad.sample;

import dev.matgrad.Matrix;
import java.util.Locale;
import java.util.Random;

/**
 * The quick start: fits the first layer A of the seed notes' network to a teacher network by
 * stochastic gradient descent, using only the gradient matgrad generated at compile time
 * ({@code FirstLayerGradients.firstLayerLossGrad}), and checks that gradient against central
 * finite differences on the way.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int d = 8;
    int n = 16;
    int m = 4;
    int samples = 256;
    Random random = new Random(42);
    Matrix teacher = randomMatrix(d, n, random, 1.0);
    Matrix b = randomMatrix(n, m, random, 1.0 / Math.sqrt(n));
    double[][] xs = new double[samples][];
    double[][] cs = new double[samples][];
    for (int s = 0; s < samples; s++) {
      xs[s] = randomVector(d, random);
      cs[s] = dev.matgrad.Ops.matmul(dev.matgrad.Ops.transpose(b),
          dev.matgrad.Ops.sigmoid(dev.matgrad.Ops.matmul(dev.matgrad.Ops.transpose(teacher), xs[s])));
    }

    Matrix a = randomMatrix(d, n, random, 0.1);
    double[] gradA = new double[d * n];
    System.out.printf(Locale.ROOT, "gradient check at the start: max relative error %.2e%n",
        gradientCheck(a, b, xs[0], cs[0]));
    double rate = 0.5;
    for (int epoch = 1; epoch <= 30; epoch++) {
      double total = 0;
      for (int s = 0; s < samples; s++) {
        total += FirstLayerGradients.firstLayerLossGrad(a, b, xs[s], cs[s], gradA);
        double[] w = a.data();
        for (int i = 0; i < w.length; i++) {
          w[i] -= rate * gradA[i];
        }
      }
      if (epoch == 1 || epoch % 5 == 0) {
        System.out.printf(Locale.ROOT, "epoch %2d  mean loss %.6f%n", epoch, total / samples);
      }
    }
    System.out.printf(Locale.ROOT, "gradient check at the end:   max relative error %.2e%n",
        gradientCheck(a, b, xs[0], cs[0]));
  }

  /** The largest relative difference between matgrad's gradient and central differences. */
  static double gradientCheck(Matrix a, Matrix b, double[] x, double[] c) {
    double[] grad = new double[a.rows() * a.cols()];
    FirstLayerGradients.firstLayerLossGrad(a, b, x, c, grad);
    double worst = 0;
    double[] w = a.data();
    for (int i = 0; i < w.length; i++) {
      double saved = w[i];
      double h = 1e-6 * Math.max(1, Math.abs(saved));
      w[i] = saved + h;
      double up = FirstLayer.firstLayerLoss(a, b, x, c);
      w[i] = saved - h;
      double down = FirstLayer.firstLayerLoss(a, b, x, c);
      w[i] = saved;
      double numeric = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - grad[i]) / Math.max(1e-8, Math.abs(numeric) + Math.abs(grad[i])));
    }
    return worst;
  }

  private static Matrix randomMatrix(int rows, int cols, Random random, double scale) {
    double[] data = new double[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = scale * random.nextGaussian();
    }
    return new Matrix(rows, cols, data);
  }

  private static double[] randomVector(int size, Random random) {
    double[] v = new double[size];
    for (int i = 0; i < size; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }
}
