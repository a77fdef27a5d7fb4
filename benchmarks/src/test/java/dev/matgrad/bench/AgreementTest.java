package dev.matgrad.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.matgrad.bench.workspace.FirstLayerWsBench;
import dev.matgrad.bench.workspace.MlpWsBench;
import dev.matgrad.bench.workspace.TraceWsBench;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmarks' own set-up checks, at small sizes: every baseline agrees with the generated
 * value and gradient (each set-up throws if one does not).
 */
class AgreementTest {
  @ParameterizedTest(name = "d=n=m={0}")
  @ValueSource(ints = {1, 3, 8, 17, 64})
  void firstLayerBaselines(int size) {
    FirstLayerBench b = new FirstLayerBench();
    b.size = size;
    b.setUp();
    FirstLayerWsBench ws = new FirstLayerWsBench();
    ws.size = size;
    ws.setUp();
  }

  @ParameterizedTest(name = "d=n=m={0}")
  @ValueSource(ints = {2, 5, 8})
  void firstLayerTapes(int size) {
    FirstLayerTapeBench b = new FirstLayerTapeBench();
    b.size = size;
    b.setUp();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"3-4-2x1", "5-7-3x6", "12-16-10x9", "64-128-10x128"})
  void mlp(String shape) {
    MlpBench b = new MlpBench();
    b.shape = shape;
    b.setUp();
    MlpWsBench ws = new MlpWsBench();
    ws.shape = shape;
    ws.setUp();
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {1, 4, 7, 32})
  void trace(int size) {
    TraceBench b = new TraceBench();
    b.size = size;
    b.setUp();
    TraceWsBench ws = new TraceWsBench();
    ws.size = size;
    ws.setUp();
  }

  @Test
  void aWrongGradientIsCaught() {
    Agreement.Reference ref = new Agreement.Reference(1.0, new double[] {1.0, -2.0, 3.0});
    ref.check("same", 1.0, new double[] {1.0, -2.0, 3.0 + 1e-12});
    assertThrows(IllegalStateException.class, () -> ref.check("off", 1.0, new double[] {1.0, -2.0, 3.001}));
    assertThrows(IllegalStateException.class, () -> ref.check("unwritten", 1.0, new double[] {1.0, Double.NaN, 3.0}));
    assertThrows(IllegalStateException.class, () -> ref.check("value", 1.01, new double[] {1.0, -2.0, 3.0}));
  }
}
