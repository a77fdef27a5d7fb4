package dev.matgrad.bench.loops;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import dev.matgrad.bench.Agreement;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The sample application's convolutional network ("filters-hidden x batch"), one training step's
 * loss and gradient w.r.t. all six parameters: generated vs an expert's hand-written
 * convolution backprop, on one mini-batch of 8×8 images.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class ConvLoopBench {
  @Param({"8-128x32"})
  public String shape;

  /** The L2 penalty's weight: small, as in training, and not 0, so that its gradient counts. */
  static final double DECAY = 1e-4;
  static final int CLASSES = 10;

  private Matrix K;
  private double[] k;
  private Matrix V1;
  private double[] b1;
  private Matrix V2;
  private double[] b2;
  private Matrix X;
  private Matrix Y;
  private double[][] g;
  private ConvHand hand;
  private Workspace ws;

  @Setup
  public void setUp() {
    String[] p = shape.split("x");
    String[] s = p[0].split("-");
    int filters = Integer.parseInt(s[0]);
    int hidden = Integer.parseInt(s[1]);
    int batch = Integer.parseInt(p[1]);
    int features = ConvCases.POOLED * filters;
    Random r = new Random(6000L + 31L * filters + 7L * hidden + batch);
    K = LoopInputs.gaussian(r, filters, ConvCases.TAPS, Math.sqrt(2.0 / ConvCases.TAPS));
    k = LoopInputs.gaussian(r, filters, 1, 0.1).data();
    V1 = LoopInputs.gaussian(r, features, hidden, Math.sqrt(2.0 / features));
    b1 = LoopInputs.gaussian(r, hidden, 1, 0.1).data();
    V2 = LoopInputs.gaussian(r, hidden, CLASSES, Math.sqrt(1.0 / hidden));
    b2 = LoopInputs.gaussian(r, CLASSES, 1, 0.1).data();
    // Pixel intensities in [0, 1], as the app scales them, and one label per image.
    double[] x = new double[64 * batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextInt(17) / 16.0;
    }
    X = new Matrix(64, batch, x);
    Y = Matrix.zeros(CLASSES, batch);
    for (int j = 0; j < batch; j++) {
      Y.data()[r.nextInt(CLASSES) * batch + j] = 1.0;
    }
    g = new double[][] {new double[filters * ConvCases.TAPS], new double[filters],
        new double[features * hidden], new double[hidden], new double[hidden * CLASSES],
        new double[CLASSES]};
    hand = new ConvHand(filters, hidden, CLASSES, batch);
    ws = new Workspace();

    double[][] ref = new double[g.length][];
    for (int i = 0; i < g.length; i++) {
      ref[i] = new double[g[i].length];
    }
    double v = ConvCasesGradients.convLossGrad(K, k, V1, b1, V2, b2, X, Y, DECAY,
        ref[0], ref[1], ref[2], ref[3], ref[4], ref[5]);
    Agreement.value("generated value vs ConvCases.convLoss",
        ConvCases.convLoss(K, k, V1, b1, V2, b2, X, Y, DECAY), v);
    Agreement.Reference reference = new Agreement.Reference(v, ref);
    reference.checkValue("hand-written forward", forward());
    Agreement.poison(g);
    reference.check("hand-written conv backprop", handBackprop(), g);
    for (int call = 1; call <= 2; call++) {
      Agreement.poison(g);
      reference.check("generated with a workspace, call " + call, generatedWs(), g);
    }
  }

  @Benchmark
  public double forward() {
    return hand.value(K, k, V1, b1, V2, b2, X, Y, DECAY);
  }

  @Benchmark
  public double generated() {
    return ConvCasesGradients.convLossGrad(K, k, V1, b1, V2, b2, X, Y, DECAY,
        g[0], g[1], g[2], g[3], g[4], g[5]);
  }

  @Benchmark
  public double generatedWs() {
    return ConvCasesGradients.convLossGrad(K, k, V1, b1, V2, b2, X, Y, DECAY,
        g[0], g[1], g[2], g[3], g[4], g[5], ws);
  }

  @Benchmark
  public double handBackprop() {
    return hand.valueAndGradient(K, k, V1, b1, V2, b2, X, Y, DECAY,
        g[0], g[1], g[2], g[3], g[4], g[5]);
  }
}
