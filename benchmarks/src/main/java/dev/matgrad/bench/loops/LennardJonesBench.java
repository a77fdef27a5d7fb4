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

/** Lennard-Jones energy of n particles in 3-D over the pairs i < j: generated vs a hand adjoint. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class LennardJonesBench {
  @Param({"256"})
  public int size;

  private double[] x;
  private double[] g;
  private Workspace ws;

  @Setup
  public void setUp() {
    x = LoopInputs.particles(size);
    g = new double[3 * size];
    ws = new Workspace();
    double[] ref = new double[3 * size];
    double v = LoopCasesGradients.lennardJonesGrad(x, ref);
    Agreement.value("generated value vs LoopCases.lennardJones", LoopCases.lennardJones(x), v);
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
    return LoopCases.lennardJones(x);
  }

  @Benchmark
  public double generated() {
    return LoopCasesGradients.lennardJonesGrad(x, g);
  }

  @Benchmark
  public double generatedWs() {
    return LoopCasesGradients.lennardJonesGrad(x, g, ws);
  }

  @Benchmark
  public double handBackprop() {
    return LoopHand.lennardJones(x, g);
  }
}
