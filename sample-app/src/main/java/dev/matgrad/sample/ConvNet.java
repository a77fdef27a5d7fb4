package dev.matgrad.sample;

import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import dev.matgrad.Workspace;
import java.util.Random;

/**
 * The parameters of one {@link ConvNetwork}: K (C×9), k (C), V1 (16C×H), b1 (H), V2 (H×10),
 * b2 (10), and the arrays its generated gradient writes.
 */
final class ConvNet implements Model {
  final Matrix kernels;
  final double[] kernelBias;
  final Matrix v1;
  final double[] b1;
  final Matrix v2;
  final double[] b2;
  private final double[][] gradients;

  ConvNet(int filters, int hidden, Random random) {
    // He initialisation, each layer scaled by its fan-in, for the relus that follow.
    kernels = gaussian(filters, ConvNetwork.TAPS, Math.sqrt(2.0 / ConvNetwork.TAPS), random);
    kernelBias = new double[filters];
    int features = ConvNetwork.POOLED * filters;
    v1 = gaussian(features, hidden, Math.sqrt(2.0 / features), random);
    b1 = new double[hidden];
    v2 = gaussian(hidden, Digits.CLASSES, Math.sqrt(1.0 / hidden), random);
    b2 = new double[Digits.CLASSES];
    gradients = new double[][] {
      new double[filters * ConvNetwork.TAPS], new double[filters], new double[features * hidden],
      new double[hidden], new double[hidden * Digits.CLASSES], new double[Digits.CLASSES]};
  }

  @Override
  public double[][] parameters() {
    return new double[][] {kernels.data(), kernelBias, v1.data(), b1, v2.data(), b2};
  }

  @Override
  public double[][] gradients() {
    return gradients;
  }

  @Override
  public double lossAndGradient(Matrix x, Matrix y, double decay, Workspace ws) {
    double[][] g = gradients;
    return ConvNetworkGradients.lossGrad(kernels, kernelBias, v1, b1, v2, b2, x, y, decay,
        g[0], g[1], g[2], g[3], g[4], g[5], ws);
  }

  @Override
  public Matrix probabilities(Matrix x) {
    return Ops.softmax(ConvNetwork.logits(kernels, kernelBias, v1, b1, v2, b2, x));
  }

  private static Matrix gaussian(int rows, int cols, double scale, Random random) {
    double[] data = new double[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = scale * random.nextGaussian();
    }
    return new Matrix(rows, cols, data);
  }
}
