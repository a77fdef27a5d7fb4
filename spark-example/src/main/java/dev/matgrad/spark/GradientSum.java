package dev.matgrad.spark;

import java.io.Serializable;

/**
 * Σ over a set of images of each image's loss and its loss gradient, kept as batch size × the
 * batch mean that the generated gradient returns, so that sums over partitions of any sizes
 * divide back into the gradient of the mean over all their images.
 *
 * <p>{@link #add} adds in place (Spark's aggregate allows it) and an empty sum adopts the other's
 * arrays unchanged: adding a partition's sum to the zero value is exact, so with two partitions
 * the total does not depend on which task finished first.
 */
final class GradientSum implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Per parameter (W1, b1, W2, b2): Σ size · gradient; null while empty. */
  private double[][] sums;
  private double lossSum;
  private long count;

  static GradientSum empty() {
    return new GradientSum();
  }

  /** One batch: the generated method's mean loss and gradients over {@code size} images. */
  static GradientSum ofBatch(double meanLoss, double[][] meanGradients, int size) {
    GradientSum sum = new GradientSum();
    for (double[] gradient : meanGradients) {
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] *= size;
      }
    }
    sum.sums = meanGradients;
    sum.lossSum = meanLoss * size;
    sum.count = size;
    return sum;
  }

  GradientSum add(GradientSum other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    for (int a = 0; a < sums.length; a++) {
      double[] into = sums[a];
      double[] from = other.sums[a];
      for (int i = 0; i < into.length; i++) {
        into[i] += from[i];
      }
    }
    lossSum += other.lossSum;
    count += other.count;
    return this;
  }

  long count() {
    return count;
  }

  double lossSum() {
    return lossSum;
  }

  /** The gradient of the mean loss over all the images summed, written into {@code out}. */
  void meanGradientInto(double[][] out) {
    for (int a = 0; a < out.length; a++) {
      for (int i = 0; i < out[a].length; i++) {
        out[a][i] = sums[a][i] / count;
      }
    }
  }
}
