package dev.matgrad.bench.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.processor.DifferentiableProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor-cost source set compiles with the processor, every template included. */
class SourceSetTest {
  @Test
  void hasExactlyTheMethodsAskedFor() {
    for (int n : new int[] {1, 15, 16, 200}) {
      assertEquals(n, SourceSet.countMethods(SourceSet.generate(n, 20, 7L)));
    }
  }

  @Test
  void compilesWithTheProcessor(@TempDir Path dir) throws Exception {
    List<SourceSet.Unit> units = SourceSet.generate(34, 17, 42L);
    ProcessorCost.TimedProcessor timed = new ProcessorCost.TimedProcessor(new DifferentiableProcessor());
    ProcessorCost.compile(ToolProvider.getSystemJavaCompiler(), units, dir.resolve("with"), timed);
    assertTrue(timed.nanos > 0);
    assertTrue(Files.exists(dir.resolve("with/classes/gen/Model0Gradients.class")));
    ProcessorCost.compile(ToolProvider.getSystemJavaCompiler(), units, dir.resolve("without"), null);
    assertTrue(Files.notExists(dir.resolve("without/classes/gen/Model0Gradients.class")));
  }
}
