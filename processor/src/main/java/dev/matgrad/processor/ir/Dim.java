package dev.matgrad.processor.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * A symbolic dimension: the rows or columns of a Matrix parameter, the length of a double[]
 * parameter, the constant 1 (the columns of a vector), or the sum or product of two dimensions
 * (the length of concat(a, b), the rows of kron(A, B)), evaluated at run time from the
 * parameters' sizes. Equal dimensions are merged by {@link Dims}; each merge of two different
 * dimensions becomes a run-time check.
 */
public final class Dim {
  /** Which size of its parameter a dimension is, or how it is made of two others. */
  public enum Role {
    ROWS, COLS, LENGTH, ONE, SUM, PRODUCT,
    /** The value of an int parameter (new double[n]). */
    VALUE,
    /** An int constant (new double[3], new double[] {a, b, c}); its value is the "param". */
    CONSTANT,
    /**
     * A size of what a called method returns, known when it returns (a method with a rule whose
     * body matgrad cannot read); the "param" is how a user writes it, {@code firstK(x, k).length}.
     * The generated code calls such a method at its start, with the method's own arguments.
     */
    RETURNED
  }

  private final int id;
  private final String param;
  private final Role role;
  private final Dim left;
  private final Dim right;
  Dim parent = this;

  Dim(int id, String param, Role role) {
    this(id, param, role, null, null);
  }

  Dim(int id, String param, Role role, Dim left, Dim right) {
    this.id = id;
    this.param = param;
    this.role = role;
    this.left = left;
    this.right = right;
  }

  int id() {
    return id;
  }

  /**
   * The parameter this dimension belongs to (null for ONE and for sums and products; a
   * CONSTANT's value).
   */
  public String param() {
    return param;
  }

  public Role role() {
    return role;
  }

  /** Whether this dimension is a size or the value of a parameter (not 1, a constant or returned). */
  public boolean ofParameter() {
    return role != Role.ONE && role != Role.CONSTANT && role != Role.RETURNED;
  }

  /** Whether this is the sum or the product of two dimensions. */
  public boolean isComposite() {
    return role == Role.SUM || role == Role.PRODUCT;
  }

  /** The first operand of a sum or product (null otherwise). */
  public Dim left() {
    return left;
  }

  /** The second operand of a sum or product (null otherwise). */
  public Dim right() {
    return right;
  }

  /** The parameters whose sizes this dimension is made of, in order, each once. */
  public List<String> params() {
    List<String> out = new ArrayList<>();
    collect(out);
    return out;
  }

  private void collect(List<String> out) {
    if (isComposite()) {
      left.collect(out);
      right.collect(out);
    } else if (param != null && ofParameter() && !out.contains(param)) {
      out.add(param);
    }
  }

  /** The sizes of returned results this dimension is made of, in order, each once. */
  public List<Dim> returned() {
    List<Dim> out = new ArrayList<>();
    collectReturned(out);
    return out;
  }

  private void collectReturned(List<Dim> out) {
    if (isComposite()) {
      left.collectReturned(out);
      right.collectReturned(out);
    } else if (role == Role.RETURNED && !out.contains(this)) {
      out.add(this);
    }
  }

  /** How a user would write it: {@code A.rows()}, {@code x.length}, {@code 1}, {@code a.length + b.length}. */
  @Override
  public String toString() {
    return switch (role) {
      case ROWS -> param + ".rows()";
      case COLS -> param + ".cols()";
      case LENGTH -> param + ".length";
      case ONE -> "1";
      case SUM -> left + " + " + right;
      case PRODUCT -> factor(left) + " * " + factor(right);
      case VALUE, CONSTANT, RETURNED -> param;
    };
  }

  private static String factor(Dim d) {
    return d.role == Role.SUM ? "(" + d + ")" : d.toString();
  }
}
