package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/** Products, transposes, traces and diagonals. */
public final class LinearAlgebra {
  private LinearAlgebra() {}

  /** Bit of {@code flags}: the first operand of a matmul is read transposed. */
  public static final int TRANSPOSE_LEFT = 1;
  /** Bit of {@code flags}: the second operand of a matmul is read transposed. */
  public static final int TRANSPOSE_RIGHT = 2;
  /**
   * Bit of {@code flags}: the product is known to be symmetric (Mᵀ diag(d) M, built so by the
   * closed-form Jacobians), so its lowering computes one triangle and mirrors it. Only the
   * lowering reads it; the value is the product's.
   */
  public static final int SYMMETRIC = 4;

  /**
   * op(A)·op(B) where op transposes an operand when its flag is set: transposes are read in place,
   * never materialised. A vector operand is a column (n×1).
   */
  public static final Op MATMUL = Op.builder("MATMUL", Op.Category.OTHER)
      .signatures("matmul(Matrix,Matrix)", "matmul(Matrix,double[])")
      .shape((g, args, flags, origin) -> {
        Shape a = args.get(0).shape();
        Shape b = args.get(1).shape();
        boolean ta = (flags & TRANSPOSE_LEFT) != 0;
        boolean tb = (flags & TRANSPOSE_RIGHT) != 0;
        var m = ta ? a.cols() : a.rows();
        var k1 = ta ? a.rows() : a.cols();
        var k2 = tb ? b.cols() : b.rows();
        var n = tb ? b.rows() : b.cols();
        g.dims().unify(k1, k2, origin == null ? "a matrix product" : origin.source());
        if (b.kind() == Kind.VECTOR && !tb && !(a.kind() == Kind.VECTOR && ta)) {
          return Shape.vector(m, g.dims());
        }
        if (a.kind() == Kind.VECTOR && ta && b.kind() == Kind.VECTOR && !tb) {
          throw new IllegalStateException("a 1×1 matmul is a dot product");
        }
        return Shape.matrix(m, n);
      })
      .lower(LinearAlgebra::lowerMatmul)
      .notation((a, n) -> factor(a[0], n.arg(0), (n.flags() & TRANSPOSE_LEFT) != 0) + " "
          + factor(a[1], n.arg(1), (n.flags() & TRANSPOSE_RIGHT) != 0))
      .vjp(LinearAlgebra::matmulAdjoint)
      .jvp(Rules.multilinear())
      .rewrite(LinearAlgebra::rewriteMatmul)
      .linear()
      .build();

  public static final Op TRANSPOSE = Op.builder("TRANSPOSE", Op.Category.OTHER)
      .signatures("transpose(Matrix)")
      .shape((g, args, flags, origin) ->
          Shape.matrix(args.get(0).shape().cols(), args.get(0).shape().rows()))
      .lower((e, n) -> Rules.eachEntry(e, n.arg(0), (i, j, at) -> e.add(e.ref(n) + "[" + j + " * "
          + e.rows(n.arg(0)) + " + " + i + "] = " + e.ref(n.arg(0)) + "[" + at + "]")))
      .notation((a, n) -> Notation.paren(a[0]) + "ᵀ")
      .vjp((g, n, grad) -> List.of(g.apply(LinearAlgebra.TRANSPOSE, null, grad)))
      .jvp(Rules.linear())
      .rewrite(LinearAlgebra::rewriteTranspose)
      .linear()
      .build();

