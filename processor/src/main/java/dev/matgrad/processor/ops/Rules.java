package dev.matgrad.processor.ops;

import dev.matgrad.processor.ast.Origin;
import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Pieces the op table's entries share: shape rules, derivative-rule builders, loop skeletons. */
final class Rules {
  private Rules() {}

  /** The partial derivatives ∂y/∂a_k of an elementwise op (null where a_k has none). */
  @FunctionalInterface
  interface Partials {
    List<Node> apply(Graph g, Node.Apply n);
  }

  /**
   * An elementwise op whose reverse rule (ḡ ⊙ ∂y/∂a_k for each k) and forward rule
   * (Σ_k ȧ_k ⊙ ∂y/∂a_k) are both built from its partial derivatives, stated once. With
   * {@code zeroSafe}, a zero adjoint or tangent times an infinite partial (1/x at 0) gives 0.
   */
  static Op.Builder elementwise(String name, boolean zeroSafe, Partials partials) {
    return elementwise(name, zeroSafe, false, partials);
  }

  /** An elementwise op that is also Java's operator on ints: int operands give an int. */
  static Op.Builder intArithmetic(String name, boolean zeroSafe, Partials partials) {
    return elementwise(name, zeroSafe, true, partials).keepsInts();
  }

  private static Op.Builder elementwise(String name, boolean zeroSafe, boolean keepsInts,
      Partials partials) {
    return Op.builder(name, Op.Category.ELEMENTWISE)
        .shape((g, args, flags, origin) -> elementwiseShape(g, args, origin, keepsInts))
        .partials(zeroSafe, partials::apply)
        .vjp((g, n, grad) -> adjointsFromPartials(g, zeroSafe, partials.apply(g, n), grad))
        .jvp((g, n, tangents) -> tangentFromPartials(g, zeroSafe, partials.apply(g, n), tangents));
  }

  /** The reverse rule from partial derivatives: ḡ ⊙ ∂y/∂a_k for each argument k. */
  static List<Node> adjointsFromPartials(Graph g, boolean zeroSafe, List<Node> partials,
      Node grad) {
    List<Node> out = new ArrayList<>();
    for (Node d : partials) {
      out.add(d == null ? null : times(g, zeroSafe, grad, d));
    }
    return out;
  }

  /** The forward rule from partial derivatives: Σ_k ȧ_k ⊙ ∂y/∂a_k over the arguments with one. */
  static Node tangentFromPartials(Graph g, boolean zeroSafe, List<Node> partials,
      List<Node> tangents) {
    Node sum = null;
    for (int k = 0; k < tangents.size(); k++) {
      if (tangents.get(k) != null && partials.get(k) != null) {
        sum = plus(g, sum, times(g, zeroSafe, tangents.get(k), partials.get(k)));
      }
    }
    return sum;
  }

  /** seed ⊙ partial; null (no contribution) where the partial is the constant 0. */
  static Node times(Graph g, boolean zeroSafe, Node seed, Node partial) {
    if (partial == null || seed == null || isConstant(partial, 0.0)) {
      return null;
    }
    return g.apply(zeroSafe ? Arithmetic.SAFE_MUL : Arithmetic.MUL, null, seed, partial);
  }

  /** a + b where either may be null (no term). */
  static Node plus(Graph g, Node a, Node b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : g.apply(Arithmetic.ADD, null, a, b);
  }

  /**
   * The forward rule of an op linear in each argument separately (a product): the sum over the
   * arguments with a tangent of the op applied with that argument replaced by its tangent.
   */
  static Op.JvpRule multilinear() {
    return (g, n, tangents) -> {
      Node sum = null;
      for (int k = 0; k < tangents.size(); k++) {
        if (tangents.get(k) != null) {
          List<Node> args = new ArrayList<>(n.args());
          args.set(k, tangents.get(k));
          sum = plus(g, sum, reapply(g, n, args));
        }
      }
      return sum;
    };
  }

  /** The forward rule of a linear op of one argument: the op applied to the tangent. */
  static Op.JvpRule linear() {
    return (g, n, tangents) -> {
      List<Node> args = new ArrayList<>(n.args());
      args.set(0, tangents.get(0));
      return reapply(g, n, args);
    };
  }

  /** n's op with other arguments, its flags and (for ops that take one) its shape kept. */
  static Node reapply(Graph g, Node.Apply n, List<Node> args) {
    return n.op().hasExplicitShape() ? g.applyShapedFlagged(n.op(), args, n.flags(), n.shape())
        : g.apply(n.op(), null, n.flags(), args);
  }

