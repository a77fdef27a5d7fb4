package dev.matgrad.processor.ast;

/** The statements a @Differentiable body may contain. */
public sealed interface Stmt {
  Origin origin();

  /**
   * {@code T name = init;} with {@code declaredType} one of double, double[], Matrix, int, boolean
   * or var; {@code init} is null for {@code T name;} (assigned later).
   */
  record Local(String name, String declaredType, Expr init, Origin origin) implements Stmt {}

  /** {@code name = value;} (compound assignments are read as {@code name = name op value}). */
  record Assign(String name, Expr value, Origin origin) implements Stmt {}

  /**
   * {@code for (int index = start; index comparison end; index += step) body}, the condition
   * written with the index on the left and the step signed ({@code i--} is a step of −1).
   */
  record For(String index, Expr start, String comparison, Expr end, Expr step,
      java.util.List<Stmt> body, Origin origin) implements Stmt {}

  /** {@code while (condition) body}: the number of iterations is known only as it runs. */
  record While(Expr condition, java.util.List<Stmt> body, Origin origin) implements Stmt {}

  /** {@code if (condition) then else otherwise}; {@code otherwise} is empty without an else. */
  record If(Expr condition, java.util.List<Stmt> then, java.util.List<Stmt> otherwise,
      Origin origin) implements Stmt {}

  /** {@code break;} ({@code breaks}) or {@code continue;}, of the innermost loop. */
  record Jump(boolean breaks, Origin origin) implements Stmt {}

  /** {@code return value;} */
  record Return(Expr value, Origin origin) implements Stmt {}
}
