package dev.matgrad.sample;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.util.Locale;

/**
 * The hidden layer's nonlinearity: each one is a pair of {@code @Differentiable} methods in
 * {@link DigitNetwork} and the gradient matgrad generated for its loss.
 */
public enum Activation {
  RELU {
    @Override
    double lossAndGradient(Network n, Matrix x, Matrix y, double decay, Network.Gradient g,
        Workspace ws) {
      return DigitNetworkGradients.reluLossGrad(
          n.w1, n.b1, n.w2, n.b2, x, y, decay, g.w1, g.b1, g.w2, g.b2, ws);
    }

    @Override
    Matrix logits(Network n, Matrix x) {
      return DigitNetwork.reluLogits(n.w1, n.b1, n.w2, n.b2, x);
    }
  },
  TANH {
    @Override
    double lossAndGradient(Network n, Matrix x, Matrix y, double decay, Network.Gradient g,
        Workspace ws) {
      return DigitNetworkGradients.tanhLossGrad(
          n.w1, n.b1, n.w2, n.b2, x, y, decay, g.w1, g.b1, g.w2, g.b2, ws);
    }

    @Override
    Matrix logits(Network n, Matrix x) {
      return DigitNetwork.tanhLogits(n.w1, n.b1, n.w2, n.b2, x);
    }
  },
  SIGMOID {
    @Override
    double lossAndGradient(Network n, Matrix x, Matrix y, double decay, Network.Gradient g,
        Workspace ws) {
      return DigitNetworkGradients.sigmoidLossGrad(
          n.w1, n.b1, n.w2, n.b2, x, y, decay, g.w1, g.b1, g.w2, g.b2, ws);
    }

    @Override
    Matrix logits(Network n, Matrix x) {
      return DigitNetwork.sigmoidLogits(n.w1, n.b1, n.w2, n.b2, x);
    }
  };

  /**
   * The batch loss, with its gradient with respect to every parameter written into {@code g};
   * scratch arrays come from {@code ws}, so a training step allocates nothing.
   */
  abstract double lossAndGradient(Network n, Matrix x, Matrix y, double decay, Network.Gradient g,
      Workspace ws);

  /** The forward pass: logits (10×B) of the images in the columns of {@code x}. */
  abstract Matrix logits(Network n, Matrix x);

  /** The name used on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
