package dev.matgrad.processor.ir;

import java.util.List;

/**
 * A loop as a region of the IR: a counted loop {@code for (int i = start; i cmp end; i += step)},
 * or a {@code while (condition)} loop ({@code conditional}). Its node reads, in order: start, end
 * and step (ints; a while loop's are 0, 0 and 1), the carried values' initial values, the body's
 * results (the carried values after one iteration), its own parameters: the index and the
 * carried values at the start of an iteration, and, for a while loop, last, the condition
 * computed from them at the start of each iteration. A while loop's index counts its iterations
 * from 0, and {@code TRIPS} reads how many ran. The body is every node computed from the
 * parameters; what it reads from outside is captured as it is. A reversed loop runs the same
 * indices from the last down to the first (the reverse sweep of a forward loop).
 *
 * @param carried how many values the loop carries
 * @param comparison the condition's operator with the index on the left: {@code < <= > >=}
 * @param reversed whether the indices run backwards (an adjoint loop)
 * @param conditional whether it is a while loop, which runs while its condition holds
 * @param header the loop as written, for comments in generated code
 * @param values how many of the carried values are the loop's own; those after them are the
 *     adjoints a preaccumulated loop adds into as it runs (see the reverse-mode pass)
 */
public record LoopSpec(int carried, String comparison, boolean reversed, boolean conditional,
    String header, int values) {
  public LoopSpec {
    if (values > carried) {
      throw new IllegalArgumentException(values + " values of " + carried);
    }
    if (!List.of("<", "<=", ">", ">=").contains(comparison)) {
      throw new IllegalArgumentException(comparison);
    }
    if (conditional && (reversed || !comparison.equals("<"))) {
      throw new IllegalArgumentException("a while loop runs forwards");
    }
  }

  /** A counted loop. */
  public LoopSpec(int carried, String comparison, boolean reversed, String header) {
    this(carried, comparison, reversed, false, header, carried);
  }

  /** A while loop. */
  public static LoopSpec whileLoop(int carried, String header) {
    return new LoopSpec(carried, "<", false, true, header, carried);
  }

  /** The same kind of loop carrying another number of values (a derivative's loop). */
  public LoopSpec carrying(int values) {
    return new LoopSpec(values, comparison, reversed, conditional, header, values);
  }

  /** This loop carrying, after its own values, {@code adjoints} accumulated adjoints. */
  public LoopSpec accumulating(int adjoints) {
    return new LoopSpec(carried + adjoints, comparison, reversed, conditional, header, carried);
  }

  /** Whether carried value k is an adjoint the loop accumulates as it runs. */
  public boolean accumulates(int k) {
    return k >= values;
  }

  private static final int BOUNDS = 3;

  public static Node start(Node.Apply loop) {
    return loop.arg(0);
  }

  public static Node end(Node.Apply loop) {
    return loop.arg(1);
  }

  public static Node step(Node.Apply loop) {
    return loop.arg(2);
  }

  /** The position among a loop node's arguments of carried value k's initial value. */
  public static int initArgument(int k) {
    return BOUNDS + k;
  }

  public Node init(Node.Apply loop, int k) {
    return loop.arg(BOUNDS + k);
  }

  public Node result(Node.Apply loop, int k) {
    return loop.arg(BOUNDS + carried + k);
  }

  public Node.Param index(Node.Apply loop) {
    return (Node.Param) loop.arg(BOUNDS + 2 * carried);
  }

  public Node.Param param(Node.Apply loop, int k) {
    return (Node.Param) loop.arg(BOUNDS + 2 * carried + 1 + k);
  }

  /** A while loop's condition, computed at the start of each iteration. */
  public Node condition(Node.Apply loop) {
    if (!conditional) {
      throw new IllegalStateException("a counted loop has no condition");
    }
    return loop.arg(BOUNDS + 3 * carried + 1);
  }

  /** Whether argument {@code i} of the loop node is one of its own parameters. */
  public boolean isOwnParam(int i) {
    return i >= BOUNDS + 2 * carried && i <= BOUNDS + 3 * carried;
  }

  /** Whether argument {@code i} of the loop node is a body result. */
  public boolean isResult(int i) {
    return i >= BOUNDS + carried && i < BOUNDS + 2 * carried;
  }

  /** The loop node's arguments in order (a while loop's condition, when given, last). */
  public static List<Node> args(Node start, Node end, Node step, List<Node> inits,
      List<Node> results, Node.Param index, List<Node.Param> params, Node condition) {
    List<Node> args = new java.util.ArrayList<>(List.of(start, end, step));
    args.addAll(inits);
    args.addAll(results);
    args.add(index);
    args.addAll(params);
    if (condition != null) {
      args.add(condition);
    }
    return args;
  }

  /** The arguments of a counted loop. */
  public static List<Node> args(Node start, Node end, Node step, List<Node> inits,
      List<Node> results, Node.Param index, List<Node.Param> params) {
    return args(start, end, step, inits, results, index, params, null);
  }

  /** Whether the index counts up (the condition is {@code <} or {@code <=}). */
  public boolean ascending() {
    return comparison.startsWith("<");
  }
}
