package dev.matgrad.processor.ir;

/**
 * A symbolic dimension: the rows or columns of a Matrix parameter, the length of a double[]
 * parameter, or the constant 1 (the columns of a vector). Equal dimensions are merged by {@link
 * Dims}; each merge of two parameter dimensions becomes a run-time check.
 */
public final class Dim {
  /** Which size of its parameter a dimension is. */
  public enum Role {
    ROWS, COLS, LENGTH, ONE,
    /** The value of an int parameter (new double[n]). */
    VALUE,
    /** An int constant (new double[3], new double[] {a, b, c}); its value is the "param". */
    CONSTANT
  }

  private final int id;
  private final String param;
  private final Role role;
  Dim parent = this;

  Dim(int id, String param, Role role) {
    this.id = id;
    this.param = param;
    this.role = role;
  }

  int id() {
    return id;
  }

  /** The parameter this dimension belongs to (null for ONE; a CONSTANT's value). */
  public String param() {
    return param;
  }

  /** Whether this dimension is a size or the value of a parameter (not 1 or a constant). */
  public boolean ofParameter() {
    return role != Role.ONE && role != Role.CONSTANT;
  }

  public Role role() {
    return role;
  }

  /** How a user would write it: {@code A.rows()}, {@code x.length}, {@code 1}. */
  @Override
  public String toString() {
    return switch (role) {
      case ROWS -> param + ".rows()";
      case COLS -> param + ".cols()";
      case LENGTH -> param + ".length";
      case ONE -> "1";
      case VALUE, CONSTANT -> param;
    };
  }
}
