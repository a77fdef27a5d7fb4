package dev.matgrad.processor.passes;

import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites the program into a fresh graph, node by node, applying algebraic rules that make the
 * generated loops cheaper, then drops what the results do not need:
 * <ul>
 *   <li>transposes are folded into the matmuls that read them (never materialised);
 *   <li>a broadcast scalar read by an elementwise op is read as a scalar (no filled array);
 *   <li>multiplications by 1, double negations and constant arithmetic disappear;
 *   <li>equal subexpressions are shared (the graph interns nodes).
 * </ul>
 */
public final class Simplify {
  private final Graph from;
  private final Graph to;
  private final Map<Node, Node> mapped = new HashMap<>();
  /** How many needed nodes of the source graph read each node. */
  private final Map<Node, Integer> uses = new HashMap<>();

  private Simplify(Graph from) {
    this.from = from;
    this.to = new Graph(from.dims());
  }

  public static Program run(Program p) {
    return new Simplify(p.graph()).rewrite(p);
  }

  private Program rewrite(Program p) {
    Set<Node> needed = needed(p);
    for (Node n : from.nodes()) {
      if (needed.contains(n) && n instanceof Node.Apply a) {
        a.args().forEach(arg -> uses.merge(arg, 1, Integer::sum));
      }
    }
    for (Node n : from.nodes()) {
      if (!needed.contains(n)) {
        continue;
      }
      Node m;
      if (n instanceof Node.Param param) {
        m = to.param(param.name(), param.shape());
      } else if (n instanceof Node.Const c) {
        m = c.shape().kind() == Kind.INT ? to.intConstant((int) c.value()) : to.constant(c.value());
      } else {
        Node.Apply a = (Node.Apply) n;
        List<Node> args = new ArrayList<>();
        for (Node arg : a.args()) {
          args.add(mapped.get(arg));
        }
        m = simplify(a, args);
      }
      to.inheritNames(from, n, m);
      mapped.put(n, m);
    }
    List<Node.Param> params = p.params().stream().map(x -> (Node.Param) mapped.get(x)).toList();
    List<Node.Param> wrt = p.wrt().stream().map(x -> (Node.Param) mapped.get(x)).toList();
    Map<String, Node> gradients = new LinkedHashMap<>();
    p.gradients().forEach((k, v) -> gradients.put(k, v == null ? null : mapped.get(v)));
    return new Program(p.source(), to, params, wrt, mapped.get(p.output()),
        p.seed() == null ? null : mapped.get(p.seed()), gradients);
  }

  /** Parameters, and everything the output and the gradients are computed from. */
  private static Set<Node> needed(Program p) {
    Set<Node> needed = new HashSet<>(p.params());
    List<Node> todo = new ArrayList<>();
    todo.add(p.output());
    if (p.seed() != null) {
      todo.add(p.seed());
    }
    p.gradients().values().stream().filter(v -> v != null).forEach(todo::add);
    while (!todo.isEmpty()) {
      Node n = todo.remove(todo.size() - 1);
      if (needed.add(n) && n instanceof Node.Apply a) {
        todo.addAll(a.args());
      }
    }
    return needed;
  }

  private Node simplify(Node.Apply a, List<Node> args) {
    Op op = a.op();
    int flags = a.flags();
    if (op == Op.MATMUL) {
      for (int i = 0; i < 2; i++) {
        if (args.get(i) instanceof Node.Apply t && t.op() == Op.TRANSPOSE) {
          args.set(i, t.arg(0));
          flags ^= i == 0 ? Op.TRANSPOSE_LEFT : Op.TRANSPOSE_RIGHT;
        }
      }
    }
    if (op == Op.MATMUL) {
      Node diagonal = diagonalOperand(args, flags);
      if (diagonal != null) {
        return diagonal;
      }
    }
    if (op == Op.TRACE && args.get(0) instanceof Node.Apply m && m.op() == Op.MATMUL) {
      return traceOfProduct(m, a);
    }
    if (op == Op.TRANSPOSE && args.get(0) instanceof Node.Apply t) {
      if (t.op() == Op.TRANSPOSE) {
        return t.arg(0);
      }
      if (t.op() == Op.OUTER) { // (u vᵀ)ᵀ = v uᵀ
        return to.apply(Op.OUTER, a.origin(), t.arg(1), t.arg(0));
      }
      // (op(A) op(B))ᵀ = op(B)ᵀ op(A)ᵀ, unless the product is computed anyway for another use:
      // then transposing it (O(mn)) beats multiplying again (O(mnk)), e.g. ∇_X tr(XᵀAX) reuses XᵀA.
      if (t.op() == Op.MATMUL && t.shape().kind() == Kind.MATRIX
          && uses.getOrDefault(a.arg(0), 0) <= 1) {
        int swapped = ((t.flags() & Op.TRANSPOSE_RIGHT) != 0 ? 0 : Op.TRANSPOSE_LEFT)
            | ((t.flags() & Op.TRANSPOSE_LEFT) != 0 ? 0 : Op.TRANSPOSE_RIGHT);
        return to.apply(Op.MATMUL, a.origin(), swapped, null, List.of(t.arg(1), t.arg(0)));
      }
    }
    if (op == Op.NEG && args.get(0) instanceof Node.Apply t && t.op() == Op.NEG) {
      return t.arg(0);
    }
    if (op.isElementwise() && op != Op.BROADCAST) {
      Node folded = elementwise(a, args);
      if (folded != null) {
        return folded;
      }
    }
    if (op.hasExplicitShape()) {
      return to.applyShaped(op, args, a.shape());
    }
    return to.apply(op, a.origin(), flags, a.of(), args);
  }

