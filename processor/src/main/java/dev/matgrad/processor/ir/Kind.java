package dev.matgrad.processor.ir;

/** What a value is at run time. INT is a non-differentiable Java int (a size, index or count). */
public enum Kind {
  INT("int"),
  SCALAR("double"),
  VECTOR("double[]"),
  MATRIX("Matrix");

  private final String javaType;

  Kind(String javaType) {
    this.javaType = javaType;
  }

  /** The Java type a user writes for this kind. */
  public String javaType() {
    return javaType;
  }

  public boolean isScalar() {
    return this == INT || this == SCALAR;
  }

  public boolean isArray() {
    return this == VECTOR || this == MATRIX;
  }

  /**
   * Whether a value of kind {@code got} can be passed where this kind is expected: the same kind,
   * or an int where a double is wanted (Java's widening).
   */
  public boolean accepts(Kind got) {
    return got == this || (this == SCALAR && got == INT);
  }

  /** The kind named by a Java type as written, or null. */
  public static Kind ofJavaType(String type) {
    for (Kind k : values()) {
      if (k.javaType.equals(type)) {
        return k;
      }
    }
    return null;
  }
}