  /**
   * acc + u vᵀ (arguments acc, u, v): a rank-one update, into acc's own storage where nothing
   * else reads acc (the weight adjoint a reverse loop accumulates), else into a copy; the outer
   * product is never filled into an array of its own.
   */
  public static final Op ADD_OUTER = Op.builder("ADD_OUTER", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> args.get(0).shape())
      .lower((e, n) -> {
        String i = e.fresh("i");
        String j = e.fresh("j");
        String cols = e.size(n.arg(2));
        if (!e.writesInPlace(n)) {
          e.open(Emitter.loop(j, e.size(n)));
          e.add(e.ref(n) + "[" + j + "] = " + e.at(n.arg(0), j));
          e.close();
        }
        e.open(Emitter.loop(i, e.size(n.arg(1))));
        String u = e.fresh("u_i");
        e.add("double " + u + " = " + e.at(n.arg(1), i));
        String row = e.fresh("row");
        e.add("int " + row + " = " + i + " * " + cols);
        e.open(Emitter.loop(j, cols));
        e.add(e.ref(n) + "[" + row + " + " + j + "] += " + u + " * " + e.at(n.arg(2), j));
        e.close();
        e.close();
      })
      .notation((a, n) -> a[0] + " + " + Notation.paren(a[1]) + " " + Notation.paren(a[2]) + "ᵀ")
      .vjp((g, n, grad) -> List.of(grad, g.apply(LinearAlgebra.MATMUL, null, 0, List.of(grad, n.arg(2))),
          g.apply(LinearAlgebra.MATMUL, null, LinearAlgebra.TRANSPOSE_LEFT, List.of(grad, n.arg(1)))))
      .jvp((g, n, t) -> {
        Node d = t.get(1) == null ? null : g.apply(LinearAlgebra.OUTER, null, t.get(1), n.arg(2));
        if (t.get(2) != null) {
          Node right = g.apply(LinearAlgebra.OUTER, null, n.arg(1), t.get(2));
          d = d == null ? right : g.apply(Arithmetic.ADD, null, d, right);
        }
        if (t.get(0) != null) {
          d = d == null ? t.get(0) : g.apply(Arithmetic.ADD, null, t.get(0), d);
        }
        return d;
      })
      .writesInto()
      .build();

  public static final Op OUTER = Op.builder("OUTER", Op.Category.OTHER)
      .signatures("outer(double[],double[])")
      .shape((g, args, flags, origin) ->
          Shape.matrix(args.get(0).shape().rows(), args.get(1).shape().rows()))
      .lower((e, n) -> {
        String i = e.fresh("i");
        String j = e.fresh("j");
        String cols = e.size(n.arg(1));
        e.open(Emitter.loop(i, e.size(n.arg(0))));
        e.open(Emitter.loop(j, cols));
        e.add(e.ref(n) + "[" + i + " * " + cols + " + " + j + "] = " + e.at(n.arg(0), i) + " * "
            + e.at(n.arg(1), j));
        e.close();
        e.close();
      })
      .notation((a, n) -> Notation.paren(a[0]) + " " + Notation.paren(a[1]) + "ᵀ")
      .vjp((g, n, grad) -> List.of(g.apply(MATMUL, null, 0, List.of(grad, n.arg(1))),
          g.apply(MATMUL, null, TRANSPOSE_LEFT, List.of(grad, n.arg(0)))))
      .jvp(Rules.multilinear())
      .linear()
      .addsInto(LinearAlgebra.ADD_OUTER)
      .build();

