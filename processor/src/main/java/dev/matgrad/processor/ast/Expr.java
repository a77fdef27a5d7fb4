package dev.matgrad.processor.ast;

import java.util.List;

/**
 * The expressions a @Differentiable body may contain, read from the source without attribution.
 * Names are not resolved yet: that is the resolve pass's work.
 */
public sealed interface Expr {
  Origin origin();

  /** An int or double literal, or a named constant such as {@code Math.PI}. */
  record Literal(double value, boolean isInt, Origin origin) implements Expr {}

  /** A simple name: a parameter or local. */
  record Name(String name, Origin origin) implements Expr {}

  /**
   * A method call. {@code qualifier} is the dotted name before the method name ("" when
   * unqualified), e.g. "Ops", "Math", "dev.matgrad.Ops", "Layers", or a variable ("A" in
   * {@code A.rows()}).
   */
  record Call(String qualifier, String name, List<Expr> args, Origin origin) implements Expr {}

  /** {@code x.length}. */
  record Length(Expr target, Origin origin) implements Expr {}

  /** {@code C.NAME}: a field of a class, read only as a {@code static final} constant. */
  record Field(String qualifier, String name, Origin origin) implements Expr {}

  /** {@code x[i]}. */
  record Index(Expr array, Expr index, Origin origin) implements Expr {}

  /** Unary minus or plus. */
  record Unary(char operator, Expr operand, Origin origin) implements Expr {}

  /** One of {@code + - * / %}. */
  record Binary(char operator, Expr left, Expr right, Origin origin) implements Expr {}

  /** A comparison {@code < <= > >= == !=}: a condition. */
  record Compare(String operator, Expr left, Expr right, Origin origin) implements Expr {}

  /** {@code &&} or {@code ||} of conditions; the right operand is evaluated only when needed. */
  record Logical(String operator, Expr left, Expr right, Origin origin) implements Expr {}

  /** {@code !condition}. */
  record Not(Expr operand, Origin origin) implements Expr {}

  /** {@code true} or {@code false}. */
  record Bool(boolean value, Origin origin) implements Expr {}

  /** {@code condition ? a : b}. */
  record Conditional(Expr condition, Expr ifTrue, Expr ifFalse, Origin origin) implements Expr {}

  /** {@code new double[size]}: zeros. */
  record NewArray(Expr size, Origin origin) implements Expr {}

  /** {@code new double[] {a, b, ...}}. */
  record ArrayOf(List<Expr> elements, Origin origin) implements Expr {}

  /** {@code new Matrix(rows, cols, data)}. */
  record NewMatrix(Expr rows, Expr cols, Expr data, Origin origin) implements Expr {}

  /**
   * The local {@code target} after an element write: {@code y[i] = value} (one index) or
   * {@code M.set(i, j, value)} (two); {@code shown} is the element as written ({@code y[i]}).
   */
  record WithElement(String target, List<Expr> index, Expr value, String shown, Origin origin)
      implements Expr {}

  /** A cast to a primitive type, e.g. {@code (double) n}. */
  record Cast(String type, Expr operand, Origin origin) implements Expr {}

  /**
   * An expression the reader reported as unsupported, kept in its place so that reading and
   * resolving go on: its value is poisoned, and whatever depends on it is not reported again.
   */
  record Invalid(Origin origin) implements Expr {}
}
