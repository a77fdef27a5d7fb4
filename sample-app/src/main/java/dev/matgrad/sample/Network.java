package dev.matgrad.sample;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.util.Random;

/** The parameters of one two-layer network: W1 (64×H), b1 (H), W2 (H×10), b2 (10). */
public final class Network implements Model {
  final Activation activation;
  final Matrix w1;
  final double[] b1;
  final Matrix w2;
  final double[] b2;
  private final Gradient gradient;

  public Network(Activation activation, int hidden, Random random) {
    this.activation = activation;
    // He initialisation keeps relu's activations at a stable scale; 1/fan-in suits tanh and σ.
    double gain = activation == Activation.RELU ? 2.0 : 1.0;
    w1 = gaussian(Digits.PIXELS, hidden, Math.sqrt(gain / Digits.PIXELS), random);
    b1 = new double[hidden];
    w2 = gaussian(hidden, Digits.CLASSES, Math.sqrt(1.0 / hidden), random);
    b2 = new double[Digits.CLASSES];
    gradient = new Gradient(hidden);
  }

  int hidden() {
    return b1.length;
  }

  /** The parameter arrays in the order of {@link Gradient#arrays()}. */
  public double[][] arrays() {
    return new double[][] {w1.data(), b1, w2.data(), b2};
  }

  @Override
  public double[][] parameters() {
    return arrays();
  }

  @Override
  public double[][] gradients() {
    return gradient.arrays();
  }

  @Override
  public double lossAndGradient(Matrix x, Matrix y, double decay, Workspace ws) {
    return activation.lossAndGradient(this, x, y, decay, gradient, ws);
  }

  @Override
  public Matrix probabilities(Matrix x) {
    return dev.matgrad.Ops.softmax(activation.logits(this, x));
  }

  private static Matrix gaussian(int rows, int cols, double scale, Random random) {
    double[] data = new double[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = scale * random.nextGaussian();
    }
    return new Matrix(rows, cols, data);
  }

  /** Arrays the generated gradient method writes into, one per parameter. */
  static final class Gradient {
    final double[] w1;
    final double[] b1;
    final double[] w2;
    final double[] b2;

    Gradient(int hidden) {
      w1 = new double[Digits.PIXELS * hidden];
      b1 = new double[hidden];
      w2 = new double[hidden * Digits.CLASSES];
      b2 = new double[Digits.CLASSES];
    }

    double[][] arrays() {
      return new double[][] {w1, b1, w2, b2};
    }
  }
}
