package dev.matgrad.processor.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.matgrad.processor.random.ProgramGenerator.Program;
import dev.matgrad.processor.random.ProgramGenerator.Type;
import dev.matgrad.processor.random.ProgramModel.MethodModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Programs read back as written: what the shrinker and the kept regressions rely on. */
class ProgramModelTest {
  @Test
  void generatedProgramsReadBackAndPrintTheSameAgain() {
    for (int i = 0; i < 300; i++) {
      Program p = RandomProgramsTest.generate(42, i);
      ProgramModel model = ProgramModel.parse(p.text());
      assertNull(RandomProgramsTest.sameUnits(p, model.toProgram()), p.text());
      String printed = model.text();
      assertEquals(printed, ProgramModel.parse(printed).text(), p.text());
    }
  }

  @Test
  void keptRegressionsRead() throws Exception {
    for (Path f : RegressionProgramsTest.files()) {
      ProgramModel model = ProgramModel.parse(Files.readString(f));
      assertEquals(model.text(), ProgramModel.parse(model.text()).text(), f.toString());
    }
  }

  @Test
  void shapesOfExpressions() {
    ProgramModel p = ProgramModel.parse("""
        // dims: d0=2 d1=3
        package rnd;

        public final class Shapes {
          // A0: Matrix[d0×d1], x1: double[d1], n2: int -> double[d0]
          @Differentiable(wrt = {"x1", "A0"})
          static double[] m0(Matrix A0, double[] x1, int n2) {
            var t0 = outer(matmul(A0, x1), softmax(x1));
            int k = n2 % 3;
            return matmul(t0, scale(k / 2, x1));
          }
        }
        """);
    assertArrayEquals(new int[] {2, 3}, p.pinnedDims());
    MethodModel m = p.methods().get(0);
    assertEquals("[A0, x1]", m.wrt().stream().map(ProgramGenerator.Param::name).toList()
        .toString());
    List<Map<String, Type>> envs = new ArrayList<>();
    p.walk(m, (path, env) -> envs.add(env));
    Map<String, Type> last = envs.get(envs.size() - 1);
    assertEquals(Type.matrix(0, 1), last.get("t0"));
    assertEquals(Type.INT, last.get("k"));
    ProgramModel.Ex ret = ProgramModel.expressionOf(m.body().get(2));
    assertEquals(Type.vector(0), p.typeOf(ret, last, m));
    assertEquals("matmul(t0, scale(k / 2, x1))", ProgramModel.print(ret));
  }

  @Test
  void controlFlowReadsBackAsWritten() {
    String body = """
        double s = 0.0;
        boolean c0 = x[0] > 0.3 && !(n >= 2);
        for (int i = x.length - 1; i >= 0; i -= 2) {
          for (int j = i + 1; x.length > j; j++) {
            s = 0.5 * s + (c0 || i == 0 ? x[j] : x[(i + 1) % x.length]);
          }
          if (i > 0) {
            s += 0.125 * x[i - 1];
          } else if (s < 0.5) {
            s = Math.tanh(s);
          } else {
            s = s * 0.5;
          }
        }
        if (s <= -0.3) {
          return s;
        }
        return 2.0 * s;
        """;
    List<ProgramModel.St> parsed = new ProgramModel.Parser(body).statements();
    StringBuilder printed = new StringBuilder();
    for (ProgramModel.St st : parsed) {
      ProgramModel.print(st, "", printed);
    }
    assertEquals(5, parsed.size());
    ProgramModel.Block loop = (ProgramModel.Block) parsed.get(2);
    assertEquals("for (int i = x.length - 1; i >= 0; i -= 2)", loop.head().print());
    StringBuilder twice = new StringBuilder();
    for (ProgramModel.St st : new ProgramModel.Parser(printed.toString()).statements()) {
      ProgramModel.print(st, "", twice);
    }
    assertEquals(printed.toString(), twice.toString());
  }
}
