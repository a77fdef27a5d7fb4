package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.GradCheck;
import dev.matgrad.Matrix;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The runtime's GradCheck, as a user calls it in a test, on methods the processor generated:
 * every kind it knows (gradient, JVP, Hessian-vector product, Hessian; VJP and Jacobian) passes.
 */
class GradCheckOnGeneratedCodeTest {
  private final Random random = new Random(11);

  @Test
  void everySecondOrderMethodPassesWithEveryKind() {
    check("quadraticForm", matrix(3, 3), vector(3));
    check("logistic", vector(3), matrix(5, 3), new double[] {0, 1, 1, 0, 1}, 0.1);
    check("tanhLayer", matrix(2, 3), vector(2), vector(3), vector(2));
    check("softmaxCrossEntropy", matrix(3, 2), matrix(2, 4), oneHot(3, 4));
    check("mixed", 0.7, vector(3), matrix(2, 2));
    check("product", 0.3, -1.2);
  }

  @Test
  void vectorValuedMethodsPassWithVjpJacobianAndJvp() {
    List<GradCheck.Result> results =
        GradCheck.of(SeedProblems.class, "sigmoidLayer").check(matrix(4, 3), matrix(3, 2), vector(4));
    Set<GradCheck.Kind> kinds = EnumSet.noneOf(GradCheck.Kind.class);
    results.forEach(r -> kinds.add(r.kind()));
    assertEquals(EnumSet.of(GradCheck.Kind.VJP, GradCheck.Kind.JACOBIAN, GradCheck.Kind.JVP), kinds);
  }

  private void check(String method, Object... args) {
    List<GradCheck.Result> results = GradCheck.of(SecondOrder.class, method).check(args);
    Set<GradCheck.Kind> kinds = EnumSet.noneOf(GradCheck.Kind.class);
    for (GradCheck.Result r : results) {
      kinds.add(r.kind());
      assertTrue(r.error() < 1e-7, r.label() + ": " + r.error());
    }
    assertEquals(EnumSet.of(GradCheck.Kind.GRAD, GradCheck.Kind.JVP, GradCheck.Kind.HVP,
        GradCheck.Kind.HESSIAN), kinds, method);
  }

  private double[] vector(int n) {
    return random.doubles(n, -1, 1).toArray();
  }

  private Matrix matrix(int rows, int cols) {
    return new Matrix(rows, cols, vector(rows * cols));
  }

  private Matrix oneHot(int rows, int cols) {
    Matrix m = Matrix.zeros(rows, cols);
    for (int j = 0; j < cols; j++) {
      m.data()[random.nextInt(rows) * cols + j] = 1;
    }
    return m;
  }
}
