package dev.matgrad.processor.ops;

import dev.matgrad.processor.CompileError;
import dev.matgrad.processor.Message;
import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import java.util.Arrays;
import java.util.List;

/** Element reads, one-hot arrays, and the sizes of arrays as ints. */
public final class Elements {
  private Elements() {}

  /** x[i] of a vector, or the entry at flat index i of a matrix, with an int index. */
  public static final Op ELEMENT = Op.builder("ELEMENT", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> Shape.scalar(g.dims()))
      .lower((e, n) -> e.add(e.declare(n) + " = " + guarded(e, n, 2,
          e.ref(n.arg(0)) + "[" + e.ref(n.arg(1)) + "]")))
      .notation((a, n) -> a[0] + "[" + a[1] + "]")
      .vjp((g, n, grad) -> Arrays.asList(oneHot(g, grad, n.arg(1), n, 2), null, null))
      .jvp(Rules.linear())
      .constantArgs(1, 2)
      .linear()
      .build();

  /**
   * An element read in a branch has a third argument, the condition under which the branch is
   * taken: elsewhere the index may be out of range (x[i - 1] where i > 0 guards it), so the read
   * gives 0 there instead of throwing.
   */
  private static String guarded(Emitter e, Node.Apply n, int guardArg, String read) {
    return n.args().size() > guardArg ? "(" + e.ref(n.arg(guardArg)) + " != 0 ? " + read + " : 0.0)"
        : read;
  }

  /** grad at flat index i of an array shaped like n's argument 0, under n's guard if it has one. */
  private static Node oneHot(dev.matgrad.processor.ir.Graph g, Node grad, Node index, Node.Apply n,
      int guardArg) {
    List<Node> args = n.args().size() > guardArg ? List.of(grad, index, n.arg(guardArg))
        : List.of(grad, index);
    return g.applyShaped(Elements.ONE_HOT, args, n.arg(0).shape());
  }

  /** A.get(i, j) of a matrix, with int indices checked as Matrix.get checks them. */
  public static final Op MATRIX_ELEMENT = Op.builder("MATRIX_ELEMENT", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> Shape.scalar(g.dims()))
      .lower((e, n) -> {
        Node m = n.arg(0);
        String i = e.ref(n.arg(1));
        String j = e.ref(n.arg(2));
        String guard = n.args().size() > 3 ? e.ref(n.arg(3)) + " != 0 && " : "";
        e.open("if (" + guard + "(" + i + " < 0 || " + i + " >= " + e.rows(m) + " || " + j
            + " < 0 || " + j + " >= " + e.cols(m) + "))");
        e.add("throw new IndexOutOfBoundsException(\"(\" + " + i + " + \", \" + " + j
            + " + \") is outside a \" + " + e.rows(m) + " + \"×\" + " + e.cols(m)
            + " + \" Matrix\")");
        e.close();
        e.add(e.declare(n) + " = " + guarded(e, n, 3,
            e.ref(m) + "[" + i + " * " + e.cols(m) + " + " + j + "]"));
      })
      .notation((a, n) -> a[0] + "[" + a[1] + ", " + a[2] + "]")
      .vjp((g, n, grad) -> Arrays.asList(oneHot(g, grad,
          g.apply(Arithmetic.ADD, null, g.apply(Arithmetic.MUL, null, n.arg(1),
              g.apply(Elements.COLS, null, n.arg(0))), n.arg(2)), n, 3), null, null, null))
      .jvp(Rules.linear())
      .constantArgs(1, 2, 3)
      .linear()
      .build();


