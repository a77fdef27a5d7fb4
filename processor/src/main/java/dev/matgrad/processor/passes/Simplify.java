package dev.matgrad.processor.passes;

import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites the program into a fresh graph, node by node, then drops what the results do not
 * need. Each op's own algebraic rewrites (transposes folded into the matmuls that read them, a
 * factor 1 dropped, ...) come from the op table; what is done here holds for every op:
 * <ul>
 *   <li>a broadcast scalar read by an elementwise op is read as a scalar (no filled array);
 *   <li>elementwise ops on double constants are evaluated;
 *   <li>equal subexpressions are shared (the graph interns nodes).
 * </ul>
 */
public final class Simplify implements Op.Rewriter {
  private final Graph from;
  private final Graph to;
  private final Map<Node, Node> mapped = new HashMap<>();
  /** How many needed nodes of the source graph read each node. */
  private Map<Node, Integer> uses;

  private Simplify(Graph from) {
    this.from = from;
    this.to = new Graph(from.dims());
  }

  public static Program run(Program p) {
    return new Simplify(p.graph()).rewrite(p);
  }

  @Override
  public Graph graph() {
    return to;
  }

  @Override
  public int uses(Node original) {
    return uses.getOrDefault(original, 0);
  }

  private Program rewrite(Program p) {
    Set<Node> needed = needed(p);
    uses = Graph.uses(needed);
    for (Node n : from.nodes()) {
      if (!needed.contains(n)) {
        continue;
      }
      Node m;
      if (n instanceof Node.Apply a) {
        List<Node> args = new ArrayList<>();
        for (Node arg : a.args()) {
          args.add(mapped.get(arg));
        }
        m = simplify(a, args);
      } else {
        m = to.copyLeaf(from, n);
      }
      to.inheritNames(from, n, m);
      mapped.put(n, m);
    }
    List<Node.Param> params = p.params().stream().map(x -> (Node.Param) mapped.get(x)).toList();
    List<Node.Param> wrt = p.wrt().stream().map(x -> (Node.Param) mapped.get(x)).toList();
    Map<String, Node> gradients = new LinkedHashMap<>();
    p.gradients().forEach((k, v) -> gradients.put(k, v == null ? null : mapped.get(v)));
    List<Node.Param> directions = p.directions().stream().map(x -> (Node.Param) mapped.get(x)).toList();
    return new Program(p.source(), to, params, wrt, mapped.get(p.output()),
        p.seed() == null ? null : mapped.get(p.seed()), gradients, directions,
        p.tangent() == null ? null : mapped.get(p.tangent()));
  }

  /** Parameters, and everything the output and the gradients are computed from. */
  private static Set<Node> needed(Program p) {
    return Graph.reachable(p.roots());
  }

  private Node simplify(Node.Apply a, List<Node> args) {
    Op op = a.op();
    if (op.isElementwise() && !op.spreadsScalar()) {
      Node folded = elementwise(a, args);
      if (folded != null) {
        return folded;
      }
    }
    Node rewritten = op.rewrite(this, a, args, a.flags());
    if (rewritten != null) {
      return rewritten;
    }
    return to.copy(a, args);
  }

  private Node elementwise(Node.Apply a, List<Node> args) {
    Op op = a.op();
    // Broadcast scalars are read as scalars; if nothing else gives the shape, so is the result.
    boolean anyArray = args.stream().anyMatch(x -> x.shape().isArray() && !isBroadcast(x));
    boolean anyBroadcast = args.stream().anyMatch(Simplify::isBroadcast);
    if (anyBroadcast) {
      List<Node> scalars = args.stream().map(x -> isBroadcast(x) ? ((Node.Apply) x).arg(0) : x).toList();
      Node.Apply scalarForm = new Node.Apply(a.id(), op, scalars, a.flags(), a.shape(), a.origin());
      Node scalar = elementwise(scalarForm, new ArrayList<>(scalars));
      if (scalar == null) {
        scalar = op.rewrite(this, scalarForm, scalars, a.flags());
      }
      if (scalar == null) {
        scalar = to.apply(op, a.origin(), a.flags(), scalars);
      }
      return anyArray ? scalar : to.broadcast(broadcastOp(args), scalar, a.shape());
    }
    // An int operand folds with a double one (Java widens it exactly); two ints keep their
    // operator's int semantics (7 / 2 is 3), so they are left to javac.
    if (op.folds() && args.stream().allMatch(Simplify::isNumberConstant)
        && args.stream().anyMatch(x -> x.shape().kind() == Kind.SCALAR)) {
      double x = ((Node.Const) args.get(0)).value();
      double y = args.size() > 1 ? ((Node.Const) args.get(1)).value() : 0;
      return to.constant(op.fold(x, y));
    }
    return null;
  }

  private static boolean isNumberConstant(Node n) {
    return n instanceof Node.Const c
        && (c.shape().kind() == Kind.SCALAR || c.shape().kind() == Kind.INT);
  }

  private static Op broadcastOp(List<Node> args) {
    return args.stream().filter(Simplify::isBroadcast).map(x -> ((Node.Apply) x).op())
        .findFirst().orElseThrow();
  }

  private static boolean isBroadcast(Node n) {
    return n instanceof Node.Apply a && a.op().spreadsScalar();
  }
}
