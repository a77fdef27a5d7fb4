package dev.matgrad.processor.ir;

import dev.matgrad.processor.ast.Origin;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the IR: numbers nodes in creation (hence topological) order, infers every shape with
 * the op's rule, and shares structurally equal nodes (common subexpressions are computed once).
 * Names a user gave to values (locals) are kept beside the nodes.
 */
public final class Graph {
  private final Dims dims;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<List<Object>, Node> interned = new HashMap<>();
  private final Map<Integer, String> names = new HashMap<>();
  private final Map<Integer, String> hints = new HashMap<>();

  public Graph(Dims dims) {
    this.dims = dims;
  }

  public Dims dims() {
    return dims;
  }

  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  public Node.Param param(String name, Shape shape) {
    Node.Param p = new Node.Param(nodes.size(), name, shape);
    nodes.add(p);
    return p;
  }

  private final Set<Node> methodParameters = new HashSet<>();

  /** A parameter of the method itself (not of a loop): its int value may size arrays. */
  public Node.Param methodParam(String name, Shape shape) {
    Node.Param p = param(name, shape);
    methodParameters.add(p);
    return p;
  }

  public boolean isMethodParameter(Node n) {
    return methodParameters.contains(n);
  }

  public Node constant(double value) {
    return intern(List.of("const", value, Kind.SCALAR),
        () -> new Node.Const(nodes.size(), value, Shape.scalar(dims)));
  }

  public Node intConstant(int value) {
    return intern(List.of("const", (double) value, Kind.INT),
        () -> new Node.Const(nodes.size(), value, Shape.integer(dims)));
  }

  public Node apply(Op op, Origin origin, Node... args) {
    return apply(op, origin, 0, Arrays.asList(args));
  }

  public Node apply(Op op, Origin origin, int flags, List<Node> args) {
    Shape shape = op.shape(this, args, flags, origin);
    return make(op, origin, flags, args, shape);
  }

  /** An op whose result shape is given rather than derived (broadcasts, s·I, one-hot). */
  public Node applyShaped(Op op, List<Node> args, Shape shape) {
    return make(op, null, 0, args, shape);
  }

  /** As {@link #applyShaped(Op, List, Shape)}, at a source position (for messages about it). */
  public Node applyShaped(Op op, Origin origin, List<Node> args, Shape shape) {
    return make(op, origin, 0, args, shape);
  }

  /** As {@link #applyShaped(Op, List, Shape)}, with an op-specific flag (which block a slice takes). */
  public Node applyShapedFlagged(Op op, List<Node> args, int flags, Shape shape) {
    return make(op, null, flags, args, shape);
  }

  public Node applyShaped(Op op, Node arg, Shape shape) {
    return applyShaped(op, List.of(arg), shape);
  }

  /** The scalar s spread over {@code shape} (s itself if the shape is scalar). */
  public Node broadcast(Op spread, Node s, Shape shape) {
    return shape.isScalar() ? s : applyShaped(spread, s, shape);
  }

  private Node make(Op op, Origin origin, int flags, List<Node> args, Shape shape) {
    List<Object> key = new ArrayList<>();
    key.add(op);
    key.add(flags);
    for (Node a : args) {
      key.add(a.id());
    }
    if (op.hasExplicitShape()) {
      Shape c = shape.canonical(dims);
      key.add(c.kind());
      key.add(c.rows());
      key.add(c.cols());
    }
    List<Node> argsCopy = List.copyOf(args);
    return intern(key, () -> new Node.Apply(nodes.size(), op, argsCopy, flags, shape, origin));
  }

  private Node intern(List<Object> key, Supplier<Node> create) {
    Node existing = interned.get(key);
    if (existing != null) {
      return existing;
    }
    Node n = create.get();
    nodes.add(n);
    interned.put(key, n);
    return n;
  }

  /** A parameter or constant of graph {@code from} made anew in this one. */
  public Node copyLeaf(Graph from, Node leaf) {
    if (leaf instanceof Node.Param param) {
      return from.isMethodParameter(param) ? methodParam(param.name(), param.shape())
          : param(param.name(), param.shape());
    }
    Node.Const c = (Node.Const) leaf;
    return c.shape().kind() == Kind.INT ? intConstant((int) c.value()) : constant(c.value());
  }

  /** The op of {@code a} applied to {@code args} (its shape given where the op's is). */
  public Node copy(Node.Apply a, List<Node> args) {
    return a.op().hasExplicitShape() ? applyShapedFlagged(a.op(), args, a.flags(), a.shape())
        : apply(a.op(), a.origin(), a.flags(), args);
  }

  /** The nodes {@code roots} are computed from, themselves included. */
  public static Set<Node> reachable(Collection<? extends Node> roots) {
    Set<Node> seen = new HashSet<>();
    List<Node> todo = new ArrayList<>(roots);
    while (!todo.isEmpty()) {
      Node n = todo.remove(todo.size() - 1);
      if (n != null && seen.add(n) && n instanceof Node.Apply a) {
        todo.addAll(a.args());
      }
    }
    return seen;
  }

  /**
   * The nodes of this graph computed from {@code sources}, the sources included: ints excepted
   * where {@code throughInts} is false (a size depends on an array's shape, not its values).
   */
  public Set<Node> dependents(Collection<? extends Node> sources, boolean throughInts) {
    Set<Node> reached = new HashSet<>(sources);
    for (Node n : nodes) {
      if (n instanceof Node.Apply a && (throughInts || a.shape().kind() != Kind.INT)
          && a.args().stream().anyMatch(reached::contains)) {
        reached.add(n);
      }
    }
    return reached;
  }

  /** How many of the nodes in {@code readers} read each node (an argument read twice counts twice). */
  public static Map<Node, Integer> uses(Collection<? extends Node> readers) {
    Map<Node, Integer> uses = new HashMap<>();
    for (Node n : readers) {
      if (n instanceof Node.Apply a) {
        a.args().forEach(arg -> uses.merge(arg, 1, Integer::sum));
      }
    }
    return uses;
  }

  /** Gives n a user-facing name unless it has one (the first name a value gets is kept). */
  public void name(Node n, String name) {
    names.putIfAbsent(n.id(), name);
  }

  /** The user's name for n (a parameter or a local), or null. */
  public String nameOf(Node n) {
    return n instanceof Node.Param p ? p.name() : names.get(n.id());
  }

  /** Suggests a variable name for generated code only, e.g. {@code dh} for the adjoint of h. */
  public void hint(Node n, String name) {
    if (nameOf(n) == null) {
      hints.putIfAbsent(n.id(), name);
    }
  }

  /** The name generated code should use: the user's, else the hint, else null. */
  public String variableNameOf(Node n) {
    String name = nameOf(n);
    return name != null ? name : hints.get(n.id());
  }

  /** Copies the names and hints of {@code from} (in another graph) onto {@code to}. */
  public void inheritNames(Graph from, Node fromNode, Node to) {
    String name = from.names.get(fromNode.id());
    if (name != null) {
      name(to, name);
    }
    String hint = from.hints.get(fromNode.id());
    if (hint != null) {
      hint(to, hint);
    }
  }
}