  /**
   * diag(v) M scales rows and M diag(v) scales columns: no n×n matrix, no O(n²m) product. A
   * transposed M is transposed on its own (O(nm)) first.
   */
  private Node diagonalOperand(List<Node> args, int flags) {
    Node left = args.get(0);
    Node right = args.get(1);
    if (left instanceof Node.Apply d && d.op() == Op.DIAG) {
      Node m = (flags & Op.TRANSPOSE_RIGHT) != 0 ? to.apply(Op.TRANSPOSE, null, right) : right;
      return m.shape().kind() == Kind.VECTOR ? to.apply(Op.MUL, d.origin(), d.arg(0), m)
          : to.apply(Op.SCALE_ROWS, d.origin(), d.arg(0), m);
    }
    if (right instanceof Node.Apply d && d.op() == Op.DIAG && left.shape().kind() == Kind.MATRIX) {
      Node m = (flags & Op.TRANSPOSE_LEFT) != 0 ? to.apply(Op.TRANSPOSE, null, left) : left;
      return to.apply(Op.SCALE_COLS, d.origin(), m, d.arg(0));
    }
    return null;
  }

  /**
   * tr(op(A) op(B)) without the product: ⟨A, B⟩ when exactly one operand is transposed,
   * Σ A_ij B_ji otherwise; the adjoint then needs no identity matrix.
   */
  private Node traceOfProduct(Node.Apply product, Node.Apply trace) {
    boolean ta = (product.flags() & Op.TRANSPOSE_LEFT) != 0;
    boolean tb = (product.flags() & Op.TRANSPOSE_RIGHT) != 0;
    Node a = product.arg(0);
    Node b = product.arg(1);
    if (a.shape().kind() != Kind.MATRIX || b.shape().kind() != Kind.MATRIX) {
      return to.apply(Op.TRACE, trace.origin(), product);
    }
    if (ta != tb) {
      return to.apply(Op.SUM, trace.origin(), to.apply(Op.MUL, trace.origin(), a, b));
    }
    return ta ? to.apply(Op.TRACE_OF_PRODUCT, trace.origin(), b, a)
        : to.apply(Op.TRACE_OF_PRODUCT, trace.origin(), a, b);
  }

  private Node elementwise(Node.Apply a, List<Node> args) {
    Op op = a.op();
    // Broadcast scalars are read as scalars; if nothing else gives the shape, so is the result.
    boolean anyArray = args.stream().anyMatch(x -> x.shape().isArray() && !isBroadcast(x));
    boolean anyBroadcast = args.stream().anyMatch(Simplify::isBroadcast);
    if (anyBroadcast) {
      List<Node> scalars = args.stream().map(x -> isBroadcast(x) ? ((Node.Apply) x).arg(0) : x).toList();
      Node scalar = elementwise(a, new ArrayList<>(scalars));
      if (scalar == null) {
        scalar = to.apply(op, a.origin(), a.flags(), a.of(), scalars);
      }
      return anyArray ? scalar : to.broadcast(scalar, a.shape());
    }
    if (op == Op.MUL) {
      for (int i = 0; i < 2; i++) {
        Node other = args.get(1 - i);
        // x·1 is x, unless the product would turn an int into a double.
        if (isConstant(args.get(i), 1.0) && other.shape().kind() != Kind.INT
            && (other.shape().isArray() || args.get(i).shape().kind() == Kind.SCALAR)) {
          return other;
        }
      }
    }
    if ((op == Op.ADD || op == Op.SUB || op == Op.MUL || op == Op.DIV || op == Op.NEG)
        && args.stream().allMatch(x -> x instanceof Node.Const c && c.shape().kind() == Kind.SCALAR)) {
      double x = ((Node.Const) args.get(0)).value();
      double y = args.size() > 1 ? ((Node.Const) args.get(1)).value() : 0;
      double v = op == Op.ADD ? x + y : op == Op.SUB ? x - y : op == Op.MUL ? x * y
          : op == Op.DIV ? x / y : -x;
      return to.constant(v);
    }
    return null;
  }

  private static boolean isBroadcast(Node n) {
    return n instanceof Node.Apply a && a.op() == Op.BROADCAST;
  }

  private static boolean isConstant(Node n, double value) {
    return n instanceof Node.Const c && c.value() == value;
  }
}
