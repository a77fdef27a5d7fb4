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

/** The generated trace(Xᵀ A X) gradient with a reusable {@link Workspace}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class TraceWsBench {
  @Param({"256"})
  public int size;

  private Inputs.Trace in;
  private double[] gradX;
  private Workspace ws;

  @Setup
  public void setUp() {
    in = new Inputs.Trace(size);
    gradX = new double[size * size];
    ws = new Workspace();
    Agreement.Reference ref = Agreement.trace(in);
    for (int call = 1; call <= 2; call++) {
      Agreement.poison(gradX);
      ref.check("generated with a workspace, call " + call, generatedWs(), gradX);
    }
  }

  @Benchmark
  public double generatedWs() {
    return CasesGradients.traceQuadraticGrad(in.X, in.A, gradX, ws);
  }
}
