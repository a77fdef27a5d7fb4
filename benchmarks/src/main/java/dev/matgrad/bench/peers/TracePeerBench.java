package dev.matgrad.bench.peers;

import dev.matgrad.bench.Agreement;
import dev.matgrad.bench.Inputs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** trace(Xᵀ A X) on PyTorch (DJL) and ND4J SameDiff. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {PeerSettings.TORCH_THREADS, PeerSettings.TORCH_INTEROP_THREADS, PeerSettings.DJL_OFFLINE})
public class TracePeerBench {
  @State(Scope.Thread)
  public static class Torch {
    @Param({"256"})
    public int size;

    double[] gradX;
    DjlTorch.Trace torch;

    @Setup
    public void setUp() {
      Inputs.Trace in = new Inputs.Trace(size);
      gradX = new double[size * size];
      torch = new DjlTorch.Trace(in);
      Agreement.Reference ref = Agreement.trace(in);
      for (int call = 1; call <= 2; call++) {
        Agreement.poison(gradX);
        ref.check("PyTorch (DJL), call " + call, torch.valueAndGradient(gradX), gradX);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      torch.close();
    }
  }

  @State(Scope.Thread)
  public static class SameDiffState {
    @Param({"256"})
    public int size;

    double[] gradX;
    Nd4jSameDiff.Trace sameDiff;

    @Setup
    public void setUp() {
      Inputs.Trace in = new Inputs.Trace(size);
      gradX = new double[size * size];
      sameDiff = new Nd4jSameDiff.Trace(in);
      Agreement.Reference ref = Agreement.trace(in);
      for (int call = 1; call <= 2; call++) {
        Agreement.poison(gradX);
        ref.check("ND4J SameDiff, call " + call, sameDiff.valueAndGradient(gradX), gradX);
      }
    }
  }

  @Benchmark
  public double pytorch(Torch s) {
    return s.torch.valueAndGradient(s.gradX);
  }

  @Benchmark
  public double samediff(SameDiffState s) {
    return s.sameDiff.valueAndGradient(s.gradX);
  }
}
