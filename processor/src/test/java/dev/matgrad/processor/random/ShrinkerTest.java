package dev.matgrad.processor.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.processor.random.ProgramChecker.Options;
import dev.matgrad.processor.random.ProgramModel.Call;
import dev.matgrad.processor.random.ProgramModel.Decl;
import dev.matgrad.processor.random.ProgramModel.Lit;
import dev.matgrad.processor.random.ProgramModel.MethodModel;
import dev.matgrad.processor.random.ProgramModel.Name;
import dev.matgrad.processor.random.ProgramModel.St;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shrinker on artificial failures, so that it is known to work when the fuzzer finds no real
 * one: "the program calls op X" (a predicate on the text) and a compile error planted in a
 * generated program (the fuzzer's own "fails the same way" through javac and the processor).
 */
class ShrinkerTest {
  /**
   * The first straight-line program of the seed that calls op; several classes, methods and
   * locals. (Shrinking loops and branches can leave code javac rejects, which these tests
   * compile: that is not what they test.)
   */
  private static ProgramModel programCalling(String op, long seed) {
    for (int i = 0; i < 400; i++) {
      String text = RandomProgramsTest.generate(seed, i).text();
      ProgramModel p = ProgramModel.parse(text);
      if (p.calledNames().contains(op) && p.methods().size() >= 4 && !text.contains("for (")
          && !text.contains("if (") && !text.contains(" ? ")) {
        return p;
      }
    }
    throw new AssertionError("no program of seed " + seed + " calls " + op);
  }

  private static List<MethodModel> live(ProgramModel p) {
    return p.methods().stream().filter(Objects::nonNull).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"softmax", "trace", "addToEachColumn", "normP"})
  void shrinksToOneSmallMethodThatStillCallsTheOp(String op) {
    ProgramModel start = programCalling(op, 23);
    Shrinker.Result r = new Shrinker(c -> c.calledNames().contains(op), 60_000, 20_000)
        .shrink(start);
    ProgramModel small = r.program();
    String text = small.text();
    System.out.println("ShrinkerTest: a program calling " + op + " shrunk from "
        + Shrinker.size(start) + " to " + Shrinker.size(small) + " in " + r.tried()
        + " tries:\n" + text);
    assertTrue(small.calledNames().contains(op), text);
    // small, if not always minimal (an op may only reach a call through an argument)
    assertTrue(live(small).size() <= 2, text);
    for (MethodModel m : live(small)) {
      assertTrue(m.body().size() <= 2, text);
      assertTrue(ProgramModel.size(m.body()) <= 12, text);
      assertTrue(m.params().size() <= 3, text);
    }
    assertTrue(Shrinker.size(small) < Shrinker.size(start) / 2, text);
    // the shrunk program is still a valid program: it compiles without errors and warnings
    String signature = ProgramChecker.check(small.toProgram(), 1, new Options(1, 30, null, null))
        .signature();
    assertTrue(signature == null || signature.equals(ProgramChecker.HARNESS),
        signature + "\n" + text);
  }

  @Test
  void shrinksAPlantedCompileErrorWithTheFuzzersChecks() {
    ProgramModel start = programCalling("matmul", 5);
    // Math.ulp is not differentiable: matgrad reports it; plant it in a method others may call
    int target = 0;
    MethodModel m = start.methods().get(target);
    List<St> body = new ArrayList<>();
    body.add(new Decl(false, "double", "planted", new Call(new Name("Math"), "ulp",
        List.of(new Lit("2.0")))));
    body.addAll(m.body());
    ProgramModel planted = start.withMethod(target, m.withBody(body));
    Options options = new Options(1, 30, null, null);
    String signature = ProgramChecker.check(planted.toProgram(), 1, options).signature();
    assertNotNull(signature);
    assertTrue(signature.startsWith("compile error [matgrad:"), signature);
    Shrinker.Result r = new Shrinker(c -> signature.equals(
        ProgramChecker.check(c.toProgram(), 1, RandomProgramsTest.withDims(options, c))
            .signature()), 120_000, 400).shrink(planted);
    ProgramModel small = r.program();
    String text = small.text();
    System.out.println("ShrinkerTest: a planted " + signature + " shrunk from "
        + Shrinker.size(planted) + " to " + Shrinker.size(small) + " in " + r.tried()
        + " tries:\n" + text);
    assertEquals(signature, ProgramChecker.check(small.toProgram(), 1,
        RandomProgramsTest.withDims(options, small)).signature(), text);
    assertTrue(text.contains("Math.ulp(2.0)"), text);
    assertEquals(1, live(small).size(), text);
    assertTrue(live(small).get(0).body().size() <= 2, text);
    assertEquals(1, small.liveSources().size(), text);
    // the failure does not depend on dims: the smallest are pinned
    assertArrayEquals(new int[small.dims()], java.util.Arrays.stream(small.pinnedDims())
        .map(d -> d - 1).toArray(), text);
  }
}
