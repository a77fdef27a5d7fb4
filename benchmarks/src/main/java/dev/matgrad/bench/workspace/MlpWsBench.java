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

/** The generated MLP gradient with a reusable {@link Workspace}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class MlpWsBench {
  @Param({"64-128-10x128", "784-512-10x256"})
  public String shape;

  private Inputs.Mlp in;
  private double[] gW1;
  private double[] gb1;
  private double[] gW2;
  private double[] gb2;
  private Workspace ws;

  @Setup
  public void setUp() {
    in = Inputs.Mlp.of(shape);
    gW1 = new double[in.hidden * in.inputs];
    gb1 = new double[in.hidden];
    gW2 = new double[in.classes * in.hidden];
    gb2 = new double[in.classes];
    ws = new Workspace();
    Agreement.Reference ref = Agreement.mlp(in);
    for (int call = 1; call <= 2; call++) {
      Agreement.poison(gW1, gb1, gW2, gb2);
      ref.check("generated with a workspace, call " + call, generatedWs(), gW1, gb1, gW2, gb2);
    }
  }

  @Benchmark
  public double generatedWs() {
    return CasesGradients.mlpLossGrad(in.W1, in.b1, in.W2, in.b2, in.X, in.Y, in.batch, gW1, gb1, gW2, gb2, ws);
  }
}