  /** Row i of a matrix as a vector, with the index checked as Ops.row checks it. */
  public static final Op ROW = Op.builder("ROW", Op.Category.OTHER)
      .signatures("row(Matrix,int)")
      .shape((g, args, flags, origin) -> Shape.vector(args.get(0).shape().cols(), g.dims()))
      .lower((e, n) -> {
        Node m = n.arg(0);
        String i = e.ref(n.arg(1));
        indexCheck(e, "row", "i", i, e.rows(m), "rows", m);
        String j = e.fresh("j");
        e.open(Emitter.loop(j, e.cols(m)));
        e.add(e.ref(n) + "[" + j + "] = " + e.ref(m) + "[" + i + " * " + e.cols(m) + " + " + j + "]");
        e.close();
      })
      .notation((a, n) -> a[0] + "[" + a[1] + ", :]")
      .vjp((g, n, grad) -> Arrays.asList(
          g.applyShaped(Elements.EMBED_ROW, List.of(grad, n.arg(1)), n.arg(0).shape()), null))
      .jvp(Rules.linear())
      .constantArgs(1)
      .linear()
      .mayThrow()
      .standIn(1, Rules::firstIndex)
      .build();

  /** Column j of a matrix as a vector, with the index checked as Ops.col checks it. */
  public static final Op COL = Op.builder("COL", Op.Category.OTHER)
      .signatures("col(Matrix,int)")
      .shape((g, args, flags, origin) -> Shape.vector(args.get(0).shape().rows(), g.dims()))
      .lower((e, n) -> {
        Node m = n.arg(0);
        String j = e.ref(n.arg(1));
        indexCheck(e, "col", "j", j, e.cols(m), "columns", m);
        String i = e.fresh("i");
        e.open(Emitter.loop(i, e.rows(m)));
        e.add(e.ref(n) + "[" + i + "] = " + e.ref(m) + "[" + i + " * " + e.cols(m) + " + " + j + "]");
        e.close();
      })
      .notation((a, n) -> a[0] + "[:, " + a[1] + "]")
      .vjp((g, n, grad) -> Arrays.asList(
          g.applyShaped(Elements.EMBED_COL, List.of(grad, n.arg(1)), n.arg(0).shape()), null))
      .jvp(Rules.linear())
      .constantArgs(1)
      .linear()
      .mayThrow()
      .standIn(1, Rules::firstIndex)
      .build();

  /**
   * acc + e_i vᵀ (arguments acc, v, i): v added into row i of acc, in acc's own storage where
   * nothing else reads acc (an adjoint accumulated over a loop's iterations), else into a copy.
   */
  public static final Op ADD_ROW = addInto("ADD_ROW", true);

  /** acc + v e_jᵀ (arguments acc, v, j): v added into column j of acc (see ADD_ROW). */
  public static final Op ADD_COL = addInto("ADD_COL", false);

  private static Op addInto(String name, boolean row) {
    return Op.builder(name, Op.Category.OTHER)
        .shape((g, args, flags, origin) -> args.get(0).shape())
        .lower((e, n) -> {
          if (!e.writesInPlace(n)) {
            String j = e.fresh("j");
            e.open(Emitter.loop(j, e.size(n)));
            e.add(e.ref(n) + "[" + j + "] = " + e.at(n.arg(0), j));
            e.close();
          }
          String k = e.fresh(row ? "j" : "i");
          e.open(Emitter.loop(k, row ? e.cols(n) : e.rows(n)));
          String at = row ? e.ref(n.arg(2)) + " * " + e.cols(n) + " + " + k
              : k + " * " + e.cols(n) + " + " + e.ref(n.arg(2));
          e.add(e.ref(n) + "[" + at + "] += " + e.at(n.arg(1), k));
          e.close();
        })
        .notation((a, n) -> a[0] + (row ? " + e_" + a[2] + " " + Notation.paren(a[1]) + "ᵀ"
            : " + " + Notation.paren(a[1]) + " e_" + a[2] + "ᵀ"))
        .vjp((g, n, grad) -> Arrays.asList(grad,
            g.apply(row ? Elements.ROW : Elements.COL, null, grad, n.arg(2)), null))
        .jvp((g, n, t) -> {
          if (t.get(1) == null) {
            return t.get(0);
          }
          Node acc = t.get(0) != null ? t.get(0) : Rules.zerosLike(g, n);
          return g.apply(row ? Elements.ADD_ROW : Elements.ADD_COL, null, 0,
              List.of(acc, t.get(1), n.arg(2)));
        })
        .writesInto()
        .constantArgs(2)
        .build();
  }

