package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.matgrad.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link LocalsAndIndexing} against finite differences and exact values. */
class LocalsAndIndexingGradientTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {201, 202, 203})
  void reassignedLocalsAndElementReads(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim() + 1;
    int k = in.dim();
    GradientChecker.of(LocalsAndIndexing.class, "reassignedLocals").check(in.vector(n), in.scalar());
    GradientChecker.of(LocalsAndIndexing.class, "vectorElements").wrt(0).check(in.vector(n), n - 1);
    GradientChecker.of(LocalsAndIndexing.class, "matrixElements").wrt(0)
        .check(in.matrix(n, k), n - 1, k / 2);
  }

  @Test
  void elementReadsHaveOneHotGradients() {
    double[] x = {5, 6, 7};
    double[] grad = new double[3];
    // f = x1 (x0 + x1 + x2) + x2 x0
    double f = LocalsAndIndexingGradients.vectorElementsGrad(x, 1, grad);
    assertEquals(6 * 18 + 7 * 5, f);
    assertArrayEquals(new double[] {6 + 7, 6 + 18, 6 + 5}, grad);
  }

  @Test
  void anElementOutsideTheMatrixFailsAsMatrixGetDoes() {
    Matrix a = Matrix.of(2, 2, 1, 2, 3, 4);
    double[] grad = {9, 9, 9, 9};
    assertThrows(IndexOutOfBoundsException.class, () -> LocalsAndIndexing.matrixElements(a, 0, 2));
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
        () -> LocalsAndIndexingGradients.matrixElementsGrad(a, 0, 2, grad));
    assertEquals("(0, 2) is outside a 2×2 Matrix", e.getMessage());
    assertArrayEquals(new double[] {9, 9, 9, 9}, grad);
  }

  @Test
  void overloadsAreChosenByArgumentTypes() {
    Matrix x = Matrix.of(2, 2, 1, 2, 3, 4);
    double[] y = {5, 6};
    double[] gx = new double[4];
    double[] gy = new double[2];
    // f = (2 sum X)(sum y): ∂X = 2 sum y, ∂y = 2 sum X
    assertEquals(20 * 11, LocalsAndIndexingGradients.callsOverloadsGrad(x, y, gx, gy));
    assertArrayEquals(new double[] {22, 22, 22, 22}, gx);
    assertArrayEquals(new double[] {20, 20}, gy);
  }
}
