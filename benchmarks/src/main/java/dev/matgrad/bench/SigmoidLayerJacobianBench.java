package dev.matgrad.bench;

import dev.matgrad.Workspace;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The seed notes' σ-layer Jacobian ∂(Bᵀσ(Aᵀx))/∂x = A diag(σ'(Aᵀx)) B at d = n = m = size: the
 * generated {@code fJacobian} against the closed form written by hand.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class SigmoidLayerJacobianBench {
  @Param({"256"})
  public int size;

  private Inputs.FirstLayer in;
  private double[] jac;
  private HandSecondOrder.SigmoidLayerJacobian hand;
  private Workspace workspace;

  @Setup
  public void setUp() {
    in = new Inputs.FirstLayer(size);
    jac = new double[in.d * in.m];
    hand = new HandSecondOrder.SigmoidLayerJacobian(in.n, in.m);
    workspace = new Workspace();
    double[] reference = new double[in.d * in.m];
    CasesGradients.sigmoidLayerJacobian(in.A, in.B, in.x, reference);
    Agreement.poison(jac);
    generatedWs();
    Agreement.gradient("generated Jacobian with a Workspace", reference, jac);
    Agreement.poison(jac);
    hand();
    Agreement.gradient("hand-written A diag(σ') B", reference, jac);
  }

  @TearDown
  public void tearDown() {
    workspace.close();
  }

  @Benchmark
  public double[] generated() {
    CasesGradients.sigmoidLayerJacobian(in.A, in.B, in.x, jac);
    return jac;
  }

  @Benchmark
  public double[] generatedWs() {
    CasesGradients.sigmoidLayerJacobian(in.A, in.B, in.x, jac, workspace);
    return jac;
  }

  @Benchmark
  public double[] hand() {
    hand.jacobian(in.A, in.B, in.x, jac);
    return jac;
  }
}
