package dev.matgrad.bench.peers;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.matgrad.Matrix;
import dev.matgrad.bench.Inputs;

/**
 * The cases on PyTorch through DJL, in float64 like everything else here, on one thread (the
 * benchmark forks set {@code ai.djl.pytorch.num_threads=1} and {@code num_interop_threads=1}).
 * Each call records the graph, runs backward, and copies the gradients out into Java arrays; the
 * intermediates are freed by an {@link NDScope} per call.
 */
public final class DjlTorch {
  private DjlTorch() {}

  static NDManager newManager() {
    return NDManager.newBaseManager(Device.cpu(), "PyTorch");
  }

  static NDArray create(NDManager manager, Matrix m, boolean requiresGradient) {
    NDArray a = manager.create(m.data(), new Shape(m.rows(), m.cols()));
    a.setRequiresGradient(requiresGradient);
    return a;
  }

  static NDArray column(NDManager manager, double[] v, boolean requiresGradient) {
    NDArray a = manager.create(v, new Shape(v.length, 1));
    a.setRequiresGradient(requiresGradient);
    return a;
  }

  /**
   * Copies a gradient out and zeroes it in place: PyTorch adds each backward pass to the stored
   * gradient. (The collector's zeroGradients() would walk every array of every manager.)
   */
  static void copyGradient(NDArray variable, double[] into) {
    NDArray gradient = variable.getGradient();
    System.arraycopy(gradient.toDoubleArray(), 0, into, 0, into.length);
    gradient.muli(0.0);
  }

  static GradientCollector collector() {
    return Engine.getEngine("PyTorch").newGradientCollector();
  }

  public static final class FirstLayer implements AutoCloseable {
    private final NDManager manager = newManager();
    private final NDArray A;
    private final NDArray B;
    private final NDArray x;
    private final NDArray c;

    public FirstLayer(Inputs.FirstLayer in) {
      A = create(manager, in.A, true);
      B = create(manager, in.B, false);
      x = column(manager, in.x, false);
      c = column(manager, in.c, false);
    }

    public double valueAndGradient(double[] gradA) {
      try (NDScope scope = new NDScope(); GradientCollector gc = collector()) {
        NDArray h = Activation.sigmoid(A.transpose().matMul(x));
        NDArray loss = B.transpose().matMul(h).sub(c).square().sum();
        gc.backward(loss);
        copyGradient(A, gradA);
        return loss.getDouble();
      }
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  public static final class Mlp implements AutoCloseable {
    private final NDManager manager = newManager();
    private final NDArray W1;
    private final NDArray b1;
    private final NDArray W2;
    private final NDArray b2;
    private final NDArray X;
    private final NDArray Y;
    private final int batch;

    public Mlp(Inputs.Mlp in) {
      W1 = create(manager, in.W1, true);
      b1 = column(manager, in.b1, true);
      W2 = create(manager, in.W2, true);
      b2 = column(manager, in.b2, true);
      X = create(manager, in.X, false);
      Y = create(manager, in.Y, false);
      batch = in.batch;
    }

    public double valueAndGradient(double[] gW1, double[] gb1, double[] gW2, double[] gb2) {
      try (NDScope scope = new NDScope(); GradientCollector gc = collector()) {
        NDArray hidden = Activation.relu(W1.matMul(X).add(b1));
        NDArray logits = W2.matMul(hidden).add(b2);
        NDArray loss = Y.mul(logits.logSoftmax(0)).sum().neg().div(batch);
        gc.backward(loss);
        copyGradient(W1, gW1);
        copyGradient(b1, gb1);
        copyGradient(W2, gW2);
        copyGradient(b2, gb2);
        return loss.getDouble();
      }
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  /** trace(Xᵀ A X) written as sum(X ⊙ (A X)): one product instead of two, in the library's favour. */
  public static final class Trace implements AutoCloseable {
    private final NDManager manager = newManager();
    private final NDArray X;
    private final NDArray A;

    public Trace(Inputs.Trace in) {
      X = create(manager, in.X, true);
      A = create(manager, in.A, false);
    }

    public double valueAndGradient(double[] gradX) {
      try (NDScope scope = new NDScope(); GradientCollector gc = collector()) {
        NDArray value = X.mul(A.matMul(X)).sum();
        gc.backward(value);
        copyGradient(X, gradX);
        return value.getDouble();
      }
    }

    @Override
    public void close() {
      manager.close();
    }
  }
}
