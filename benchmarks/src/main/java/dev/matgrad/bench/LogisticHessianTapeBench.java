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
 * The logistic loss's Hessian through Hipparchus {@link org.hipparchus.analysis.differentiation.DerivativeStructure}
 * at order 2 (see {@link HipparchusForward.LogisticHessian}), at a feature count where it
 * finishes in reasonable time, against the generated {@code fHessian} at the same size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class LogisticHessianTapeBench {
  @Param({"32"})
  public int features;

  @Param({"2000"})
  public int samples;

  private Inputs.Logistic in;
  private double[] hess;
  private HipparchusForward.LogisticHessian hipparchus;
  private Workspace workspace;

  @Setup
  public void setUp() {
    in = new Inputs.Logistic(features, samples);
    hess = new double[features * features];
    hipparchus = new HipparchusForward.LogisticHessian(in);
    workspace = new Workspace();
    double[] reference = new double[features * features];
    CasesGradients.logisticHessian(in.w, in.X, in.y, in.lambda, reference);
    Agreement.poison(hess);
    generatedWs();
    Agreement.gradient("generated Hessian with a Workspace", reference, hess);
    Agreement.poison(hess);
    double v = hipparchus.hessian(hess);
    Agreement.value("Hipparchus DerivativeStructure value", Cases.logistic(in.w, in.X, in.y, in.lambda), v);
    Agreement.gradient("Hipparchus DerivativeStructure Hessian", reference, hess);
  }

  @TearDown
  public void tearDown() {
    workspace.close();
  }

  @Benchmark
  public double[] generatedWs() {
    CasesGradients.logisticHessian(in.w, in.X, in.y, in.lambda, hess, workspace);
    return hess;
  }

  @Benchmark
  public double hipparchus() {
    return hipparchus.hessian(hess);
  }
}