  /** A matrix of the shape given, zero but for row i = v (the adjoint of row). */
  public static final Op EMBED_ROW = Op.builder("EMBED_ROW", Op.Category.OTHER)
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        String j = e.fresh("j");
        e.open(Emitter.loop(j, e.cols(n)));
        e.add(e.ref(n) + "[" + e.ref(n.arg(1)) + " * " + e.cols(n) + " + " + j + "] = "
            + e.at(n.arg(0), j));
        e.close();
      })
      .notation((a, n) -> "e_" + a[1] + " " + Notation.paren(a[0]) + "ᵀ")
      .vjp((g, n, grad) -> Arrays.asList(g.apply(ROW, null, grad, n.arg(1)), null))
      .jvp(Rules.linear())
      .constantArgs(1)
      .linear()
      .addsInto(ADD_ROW)
      .build();

  /** A matrix of the shape given, zero but for column j = v (the adjoint of col). */
  public static final Op EMBED_COL = Op.builder("EMBED_COL", Op.Category.OTHER)
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        String i = e.fresh("i");
        e.open(Emitter.loop(i, e.rows(n)));
        e.add(e.ref(n) + "[" + i + " * " + e.cols(n) + " + " + e.ref(n.arg(1)) + "] = "
            + e.at(n.arg(0), i));
        e.close();
      })
      .notation((a, n) -> Notation.paren(a[0]) + " e_" + a[1] + "ᵀ")
      .vjp((g, n, grad) -> Arrays.asList(g.apply(COL, null, grad, n.arg(1)), null))
      .jvp(Rules.linear())
      .constantArgs(1)
      .linear()
      .addsInto(ADD_COL)
      .build();

  /** The n×n identity, n a size of a parameter (a constant: nothing to differentiate). */
  public static final Op IDENTITY = Op.builder("IDENTITY", Op.Category.OTHER)
      .signatures("identity(int)")
      .shape((g, args, flags, origin) -> {
        var n = sizeDimension(g, args.get(0), "identity", origin);
        return Shape.matrix(n, n);
      })
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        String i = e.fresh("i");
        e.open(Emitter.loop(i, e.rows(n)));
        e.add(e.ref(n) + "[" + i + " * " + e.cols(n) + " + " + i + "] = 1.0");
        e.close();
      })
      .notation((a, n) -> "I")
      .constantArgs(0)
      .build();

  /** The vector of n ones, n a size of a parameter. */
  public static final Op ONES = Op.builder("ONES", Op.Category.OTHER)
      .signatures("ones(int)")
      .shape((g, args, flags, origin) ->
          Shape.vector(sizeDimension(g, args.get(0), "ones", origin), g.dims()))
      .lower((e, n) -> Rules.fill(e, n, "1.0"))
      .notation((a, n) -> "1")
      .constantArgs(0)
      .build();

  /**
   * The symbolic dimension an int size names: {@code A.rows()}, {@code A.cols()} or
   * {@code x.length} of a parameter (or of a value of that shape), an int parameter, or an int
   * constant. Shapes are checked when the generated method starts, so a size computed otherwise
   * is not supported yet.
   */
  public static dev.matgrad.processor.ir.Dim sizeDimension(dev.matgrad.processor.ir.Graph g,
      Node size, String op, dev.matgrad.processor.ast.Origin origin) {
    if (size instanceof Node.Apply a && a.op() == ROWS) {
      return a.arg(0).shape().rows();
    }
    if (size instanceof Node.Apply a && a.op() == COLS) {
      return a.arg(0).shape().cols();
    }
    if (size instanceof Node.Apply a && a.op() == SIZE
        && a.arg(0).shape().kind() == dev.matgrad.processor.ir.Kind.VECTOR) {
      return a.arg(0).shape().rows();
    }
    if (size instanceof Node.Const c && c.shape().kind() == dev.matgrad.processor.ir.Kind.INT
        && c.value() >= 0) {
      return g.dims().sized(Integer.toString((int) c.value()), dev.matgrad.processor.ir.Dim.Role.CONSTANT);
    }
    if (size instanceof Node.Param p && p.shape().kind() == dev.matgrad.processor.ir.Kind.INT
        && g.isMethodParameter(p)) {
      return g.dims().sized(p.name(), dev.matgrad.processor.ir.Dim.Role.VALUE);
    }
    // Sums and products of sizes (new double[n * n], new double[x.length + 1]): never negative.
    if (size instanceof Node.Apply a && size.shape().kind() == dev.matgrad.processor.ir.Kind.INT
        && (a.op() == Arithmetic.ADD || a.op() == Arithmetic.MUL)) {
      var left = sizeDimension(g, a.arg(0), op, origin);
      var right = sizeDimension(g, a.arg(1), op, origin);
      return a.op() == Arithmetic.ADD ? g.dims().sum(left, right) : g.dims().product(left, right);
    }
    throw new CompileError(origin, Message.SIZE_NOT_A_DIMENSION, op,
        origin == null ? "its argument" : origin.source());
  }

  private static void indexCheck(Emitter e, String op, String index, String value, String bound,
      String what, Node m) {
    e.open("if (" + value + " < 0 || " + value + " >= " + bound + ")");
    e.add("throw new IndexOutOfBoundsException(\"" + op + ": " + index + " = \" + " + value
        + " + \" is outside the " + what + " 0..\" + (" + bound + " - 1) + \" of a \" + "
        + e.rows(m) + " + \"×\" + " + e.cols(m) + " + \" Matrix\")");
    e.close();
  }

  /** g at flat index i, 0 elsewhere (the adjoint of an element read), in the shape given. */
  public static final Op ONE_HOT = Op.builder("ONE_HOT", Op.Category.OTHER)
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        String write = e.ref(n) + "[" + e.ref(n.arg(1)) + "] = " + e.ref(n.arg(0));
        if (n.args().size() > 2) {
          e.open("if (" + e.ref(n.arg(2)) + " != 0)");
          e.add(write);
          e.close();
        } else {
          e.add(write);
        }
      })
      .notation((a, n) -> Notation.paren(a[0]) + " e_" + a[1])
      .vjp((g, n, grad) -> Arrays.asList(
          g.apply(ELEMENT, null, 0, n.args().size() > 2 ? List.of(grad, n.arg(1), n.arg(2))
              : List.of(grad, n.arg(1))), null, null))
      .jvp(Rules.linear())
      .constantArgs(1, 2)
      .linear()
      .addsInto(ControlFlow.ADD_AT)
      .build();

  /** The number of entries of an array, as an int (used by mean's adjoint). */
  public static final Op SIZE = intOf("SIZE", "size");

  /** {@code A.rows()} as an int. */
  public static final Op ROWS = intOf("ROWS", "rows");

  /** {@code A.cols()} as an int. */
  public static final Op COLS = intOf("COLS", "cols");

  private static Op intOf(String name, String function) {
    return Op.builder(name, Op.Category.OTHER)
        .shape((g, args, flags, origin) -> Shape.integer(g.dims()))
        .lower((e, n) -> e.add(e.declare(n) + " = " + switch (function) {
          case "rows" -> e.rows(n.arg(0));
          case "cols" -> e.cols(n.arg(0));
          default -> e.size(n.arg(0));
        }))
        .notation((a, n) -> function + "(" + a[0] + ")")
        .constantArgs(0)
        .build();
  }
}
