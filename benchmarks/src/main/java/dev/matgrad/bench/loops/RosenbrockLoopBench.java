package dev.matgrad.bench.loops;

import dev.matgrad.Workspace;
import dev.matgrad.bench.Agreement;
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

/** Rosenbrock written as a loop over n dimensions: generated vs an expert's fused adjoint loop. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class RosenbrockLoopBench {
  @Param({"10000"})
  public int size;

  private double[] x;
  private double[] g;
  private Workspace ws;

  @Setup
  public void setUp() {
    x = LoopInputs.rosenbrock(size);
    g = new double[size];
    ws = new Workspace();
    double[] ref = new double[size];
    double v = LoopCasesGradients.rosenbrockGrad(x, ref);
    Agreement.value("generated value vs LoopCases.rosenbrock", LoopCases.rosenbrock(x), v);
    Agreement.Reference reference = new Agreement.Reference(v, ref);
    reference.checkValue("forward", forward());
    Agreement.poison(g);
    reference.check("hand-written adjoint", handBackprop(), g);
    for (int call = 1; call <= 2; call++) {
      Agreement.poison(g);
      reference.check("generated with a workspace, call " + call, generatedWs(), g);
    }
  }

  /** The value alone: the user's loop itself, plain Java. */
  @Benchmark
  public double forward() {
    return LoopCases.rosenbrock(x);
  }

  @Benchmark
  public double generated() {
    return LoopCasesGradients.rosenbrockGrad(x, g);
  }

  @Benchmark
  public double generatedWs() {
    return LoopCasesGradients.rosenbrockGrad(x, g, ws);
  }

  @Benchmark
  public double handBackprop() {
    return LoopHand.rosenbrock(x, g);
  }
}
