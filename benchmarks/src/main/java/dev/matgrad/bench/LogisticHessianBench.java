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
 * Second derivatives of L2-regularised logistic regression (features weights, 2,000 samples):
 * the generated {@code fHessian} against the closed form Xᵀ D X / samples + 2λI written by hand
 * and against N Hessian-vector products along the unit vectors (the "N sweeps" way, one
 * generated {@code fHvp} per column); and {@code fHvp} against {@code fGrad} on the same model.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class LogisticHessianBench {
  @Param({"256"})
  public int features;

  @Param({"2000"})
  public int samples;

  private Inputs.Logistic in;
  private double[] hess;
  private double[] grad;
  private double[] dir;
  private double[] unit;
  private double[] hvp;
  private HandSecondOrder.LogisticHessian hand;
  private Workspace workspace;

  @Setup
  public void setUp() {
    in = new Inputs.Logistic(features, samples);
    int p = features;
    hess = new double[p * p];
    grad = new double[p];
    dir = Inputs.gaussian(new java.util.Random(5000L + p), p, 1, 1.0).data();
    unit = new double[p];
    hvp = new double[p];
    hand = new HandSecondOrder.LogisticHessian(samples);
    workspace = new Workspace();
    double[] reference = new double[p * p];
    CasesGradients.logisticHessian(in.w, in.X, in.y, in.lambda, reference);
    for (Runnable r : new Runnable[] {this::generatedWs, this::hand, this::hvpSweeps}) {
      Agreement.poison(hess);
      r.run();
      Agreement.gradient("Hessian", reference, hess);
    }
    double[] referenceGrad = new double[p];
    double v = CasesGradients.logisticGrad(in.w, in.X, in.y, in.lambda, referenceGrad);
    Agreement.value("generated value vs Cases.logistic", Cases.logistic(in.w, in.X, in.y, in.lambda), v);
    Agreement.poison(grad);
    Agreement.value("fGrad with a Workspace", v, grad());
    Agreement.gradient("fGrad with a Workspace", referenceGrad, grad);
    double[] referenceHvp = new double[p];
    for (int a = 0; a < p; a++) {
      for (int b = 0; b < p; b++) {
        referenceHvp[a] += reference[a * p + b] * dir[b];
      }
    }
    Agreement.poison(hvp);
    hvp();
    Agreement.gradient("fHvp vs fHessian times the direction", referenceHvp, hvp);
  }

  @TearDown
  public void tearDown() {
    workspace.close();
  }

  @Benchmark
  public double[] generated() {
    CasesGradients.logisticHessian(in.w, in.X, in.y, in.lambda, hess);
    return hess;
  }

  @Benchmark
  public double[] generatedWs() {
    CasesGradients.logisticHessian(in.w, in.X, in.y, in.lambda, hess, workspace);
    return hess;
  }

  @Benchmark
  public double[] hand() {
    hand.hessian(in.w, in.X, in.lambda, hess);
    return hess;
  }

  /** The Hessian column by column: fHvp along each unit vector, N sweeps in all. */
  @Benchmark
  public double[] hvpSweeps() {
    int p = features;
    for (int b = 0; b < p; b++) {
      unit[b] = 1.0;
      CasesGradients.logisticHvp(in.w, in.X, in.y, in.lambda, unit, hvp, workspace);
      unit[b] = 0.0;
      // The Hessian is symmetric: column b written as row b, in storage order.
      System.arraycopy(hvp, 0, hess, b * p, p);
    }
    return hess;
  }

  @Benchmark
  public double grad() {
    return CasesGradients.logisticGrad(in.w, in.X, in.y, in.lambda, grad, workspace);
  }

  @Benchmark
  public double[] hvp() {
    CasesGradients.logisticHvp(in.w, in.X, in.y, in.lambda, dir, hvp, workspace);
    return hvp;
  }
}
