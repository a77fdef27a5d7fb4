package dev.matgrad;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
 *
 * <p>A workspace also holds the packing buffers of the large matrix products ({@link Products}).
 * Created with {@code new Workspace(k)} for k &gt; 1, it lets those products use k threads (the
 * caller's and k − 1 daemon workers, started on first use). Every entry of a product is computed
 * the same way whatever k, so results are bit for bit the same with 1 thread or with k.
 */
public final class Workspace implements AutoCloseable {
  private static final double[] EMPTY = new double[0];

  private double[][] buffers = new double[8][];

  private final int threads;
  /** Per thread: the packed block of op(A) and the packed panel of op(B) of a product. */
  private final double[][] packedA;
  private final double[][] packedB;
  private ExecutorService workers;

  /** Creates an empty, single-threaded workspace; buffers are allocated on first use. */
  public Workspace() {
    this(1);
  }

  /**
   * Creates an empty workspace whose large matrix products may use {@code threads} threads.
   *
   * @throws IllegalArgumentException if threads is below 1
   */
  public Workspace(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("Workspace: threads must be >= 1, but is " + threads);
    }
    this.threads = threads;
    Arrays.fill(buffers, EMPTY);
    packedA = new double[threads][];
    packedB = new double[threads][];
    Arrays.fill(packedA, EMPTY);
    Arrays.fill(packedB, EMPTY);
  }

  /** The number of threads large products may use (1 unless given to the constructor). */
  public int threads() {
    return threads;
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
    for (int t = 0; t < threads; t++) {
      total += packedA[t].length + packedB[t].length;
    }
    return total;
  }

  /**
   * Stops the worker threads of a multi-threaded workspace (they are daemons, so this is only
   * needed to release them early). The workspace stays usable: workers restart when needed.
   */
  @Override
  public void close() {
    if (workers != null) {
      workers.shutdown();
      workers = null;
    }
  }

  double[] packedA(int thread, int length) {
    if (packedA[thread].length < length) {
      packedA[thread] = new double[length];
    }
    return packedA[thread];
  }

  double[] packedB(int thread, int length) {
    if (packedB[thread].length < length) {
      packedB[thread] = new double[length];
    }
    return packedB[thread];
  }

  /** The threads − 1 workers that share a product with the calling thread. */
  ExecutorService workers() {
    if (workers == null) {
      workers = Executors.newFixedThreadPool(threads - 1, task -> {
        Thread t = new Thread(task, "matgrad-products");
        t.setDaemon(true);
        return t;
      });
    }
    return workers;
  }
}
