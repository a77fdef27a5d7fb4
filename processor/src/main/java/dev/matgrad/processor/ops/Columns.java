package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import java.util.List;

/** Row and column sums and broadcasts, and the column-wise softmax functions. */
public final class Columns {
  private Columns() {}

  /** X + b·1ᵀ: b added to every column of X. */
  public static final Op ADD_TO_EACH_COLUMN = Op.builder("ADD_TO_EACH_COLUMN", Op.Category.OTHER)
      .signatures("addToEachColumn(Matrix,double[])")
      .shape((g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(1).shape().rows(),
            origin == null ? "X + b 1ᵀ" : origin.source());
        return args.get(0).shape();
      })
      .lower((e, n) -> {
        Node x = n.arg(0);
        String i = e.fresh("i");
        String j = e.fresh("j");
        e.open(Emitter.loop(i, e.rows(n)));
        String bi = e.fresh("b_i");
        e.add("double " + bi + " = " + e.at(n.arg(1), i));
        e.open(Emitter.loop(j, e.cols(n)));
        String at = i + " * " + e.cols(n) + " + " + j;
        e.add(e.ref(n) + "[" + at + "] = " + e.at(x, at) + " + " + bi);
        e.close();
        e.close();
      })
      .notation((a, n) -> a[0] + " + " + Notation.paren(a[1]) + " 1ᵀ")
      .vjp((g, n, grad) -> List.of(grad, g.apply(Columns.ROW_SUMS, null, grad)))
      .jvp((g, n, t) -> g.apply(Columns.ADD_TO_EACH_COLUMN, null,
          t.get(0) != null ? t.get(0) : Rules.zerosLike(g, n.arg(0)),
          t.get(1) != null ? t.get(1) : Rules.zerosLike(g, n.arg(1))))
      .build();

  /** X + 1·bᵀ: b added to every row of X. */
  public static final Op ADD_TO_EACH_ROW = Op.builder("ADD_TO_EACH_ROW", Op.Category.OTHER)
      .signatures("addToEachRow(Matrix,double[])")
      .shape((g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().cols(), args.get(1).shape().rows(),
            origin == null ? "X + 1 bᵀ" : origin.source());
        return args.get(0).shape();
      })
      .lower((e, n) -> Rules.eachEntry(e, n, (i, j, at) -> e.add(e.ref(n) + "[" + at + "] = "
          + e.at(n.arg(0), at) + " + " + e.at(n.arg(1), j))))
      .notation((a, n) -> a[0] + " + 1 " + Notation.paren(a[1]) + "ᵀ")
      .vjp((g, n, grad) -> List.of(grad, g.apply(Columns.COL_SUMS, null, grad)))
      .jvp((g, n, t) -> g.apply(Columns.ADD_TO_EACH_ROW, null,
          t.get(0) != null ? t.get(0) : Rules.zerosLike(g, n.arg(0)),
          t.get(1) != null ? t.get(1) : Rules.zerosLike(g, n.arg(1))))
      .build();

  /** G·1: the sums of each row (the adjoint of addToEachColumn for b). */
  public static final Op ROW_SUMS = Op.builder("ROW_SUMS", Op.Category.OTHER)
      .signatures("rowSums(Matrix)")
      .shape((g, args, flags, origin) -> Shape.vector(args.get(0).shape().rows(), g.dims()))
      .lower((e, n) -> {
        Node m = n.arg(0);
        String i = e.fresh("i");
        String j = e.fresh("j");
        String acc = e.fresh("rowSum");
        e.open(Emitter.loop(i, e.rows(m)));
        e.add("double " + acc + " = 0.0");
        e.open(Emitter.loop(j, e.cols(m)));
        e.add(acc + " += " + e.at(m, i + " * " + e.cols(m) + " + " + j));
        e.close();
        e.add(e.ref(n) + "[" + i + "] = " + acc);
        e.close();
      })
      .notation((a, n) -> Notation.paren(a[0]) + " 1")
      .vjp((g, n, grad) -> List.of(
          g.apply(Columns.ADD_TO_EACH_COLUMN, null, Rules.zerosLike(g, n.arg(0)), grad)))
      .jvp(Rules.linear())
      .linear()
      .build();

  /** 1ᵀ G: the sums of each column, as a vector. */
  public static final Op COL_SUMS = Op.builder("COL_SUMS", Op.Category.OTHER)
      .signatures("colSums(Matrix)")
      .shape((g, args, flags, origin) -> Shape.vector(args.get(0).shape().cols(), g.dims()))
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        Rules.eachEntry(e, n.arg(0), (i, j, at) ->
            e.add(e.ref(n) + "[" + j + "] += " + e.at(n.arg(0), at)));
      })
      .notation((a, n) -> "1ᵀ " + Notation.paren(a[0]))
      .vjp((g, n, grad) -> List.of(
          g.apply(Columns.ADD_TO_EACH_ROW, null, Rules.zerosLike(g, n.arg(0)), grad)))
      .jvp(Rules.linear())
      .linear()
      .build();

  /** Per column: exp(x − max) / Σ exp(x − max). */
  public static final Op SOFTMAX = Op.builder("SOFTMAX", Op.Category.OTHER)
      .signatures("softmax(double[])", "softmax(Matrix)")
      .shape((g, args, flags, origin) -> args.get(0).shape())
      .lower((e, n) -> Rules.eachColumn(e, n.arg(0), (col, at) -> {
        String x = e.ref(n.arg(0));
        String max = columnMaximum(e, n, x, col, at);
        String sum = e.fresh("sum");
        e.add("double " + sum + " = 0.0");
        e.open(Emitter.loop(col.row(), e.rows(n)));
        e.add(e.ref(n) + "[" + at + "] = " + e.math("exp") + "(" + x + "[" + at + "] - " + max + ")");
        e.add(sum + " += " + e.ref(n) + "[" + at + "]");
        e.close();
        e.open(Emitter.loop(col.row(), e.rows(n)));
        e.add(e.ref(n) + "[" + at + "] /= " + sum);
        e.close();
      }))
      .notation((a, n) -> "softmax(" + a[0] + ")")
      // ḡ ↦ y ⊙ (ḡ − 1 (yᵀ ḡ)) per column; the tangent has the same form.
      .vjp((g, n, grad) -> List.of(softmaxDerivative(g, n, grad)))
      .jvp((g, n, t) -> softmaxDerivative(g, n, t.get(0)))
      .build();

  public static final Op LOG_SOFTMAX = Op.builder("LOG_SOFTMAX", Op.Category.OTHER)
      .signatures("logSoftmax(double[])", "logSoftmax(Matrix)")
      .shape((g, args, flags, origin) -> args.get(0).shape())
      .lower((e, n) -> Rules.eachColumn(e, n.arg(0), (col, at) -> {
        String x = e.ref(n.arg(0));
        String max = columnMaximum(e, n, x, col, at);
        String sum = e.fresh("sumExp");
        e.add("double " + sum + " = 0.0");
        e.open(Emitter.loop(col.row(), e.rows(n)));
        e.add(sum + " += " + e.math("exp") + "(" + x + "[" + at + "] - " + max + ")");
        e.close();
        // (x − max) − log Σ rather than x − lse: lse keeps only the digits of max's ulp.
        String logSum = e.fresh("logSum");
        e.add("double " + logSum + " = " + e.doubles("isInfinite") + "(" + max + ") ? 0.0 : "
            + e.math("log") + "(" + sum + ")");
        e.open(Emitter.loop(col.row(), e.rows(n)));
        e.add(e.ref(n) + "[" + at + "] = " + x + "[" + at + "] - " + max + " - " + logSum);
        e.close();
      }))
      .notation((a, n) -> "log softmax(" + a[0] + ")")
      // ḡ ↦ ḡ − softmax(x) (1ᵀ ḡ) per column; ẋ ↦ ẋ − 1 (softmax(x)ᵀ ẋ).
      .vjp((g, n, grad) -> List.of(g.apply(Arithmetic.SUB, null, grad,
          perColumnTimes(g, g.apply(Functions.EXP, null, n), columnSums(g, grad)))))
      .jvp((g, n, t) -> minusColumnSums(g, t.get(0),
          g.apply(Arithmetic.MUL, null, g.apply(Functions.EXP, null, n), t.get(0))))
      .build();

  /** Declares a local holding the largest entry of x's current column and returns its name. */
  private static String columnMaximum(Emitter e, Node.Apply n, String x, Rules.Column col,
      String at) {
    String max = e.fresh("max");
    e.add("double " + max + " = " + e.doubles("NEGATIVE_INFINITY"));
    e.open(Emitter.loop(col.row(), e.rows(n)));
    e.add(max + " = " + e.math("max") + "(" + max + ", " + x + "[" + at + "])");
    e.close();
    return max;
  }

  /** y ⊙ (s − 1 (yᵀ s)) per column, y = softmax(x): its derivative applied to s. */
  private static Node softmaxDerivative(Graph g, Node.Apply y, Node s) {
    return g.apply(Arithmetic.MUL, null, y,
        minusColumnSums(g, s, g.apply(Arithmetic.MUL, null, y, s)));
  }

  /** a − 1 (1ᵀ b): each column of a less the sum of b's column (a scalar for vectors). */
  private static Node minusColumnSums(Graph g, Node a, Node b) {
    Node sums = columnSums(g, b);
    return a.shape().kind() == Kind.VECTOR ? g.apply(Arithmetic.SUB, null, a, sums)
        : g.apply(ADD_TO_EACH_ROW, null, a, g.apply(Arithmetic.NEG, null, sums));
  }

  /** 1ᵀ m: a scalar for a vector, a vector of column sums for a matrix. */
  private static Node columnSums(Graph g, Node m) {
    return m.shape().kind() == Kind.VECTOR ? g.apply(Reductions.SUM, null, m)
        : g.apply(COL_SUMS, null, m);
  }

  /** m diag(s): column j of m times s_j (m times the scalar s for a vector). */
  private static Node perColumnTimes(Graph g, Node m, Node s) {
    return m.shape().kind() == Kind.VECTOR ? g.apply(Arithmetic.MUL, null, m, s)
        : g.apply(LinearAlgebra.SCALE_COLS, null, m, s);
  }
}
