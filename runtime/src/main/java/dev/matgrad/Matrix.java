package dev.matgrad;

import java.util.Arrays;

/**
 * A dense {@code rows × cols} matrix of doubles stored row-major in one flat array: entry (i, j)
 * is {@code data()[i * cols + j]}.
 *
 * <p>{@link #data()} returns the backing array itself, so a matrix can be filled or updated in
 * place (for example by a gradient step) without copying.
 */
public final class Matrix {
  private final int rows;
  private final int cols;
  private final double[] data;

  /**
   * Wraps {@code data} (row-major, not copied) as a {@code rows × cols} matrix.
   *
   * @throws IllegalArgumentException if a dimension is negative or {@code data.length != rows * cols}
   * @throws NullPointerException if {@code data} is null
   */
  public Matrix(int rows, int cols, double[] data) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "Matrix dimensions must be non-negative, got " + rows + "×" + cols);
    }
    if (data == null) {
      throw new NullPointerException("data");
    }
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException(
          "a " + rows + "×" + cols + " Matrix needs " + ((long) rows * cols)
              + " entries, but data has length " + data.length);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  /** A {@code rows × cols} matrix from its entries listed row by row. */
  public static Matrix of(int rows, int cols, double... data) {
    return new Matrix(rows, cols, data);
  }

  /** A {@code rows × cols} matrix of zeros. */
  public static Matrix zeros(int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "Matrix dimensions must be non-negative, got " + rows + "×" + cols);
    }
    return new Matrix(rows, cols, new double[Math.multiplyExact(rows, cols)]);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The backing row-major array itself (not a copy). */
  public double[] data() {
    return data;
  }

  /** Entry (i, j), zero-based. */
  public double get(int i, int j) {
    if (i < 0 || i >= rows || j < 0 || j >= cols) {
      throw new IndexOutOfBoundsException(
          "(" + i + ", " + j + ") is outside a " + rows + "×" + cols + " Matrix");
    }
    return data[i * cols + j];
  }

  /**
   * Sets entry (i, j), zero-based, to {@code value}: a write into the backing array, so
   * {@code data()} shows it.
   *
   * @throws IndexOutOfBoundsException if (i, j) is outside the matrix, as {@link #get}
   */
  public void set(int i, int j, double value) {
    if (i < 0 || i >= rows || j < 0 || j >= cols) {
      throw new IndexOutOfBoundsException(
          "(" + i + ", " + j + ") is outside a " + rows + "×" + cols + " Matrix");
    }
    data[i * cols + j] = value;
  }

  /** Equal shape and equal entries ({@link Double#compare} semantics, as {@link Arrays#equals}). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Matrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + Arrays.hashCode(data);
  }

  /** The shape and, for small matrices, the rows: {@code Matrix 2×2 [[1.0, 2.0], [3.0, 4.0]]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Matrix ").append(rows).append('×').append(cols);
    if (rows * cols <= 64) {
      sb.append(" [");
      for (int i = 0; i < rows; i++) {
        sb.append(i == 0 ? "[" : ", [");
        for (int j = 0; j < cols; j++) {
          sb.append(j == 0 ? "" : ", ").append(data[i * cols + j]);
        }
        sb.append(']');
      }
      sb.append(']');
    }
    return sb.toString();
  }
}
