package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import java.util.List;

/**
 * Building arrays from blocks: concat, hstack, vstack and kron, whose sizes are sums and products
 * of their arguments' (see {@code Dim}), and the internal slices and paddings their derivatives
 * are made of. A slice or padding takes the first ({@link #HEAD}) or last ({@link #TAIL})
 * entries, rows or columns; its shape is given, the rest follows from its argument's.
 */
public final class Blocks {
  private Blocks() {}

  /** Flag of a slice or padding: the block at the start. */
  static final int HEAD = 0;
  /** Flag of a slice or padding: the block at the end. */
  static final int TAIL = 1;

  /** (a; b): a's entries, then b's. */
  public static final Op CONCAT = Op.builder("CONCAT", Op.Category.OTHER)
      .signatures("concat(double[],double[])")
      .shape((g, args, flags, origin) -> Shape.vector(
          g.dims().sum(args.get(0).shape().rows(), args.get(1).shape().rows()), g.dims()))
      .lower((e, n) -> {
        copy(e, n, n.arg(0), "0");
        copy(e, n, n.arg(1), e.size(n.arg(0)));
      })
      .notation((a, n) -> "(" + a[0] + "; " + a[1] + ")")
      .vjp((g, n, grad) -> flatSlices(g, n, grad))
      .jvp((g, n, t) -> flatJvp(g, n, t, Blocks.CONCAT))
      .build();

