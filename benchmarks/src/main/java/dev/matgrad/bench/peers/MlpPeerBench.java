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

/** The MLP loss on PyTorch (DJL) and ND4J SameDiff. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {PeerSettings.TORCH_THREADS, PeerSettings.TORCH_INTEROP_THREADS, PeerSettings.DJL_OFFLINE})
public class MlpPeerBench {
  /** Gradient arrays and the generated reference for one shape. */
  @State(Scope.Thread)
  public abstract static class Base {
    @Param({"64-128-10x128", "784-512-10x256"})
    public String shape;

    Inputs.Mlp in;
    double[] gW1;
    double[] gb1;
    double[] gW2;
    double[] gb2;

    Agreement.Reference prepare() {
      in = Inputs.Mlp.of(shape);
      gW1 = new double[in.hidden * in.inputs];
      gb1 = new double[in.hidden];
      gW2 = new double[in.classes * in.hidden];
      gb2 = new double[in.classes];
      return Agreement.mlp(in);
    }

    abstract double run();

    void check(String what, Agreement.Reference ref) {
      for (int call = 1; call <= 2; call++) {
        Agreement.poison(gW1, gb1, gW2, gb2);
        ref.check(what + ", call " + call, run(), gW1, gb1, gW2, gb2);
      }
    }
  }

  @State(Scope.Thread)
  public static class Torch extends Base {
    DjlTorch.Mlp torch;

    @Setup
    public void setUp() {
      Agreement.Reference ref = prepare();
      torch = new DjlTorch.Mlp(in);
      check("PyTorch (DJL)", ref);
    }

    @Override
    double run() {
      return torch.valueAndGradient(gW1, gb1, gW2, gb2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      torch.close();
    }
  }

  @State(Scope.Thread)
  public static class SameDiffState extends Base {
    Nd4jSameDiff.Mlp sameDiff;

    @Setup
    public void setUp() {
      Agreement.Reference ref = prepare();
      sameDiff = new Nd4jSameDiff.Mlp(in);
      check("ND4J SameDiff", ref);
    }

    @Override
    double run() {
      return sameDiff.valueAndGradient(gW1, gb1, gW2, gb2);
    }
  }

  @Benchmark
  public double pytorch(Torch s) {
    return s.run();
  }

  @Benchmark
  public double samediff(SameDiffState s) {
    return s.run();
  }
}
