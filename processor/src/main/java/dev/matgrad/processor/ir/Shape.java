package dev.matgrad.processor.ir;

/** A value's kind and symbolic size. Scalars are 1×1, vectors n×1, matrices rows×cols. */
public record Shape(Kind kind, Dim rows, Dim cols) {
  public static Shape scalar(Dims dims) {
    return new Shape(Kind.SCALAR, dims.one(), dims.one());
  }

  public static Shape integer(Dims dims) {
    return new Shape(Kind.INT, dims.one(), dims.one());
  }

  public static Shape vector(Dim length, Dims dims) {
    return new Shape(Kind.VECTOR, length, dims.one());
  }

  public static Shape matrix(Dim rows, Dim cols) {
    return new Shape(Kind.MATRIX, rows, cols);
  }

  public boolean isScalar() {
    return kind.isScalar();
  }

  public boolean isArray() {
    return kind.isArray();
  }

  /** The shape with its dimensions replaced by their representatives. */
  public Shape canonical(Dims dims) {
    return new Shape(kind, dims.find(rows), dims.find(cols));
  }

  private static String side(Dim d) {
    return d.isComposite() ? "(" + d + ")" : d.toString();
  }

  /** As a user reads it: double, double[A.rows()], Matrix[A.cols()×B.cols()]. */
  public String describe(Dims dims) {
    return switch (kind) {
      case INT, SCALAR -> kind.javaType();
      case VECTOR -> "double[" + dims.find(rows) + "]";
      case MATRIX -> "Matrix[" + side(dims.find(rows)) + "×" + side(dims.find(cols)) + "]";
    };
  }
}