  public static final Op DOT = Op.builder("DOT", Op.Category.OTHER)
      .signatures("dot(double[],double[])")
      .shape((g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(1).shape().rows(),
            origin == null ? "a dot product" : origin.source());
        return Shape.scalar(g.dims());
      })
      .lower((e, n) -> Rules.sumOver(e, n, e.size(n.arg(0)),
          i -> e.at(n.arg(0), i) + " * " + e.at(n.arg(1), i)))
      .notation((a, n) -> Notation.paren(a[0]) + "ᵀ " + Notation.paren(a[1]))
      .vjp((g, n, grad) -> List.of(g.apply(Arithmetic.MUL, null, grad, n.arg(1)),
          g.apply(Arithmetic.MUL, null, grad, n.arg(0))))
      .jvp(Rules.multilinear())
      .linear()
      .build();

  public static final Op TRACE = Op.builder("TRACE", Op.Category.OTHER)
      .signatures("trace(Matrix)")
      .shape((g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(0).shape().cols(),
            origin == null ? "a trace" : origin.source());
        return Shape.scalar(g.dims());
      })
      .lower((e, n) -> Rules.sumOver(e, n, e.rows(n.arg(0)),
          i -> e.ref(n.arg(0)) + "[" + i + " * " + e.cols(n.arg(0)) + " + " + i + "]"))
      .notation((a, n) -> "tr(" + a[0] + ")")
      .vjp((g, n, grad) -> List.of(g.applyShaped(LinearAlgebra.SCALED_IDENTITY, List.of(grad),
          n.arg(0).shape())))
      .jvp(Rules.linear())
      .rewrite((r, n, args, flags) -> args.get(0) instanceof Node.Apply m && m.op() == MATMUL
          ? traceOfProduct(r.graph(), m, n) : null)
      .linear()
      .build();

  public static final Op DIAG = Op.builder("DIAG", Op.Category.OTHER)
      .signatures("diag(double[])")
      .shape((g, args, flags, origin) ->
          Shape.matrix(args.get(0).shape().rows(), args.get(0).shape().rows()))
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        String i = e.fresh("i");
        e.open(Emitter.loop(i, e.rows(n)));
        e.add(e.ref(n) + "[" + i + " * " + e.cols(n) + " + " + i + "] = " + e.at(n.arg(0), i));
        e.close();
      })
      .notation((a, n) -> "diag(" + a[0] + ")")
      .vjp((g, n, grad) -> List.of(g.apply(LinearAlgebra.DIAG_PART, null, grad)))
      .jvp(Rules.linear())
      .linear()
      .build();

  /** The diagonal of a square matrix as a vector (the adjoint of diag). */
  public static final Op DIAG_PART = Op.builder("DIAG_PART", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(0).shape().cols(), "the diagonal");
        return Shape.vector(args.get(0).shape().rows(), g.dims());
      })
      .lower((e, n) -> {
        String i = e.fresh("i");
        Node m = n.arg(0);
        e.open(Emitter.loop(i, e.rows(m)));
        e.add(e.ref(n) + "[" + i + "] = " + e.ref(m) + "[" + i + " * " + e.cols(m) + " + " + i + "]");
        e.close();
      })
      .notation((a, n) -> "diagonal(" + a[0] + ")")
      .vjp((g, n, grad) -> List.of(g.apply(DIAG, null, grad)))
      .jvp(Rules.linear())
      .linear()
      .build();

  /** s·I in the shape given (the adjoint of trace). */
  public static final Op SCALED_IDENTITY = Op.builder("SCALED_IDENTITY", Op.Category.OTHER)
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        String i = e.fresh("i");
        e.open(Emitter.loop(i, e.rows(n)));
        e.add(e.ref(n) + "[" + i + " * " + e.cols(n) + " + " + i + "] = " + e.ref(n.arg(0)));
        e.close();
      })
      .notation((a, n) -> Notation.paren(a[0]) + " I")
      .vjp((g, n, grad) -> List.of(g.apply(TRACE, null, grad)))
      .jvp(Rules.linear())
      .linear()
      .build();

  /** diag(v) M without the diagonal matrix: row i of M scaled by v_i (from matmul(diag(v), M)). */
  public static final Op SCALE_ROWS = Op.builder("SCALE_ROWS", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(1).shape().rows(),
            origin == null ? "diag(v) M" : origin.source());
        return args.get(1).shape();
      })
      .lower((e, n) -> Rules.eachEntry(e, n.arg(1), (i, j, at) -> e.add(e.ref(n) + "[" + at + "] = "
          + e.at(n.arg(0), i) + " * " + e.ref(n.arg(1)) + "[" + at + "]")))
      .notation((a, n) -> "diag(" + a[0] + ") " + Notation.paren(a[1]))
      .vjp((g, n, grad) -> List.of(
          g.apply(Columns.ROW_SUMS, null, g.apply(Arithmetic.MUL, null, grad, n.arg(1))),
          g.apply(LinearAlgebra.SCALE_ROWS, null, n.arg(0), grad)))
      .jvp(Rules.multilinear())
      .linear()
      .build();

  /** M diag(v) without the diagonal matrix: column j of M scaled by v_j. */
  public static final Op SCALE_COLS = Op.builder("SCALE_COLS", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().cols(), args.get(1).shape().rows(),
            origin == null ? "M diag(v)" : origin.source());
        return args.get(0).shape();
      })
      .lower((e, n) -> Rules.eachEntry(e, n.arg(0), (i, j, at) -> e.add(e.ref(n) + "[" + at + "] = "
          + e.ref(n.arg(0)) + "[" + at + "] * " + e.at(n.arg(1), j))))
      .notation((a, n) -> Notation.paren(a[0]) + " diag(" + a[1] + ")")
      .vjp((g, n, grad) -> List.of(g.apply(LinearAlgebra.SCALE_COLS, null, grad, n.arg(1)),
          g.apply(Columns.COL_SUMS, null, g.apply(Arithmetic.MUL, null, grad, n.arg(0)))))
      .jvp(Rules.multilinear())
      .linear()
      .build();

  /**
   * tr(A B) = Σ_ij A_ij B_ji without forming A B (from trace(matmul(A, B))); its adjoint needs
   * no identity matrix either.
   */
  public static final Op TRACE_OF_PRODUCT = Op.builder("TRACE_OF_PRODUCT", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> {
        String context = origin == null ? "tr(A B)" : origin.source();
        g.dims().unify(args.get(0).shape().cols(), args.get(1).shape().rows(), context);
        g.dims().unify(args.get(0).shape().rows(), args.get(1).shape().cols(), context);
        return Shape.scalar(g.dims());
      })
      .lower((e, n) -> {
        Node a = n.arg(0);
        Node b = n.arg(1);
        String i = e.fresh("i");
        String j = e.fresh("j");
        e.add(e.declare(n) + " = 0.0");
        e.open(Emitter.loop(i, e.rows(a)));
        e.open(Emitter.loop(j, e.cols(a)));
        e.add(e.ref(n) + " += " + e.ref(a) + "[" + i + " * " + e.cols(a) + " + " + j + "] * "
            + e.ref(b) + "[" + j + " * " + e.cols(b) + " + " + i + "]");
        e.close();
        e.close();
      })
      .notation((a, n) -> "tr(" + Notation.paren(a[0]) + " " + Notation.paren(a[1]) + ")")
      .vjp((g, n, grad) -> List.of(
          g.apply(Arithmetic.MUL, null, grad, g.apply(LinearAlgebra.TRANSPOSE, null, n.arg(1))),
          g.apply(Arithmetic.MUL, null, grad, g.apply(LinearAlgebra.TRANSPOSE, null, n.arg(0)))))
      .jvp(Rules.multilinear())
      .linear()
      .build();

  /**
   * A matmul operand: products need no parentheses (A (B C) = A B C, A (diag(d) B) = A diag(d) B)
   * unless transposed.
   */
  private static String factor(String text, Node operand, boolean transposed) {
    boolean product = operand instanceof Node.Apply p && (p.op() == MATMUL || p.op() == OUTER
        || p.op() == SCALE_ROWS || p.op() == SCALE_COLS);
    String shown = product && !transposed ? text : Notation.paren(text);
    return transposed ? shown + "ᵀ" : shown;
  }

  /**
   * Transposed operands become flags (a transpose is never materialised), and a diagonal
   * operand becomes a row or column scaling: no n×n matrix, no O(n²m) product.
   */
  private static Node rewriteMatmul(Op.Rewriter r, Node.Apply n, List<Node> mapped, int flags) {
    List<Node> args = new ArrayList<>(mapped);
    int f = flags;
    for (int i = 0; i < 2; i++) {
      if (args.get(i) instanceof Node.Apply t && t.op() == TRANSPOSE) {
        args.set(i, t.arg(0));
        f ^= i == 0 ? TRANSPOSE_LEFT : TRANSPOSE_RIGHT;
      }
    }
    Graph to = r.graph();
    Node left = args.get(0);
    Node right = args.get(1);
    if (left instanceof Node.Apply d && d.op() == DIAG) {
      Node m = (f & TRANSPOSE_RIGHT) != 0 ? to.apply(TRANSPOSE, null, right) : right;
      return m.shape().kind() == Kind.VECTOR ? to.apply(Arithmetic.MUL, d.origin(), d.arg(0), m)
          : to.apply(SCALE_ROWS, d.origin(), d.arg(0), m);
    }
    if (right instanceof Node.Apply d && d.op() == DIAG && left.shape().kind() == Kind.MATRIX) {
      Node m = (f & TRANSPOSE_LEFT) != 0 ? to.apply(TRANSPOSE, null, left) : left;
      return to.apply(SCALE_COLS, d.origin(), m, d.arg(0));
    }
    return f == flags && args.equals(mapped) ? null : to.apply(MATMUL, n.origin(), f, args);
  }

  private static Node rewriteTranspose(Op.Rewriter r, Node.Apply n, List<Node> args, int flags) {
    if (!(args.get(0) instanceof Node.Apply t)) {
      return null;
    }
    if (t.op() == TRANSPOSE) {
      return t.arg(0);
    }
    if (t.op() == OUTER) { // (u vᵀ)ᵀ = v uᵀ
      return r.graph().apply(OUTER, n.origin(), t.arg(1), t.arg(0));
    }
    // (op(A) op(B))ᵀ = op(B)ᵀ op(A)ᵀ, unless the product is computed anyway for another use:
    // then transposing it (O(mn)) beats multiplying again (O(mnk)), e.g. ∇_X tr(XᵀAX) reuses XᵀA.
    if (t.op() == MATMUL && t.shape().kind() == Kind.MATRIX && r.uses(n.arg(0)) <= 1) {
      int swapped = ((t.flags() & TRANSPOSE_RIGHT) != 0 ? 0 : TRANSPOSE_LEFT)
          | ((t.flags() & TRANSPOSE_LEFT) != 0 ? 0 : TRANSPOSE_RIGHT);
      return r.graph().apply(MATMUL, n.origin(), swapped, List.of(t.arg(1), t.arg(0)));
    }
    return null;
  }

  /**
   * tr(op(A) op(B)) without the product: ⟨A, B⟩ when exactly one operand is transposed,
   * Σ A_ij B_ji otherwise; the adjoint then needs no identity matrix.
   */
  private static Node traceOfProduct(Graph to, Node.Apply product, Node.Apply trace) {
    boolean ta = (product.flags() & TRANSPOSE_LEFT) != 0;
    boolean tb = (product.flags() & TRANSPOSE_RIGHT) != 0;
    Node a = product.arg(0);
    Node b = product.arg(1);
    if (a.shape().kind() != Kind.MATRIX || b.shape().kind() != Kind.MATRIX) {
      return null;
    }
    if (ta != tb) {
      return to.apply(Reductions.SUM, trace.origin(), to.apply(Arithmetic.MUL, trace.origin(), a, b));
    }
    return ta ? to.apply(TRACE_OF_PRODUCT, trace.origin(), b, a)
        : to.apply(TRACE_OF_PRODUCT, trace.origin(), a, b);
  }

  private static void lowerMatmul(Emitter e, Node.Apply n) {
    Node a = n.arg(0);
    Node b = n.arg(1);
    boolean ta = (n.flags() & TRANSPOSE_LEFT) != 0;
    boolean tb = (n.flags() & TRANSPOSE_RIGHT) != 0;
    String m = ta ? e.cols(a) : e.rows(a);
    String k = ta ? e.rows(a) : e.cols(a);
    String cols = tb ? e.rows(b) : e.cols(b);
    boolean columnResult = !tb && "1".equals(cols);
    if (columnResult || !a.shape().isArray() || !b.shape().isArray()) {
      lowerMatmulLoops(e, n);
      return;
    }
    // Matrix by matrix: large ones go to the runtime's tuned kernel (packed, cache-blocked).
    if ((n.flags() & SYMMETRIC) != 0) {
      e.symmetricMatmul(m, k, e.ref(a), ta, e.ref(b), tb, e.ref(n), () -> lowerMatmulLoops(e, n));
      return;
    }
    e.matmul(m, cols, k, e.ref(a), ta, e.ref(b), tb, e.ref(n), () -> lowerMatmulLoops(e, n));
  }

  private static void lowerMatmulLoops(Emitter e, Node.Apply n) {
    Node a = n.arg(0);
    Node b = n.arg(1);
    boolean ta = (n.flags() & TRANSPOSE_LEFT) != 0;
    boolean tb = (n.flags() & TRANSPOSE_RIGHT) != 0;
    String m = ta ? e.cols(a) : e.rows(a);
    String k = ta ? e.rows(a) : e.cols(a);
    String cols = tb ? e.rows(b) : e.cols(b);
    String out = e.ref(n);
    String av = e.ref(a);
    String bv = e.ref(b);
    String i = e.fresh("i");
    String j = e.fresh("j");
    String p = e.fresh("k");
    // A column result: each entry is one dot product along a contiguous row of A (or of Aᵀ's column).
    if (!tb && "1".equals(cols)) {
      if (!ta) {
        // Four partial sums: one sum would wait on every previous add (its latency, not the
        // multiplies, would set the speed).
        String[] acc = {e.fresh("dot0"), e.fresh("dot1"), e.fresh("dot2"), e.fresh("dot3")};
        e.open(Emitter.loop(i, m));
        String row = e.fresh("rowStart");
        e.add("int " + row + " = " + i + " * " + k);
        for (String a0 : acc) {
          e.add("double " + a0 + " = 0.0");
        }
        e.add("int " + p + " = 0");
        e.open("for (; " + p + " + 3 < " + k + "; " + p + " += 4)");
        for (int u = 0; u < 4; u++) {
          String off = u == 0 ? p : p + " + " + u;
          e.add(acc[u] + " += " + av + "[" + row + " + " + off + "] * " + bv + "[" + off + "]");
        }
        e.close();
        e.open("for (; " + p + " < " + k + "; " + p + "++)");
        e.add(acc[0] + " += " + av + "[" + row + " + " + p + "] * " + bv + "[" + p + "]");
        e.close();
        e.add(out + "[" + i + "] = (" + acc[0] + " + " + acc[1] + ") + (" + acc[2] + " + " + acc[3] + ")");
        e.close();
      } else {
        // Aᵀb: walk A row by row (cache-friendly), scattering into the result.
        Rules.fill(e, n, "0.0");
        e.open(Emitter.loop(p, k));
        String bk = e.fresh("b_k");
        e.add("double " + bk + " = " + bv + "[" + p + "]");
        String row = e.fresh("rowStart");
        e.add("int " + row + " = " + p + " * " + m);
        e.open(Emitter.loop(i, m));
        e.add(out + "[" + i + "] += " + av + "[" + row + " + " + i + "] * " + bk);
        e.close();
        e.close();
      }
      return;
    }
    if (!tb) {
      // op(A)·B: for each output row, add multiples of B's rows (i-k-j order, contiguous inner loop).
      Rules.fill(e, n, "0.0");
      e.open(Emitter.loop(i, m));
      String outRow = e.fresh("outRow");
      e.add("int " + outRow + " = " + i + " * " + cols);
      e.open(Emitter.loop(p, k));
      String aik = e.fresh("a_ik");
      e.add("double " + aik + " = " + av + "[" + (ta ? p + " * " + m + " + " + i : i + " * " + k + " + " + p) + "]");
      String bRow = e.fresh("bRow");
      e.add("int " + bRow + " = " + p + " * " + cols);
      e.open(Emitter.loop(j, cols));
      e.add(out + "[" + outRow + " + " + j + "] += " + aik + " * " + bv + "[" + bRow + " + " + j + "]");
      e.close();
      e.close();
      e.close();
      return;
    }
    if (!ta) {
      matmulRowsByRows(e, out, av, bv, m, k, cols);
      return;
    }
    // Aᵀ·Bᵀ: each entry is a dot product of a column of A with a row of B.
    e.open(Emitter.loop(i, m));
    e.open(Emitter.loop(j, cols));
    String acc = e.fresh("dot");
    e.add("double " + acc + " = 0.0");
    e.open(Emitter.loop(p, k));
    e.add(acc + " += " + av + "[" + (ta ? p + " * " + m + " + " + i : i + " * " + k + " + " + p) + "] * "
        + bv + "[" + j + " * " + k + " + " + p + "]");
    e.close();
    e.add(out + "[" + i + " * " + cols + " + " + j + "] = " + acc);
    e.close();
    e.close();
  }

  /**
   * C = A·Bᵀ, every entry a dot product of two contiguous rows, computed in 2×2 blocks: each
   * element loaded serves two products and four independent sums hide the adds' latency.
   */
  private static void matmulRowsByRows(Emitter e, String out, String av, String bv, String m,
      String k, String cols) {
    // Declared outside the loops: a method-level name, so that later loops do not reuse it.
    String i = e.local("row");
    String j = e.fresh("j");
    String p = e.fresh("k");
    String a0 = e.fresh("aRow0");
    String a1 = e.fresh("aRow1");
    String b0 = e.fresh("bRow0");
    String b1 = e.fresh("bRow1");
    String[] s = {e.fresh("s00"), e.fresh("s01"), e.fresh("s10"), e.fresh("s11")};
    String x0 = e.fresh("x0");
    String x1 = e.fresh("x1");
    String y0 = e.fresh("y0");
    String y1 = e.fresh("y1");
    e.add("int " + i + " = 0");
    e.open("for (; " + i + " + 1 < " + m + "; " + i + " += 2)");
    e.add("int " + a0 + " = " + i + " * " + k);
    e.add("int " + a1 + " = " + a0 + " + " + k);
    e.add("int " + j + " = 0");
    e.open("for (; " + j + " + 1 < " + cols + "; " + j + " += 2)");
    e.add("int " + b0 + " = " + j + " * " + k);
    e.add("int " + b1 + " = " + b0 + " + " + k);
    for (String sum : s) {
      e.add("double " + sum + " = 0.0");
    }
    e.open(Emitter.loop(p, k));
    e.add("double " + x0 + " = " + av + "[" + a0 + " + " + p + "]");
    e.add("double " + x1 + " = " + av + "[" + a1 + " + " + p + "]");
    e.add("double " + y0 + " = " + bv + "[" + b0 + " + " + p + "]");
    e.add("double " + y1 + " = " + bv + "[" + b1 + " + " + p + "]");
    e.add(s[0] + " += " + x0 + " * " + y0);
    e.add(s[1] + " += " + x0 + " * " + y1);
    e.add(s[2] + " += " + x1 + " * " + y0);
    e.add(s[3] + " += " + x1 + " * " + y1);
    e.close();
    e.add(out + "[" + i + " * " + cols + " + " + j + "] = " + s[0]);
    e.add(out + "[" + i + " * " + cols + " + " + j + " + 1] = " + s[1]);
    e.add(out + "[(" + i + " + 1) * " + cols + " + " + j + "] = " + s[2]);
    e.add(out + "[(" + i + " + 1) * " + cols + " + " + j + " + 1] = " + s[3]);
    e.close();
    // The last column when cols is odd: two rows against one.
    e.open("if (" + j + " < " + cols + ")");
    e.add("int " + b0 + " = " + j + " * " + k);
    e.add("double " + s[0] + " = 0.0");
    e.add("double " + s[2] + " = 0.0");
    e.open(Emitter.loop(p, k));
    e.add("double " + y0 + " = " + bv + "[" + b0 + " + " + p + "]");
    e.add(s[0] + " += " + av + "[" + a0 + " + " + p + "] * " + y0);
    e.add(s[2] + " += " + av + "[" + a1 + " + " + p + "] * " + y0);
    e.close();
    e.add(out + "[" + i + " * " + cols + " + " + j + "] = " + s[0]);
    e.add(out + "[(" + i + " + 1) * " + cols + " + " + j + "] = " + s[2]);
    e.close();
    e.close();
    // The last row when m is odd.
    e.open("if (" + i + " < " + m + ")");
    e.add("int " + a0 + " = " + i + " * " + k);
    e.open(Emitter.loop(j, cols));
    e.add("double " + s[0] + " = 0.0");
    e.open(Emitter.loop(p, k));
    e.add(s[0] + " += " + av + "[" + a0 + " + " + p + "] * " + bv + "[" + j + " * " + k + " + " + p + "]");
    e.close();
    e.add(out + "[" + i + " * " + cols + " + " + j + "] = " + s[0]);
    e.close();
    e.close();
  }

  private static List<Node> matmulAdjoint(Graph g, Node.Apply n, Node grad) {
    Node a = n.arg(0);
    Node b = n.arg(1);
    boolean ta = (n.flags() & TRANSPOSE_LEFT) != 0;
    boolean tb = (n.flags() & TRANSPOSE_RIGHT) != 0;
    Node da = ta
        ? matmul(g, b, tb, grad, true)    // Ā = op(B)·Gᵀ
        : matmul(g, grad, false, b, !tb); // Ā = G·op(B)ᵀ
    Node db = tb
        ? matmul(g, grad, true, a, ta)    // B̄ = Gᵀ·op(A)
        : matmul(g, a, !ta, grad, false); // B̄ = op(A)ᵀ·G
    return List.of(da, db);
  }

  private static Node matmul(Graph g, Node a, boolean ta, Node b, boolean tb) {
    // A vector read as a row times a vector (x·yᵀ) is an outer product; vᵀ·w would be a dot.
    if (a.shape().kind() == Kind.VECTOR && !ta && b.shape().kind() == Kind.VECTOR && tb) {
      return g.apply(OUTER, null, a, b);
    }
    return g.apply(MATMUL, null, (ta ? TRANSPOSE_LEFT : 0) | (tb ? TRANSPOSE_RIGHT : 0),
        List.of(a, b));
  }
}
