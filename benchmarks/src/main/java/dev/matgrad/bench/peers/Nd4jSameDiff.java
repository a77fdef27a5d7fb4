package dev.matgrad.bench.peers;

import dev.matgrad.Matrix;
import dev.matgrad.bench.Inputs;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cases as ND4J SameDiff graphs (float64), built once; each call runs the forward and the
 * backward pass ({@code calculateGradientsAndOutputs}) and copies the gradients out. Threads are
 * limited by OMP_NUM_THREADS / OPENBLAS_NUM_THREADS, which the run script sets to 1.
 */
public final class Nd4jSameDiff {
  private Nd4jSameDiff() {}

  static {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  static INDArray array(Matrix m) {
    return Nd4j.create(m.data(), new long[] {m.rows(), m.cols()}, DataType.DOUBLE);
  }

  static INDArray column(double[] v) {
    return Nd4j.create(v, new long[] {v.length, 1}, DataType.DOUBLE);
  }

  /** A graph with one scalar output "loss", and the variables to differentiate. */
  static final class Graph {
    private final SameDiff sd;
    private final List<String> wrt;

    Graph(SameDiff sd, SDVariable loss, String... wrt) {
      this.sd = sd;
      loss.markAsLoss();
      this.wrt = List.of(wrt);
    }

    double run(double[]... gradients) {
      OutAndGrad result = sd.calculateGradientsAndOutputs(Collections.emptyMap(), List.of("loss"), wrt);
      Map<String, INDArray> g = result.getGradients();
      for (int i = 0; i < gradients.length; i++) {
        INDArray gi = g.get(wrt.get(i));
        double[] flat = gi.dup('c').data().asDouble();
        System.arraycopy(flat, 0, gradients[i], 0, gradients[i].length);
      }
      return result.getOutputs().get("loss").getDouble(0);
    }
  }

  public static final class FirstLayer {
    private final Graph graph;

    public FirstLayer(Inputs.FirstLayer in) {
      SameDiff sd = SameDiff.create();
      SDVariable A = sd.var("A", array(in.A));
      SDVariable B = sd.constant("B", array(in.B));
      SDVariable x = sd.constant("x", column(in.x));
      SDVariable c = sd.constant("c", column(in.c));
      SDVariable h = sd.nn.sigmoid(sd.mmul(A, x, true, false, false));
      SDVariable r = sd.mmul(B, h, true, false, false).sub(c);
      SDVariable loss = sd.sum("loss", r.mul(r));
      graph = new Graph(sd, loss, "A");
    }

    public double valueAndGradient(double[] gradA) {
      return graph.run(gradA);
    }
  }

  public static final class Mlp {
    private final Graph graph;

    public Mlp(Inputs.Mlp in) {
      SameDiff sd = SameDiff.create();
      SDVariable W1 = sd.var("W1", array(in.W1));
      SDVariable b1 = sd.var("b1", column(in.b1));
      SDVariable W2 = sd.var("W2", array(in.W2));
      SDVariable b2 = sd.var("b2", column(in.b2));
      SDVariable X = sd.constant("X", array(in.X));
      SDVariable labelsByRow = sd.constant("Yt", array(in.Y).transpose().dup('c'));
      SDVariable hidden = sd.nn.relu(sd.mmul(W1, X).add(b1), 0.0);
      SDVariable logits = sd.mmul(W2, hidden).add(b2);
      // Log-softmax over the last dimension of the transposed logits: logSoftmax(x, 0) cannot be
      // differentiated in 1.0.0-M2.1 (the gradient graph's clone fails on its dimension property).
      SDVariable logProbabilities = sd.nn.logSoftmax(sd.transpose(logits));
      SDVariable loss = sd.sum(labelsByRow.mul(logProbabilities)).mul("loss", -1.0 / in.batch);
      graph = new Graph(sd, loss, "W1", "b1", "W2", "b2");
    }

    public double valueAndGradient(double[] gW1, double[] gb1, double[] gW2, double[] gb2) {
      return graph.run(gW1, gb1, gW2, gb2);
    }
  }

  /** trace(Xᵀ A X) as sum(X ⊙ (A X)), as for PyTorch. */
  public static final class Trace {
    private final Graph graph;

    public Trace(Inputs.Trace in) {
      SameDiff sd = SameDiff.create();
      SDVariable X = sd.var("X", array(in.X));
      SDVariable A = sd.constant("A", array(in.A));
      SDVariable loss = sd.sum("loss", X.mul(sd.mmul(A, X)));
      graph = new Graph(sd, loss, "X");
    }

    public double valueAndGradient(double[] gradX) {
      return graph.run(gradX);
    }
  }
}
