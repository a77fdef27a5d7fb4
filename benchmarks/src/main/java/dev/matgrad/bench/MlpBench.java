package dev.matgrad.bench;

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

/** Mini-batch softmax cross-entropy of a ReLU MLP w.r.t. W1, b1, W2, b2 ("inputs-hidden-classes x batch"). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class MlpBench {
  @Param({"64-128-10x128", "784-512-10x256"})
  public String shape;

  private Inputs.Mlp in;
  private double[] gW1;
  private double[] gb1;
  private double[] gW2;
  private double[] gb2;
  private HandForward.Mlp forward;
  private HandBackprop.Mlp hand;
  private EjmlBackprop.Mlp ejml;

  @Setup
  public void setUp() {
    in = Inputs.Mlp.of(shape);
    gW1 = new double[in.hidden * in.inputs];
    gb1 = new double[in.hidden];
    gW2 = new double[in.classes * in.hidden];
    gb2 = new double[in.classes];
    forward = new HandForward.Mlp(in.hidden, in.classes, in.batch);
    hand = new HandBackprop.Mlp(in.hidden, in.classes, in.batch);
    ejml = new EjmlBackprop.Mlp(in, gW1, gb1, gW2, gb2);
    Agreement.Reference ref = Agreement.mlp(in);
    ref.checkValue("hand-written forward", forward());
    Agreement.poison(gW1, gb1, gW2, gb2);
    ref.check("hand-written backprop", handBackprop(), gW1, gb1, gW2, gb2);
    Agreement.poison(gW1, gb1, gW2, gb2);
    ref.check("EJML backprop", ejml(), gW1, gb1, gW2, gb2);
    Agreement.poison(gW1, gb1, gW2, gb2);
    ref.check("generated", generated(), gW1, gb1, gW2, gb2);
  }

  @Benchmark
  public double forward() {
    return forward.value(in.W1, in.b1, in.W2, in.b2, in.X, in.Y, in.batch);
  }

  @Benchmark
  public double generated() {
    return CasesGradients.mlpLossGrad(in.W1, in.b1, in.W2, in.b2, in.X, in.Y, in.batch, gW1, gb1, gW2, gb2);
  }

  @Benchmark
  public double handBackprop() {
    return hand.valueAndGradient(in.W1, in.b1, in.W2, in.b2, in.X, in.Y, in.batch, gW1, gb1, gW2, gb2);
  }

  @Benchmark
  public double ejml() {
    return ejml.valueAndGradient();
  }
}