  /** [A; B]: B's rows below A's (row-major: A's entries, then B's). */
  public static final Op VSTACK = Op.builder("VSTACK", Op.Category.OTHER)
      .signatures("vstack(Matrix,Matrix)")
      .shape((g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().cols(), args.get(1).shape().cols(),
            origin == null ? "[A; B]" : origin.source());
        return Shape.matrix(g.dims().sum(args.get(0).shape().rows(), args.get(1).shape().rows()),
            args.get(0).shape().cols());
      })
      .lower((e, n) -> {
        copy(e, n, n.arg(0), "0");
        copy(e, n, n.arg(1), e.size(n.arg(0)));
      })
      .notation((a, n) -> "[" + a[0] + "; " + a[1] + "]")
      .vjp((g, n, grad) -> flatSlices(g, n, grad))
      .jvp((g, n, t) -> flatJvp(g, n, t, Blocks.VSTACK))
      .build();

  /** [A B]: B's columns to the right of A's. */
  public static final Op HSTACK = Op.builder("HSTACK", Op.Category.OTHER)
      .signatures("hstack(Matrix,Matrix)")
      .shape((g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(1).shape().rows(),
            origin == null ? "[A B]" : origin.source());
        return Shape.matrix(args.get(0).shape().rows(),
            g.dims().sum(args.get(0).shape().cols(), args.get(1).shape().cols()));
      })
      .lower((e, n) -> {
        Node a = n.arg(0);
        Node b = n.arg(1);
        String i = e.fresh("i");
        String j = e.fresh("j");
        e.open(Emitter.loop(i, e.rows(n)));
        e.open(Emitter.loop(j, e.cols(a)));
        e.add(e.ref(n) + "[" + i + " * " + e.cols(n) + " + " + j + "] = "
            + e.at(a, i + " * " + e.cols(a) + " + " + j));
        e.close();
        e.open(Emitter.loop(j, e.cols(b)));
        e.add(e.ref(n) + "[" + i + " * " + e.cols(n) + " + " + e.cols(a) + " + " + j + "] = "
            + e.at(b, i + " * " + e.cols(b) + " + " + j));
        e.close();
        e.close();
      })
      .notation((a, n) -> "[" + a[0] + " " + a[1] + "]")
      .vjp((g, n, grad) -> List.of(
          g.applyShaped(Blocks.TAKE_COLS, List.of(grad), n.arg(0).shape()),
          tail(g, Blocks.TAKE_COLS, grad, n.arg(1).shape())))
      .jvp((g, n, t) -> {
        if (t.get(0) != null && t.get(1) != null) {
          return g.apply(Blocks.HSTACK, null, t.get(0), t.get(1));
        }
        return t.get(0) != null ? g.applyShaped(Blocks.PAD_COLS, List.of(t.get(0)), n.shape())
            : tail(g, Blocks.PAD_COLS, t.get(1), n.shape());
      })
      .build();

  /** A ⊗ B: block (i, j) is A_ij B, entry (i·p + k, j·q + l) is A_ij B_kl (B p×q). */
  public static final Op KRON = Op.builder("KRON", Op.Category.OTHER)
      .signatures("kron(Matrix,Matrix)")
      .shape((g, args, flags, origin) -> Shape.matrix(
          g.dims().product(args.get(0).shape().rows(), args.get(1).shape().rows()),
          g.dims().product(args.get(0).shape().cols(), args.get(1).shape().cols())))
      .lower((e, n) -> kronLoops(e, n.arg(0), n.arg(1), n, (aij, bkl, y) ->
          e.add(e.ref(n) + "[" + y + "] = " + aij + " * " + bkl)))
      .notation((a, n) -> Notation.paren(a[0]) + " ⊗ " + Notation.paren(a[1]))
      // Ā_ij = Σ_kl Ḡ_(ip+k, jq+l) B_kl and B̄_kl = Σ_ij Ḡ_(ip+k, jq+l) A_ij.
      .vjp((g, n, grad) -> List.of(
          g.applyShaped(Blocks.KRON_ADJOINT_LEFT, List.of(grad, n.arg(1)), n.arg(0).shape()),
          g.applyShaped(Blocks.KRON_ADJOINT_RIGHT, List.of(grad, n.arg(0)), n.arg(1).shape())))
      .jvp(Rules.multilinear())
      .linear()
      .build();

  /**
   * The adjoint of kron in its first argument: from G (m·p × n·q) and B (p×q), the m×n matrix
   * with entries Σ_kl G_(ip+k, jq+l) B_kl. Bilinear in (G, B).
   */
  public static final Op KRON_ADJOINT_LEFT = Op.builder("KRON_ADJOINT_LEFT", Op.Category.OTHER)
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        kronLoops(e, n, n.arg(1), n.arg(0), (aij, bkl, y) -> e.add(aij + " += "
            + e.at(n.arg(0), y) + " * " + bkl));
      })
      .notation((a, n) -> "Σ_kl " + Notation.paren(a[0]) + "[ip+k, jq+l] " + Notation.paren(a[1])
          + "_kl")
      .vjp((g, n, grad) -> List.of(
          g.apply(Blocks.KRON, null, grad, n.arg(1)),
          g.applyShaped(Blocks.KRON_ADJOINT_RIGHT, List.of(n.arg(0), grad), n.arg(1).shape())))
      .jvp(Rules.multilinear())
      .linear()
      .build();

  /**
   * The adjoint of kron in its second argument: from G (m·p × n·q) and A (m×n), the p×q matrix
   * with entries Σ_ij G_(ip+k, jq+l) A_ij. Bilinear in (G, A).
   */
  public static final Op KRON_ADJOINT_RIGHT = Op.builder("KRON_ADJOINT_RIGHT", Op.Category.OTHER)
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        kronLoops(e, n.arg(1), n, n.arg(0), (aij, bkl, y) -> e.add(bkl + " += "
            + e.at(n.arg(0), y) + " * " + aij));
      })
      .notation((a, n) -> "Σ_ij " + Notation.paren(a[0]) + "[ip+k, jq+l] " + Notation.paren(a[1])
          + "_ij")
      .vjp((g, n, grad) -> List.of(
          g.apply(Blocks.KRON, null, n.arg(1), grad),
          g.applyShaped(Blocks.KRON_ADJOINT_LEFT, List.of(n.arg(0), grad), n.arg(1).shape())))
      .jvp(Rules.multilinear())
      .linear()
      .build();

  /**
   * The first (HEAD) or last (TAIL) size(result) entries of its argument, flat: the blocks of
   * concat's and vstack's adjoints.
   */
  public static final Op TAKE = Op.builder("TAKE", Op.Category.OTHER)
      .rewrite(Blocks::sliceOfBroadcast)
      .lower((e, n) -> {
        String offset = offset(e, n.flags(), e.size(n.arg(0)), e.size(n));
        String i = e.fresh("i");
        e.open(Emitter.loop(i, e.size(n)));
        e.add(e.ref(n) + "[" + i + "] = " + e.at(n.arg(0), plus(offset, i)));
        e.close();
      })
      .notation((a, n) -> Notation.paren(a[0]) + (n.flags() == HEAD ? "[head]" : "[tail]"))
      .vjp((g, n, grad) -> List.of(n.flags() == HEAD
          ? g.applyShaped(Blocks.PAD, List.of(grad), n.arg(0).shape())
          : tail(g, Blocks.PAD, grad, n.arg(0).shape())))
      .jvp(Rules.linear())
      .linear()
      .build();

  /** Its argument as the first (HEAD) or last (TAIL) entries of zeros of the shape given, flat. */
  public static final Op PAD = Op.builder("PAD", Op.Category.OTHER)
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        copy(e, n, n.arg(0), offset(e, n.flags(), e.size(n), e.size(n.arg(0))));
      })
      .notation((a, n) -> n.flags() == HEAD ? "(" + a[0] + "; 0)" : "(0; " + a[0] + ")")
      .vjp((g, n, grad) -> List.of(n.flags() == HEAD
          ? g.applyShaped(Blocks.TAKE, List.of(grad), n.arg(0).shape())
          : tail(g, Blocks.TAKE, grad, n.arg(0).shape())))
      .jvp(Rules.linear())
      .linear()
      .build();

  /** The first (HEAD) or last (TAIL) cols(result) columns of its argument (hstack's adjoint). */
  public static final Op TAKE_COLS = Op.builder("TAKE_COLS", Op.Category.OTHER)
      .rewrite(Blocks::sliceOfBroadcast)
      .lower((e, n) -> {
        Node x = n.arg(0);
        String offset = offset(e, n.flags(), e.cols(x), e.cols(n));
        Rules.eachEntry(e, n, (i, j, at) -> e.add(e.ref(n) + "[" + at + "] = "
            + e.at(x, plus(i + " * " + e.cols(x) + " + " + offset, j))));
      })
      .notation((a, n) -> Notation.paren(a[0]) + (n.flags() == HEAD ? "[:, head]" : "[:, tail]"))
      .vjp((g, n, grad) -> List.of(n.flags() == HEAD
          ? g.applyShaped(Blocks.PAD_COLS, List.of(grad), n.arg(0).shape())
          : tail(g, Blocks.PAD_COLS, grad, n.arg(0).shape())))
      .jvp(Rules.linear())
      .linear()
      .build();

  /** Its argument as the first (HEAD) or last (TAIL) columns of zeros of the shape given. */
  public static final Op PAD_COLS = Op.builder("PAD_COLS", Op.Category.OTHER)
      .lower((e, n) -> {
        Node x = n.arg(0);
        Rules.fill(e, n, "0.0");
        String offset = offset(e, n.flags(), e.cols(n), e.cols(x));
        Rules.eachEntry(e, x, (i, j, at) -> e.add(e.ref(n) + "["
            + plus(i + " * " + e.cols(n) + " + " + offset, j) + "] = " + e.at(x, at)));
      })
      .notation((a, n) -> n.flags() == HEAD ? "[" + a[0] + " 0]" : "[0 " + a[0] + "]")
      .vjp((g, n, grad) -> List.of(n.flags() == HEAD
          ? g.applyShaped(Blocks.TAKE_COLS, List.of(grad), n.arg(0).shape())
          : tail(g, Blocks.TAKE_COLS, grad, n.arg(0).shape())))
      .jvp(Rules.linear())
      .linear()
      .build();

  /** A block of a scalar spread over an array is that scalar spread over the block. */
  private static Node sliceOfBroadcast(Op.Rewriter r, Node.Apply n, List<Node> args, int flags) {
    Node x = args.get(0);
    if (x instanceof Node.Apply a && a.op() == Arithmetic.BROADCAST) {
      return r.graph().broadcast(Arithmetic.BROADCAST, a.arg(0), n.shape());
    }
    return null;
  }

  /** A slice or padding of the block at the end. */
  private static Node tail(Graph g, Op op, Node arg, Shape shape) {
    return g.applyShapedFlagged(op, List.of(arg), TAIL, shape);
  }

  /** concat's and vstack's adjoints: the head and the tail of ḡ, shaped as a and b. */
  private static List<Node> flatSlices(Graph g, Node.Apply n, Node grad) {
    return List.of(g.applyShaped(TAKE, List.of(grad), n.arg(0).shape()),
        tail(g, TAKE, grad, n.arg(1).shape()));
  }

  /** (ȧ; ḃ), with a padding of zeros where one tangent is zero. */
  private static Node flatJvp(Graph g, Node.Apply n, List<Node> t, Op op) {
    if (t.get(0) != null && t.get(1) != null) {
      return g.apply(op, null, t.get(0), t.get(1));
    }
    return t.get(0) != null ? g.applyShaped(PAD, List.of(t.get(0)), n.shape())
        : tail(g, PAD, t.get(1), n.shape());
  }

  /** y[offset + i] = x[i] for every entry of x. */
  private static void copy(Emitter e, Node y, Node x, String offset) {
    String i = e.fresh("i");
    e.open(Emitter.loop(i, e.size(x)));
    e.add(e.ref(y) + "[" + plus(offset, i) + "] = " + e.at(x, i));
    e.close();
  }

  /** Where a block of {@code part} entries starts in {@code whole}: 0, or whole − part. */
  private static String offset(Emitter e, int flags, String whole, String part) {
    return flags == HEAD ? "0" : "(" + whole + " - " + part + ")";
  }

  private static String plus(String offset, String index) {
    return offset.equals("0") ? index : offset + " + " + index;
  }

  /** What the innermost kron loop does with A_ij, B_kl and the flat index of Y_(ip+k, jq+l). */
  @FunctionalInterface
  private interface KronBody {
    void emit(String aij, String bkl, String y);
  }

  /** The four loops of A ⊗ B, A and B as given, y the kron-shaped array (Y's columns n·q). */
  private static void kronLoops(Emitter e, Node a, Node b, Node y, KronBody body) {
    String i = e.fresh("i");
    String j = e.fresh("j");
    String k = e.fresh("k");
    String l = e.fresh("l");
    String m = e.rows(a);
    String n = e.cols(a);
    String p = e.rows(b);
    String q = e.cols(b);
    String cols = "(" + n + " * " + q + ")";
    e.open(Emitter.loop(i, m));
    e.open(Emitter.loop(j, n));
    String aij = e.ref(a) + "[" + i + " * " + n + " + " + j + "]";
    e.open(Emitter.loop(k, p));
    e.open(Emitter.loop(l, q));
    body.emit(aij, e.ref(b) + "[" + k + " * " + q + " + " + l + "]",
        "(" + i + " * " + p + " + " + k + ") * " + cols + " + " + j + " * " + q + " + " + l);
    e.close();
    e.close();
    e.close();
    e.close();
  }
}
