package dev.matgrad.processor.ir;

import dev.matgrad.processor.ast.Origin;
import java.util.List;

/**
 * A value in the matrix-level IR: a DAG in static single assignment form. Nodes are created only
 * through {@link Graph}, which numbers them in topological order (arguments before uses) and
 * shares equal ones, so a node is equal only to itself: records' structural equals and hashCode
 * would walk the whole DAG below a node, exponentially often where values are shared.
 */
public sealed interface Node {
  int id();

  Shape shape();

  /** A method parameter, or the incoming adjoint {@code gradOut} of a vector-Jacobian product. */
  record Param(int id, String name, Shape shape) implements Node {
    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  /** A numeric constant; INT constants keep Java's int arithmetic. */
  record Const(int id, double value, Shape shape) implements Node {
    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  /**
   * An op applied to arguments. {@code flags} is an op-specific attribute (which operands a
   * matmul transposes).
   */
  record Apply(int id, Op op, List<Node> args, int flags, Shape shape, Origin origin)
      implements Node {
    public Node arg(int i) {
      return args.get(i);
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }
}
