package dev.matgrad.bench.loops;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loop benchmarks' set-up checks at small and benchmarked sizes: each hand-written adjoint
 * and the workspace calls agree with the generated value and gradient (set-up throws if not).
 */
class LoopAgreementTest {
  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {2, 3, 17, 10000})
  void rosenbrock(int size) {
    RosenbrockLoopBench b = new RosenbrockLoopBench();
    b.size = size;
    b.setUp();
  }

  @ParameterizedTest(name = "{0} particles")
  @ValueSource(ints = {2, 5, 27, 64})
  void lennardJones(int size) {
    LennardJonesBench b = new LennardJonesBench();
    b.size = size;
    b.setUp();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1-1x1", "5-3x4", "16-8x9", "128-32x64"})
  void rnn(String shape) {
    RnnLoopBench b = new RnnLoopBench();
    b.shape = shape;
    b.setUp();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1-1x1", "2-3x5", "8-128x32"})
  void conv(String shape) {
    ConvLoopBench b = new ConvLoopBench();
    b.shape = shape;
    b.setUp();
  }
}
