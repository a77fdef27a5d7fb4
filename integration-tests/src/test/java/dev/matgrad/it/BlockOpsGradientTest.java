package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * concat, hstack, vstack and kron ({@link BlockOps}) on random shapes (each dimension drawn on
 * its own, so the blocks differ in size), against central differences (gradients, VJPs by the
 * dot-product test, Jacobians, JVPs, Workspace overloads: {@link GradientChecker#check}), and
 * kron's adjoints against their closed forms.
 */
class BlockOpsGradientTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {61, 62, 63, 64})
  void concat(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int m = in.dim();
    double[] a = in.vector(n);
    double[] b = in.vector(m);
    double[] c = in.vector(n + m);
    GradientChecker.Result r = GradientChecker.of(BlockOps.class, "concatOf").wrt(0, 1).check(a, b, c);
    // ∇_a ⟨c, (a; b)⟩ = c's head, ∇_b = its tail.
    assertArrayEquals(java.util.Arrays.copyOfRange(c, 0, n), r.grad(0), 0.0);
    assertArrayEquals(java.util.Arrays.copyOfRange(c, n, n + m), r.grad(1), 0.0);
    GradientChecker.Result valued = GradientChecker.of(BlockOps.class, "concatValued").check(a, b);
    assertArrayEquals(Ops.concat(a, b), valued.output, 0.0);
    GradientChecker.of(BlockOps.class, "concatInSecond").wrt(1).check(a, b);
    GradientChecker.of(BlockOps.class, "concatAgainst").wrt(0, 1).check(a, b, in.vector(n + m));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {61, 62, 63, 64})
  void hstack(long seed) {
    Inputs in = new Inputs(seed);
    int rows = in.dim();
    int n = in.dim();
    int p = in.dim();
    Matrix a = in.matrix(rows, n);
    Matrix b = in.matrix(rows, p);
    GradientChecker.Result r = GradientChecker.of(BlockOps.class, "hstackOf").wrt(0, 1)
        .check(a, b, in.matrix(rows, n + p));
    assertEquals(rows * n, r.grad(0).length);
    GradientChecker.Result valued = GradientChecker.of(BlockOps.class, "hstackValued").check(a, b);
    assertArrayEquals(Ops.hstack(a, b).data(), valued.output, 0.0);
    GradientChecker.of(BlockOps.class, "hstackInFirst").wrt(0).check(a, b);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {61, 62, 63, 64})
  void vstack(long seed) {
    Inputs in = new Inputs(seed);
    int m = in.dim();
    int p = in.dim();
    int cols = in.dim();
    Matrix a = in.matrix(m, cols);
    Matrix b = in.matrix(p, cols);
    GradientChecker.of(BlockOps.class, "vstackOf").wrt(0, 1).check(a, b, in.matrix(m + p, cols));
    GradientChecker.Result valued = GradientChecker.of(BlockOps.class, "vstackValued").check(a, b);
    assertArrayEquals(Ops.vstack(a, b).data(), valued.output, 0.0);
    GradientChecker.of(BlockOps.class, "vstackInSecond").wrt(1).check(a, b);
    GradientChecker.of(BlockOps.class, "stackedLayer").wrt(0, 1, 2)
        .check(a, b, in.vector(cols), in.vector(m + p));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {61, 62, 63, 64})
  void kron(long seed) {
    Inputs in = new Inputs(seed);
    int m = in.dim(1, 4);
    int n = in.dim(1, 4);
    int p = in.dim(1, 4);
    int q = in.dim(1, 4);
    Matrix a = in.matrix(m, n);
    Matrix b = in.matrix(p, q);
    Matrix c = in.matrix(m * p, n * q);
    GradientChecker.Result r = GradientChecker.of(BlockOps.class, "kronOf").wrt(0, 1).check(a, b, c);
    // Ā_ij = Σ_kl C_(ip+k, jq+l) B_kl and B̄_kl = Σ_ij C_(ip+k, jq+l) A_ij.
    double[] gradA = new double[m * n];
    double[] gradB = new double[p * q];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < p; k++) {
          for (int l = 0; l < q; l++) {
            double cij = c.get(i * p + k, j * q + l);
            gradA[i * n + j] += cij * b.get(k, l);
            gradB[k * q + l] += cij * a.get(i, j);
          }
        }
      }
    }
    Close.assertAllClose("Ā", gradA, r.grad(0), 1e-13, 1e-13);
    Close.assertAllClose("B̄", gradB, r.grad(1), 1e-13, 1e-13);
    GradientChecker.Result valued = GradientChecker.of(BlockOps.class, "kronValued").check(a, b);
    assertArrayEquals(Ops.kron(a, b).data(), valued.output, 0.0);
    GradientChecker.of(BlockOps.class, "kronOfItself").check(in.matrix(m, n));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {61, 62, 63})
  void blocksOfBlocks(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim(1, 4);
    GradientChecker.of(BlockOps.class, "nested").check(in.matrix(n, n), in.matrix(n, n));
  }

  @Test
  void aSizeThatIsASumIsCheckedBeforeAnythingIsWritten() throws Exception {
    Class<?> generated = GradientChecker.gradientsClass(BlockOps.class);
    Method grad = generated.getMethod("concatAgainstGrad", double[].class, double[].class,
        double[].class, double[].class, double[].class);
    double[] ga = {7.0, 7.0};
    double[] gb = {7.0};
    InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
        () -> grad.invoke(null, new double[2], new double[1], new double[4], ga, gb));
    IllegalArgumentException e = (IllegalArgumentException) thrown.getCause();
    assertTrue(e.getMessage().contains("a.length + b.length == y.length"), e.getMessage());
    assertTrue(e.getMessage().contains("a has length 2 and b has length 1 and y has length 4"),
        e.getMessage());
    assertArrayEquals(new double[] {7.0, 7.0}, ga, 0.0);
    assertArrayEquals(new double[] {7.0}, gb, 0.0);
    Method stacked = generated.getMethod("vstackOfGrad", Matrix.class, Matrix.class, Matrix.class,
        double[].class, double[].class);
    InvocationTargetException wrongCols = assertThrows(InvocationTargetException.class,
        () -> stacked.invoke(null, Matrix.zeros(2, 3), Matrix.zeros(1, 2), Matrix.zeros(3, 3),
            new double[6], new double[2]));
    assertTrue(wrongCols.getCause().getMessage().contains("A.cols() == B.cols()"),
        wrongCols.getCause().getMessage());
  }

  @Test
  void everyFixtureIsChecked() {
    assertEquals(new TreeSet<>(List.of("concatOf", "concatValued", "concatInSecond", "hstackOf",
            "hstackValued", "hstackInFirst", "vstackOf", "vstackValued", "vstackInSecond", "kronOf",
            "kronValued", "kronOfItself", "stackedLayer", "concatAgainst", "nested")),
        ElementwiseOpsGradientTest.fixtureNames(BlockOps.class));
  }
}
