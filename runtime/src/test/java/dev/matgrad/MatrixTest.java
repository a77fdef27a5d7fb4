package dev.matgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatrixTest {

  @Test
  void constructorWrapsTheGivenArrayRowMajor() {
    double[] data = {1, 2, 3, 4, 5, 6};
    Matrix m = new Matrix(2, 3, data);
    assertEquals(2, m.rows());
    assertEquals(3, m.cols());
    assertSame(data, m.data());
    assertEquals(2.0, m.get(0, 1));
    assertEquals(4.0, m.get(1, 0));
    assertEquals(6.0, m.get(1, 2));
  }

  @Test
  void dataIsTheBackingArraySoWritesAreVisible() {
    Matrix m = Matrix.zeros(2, 2);
    m.data()[3] = 7.5;
    assertEquals(7.5, m.get(1, 1));
    assertSame(m.data(), m.data());
  }

  @ParameterizedTest
  @CsvSource({"2, 3, 5", "2, 3, 7", "0, 3, 1", "3, 0, 3", "1, 1, 0"})
  void constructorRejectsAWrongDataLength(int rows, int cols, int length) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Matrix(rows, cols, new double[length]));
    assertTrue(e.getMessage().contains(rows + "×" + cols), e.getMessage());
    assertTrue(e.getMessage().contains("length " + length), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"-1, 2", "2, -1", "-1, -1"})
  void constructorRejectsNegativeDimensions(int rows, int cols) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Matrix(rows, cols, new double[0]));
    assertTrue(e.getMessage().contains(rows + "×" + cols), e.getMessage());
  }

  @Test
  void constructorRejectsNullData() {
    assertThrows(NullPointerException.class, () -> new Matrix(1, 1, null));
  }

  @Test
  void emptyShapesAreAllowed() {
    assertEquals(0, new Matrix(0, 0, new double[0]).data().length);
    assertEquals(4, new Matrix(0, 4, new double[0]).cols());
    assertEquals(4, new Matrix(4, 0, new double[0]).rows());
  }

  @Test
  void ofListsEntriesRowByRow() {
    Matrix m = Matrix.of(2, 2, 1, 2, 3, 4);
    assertArrayEquals(new double[] {1, 2, 3, 4}, m.data());
    assertEquals(3.0, m.get(1, 0));
    assertThrows(IllegalArgumentException.class, () -> Matrix.of(2, 2, 1, 2, 3));
    assertThrows(IllegalArgumentException.class, () -> Matrix.of(-2, -2, 1, 2, 3, 4));
  }

  @Test
  void zerosIsAllZeroWithTheGivenShape() {
    Matrix z = Matrix.zeros(3, 4);
    assertEquals(3, z.rows());
    assertEquals(4, z.cols());
    assertArrayEquals(new double[12], z.data());
    assertEquals(0, Matrix.zeros(0, 5).data().length);
    assertThrows(IllegalArgumentException.class, () -> Matrix.zeros(-1, 3));
    assertThrows(IllegalArgumentException.class, () -> Matrix.zeros(3, -1));
  }

  @ParameterizedTest
  @CsvSource({"-1, 0", "0, -1", "2, 0", "0, 3", "2, 3"})
  void getChecksBounds(int i, int j) {
    Matrix m = Matrix.zeros(2, 3);
    IndexOutOfBoundsException e =
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(i, j));
    assertTrue(e.getMessage().contains("2×3"), e.getMessage());
  }

  @Test
  void setWritesTheEntryIntoTheBackingArray() {
    double[] data = new double[6];
    Matrix m = new Matrix(2, 3, data);
    m.set(1, 2, 7.5);
    m.set(0, 1, -2);
    assertEquals(7.5, m.get(1, 2));
    assertArrayEquals(new double[] {0, -2, 0, 0, 0, 7.5}, data);
    m.set(1, 2, Double.NaN);
    assertTrue(Double.isNaN(data[5]));
  }

  @ParameterizedTest
  @CsvSource({"-1, 0", "0, -1", "2, 0", "0, 3", "2, 3", "1, -1"})
  void setChecksBoundsAndWritesNothing(int i, int j) {
    Matrix m = Matrix.zeros(2, 3);
    IndexOutOfBoundsException e =
        assertThrows(IndexOutOfBoundsException.class, () -> m.set(i, j, 1.0));
    assertTrue(e.getMessage().contains("(" + i + ", " + j + ")"), e.getMessage());
    assertTrue(e.getMessage().contains("2×3"), e.getMessage());
    assertEquals(Matrix.zeros(2, 3), m);
  }

  @Test
  void setOnAnEmptyMatrixIsOutOfBounds() {
    assertThrows(IndexOutOfBoundsException.class, () -> Matrix.zeros(0, 3).set(0, 0, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> Matrix.zeros(3, 0).set(0, 0, 1));
  }

  @Test
  void equalsComparesShapeAndEntries() {
    Matrix a = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
    Matrix b = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertEquals(a, a);
    assertNotEquals(a, Matrix.of(3, 2, 1, 2, 3, 4, 5, 6), "same entries, other shape");
    assertNotEquals(a, Matrix.of(2, 3, 1, 2, 3, 4, 5, 7));
    assertNotEquals(a, null);
    assertNotEquals(a, (Object) a.data());
  }

  @Test
  void equalsFollowsDoubleCompareForNanAndSignedZero() {
    assertEquals(Matrix.of(1, 1, Double.NaN), Matrix.of(1, 1, Double.NaN));
    assertEquals(Matrix.of(1, 1, Double.NaN).hashCode(), Matrix.of(1, 1, Double.NaN).hashCode());
    assertNotEquals(Matrix.of(1, 1, 0.0), Matrix.of(1, 1, -0.0));
  }

  @Test
  void emptyMatricesOfDifferentShapesDiffer() {
    assertNotEquals(Matrix.zeros(0, 3), Matrix.zeros(3, 0));
    assertNotEquals(Matrix.zeros(0, 3).hashCode(), Matrix.zeros(3, 0).hashCode());
    assertEquals(Matrix.zeros(0, 3), new Matrix(0, 3, new double[0]));
  }

  @Test
  void toStringShowsShapeAndSmallMatrices() {
    assertEquals("Matrix 2×2 [[1.0, 2.0], [3.0, 4.0]]", Matrix.of(2, 2, 1, 2, 3, 4).toString());
    assertEquals("Matrix 1×3 [[1.0, -0.5, NaN]]",
        Matrix.of(1, 3, 1, -0.5, Double.NaN).toString());
    assertEquals("Matrix 0×0 []", Matrix.zeros(0, 0).toString());
    assertEquals("Matrix 2×0 [[], []]", Matrix.zeros(2, 0).toString());
    assertEquals("Matrix 9×9", Matrix.zeros(9, 9).toString(), "large matrices show only the shape");
  }
}
