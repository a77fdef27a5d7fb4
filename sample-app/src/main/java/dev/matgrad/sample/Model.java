package dev.matgrad.sample;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;

/**
 * What the trainer needs of one network: its parameter arrays, the gradient matgrad generated for
 * its loss, and its forward pass. The two kinds are {@link Network} (the two-layer network) and
 * {@link ConvNet} (the convolutional one).
 */
interface Model {
  /** The parameter arrays, updated in place by the optimizer. */
  double[][] parameters();

  /** The arrays {@link #lossAndGradient} writes, in the order of {@link #parameters()}. */
  double[][] gradients();

  /**
   * The batch loss, with its gradient with respect to every parameter written into
   * {@link #gradients()}; scratch arrays come from {@code ws}, so a step allocates nothing.
   */
  double lossAndGradient(Matrix x, Matrix y, double decay, Workspace ws);

  /** Class probabilities (10×N) of the images in the columns of {@code x}. */
  Matrix probabilities(Matrix x);
}
