package dev.matgrad;

import java.util.Arrays;

/**
 * Reusable scratch memory for generated gradient methods, so that a training loop allocates
 * nothing per call in steady state.
 *
 * <p>Every generated {@code fGrad}, {@code fVjp} and {@code fJacobian} has an overload taking a
 * {@code Workspace} as its last argument. The first calls size the workspace's buffers; later
 * calls with the same (or smaller) shapes reuse them. One workspace may serve several methods
 * and shapes: buffers only grow.
 *
 * <pre>{@code
 * Workspace ws = new Workspace();           // once, per thread
 * for (...) {
 *   double loss = LossesGradients.firstLayerLossGrad(A, B, x, c, gradA, ws);
 *   ...
 * }
 * }</pre>
 *
 * <p>A workspace is not thread-safe: give each thread its own. The overloads without a
 * workspace allocate their scratch memory per call and are safe to call from any thread.
 */
public final class Workspace {
  private static final double[] EMPTY = new double[0];

  private double[][] buffers = new double[8][];

  /** Creates an empty workspace; buffers are allocated on first use. */
  public Workspace() {
    Arrays.fill(buffers, EMPTY);
  }

  /**
   * Buffer number {@code slot}, at least {@code length} long. Its contents are whatever the last
   * user left there (generated code writes before it reads).
   *
   * @throws IllegalArgumentException if slot or length is negative
   */
  public double[] buffer(int slot, int length) {
    if (slot < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Workspace.buffer: slot and length must be >= 0, but slot is " + slot + " and length is " + length);
    }
    if (slot >= buffers.length) {
      int old = buffers.length;
      buffers = Arrays.copyOf(buffers, Math.max(slot + 1, 2 * old));
      Arrays.fill(buffers, old, buffers.length, EMPTY);
    }
    double[] b = buffers[slot];
    if (b.length < length) {
      b = new double[length];
      buffers[slot] = b;
    }
    return b;
  }

  /** The number of doubles held, over all buffers (for sizing and tests). */
  public long capacity() {
    long total = 0;
    for (double[] b : buffers) {
      total += b.length;
    }
    return total;
  }
}
