package dev.matgrad.processor.passes;

import dev.matgrad.processor.ir.Dim;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import dev.matgrad.processor.ops.Arithmetic;
import dev.matgrad.processor.ops.Columns;
import dev.matgrad.processor.ops.ControlFlow;
import dev.matgrad.processor.ops.Elements;
import dev.matgrad.processor.ops.LinearAlgebra;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whole Jacobians as matrix expressions: one forward pass over the graph whose "tangent" of each
 * value v is its full Jacobian block J(v) = ∂v/∂x with respect to one vector x, an n × size(v)
 * matrix (n = size(x); the notes' convention, J_ij = ∂v_j/∂x_i), kept structured: J(x) = I, a
 * value not computed from x has none (0), an elementwise op scales columns, a product with a
 * matrix not computed from x is one matrix product. So ∂(Aᵀx)/∂x is A itself and the seed's
 * σ-layer's Jacobian is A diag(σ'(Aᵀx)) B, one scaling and one product instead of m sweeps.
 *
 * <p>Applied to a method's result it gives {@code fJacobian}; applied to the gradient of a scalar
 * method (reverse mode's output, a function of θ) it gives the Hessian: for logistic regression
 * Xᵀ diag(σ ⊙ (1 − σ)) X / n + 2λI, one product instead of one Hessian-vector product per entry.
 *
 * <p>Where an op's derivative rules are zero-safe (0 · ∞ = 0), the columns are scaled entry by
 * entry with the same guarded product, so the closed form gives what the sweeps give. The pass
 * declines (returns null, and the sweeps are used) for anything it does not cover: x not a
 * vector, a matrix computed from x, loops and branches, an op without the rule needed. It never
 * builds a node whose shape would need a new dimension equality: every product it forms
 * multiplies dimensions already known equal.
 */
public final class JacobianClosedForm {
  private JacobianClosedForm() {}

  /**
   * fJacobian's closed form from a vector-valued method's reverse-mode program: the program
   * whose gradients map each wrt parameter w to ∂f/∂w, a size(w) × m matrix (null where f does
   * not depend on w); or null where the pass declines.
   */
  public static Program jacobian(Program derived) {
    if (derived.output().shape().kind() != Kind.VECTOR || derived.wrt().isEmpty()) {
      return null;
    }
    Program copy = Simplify.run(derived);
    Map<String, Node> blocks = new LinkedHashMap<>();
    for (Node.Param w : copy.wrt()) {
      Node block = jacobianOf(copy, w, copy.output());
      if (block == DECLINED) {
        return null;
      }
      blocks.put(w.name(), block);
    }
    return Simplify.run(copy.withGradients(null, blocks));
  }

  /**
   * fHessian's closed form from a scalar method's reverse-mode program with one vector wrt
   * parameter w: the program whose gradients map w to ∇²_w f (N × N, null where the gradient
   * is constant); or null where the pass declines.
   */
  public static Program hessian(Program derived) {
    if (!derived.scalarValued() || derived.wrt().size() != 1) {
      return null;
    }
    Program copy = Simplify.run(derived);
    Node.Param w = copy.wrt().get(0);
    Node gradient = copy.gradients().get(w.name());
    Node block = gradient == null ? null : jacobianOf(copy, w, gradient);
    if (block == DECLINED || (gradient != null && gradient.shape().kind() != Kind.VECTOR)) {
      return null;
    }
    Map<String, Node> blocks = new LinkedHashMap<>();
    blocks.put(w.name(), block);
    return Simplify.run(copy.withGradients(null, blocks));
  }

  /** A marker: the pass declined. */
  private static final Node DECLINED = new Node.Const(-1, Double.NaN, null);

  /** ∂root/∂x as a size(x) × size(root) matrix node built in p's graph, null for 0, or DECLINED. */
  static Node jacobianOf(Program p, Node.Param x, Node root) {
    if (x.shape().kind() != Kind.VECTOR || root.shape().kind() != Kind.VECTOR) {
      return DECLINED;
    }
    Graph g = p.graph();
    int checks = g.dims().checks().size();
    try {
      Walk walk = new Walk(g, x);
      Block j = walk.run(root);
      Node result = j == null ? null : walk.materialize(j, root);
      if (g.dims().checks().size() != checks) {
        throw new IllegalStateException("the closed form needed a new dimension equality");
      }
      return result;
    } catch (Decline d) {
      return DECLINED;
    }
  }

  /** Thrown where a value's Jacobian has no rule here. */
  private static final class Decline extends RuntimeException {
    Decline() {
      super(null, null, false, false);
    }
  }

  /**
   * A Jacobian block: diag(diagonal) (a scalar diagonal: that multiple of I; only for vectors of
   * x's length), else {@code matrix}, or matrixᵀ where {@code transposed} (so that ∂(Ax)/∂x = Aᵀ
   * reads A in place). The block of a scalar value is a vector of x's length.
   */
  private record Block(Node diagonal, Node matrix, boolean transposed) {
    static Block diag(Node d) {
      return new Block(d, null, false);
    }

    static Block dense(Node m) {
      return new Block(null, m, false);
    }

    static Block denseTransposed(Node m) {
      return new Block(null, m, true);
    }

    boolean isDiagonal() {
      return diagonal != null;
    }
  }

  private static final class Walk {
    final Graph g;
    final Node.Param x;
    final Dim n;
    final Map<Node, Block> blocks = new HashMap<>();

    Walk(Graph g, Node.Param x) {
      this.g = g;
      this.x = x;
      this.n = x.shape().rows();
    }

    /** J(root), null for 0: the blocks of the values root needs, in program order. */
    Block run(Node root) {
      // Through ints too: a loop node itself may be one, and what it computes must be seen.
      // Slot by slot: what a loop accumulates from values not computed from x (a preaccumulated
      // adjoint beside the loop's own values) has no block, whatever else the loop computes.
      Set<Node> active = ReverseMode.activeNodes(g, List.of(x), true);
      Set<Node> needed = activeBelow(root, active);
      // A copy: the rules add nodes to the graph.
      for (Node v : List.copyOf(g.nodes())) {
        if (v == x || !needed.contains(v) || !active.contains(v)) {
          continue;
        }
        if (!(v instanceof Node.Apply a) || a.op().loop() != null || ControlFlow.isLoopResult(a)
            || ControlFlow.isTapeRead(a)) {
          throw new Decline(); // a loop, or its parameter
        }
        if (v.shape().kind() == Kind.INT) {
          continue; // sizes, indices, counts: no derivative, as in forward mode
        }
        Block b = rule(a);
        if (b != null) {
          blocks.put(v, b);
        }
      }
      return root == x ? Block.diag(g.constant(1.0)) : blocks.get(root);
    }

    /** The active nodes root is computed from through active nodes. */
    private static Set<Node> activeBelow(Node root, Set<Node> active) {
      Set<Node> seen = new java.util.HashSet<>();
      java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>(List.of(root));
      while (!todo.isEmpty()) {
        Node n = todo.pop();
        if (active.contains(n) && seen.add(n) && n instanceof Node.Apply a) {
          a.args().forEach(todo::push);
        }
      }
      return seen;
    }

    Block of(Node v) {
      return v == x ? Block.diag(g.constant(1.0)) : blocks.get(v);
    }

    Block rule(Node.Apply a) {
      Op op = a.op();
      Kind kind = a.shape().kind();
      if (kind == Kind.MATRIX || op.loop() != null || ControlFlow.isLoopResult(a)
          || ControlFlow.isTapeRead(a)) {
        throw new Decline();
      }
      for (int i = 0; i < a.args().size(); i++) {
        if (of(a.arg(i)) != null && !op.differentiableIn(i)) {
          throw new Decline();
        }
      }
      if (op.spreadsScalar()) {
        // s 1: J(s) 1ᵀ.
        Block s = of(a.arg(0));
        return s == null ? null : Block.dense(g.apply(LinearAlgebra.OUTER, null,
            s.matrix(), g.broadcast(Arithmetic.BROADCAST, g.constant(1.0), a.shape())));
      }
      if (op.isElementwise()) {
        if (!op.hasPartials()) {
          throw new Decline();
        }
        return elementwise(a);
      }
      if (op == LinearAlgebra.MATMUL) {
        return product(a);
      }
      if (op == Elements.ONE_HOT || op == ControlFlow.ADD_AT) {
        return oneEntry(a);
      }
      if (kind == Kind.SCALAR && op.hasVjp()) {
        return scalarValued(a);
      }
      throw new Decline();
    }

    /** Σ_k J(a_k) diag(∂y/∂a_k): each argument's columns scaled by its partial. */
    Block elementwise(Node.Apply a) {
      List<Node> partials = a.op().partials(g, a);
      boolean zeroSafe = a.op().zeroSafePartials();
      Block sum = null;
      for (int k = 0; k < a.args().size(); k++) {
        Block j = of(a.arg(k));
        Node partial = partials.get(k);
        if (j == null || partial == null || isConstant(partial, 0.0)) {
          continue;
        }
        Block part;
        if (a.shape().isScalar()) {
          part = Block.dense(times(j.matrix(), partial, zeroSafe));
        } else if (a.arg(k).shape().isScalar()) {
          // A scalar spread over the result: J(s) (∂y/∂s)ᵀ.
          if (zeroSafe && !exact(partial)) {
            Node spread = g.apply(LinearAlgebra.OUTER, null, j.matrix(), ones(a.shape()));
            part = Block.dense(partial.shape().isScalar()
                ? g.apply(Arithmetic.SAFE_MUL, null, spread, partial)
                : g.apply(Arithmetic.SAFE_MUL, null, spread, g.apply(LinearAlgebra.OUTER, null,
                    ones(Shape.vector(n, g.dims())), partial)));
          } else {
            Node row = partial.shape().isScalar()
                ? g.broadcast(Arithmetic.BROADCAST, partial, a.shape()) : partial;
            part = Block.dense(g.apply(LinearAlgebra.OUTER, null, j.matrix(), row));
          }
        } else {
          part = scaleColumns(j, partial, zeroSafe);
        }
        sum = add(sum, part, a);
      }
      return sum;
    }

    /** J diag(p), p a vector of the value's length or a scalar. */
    Block scaleColumns(Block j, Node p, boolean zeroSafe) {
      if (j.isDiagonal()) {
        // Exactly the sweeps' products: entry i of the tangent along e_i is d_i.
        return Block.diag(times(j.diagonal(), p, zeroSafe));
      }
      Node m = j.matrix();
      if (zeroSafe && !exact(p)) {
        // Entry by entry as the sweeps: J_ik == 0 ? 0 : J_ik p_k, p spread over J's shape.
        Node spread = p.shape().isScalar() ? p : j.transposed()
            ? g.apply(LinearAlgebra.OUTER, null, p, ones(Shape.vector(n, g.dims())))
            : g.apply(LinearAlgebra.OUTER, null, ones(Shape.vector(n, g.dims())), p);
        return new Block(null, g.apply(Arithmetic.SAFE_MUL, null, m, spread), j.transposed());
      }
      if (p.shape().isScalar()) {
        // A factor folds into a scaling already there (one pass over the matrix, not two).
        if (m instanceof Node.Apply s && (s.op() == LinearAlgebra.SCALE_ROWS
            || s.op() == LinearAlgebra.SCALE_COLS)) {
          return rescaled(j, s, p);
        }
        return new Block(null, g.apply(Arithmetic.MUL, null, m, p), j.transposed());
      }
      if (j.transposed()) {
        // (mᵀ) diag(p) = (diag(p) m)ᵀ
        if (m instanceof Node.Apply s && s.op() == LinearAlgebra.SCALE_ROWS) {
          return rescaled(j, s, p);
        }
        return Block.denseTransposed(g.apply(LinearAlgebra.SCALE_ROWS, null, p, m));
      }
      if (m instanceof Node.Apply s && s.op() == LinearAlgebra.SCALE_COLS) {
        return rescaled(j, s, p);
      }
      return Block.dense(g.apply(LinearAlgebra.SCALE_COLS, null, m, p));
    }

    /** The scaling s with its factor multiplied by p (a scalar, or a vector scaling the same side). */
    Block rescaled(Block j, Node.Apply s, Node p) {
      boolean rows = s.op() == LinearAlgebra.SCALE_ROWS;
      Node factor = rows ? s.arg(0) : s.arg(1);
      Node matrix = rows ? s.arg(1) : s.arg(0);
      Node combined = g.apply(Arithmetic.MUL, null, factor, p);
      Node scaled = rows ? g.apply(LinearAlgebra.SCALE_ROWS, null, combined, matrix)
          : g.apply(LinearAlgebra.SCALE_COLS, null, matrix, combined);
      return new Block(null, scaled, j.transposed());
    }

    /**
     * y = op(A) u with A not computed from x: J(y) = J(u) op(A)ᵀ, A itself (or read transposed)
     * when J(u) is a multiple of I, else one product.
     */
    Block product(Node.Apply a) {
      Node matrix = a.arg(0);
      Node u = a.arg(1);
      boolean aTransposed = (a.flags() & LinearAlgebra.TRANSPOSE_LEFT) != 0;
      if (a.shape().kind() != Kind.VECTOR || matrix.shape().kind() != Kind.MATRIX
          || of(matrix) != null || u.shape().kind() != Kind.VECTOR
          || (a.flags() & LinearAlgebra.TRANSPOSE_RIGHT) != 0) {
        throw new Decline();
      }
      Block j = of(u);
      if (j == null) {
        return null;
      }
      if (j.isDiagonal()) {
        Node d = j.diagonal();
        if (d.shape().isScalar()) {
          Node scaled = isConstant(d, 1.0) ? matrix : g.apply(Arithmetic.MUL, null, matrix, d);
          return aTransposed ? Block.dense(scaled) : Block.denseTransposed(scaled);
        }
        // diag(d) A, or diag(d) Aᵀ = (A diag(d))ᵀ
        return aTransposed ? Block.dense(g.apply(LinearAlgebra.SCALE_ROWS, null, d, matrix))
            : Block.denseTransposed(g.apply(LinearAlgebra.SCALE_COLS, null, matrix, d));
      }
      Node m = j.matrix();
      if (!j.transposed()) {
        return Block.dense(g.apply(LinearAlgebra.MATMUL, null,
            aTransposed ? 0 : LinearAlgebra.TRANSPOSE_RIGHT, List.of(m, matrix)));
      }
      if (!aTransposed) {
        // mᵀ Aᵀ = (A m)ᵀ
        return Block.denseTransposed(g.apply(LinearAlgebra.MATMUL, null, 0, List.of(matrix, m)));
      }
      if (m instanceof Node.Apply s && s.op() == LinearAlgebra.SCALE_ROWS && s.arg(1) == matrix) {
        // (diag(d) A)ᵀ A = Aᵀ diag(d) A, written so: symmetric, so one triangle is computed.
        return Block.dense(g.apply(LinearAlgebra.MATMUL, null,
            LinearAlgebra.TRANSPOSE_LEFT | LinearAlgebra.SYMMETRIC, List.of(matrix, m)));
      }
      if (m == matrix) {
        return Block.dense(g.apply(LinearAlgebra.MATMUL, null,
            LinearAlgebra.TRANSPOSE_LEFT | LinearAlgebra.SYMMETRIC, List.of(matrix, matrix)));
      }
      return Block.dense(g.apply(LinearAlgebra.MATMUL, null, LinearAlgebra.TRANSPOSE_LEFT,
          List.of(m, matrix)));
    }

    /**
     * s e_i (an element read's adjoint) or acc + s e_i (one added into an accumulator): J(s) e_iᵀ,
     * plus J(acc). The index and the guard (an int, a condition) have no derivative.
     */
    Block oneEntry(Node.Apply a) {
      boolean into = a.op() == ControlFlow.ADD_AT;
      int s = into ? 1 : 0;
      Block sum = into ? of(a.arg(0)) : null;
      Block j = of(a.arg(s));
      if (j != null) {
        List<Node> unit = new java.util.ArrayList<>(a.args().subList(s, a.args().size()));
        unit.set(0, g.constant(into && a.flags() == ControlFlow.SUBTRACTS ? -1.0 : 1.0));
        Node e = g.applyShaped(Elements.ONE_HOT, unit, a.shape());
        sum = add(sum, Block.dense(g.apply(LinearAlgebra.OUTER, null, j.matrix(), e)), a);
      }
      return sum;
    }

    /** A scalar y of arguments a_k: Σ_k J(a_k) ∇_{a_k} y, the gradients from y's reverse rule. */
    Block scalarValued(Node.Apply a) {
      List<Node> parts = a.op().vjp(g, a, g.constant(1.0));
      Block sum = null;
      for (int k = 0; k < a.args().size(); k++) {
        Node arg = a.arg(k);
        Block j = of(arg);
        if (j == null) {
          continue;
        }
        Node part = parts.get(k);
        if (part == null || arg.shape().kind() == Kind.MATRIX) {
          throw new Decline();
        }
        Node column;
        if (arg.shape().isScalar()) {
          column = g.apply(Arithmetic.MUL, null, j.matrix(), part);
        } else if (j.isDiagonal()) {
          column = g.apply(Arithmetic.MUL, null, j.diagonal(), part);
          if (column.shape().isScalar()) {
            column = g.broadcast(Arithmetic.BROADCAST, column, Shape.vector(n, g.dims()));
          }
        } else if (part.shape().isScalar()) {
          // J 1 s: the row sums of J, scaled.
          Node sums = j.transposed() ? g.apply(Columns.COL_SUMS, null, j.matrix())
              : g.apply(Columns.ROW_SUMS, null, j.matrix());
          column = g.apply(Arithmetic.MUL, null, sums, part);
        } else {
          column = g.apply(LinearAlgebra.MATMUL, null,
              j.transposed() ? LinearAlgebra.TRANSPOSE_LEFT : 0, List.of(j.matrix(), part));
        }
        sum = add(sum, Block.dense(column), a);
      }
      return sum;
    }

    /** a + b, either possibly null (0). */
    Block add(Block a, Block b, Node value) {
      if (a == null) {
        return b;
      }
      if (b == null) {
        return a;
      }
      if (a.isDiagonal() && b.isDiagonal()) {
        return Block.diag(g.apply(Arithmetic.ADD, null, a.diagonal(), b.diagonal()));
      }
      if (!a.isDiagonal() && !b.isDiagonal() && a.transposed() == b.transposed()) {
        return new Block(null, g.apply(Arithmetic.ADD, null, a.matrix(), b.matrix()),
            a.transposed());
      }
      return Block.dense(g.apply(Arithmetic.ADD, null, materialize(a, value),
          materialize(b, value)));
    }

    /** The block as a size(x) × size(value) matrix (a vector for a scalar value). */
    Node materialize(Block j, Node value) {
      if (j.isDiagonal()) {
        Node d = j.diagonal();
        return d.shape().isScalar() ? g.applyShaped(LinearAlgebra.SCALED_IDENTITY, List.of(d),
            Shape.matrix(n, value.shape().rows())) : g.apply(LinearAlgebra.DIAG, null, d);
      }
      return j.transposed() ? g.apply(LinearAlgebra.TRANSPOSE, null, j.matrix()) : j.matrix();
    }

    /** a ⊙ p, zero-safe like the sweeps' products where the op's rules are. */
    Node times(Node a, Node p, boolean zeroSafe) {
      if (isConstant(p, 1.0)) {
        return a;
      }
      return g.apply(zeroSafe ? Arithmetic.SAFE_MUL : Arithmetic.MUL, null, a, p);
    }

    /** A vector of ones (materialised where a non-elementwise op reads it). */
    Node ones(Shape shape) {
      return g.broadcast(Arithmetic.BROADCAST, g.constant(1.0), shape);
    }

    /** A finite constant partial: a plain product with it is as zero-safe as a guarded one. */
    static boolean exact(Node partial) {
      return partial instanceof Node.Const c && Double.isFinite(c.value());
    }
  }

  static boolean isConstant(Node n, double value) {
    return n instanceof Node.Const c && c.value() == value;
  }
}
