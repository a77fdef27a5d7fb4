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

/** The first-layer loss on PyTorch (DJL) and ND4J SameDiff; one state each, so one failing leaves the other. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {PeerSettings.TORCH_THREADS, PeerSettings.TORCH_INTEROP_THREADS, PeerSettings.DJL_OFFLINE})
public class FirstLayerPeerBench {
  @State(Scope.Thread)
  public static class Torch {
    @Param({"8", "64", "256", "1024"})
    public int size;

    double[] gradA;
    DjlTorch.FirstLayer torch;

    @Setup
    public void setUp() {
      Inputs.FirstLayer in = new Inputs.FirstLayer(size);
      gradA = new double[in.d * in.n];
      torch = new DjlTorch.FirstLayer(in);
      Agreement.Reference ref = Agreement.firstLayer(in);
      for (int call = 1; call <= 2; call++) {
        Agreement.poison(gradA);
        ref.check("PyTorch (DJL), call " + call, torch.valueAndGradient(gradA), gradA);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      torch.close();
    }
  }

  @State(Scope.Thread)
  public static class SameDiffState {
    @Param({"8", "64", "256", "1024"})
    public int size;

    double[] gradA;
    Nd4jSameDiff.FirstLayer sameDiff;

    @Setup
    public void setUp() {
      Inputs.FirstLayer in = new Inputs.FirstLayer(size);
      gradA = new double[in.d * in.n];
      sameDiff = new Nd4jSameDiff.FirstLayer(in);
      Agreement.Reference ref = Agreement.firstLayer(in);
      for (int call = 1; call <= 2; call++) {
        Agreement.poison(gradA);
        ref.check("ND4J SameDiff, call " + call, sameDiff.valueAndGradient(gradA), gradA);
      }
    }
  }

  @Benchmark
  public double pytorch(Torch s) {
    return s.torch.valueAndGradient(s.gradA);
  }

  @Benchmark
  public double samediff(SameDiffState s) {
    return s.sameDiff.valueAndGradient(s.gradA);
  }
}
