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

/**
 * The first-layer loss through general-purpose AD libraries working on scalars, at the sizes where
 * they are feasible (see {@link HipparchusForward} and {@link FinmathAad}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class FirstLayerTapeBench {
  @Param({"8", "64"})
  public int size;

  private double[] gradA;
  private HipparchusForward.FirstLayer hipparchus;
  private FinmathAad.FirstLayer finmath;

  @Setup
  public void setUp() {
    Inputs.FirstLayer in = new Inputs.FirstLayer(size);
    gradA = new double[in.d * in.n];
    hipparchus = new HipparchusForward.FirstLayer(in);
    finmath = new FinmathAad.FirstLayer(in);
    Agreement.Reference ref = Agreement.firstLayer(in);
    Agreement.poison(gradA);
    ref.check("Hipparchus Gradient", hipparchus(), gradA);
    Agreement.poison(gradA);
    ref.check("finmath AAD", finmath(), gradA);
  }

  @Benchmark
  public double hipparchus() {
    return hipparchus.valueAndGradient(gradA);
  }

  @Benchmark
  public double finmath() {
    return finmath.valueAndGradient(gradA);
  }
}
