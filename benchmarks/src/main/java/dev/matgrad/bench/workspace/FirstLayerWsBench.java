package dev.matgrad.bench.workspace;

import dev.matgrad.Workspace;
import dev.matgrad.bench.Agreement;
import dev.matgrad.bench.CasesGradients;
import dev.matgrad.bench.Inputs;
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

/** The generated first-layer gradient with a reusable {@link Workspace}: no allocation per call. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class FirstLayerWsBench {
  @Param({"8", "64", "256", "1024"})
  public int size;

  private Inputs.FirstLayer in;
  private double[] gradA;
  private Workspace ws;

  @Setup
  public void setUp() {
    in = new Inputs.FirstLayer(size);
    gradA = new double[in.d * in.n];
    ws = new Workspace();
    Agreement.Reference ref = Agreement.firstLayer(in);
    for (int call = 1; call <= 2; call++) {
      Agreement.poison(gradA);
      ref.check("generated with a workspace, call " + call, generatedWs(), gradA);
    }
  }

  @Benchmark
  public double generatedWs() {
    return CasesGradients.firstLayerLossGrad(in.A, in.B, in.x, in.c, gradA, ws);
  }
}
