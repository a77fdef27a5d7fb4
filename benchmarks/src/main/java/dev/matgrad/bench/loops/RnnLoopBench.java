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

/**
 * An Elman RNN ("hidden-inputs x steps"), loss ‖h_T‖², w.r.t. W, U, b: generated vs hand-written
 * backpropagation through time over the stored hidden states.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class RnnLoopBench {
  @Param({"128-32x64"})
  public String shape;

  private LoopInputs.Rnn in;
  private double[] gW;
  private double[] gU;
  private double[] gb;
  private LoopHand.Rnn hand;
  private Workspace ws;

  @Setup
  public void setUp() {
    in = LoopInputs.Rnn.of(shape);
    gW = new double[in.hidden * in.hidden];
    gU = new double[in.hidden * in.inputs];
    gb = new double[in.hidden];
    hand = new LoopHand.Rnn(in.hidden, in.inputs, in.steps);
    ws = new Workspace();
    double[] rW = new double[gW.length];
    double[] rU = new double[gU.length];
    double[] rb = new double[gb.length];
    double v = LoopCasesGradients.rnnGrad(in.W, in.U, in.b, in.X, in.h0, rW, rU, rb);
    Agreement.value("generated value vs LoopCases.rnn", LoopCases.rnn(in.W, in.U, in.b, in.X, in.h0), v);
    Agreement.Reference reference = new Agreement.Reference(v, rW, rU, rb);
    reference.checkValue("hand-written forward", forward());
    Agreement.poison(gW, gU, gb);
    reference.check("hand-written BPTT", handBackprop(), gW, gU, gb);
    for (int call = 1; call <= 2; call++) {
      Agreement.poison(gW, gU, gb);
      reference.check("generated with a workspace, call " + call, generatedWs(), gW, gU, gb);
    }
  }

  @Benchmark
  public double forward() {
    return hand.value(in.W.data(), in.U.data(), in.b, in.X.data(), in.h0);
  }

  @Benchmark
  public double generated() {
    return LoopCasesGradients.rnnGrad(in.W, in.U, in.b, in.X, in.h0, gW, gU, gb);
  }

  @Benchmark
  public double generatedWs() {
    return LoopCasesGradients.rnnGrad(in.W, in.U, in.b, in.X, in.h0, gW, gU, gb, ws);
  }

  @Benchmark
  public double handBackprop() {
    return hand.valueAndGradient(in.W.data(), in.U.data(), in.b, in.X.data(), in.h0, gW, gU, gb);
  }
}