  /** A zero of n's shape that elementwise readers read as the scalar 0. */
  /** A matrix to factor, where a branch is not taken: the identity of its shape (see Op#standIns). */
  static Node identityLike(Graph g, Node a) {
    return g.applyShaped(LinearAlgebra.SCALED_IDENTITY, List.of(g.constant(1.0)), a.shape());
  }

  /** An index, where a branch is not taken: 0 (see Op#standIns). */
  static Node firstIndex(Graph g, Node i) {
    return g.intConstant(0);
  }

  static Node zerosLike(Graph g, Node n) {
    return g.broadcast(Arithmetic.BROADCAST, g.constant(0.0), n.shape());
  }

  static boolean isConstant(Node n, double value) {
    return n instanceof Node.Const c && c.value() == value;
  }

  static Shape elementwiseShape(Graph g, List<Node> args, Origin origin, boolean keepsInts) {
    Shape result = null;
    boolean allInts = true;
    for (Node a : args) {
      Shape s = a.shape();
      allInts &= s.kind() == Kind.INT;
      if (s.isArray()) {
        if (result == null) {
          result = s;
        } else {
          if (result.kind() != s.kind()) {
            throw new IllegalStateException("elementwise op on " + result.kind() + " and " + s.kind());
          }
          String context = origin == null ? "an elementwise operation" : origin.source();
          g.dims().unify(result.rows(), s.rows(), context);
          g.dims().unify(result.cols(), s.cols(), context);
        }
      }
    }
    if (result != null) {
      return result;
    }
    return allInts && keepsInts ? Shape.integer(g.dims()) : Shape.scalar(g.dims());
  }

  // ---- loop skeletons for lowerings -------------------------------------------------------------

  /**
   * Declares n's variable and sums {@code term(x[i])} over the argument into it. The argument may
   * be fused (computed per element here), see {@link Op#accumulates()}.
   */
  static void accumulate(Emitter e, Node.Apply n, UnaryOperator<String> term) {
    sumOver(e, n, e.size(n.arg(0)), i -> term.apply(e.element(n.arg(0), i)));
  }

  /** Declares n's variable and adds {@code term(i)} to it for i in [0, bound). */
  static void sumOver(Emitter e, Node.Apply n, String bound, UnaryOperator<String> term) {
    String i = e.fresh("i");
    e.add(e.declare(n) + " = 0.0");
    e.open(Emitter.loop(i, bound));
    e.add(e.ref(n) + " += " + term.apply(i));
    e.close();
  }

  /** Sets every entry of n's array to {@code value}. */
  static void fill(Emitter e, Node n, String value) {
    String i = e.fresh("i");
    e.open(Emitter.loop(i, e.size(n)));
    e.add(e.ref(n) + "[" + i + "] = " + value);
    e.close();
  }

  /** Declares a local holding the largest entry of x and returns its name. */
  static String maximum(Emitter e, Node x) {
    String max = e.local("max");
    String i = e.fresh("i");
    e.add("double " + max + " = " + e.doubles("NEGATIVE_INFINITY"));
    e.open(Emitter.loop(i, e.size(x)));
    e.add(max + " = " + e.math("max") + "(" + max + ", " + e.at(x, i) + ")");
    e.close();
    return max;
  }

  @FunctionalInterface
  interface EntryBody {
    void emit(String row, String col, String flatIndex);
  }

  /** Runs {@code body} for every entry (i, j) of matrix m, row by row, with its flat index. */
  static void eachEntry(Emitter e, Node m, EntryBody body) {
    String i = e.fresh("i");
    String j = e.fresh("j");
    e.open(Emitter.loop(i, e.rows(m)));
    e.open(Emitter.loop(j, e.cols(m)));
    body.emit(i, j, i + " * " + e.cols(m) + " + " + j);
    e.close();
    e.close();
  }

  /** Loop variables of a column-wise op: the column and the row within it. */
  record Column(String col, String row) {}

  @FunctionalInterface
  interface ColumnBody {
    void emit(Column c, String flatIndex);
  }

  /** Runs {@code body} once per column of {@code shapeOf}, with the flat index of (row, col). */
  static void eachColumn(Emitter e, Node shapeOf, ColumnBody body) {
    Column c = new Column(e.fresh("col"), e.fresh("row"));
    e.open(Emitter.loop(c.col(), e.cols(shapeOf)));
    body.emit(c, c.row() + " * " + e.cols(shapeOf) + " + " + c.col());
    e.close();
  }
}
