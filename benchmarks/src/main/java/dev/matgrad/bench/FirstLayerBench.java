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

/** ‖Bᵀ σ(Aᵀ x) − c‖² w.r.t. A at d = n = m = size: the generated gradient and its baselines. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class FirstLayerBench {
  @Param({"8", "64", "256", "1024"})
  public int size;

  private Inputs.FirstLayer in;
  private double[] gradA;
  private HandForward.FirstLayer forward;
  private HandBackprop.FirstLayer hand;
  private EjmlBackprop.FirstLayer ejml;

  @Setup
  public void setUp() {
    in = new Inputs.FirstLayer(size);
    gradA = new double[in.d * in.n];
    forward = new HandForward.FirstLayer(in.n, in.m);
    hand = new HandBackprop.FirstLayer(in.n, in.m);
    ejml = new EjmlBackprop.FirstLayer(in, gradA);
    Agreement.Reference ref = Agreement.firstLayer(in);
    ref.checkValue("hand-written forward", forward());
    Agreement.poison(gradA);
    ref.check("hand-written backprop", handBackprop(), gradA);
    Agreement.poison(gradA);
    ref.check("EJML backprop", ejml(), gradA);
    Agreement.poison(gradA);
    ref.check("generated", generated(), gradA);
  }

  @Benchmark
  public double forward() {
    return forward.value(in.A, in.B, in.x, in.c);
  }

  @Benchmark
  public double generated() {
    return CasesGradients.firstLayerLossGrad(in.A, in.B, in.x, in.c, gradA);
  }

  @Benchmark
  public double handBackprop() {
    return hand.valueAndGradient(in.A, in.B, in.x, in.c, gradA);
  }

  @Benchmark
  public double ejml() {
    return ejml.valueAndGradient();
  }
}
