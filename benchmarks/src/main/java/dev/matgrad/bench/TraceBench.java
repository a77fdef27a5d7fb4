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

/** trace(Xᵀ A X) w.r.t. X, X and A size×size. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class TraceBench {
  @Param({"256"})
  public int size;

  private Inputs.Trace in;
  private double[] gradX;
  private HandForward.Trace forward;
  private HandBackprop.Trace hand;
  private EjmlBackprop.Trace ejml;

  @Setup
  public void setUp() {
    in = new Inputs.Trace(size);
    gradX = new double[size * size];
    forward = new HandForward.Trace(size);
    hand = new HandBackprop.Trace();
    ejml = new EjmlBackprop.Trace(in, gradX);
    Agreement.Reference ref = Agreement.trace(in);
    ref.checkValue("hand-written forward", forward());
    Agreement.poison(gradX);
    ref.check("hand-written backprop", handBackprop(), gradX);
    Agreement.poison(gradX);
    ref.check("EJML backprop", ejml(), gradX);
    Agreement.poison(gradX);
    ref.check("generated", generated(), gradX);
  }

  @Benchmark
  public double forward() {
    return forward.value(in.X, in.A);
  }

  @Benchmark
  public double generated() {
    return CasesGradients.traceQuadraticGrad(in.X, in.A, gradX);
  }

  @Benchmark
  public double handBackprop() {
    return hand.valueAndGradient(in.X, in.A, gradX);
  }

  @Benchmark
  public double ejml() {
    return ejml.valueAndGradient();
  }
}
