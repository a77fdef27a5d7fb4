package dev.matgrad.processor.ast;

/** The statements a @Differentiable body may contain. */
public sealed interface Stmt {
  Origin origin();

  /** {@code T name = init;} with {@code declaredType} one of double, double[], Matrix, int or var. */
  record Local(String name, String declaredType, Expr init, Origin origin) implements Stmt {}

  /** {@code name = value;} (compound assignments are read as {@code name = name op value}). */
  record Assign(String name, Expr value, Origin origin) implements Stmt {}

  /** {@code return value;} */
  record Return(Expr value, Origin origin) implements Stmt {}
}
