package dev.matgrad.processor.ir;

import java.util.List;

/**
 * A counted loop {@code for (int i = start; i cmp end; i += step)} as a region of the IR. Its node
 * reads, in order: start, end and step (ints), the carried values' initial values, the body's
 * results (the carried values after one iteration), then its own parameters: the index and the
 * carried values at the start of an iteration. The body is every node computed from those
 * parameters; what it reads from outside is captured as it is. A reversed loop runs the same
 * indices from the last down to the first (the reverse sweep of a forward loop).
 *
 * @param carried how many values the loop carries
 * @param comparison the condition's operator with the index on the left: {@code < <= > >=}
 * @param reversed whether the indices run backwards (an adjoint loop)
 * @param header the loop as written, for comments in generated code
 */
public record LoopSpec(int carried, String comparison, boolean reversed, String header) {
  public LoopSpec {
    if (!List.of("<", "<=", ">", ">=").contains(comparison)) {
      throw new IllegalArgumentException(comparison);
    }
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

  /** Whether argument {@code i} of the loop node is one of its own parameters. */
  public boolean isOwnParam(int i) {
    return i >= BOUNDS + 2 * carried;
  }

  /** Whether argument {@code i} of the loop node is a body result. */
  public boolean isResult(int i) {
    return i >= BOUNDS + carried && i < BOUNDS + 2 * carried;
  }

  /** The loop node's arguments in order. */
  public static List<Node> args(Node start, Node end, Node step, List<Node> inits,
      List<Node> results, Node.Param index, List<Node.Param> params) {
    List<Node> args = new java.util.ArrayList<>(List.of(start, end, step));
    args.addAll(inits);
    args.addAll(results);
    args.add(index);
    args.addAll(params);
    return args;
  }

  /** Whether the index counts up (the condition is {@code <} or {@code <=}). */
  public boolean ascending() {
    return comparison.startsWith("<");
  }
}
