package dev.matgrad.processor.ir;

import dev.matgrad.processor.ast.Origin;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The op table: for every op, side by side, the Java methods that name it, its shape rule, its
 * lowering to loops over flat arrays, its adjoint rule (reverse mode at the matrix level) and its
 * matrix notation. Adding an op means adding one entry here (and its tests), nothing else.
 *
 * <p>Adjoint rules receive the node {@code n} (its value is {@code y}) and the adjoint {@code g}
 * of its result, and return one contribution per argument (null where the argument is not
 * differentiable). A scalar argument broadcast over an array result receives the contribution's
 * sum; the reverse-mode pass adds that, so rules stay elementwise.
 */
public final class Op {

  // ---- the table ------------------------------------------------------------------------------

  /** a + b: elementwise, or on scalars (the Java operator). */
  public static final Op ADD = elementwise("ADD", a -> a[0] + " + " + a[1],
      (a, n) -> a[0] + " + " + a[1],
      (g, n, grad) -> List.of(grad, grad), true,
      "add(double[],double[])", "add(Matrix,Matrix)");

  public static final Op SUB = elementwise("SUB", a -> a[0] + " - " + a[1],
      (a, n) -> a[0] + " − " + Notation.paren(a[1]),
      (g, n, grad) -> List.of(grad, g.apply(Op.NEG, null, grad)), true,
      "sub(double[],double[])", "sub(Matrix,Matrix)");

  /** Hadamard product, scalar·array ({@code scale}) and scalar product, in one op. */
  public static final Op MUL = elementwise("MUL", a -> a[0] + " * " + a[1],
      (a, n) -> n.arg(0).shape().isScalar() || n.arg(1).shape().isScalar()
          ? Notation.paren(a[0]) + " " + Notation.paren(a[1])
          : Notation.paren(a[0]) + " ⊙ " + Notation.paren(a[1]),
      (g, n, grad) -> List.of(g.apply(Op.MUL, null, grad, n.arg(1)),
          g.apply(Op.MUL, null, grad, n.arg(0))), true,
      "mul(double[],double[])", "mul(Matrix,Matrix)", "scale(double,double[])",
      "scale(double,Matrix)");

  public static final Op DIV = elementwise("DIV", a -> a[0] + " / " + a[1],
      (a, n) -> Notation.paren(a[0]) + " / " + Notation.paren(a[1]),
      (g, n, grad) -> List.of(
          g.apply(n.arg(1) instanceof Node.Const ? Op.DIV : Op.DIV_NUMERATOR_ADJOINT, null, grad,
              n.arg(1)),
          g.apply(Op.DIV_DIVISOR_ADJOINT, null, grad, n, n.arg(1))), true,
      "div(double[],double[])", "div(Matrix,Matrix)");

  /** Java's % on ints (sizes and indices only; it has no derivative). */
  public static final Op REM = elementwise("REM", a -> a[0] + " % " + a[1],
      (a, n) -> a[0] + " mod " + a[1], (g, n, grad) -> Arrays.asList(null, null), true);

  public static final Op NEG = elementwise("NEG", a -> "-" + a[0],
      (a, n) -> "−" + Notation.paren(a[0]),
      (g, n, grad) -> List.of(g.apply(Op.NEG, null, grad)), true,
      "neg(double)", "neg(double[])", "neg(Matrix)");

  /** An int used as a double (a cast, or an int bound to a double variable). */
  public static final Op TO_DOUBLE = elementwise("TO_DOUBLE", a -> "(double) " + a[0],
      (a, n) -> a[0], (g, n, grad) -> Arrays.asList((Node) null), false);

  public static final Op EXP = unary("EXP", "exp", "Math.exp(%s)", "exp(%s)",
      (gr, x, y) -> gr + " * " + y, (gr, x, y) -> gr + " ⊙ " + y);
  /** 1/x is infinite at x = 0: a zero adjoint there contributes 0, not 0·∞ = NaN. */
  public static final Op LOG = unary("LOG", "log", "Math.log(%s)", "log(%s)",
      (gr, x, y) -> unlessZero(gr, gr + " / " + x), (gr, x, y) -> gr + " / " + x);
  /** √x has slope +∞ at x = 0 (kept: it is the one-sided derivative); a zero adjoint gives 0. */
  public static final Op SQRT = unary("SQRT", "sqrt", "Math.sqrt(%s)", "√%s",
      (gr, x, y) -> unlessZero(gr, gr + " * 0.5 / " + y), (gr, x, y) -> gr + " / (2 " + y + ")");
  public static final Op SQUARE = unary("SQUARE", "square", "%1$s * %1$s", "%s²",
      (gr, x, y) -> "2.0 * " + gr + " * " + x, (gr, x, y) -> "2 " + gr + " ⊙ " + x);
  public static final Op ABS = unary("ABS", "abs", "Math.abs(%s)", "|%s|",
      (gr, x, y) -> gr + " * Math.signum(" + x + ")", (gr, x, y) -> gr + " ⊙ sign(" + x + ")");
  public static final Op TANH = unary("TANH", "tanh", "Math.tanh(%s)", "tanh(%s)",
      (gr, x, y) -> gr + " * (1.0 - " + y + " * " + y + ")",
      (gr, x, y) -> gr + " ⊙ (1 − " + y + "²)");
  /**
   * The logistic function as 1 / (1 + e^−x), one exp and no branch: where e^−x overflows
   * (x < −709) the quotient is 1/∞ = 0, the right limit, and dividing 1 by a large number keeps
   * full relative precision in the left tail.
   */
  public static final Op SIGMOID = unary("SIGMOID", "sigmoid",
      "1.0 / (1.0 + Math.exp(-%1$s))",
      "σ(%s)", (gr, x, y) -> gr + " * " + y + " * (1.0 - " + y + ")",
      (gr, x, y) -> gr + " ⊙ " + y + " ⊙ (1 − " + y + ")");
  /** Subgradient 0 at 0, as for abs and norm1. */
  public static final Op RELU = unary("RELU", "relu", "(%1$s > 0.0 ? %1$s : 0.0)", "relu(%s)",
      (gr, x, y) -> "(" + x + " > 0.0 ? " + gr + " : 0.0)",
      (gr, x, y) -> gr + " ⊙ [" + x + " > 0]");
  public static final Op SOFTPLUS = unary("SOFTPLUS", "softplus",
      "(Math.max(%1$s, 0.0) + Math.log1p(Math.exp(-Math.abs(%1$s))))", "softplus(%s)",
      (gr, x, y) -> gr + " * " + String.format(SIGMOID.forwardFormat, x),
      (gr, x, y) -> gr + " ⊙ σ(" + x + ")");
  public static final Op SIN = unary("SIN", null, "Math.sin(%s)", "sin(%s)",
      (gr, x, y) -> gr + " * Math.cos(" + x + ")", (gr, x, y) -> gr + " ⊙ cos(" + x + ")");
  public static final Op COS = unary("COS", null, "Math.cos(%s)", "cos(%s)",
      (gr, x, y) -> "-" + gr + " * Math.sin(" + x + ")", (gr, x, y) -> "−" + gr + " ⊙ sin(" + x + ")");

  /** x^p elementwise; p is a scalar and may itself be differentiated. */
  public static final Op POW = elementwise("POW", a -> "Math.pow(" + a[0] + ", " + a[1] + ")",
      (a, n) -> Notation.paren(a[0]) + "^" + Notation.paren(a[1]),
      (g, n, grad) -> List.of(g.apply(Op.POW_BASE_ADJOINT, null, grad, n.arg(0), n.arg(1)),
          g.apply(Op.POW_EXPONENT_ADJOINT, null, grad, n.arg(0), n)), false,
      "pow(double,double)", "pow(double[],double)", "pow(Matrix,double)",
      "Math.pow(double,double)");

  // Elementwise adjoints that the rules above build; internal, never differentiated again.

  /** g ⊙ f'(x) for the unary op in {@code of}, with x and y = f(x) as arguments. */
  public static final Op UNARY_ADJOINT = internalElementwise("UNARY_ADJOINT", null, null);
  /** g/b, and 0 where g = 0 (a masked-out quotient at b = 0 would give 0/0 = NaN). */
  public static final Op DIV_NUMERATOR_ADJOINT = internalElementwise("DIV_NUMERATOR_ADJOINT",
      a -> unlessZero(a[0], a[0] + " / " + a[1]),
      (a, n) -> Notation.paren(a[0]) + " / " + Notation.paren(a[1]));
  /** −g·(a/b)/b, and 0 where g = 0 (a masked-out quotient at b = 0 would give 0·∞ = NaN). */
  public static final Op DIV_DIVISOR_ADJOINT = internalElementwise("DIV_DIVISOR_ADJOINT",
      a -> unlessZero(a[0], "-" + a[0] + " * " + a[1] + " / " + a[2]),
      (a, n) -> "−" + Notation.paren(a[0]) + " ⊙ " + Notation.paren(a[1]) + " / " + Notation.paren(a[2]));
  /**
   * g·p·x^(p−1), taken as 0 when p = 0 (x⁰ is constant, even where x^(−1) is infinite) and when
   * g = 0 (x^p with p &lt; 1 has slope ∞ at 0, as √x).
   */
  public static final Op POW_BASE_ADJOINT = internalElementwise("POW_BASE_ADJOINT",
      a -> "(" + a[2] + " == 0.0 || " + a[0] + " == 0.0 ? 0.0 : " + a[0] + " * " + a[2]
          + " * Math.pow(" + a[1] + ", " + a[2] + " - 1.0))",
      (a, n) -> Notation.paren(a[0]) + " ⊙ " + Notation.paren(a[2]) + " " + Notation.paren(a[1])
          + "^(" + a[2] + " − 1)");
  /** d(x^p)/dp = x^p ln x, taken as 0 where x^p = 0. */
  public static final Op POW_EXPONENT_ADJOINT = internalElementwise("POW_EXPONENT_ADJOINT",
      a -> "(" + a[2] + " == 0.0 ? 0.0 : " + a[0] + " * " + a[2] + " * Math.log(" + a[1] + "))",
      (a, n) -> Notation.paren(a[0]) + " ⊙ " + Notation.paren(a[2]) + " ⊙ log(" + a[1] + ")");
  /** g·x/‖x‖₂, taken as 0 at x = 0 (the minimum-norm subgradient). */
  public static final Op NORM2_ADJOINT = internalElementwise("NORM2_ADJOINT",
      a -> "(" + a[2] + " == 0.0 ? 0.0 : " + a[0] + " * " + a[1] + " / " + a[2] + ")",
      (a, n) -> Notation.paren(a[0]) + " " + Notation.paren(a[1]) + " / " + a[2]);
  /** g·sign(x)(|x|/‖x‖_p)^(p−1) = g·x|x|^(p−2)/‖x‖_p^(p−1), taken as 0 at x = 0. */
  public static final Op NORMP_ADJOINT = internalElementwise("NORMP_ADJOINT",
      a -> "(" + a[2] + " == 0.0 ? 0.0 : " + a[0] + " * Math.signum(" + a[1] + ") * Math.pow(Math.abs("
          + a[1] + ") / " + a[2] + ", " + a[3] + " - 1.0))",
      (a, n) -> Notation.paren(a[0]) + " " + a[1] + " ⊙ |" + a[1] + "|^(" + a[3] + " − 2) / "
          + a[2] + "^(" + a[3] + " − 1)");

  /**
   * g·softmax(x) over all entries (args g, x), recomputed as exp(x_i − max x) / Σ: the shorter
   * exp(x_i − lse(x)) loses the digits of lse below ulp(max x), 5e-14 at 800 and all of them
   * beyond 1e16.
   */
  public static final Op LOG_SUM_EXP_ADJOINT = new Op("LOG_SUM_EXP_ADJOINT", Category.OTHER,
      List.of(), (g, args, flags, origin) -> args.get(1).shape(),
      (e, n) -> {
        Node x = n.arg(1);
        String max = maximum(e, x);
        String i = e.fresh("i");
        String sum = e.local("sumExp");
        e.add("double " + sum + " = 0.0");
        e.open(loop(i, e.size(x)));
        e.add(e.ref(n) + "[" + i + "] = Math.exp(" + e.at(x, i) + " - " + max + ")");
        e.add(sum + " += " + e.ref(n) + "[" + i + "]");
        e.close();
        e.open(loop(i, e.size(x)));
        e.add(e.ref(n) + "[" + i + "] = " + e.ref(n.arg(0)) + " * (" + e.ref(n) + "[" + i + "] / "
            + sum + ")");
        e.close();
      },
      (a, n) -> Notation.paren(a[0]) + " softmax(" + a[1] + ")", null, null, null);

  /** A scalar spread over an array shape (given explicitly); elementwise users read the scalar. */
  public static final Op BROADCAST = new Op("BROADCAST", Category.ELEMENTWISE, List.of(), null,
      null, (a, n) -> Notation.paren(a[0]) + " 1", null, a -> a[0], false);

  // ---- reductions to a scalar -------------------------------------------------------------------

  public static final Op SUM = reduction("SUM", "sum", (e, n) -> accumulate(e, n, x -> x), (a, n) -> "sum(" + a[0] + ")",
      (g, n, grad) -> List.of(g.broadcast(grad, n.arg(0).shape())));

  public static final Op MEAN = reduction("MEAN", "mean", (e, n) -> {
        accumulate(e, n, x -> x);
        e.add(e.ref(n) + " /= " + e.size(n.arg(0)));
      }, (a, n) -> "mean(" + a[0] + ")",
      (g, n, grad) -> List.of(g.broadcast(
          g.apply(Op.DIV, null, grad, g.apply(Op.SIZE, null, n.arg(0))), n.arg(0).shape())));

  public static final Op SUM_SQ = reduction("SUM_SQ", "sumSq",
      (e, n) -> accumulate(e, n, x -> x + " * " + x), (a, n) -> "‖" + a[0] + "‖²",
      (g, n, grad) -> List.of(g.apply(Op.MUL, null,
          g.apply(Op.MUL, null, g.constant(2.0), grad), n.arg(0))));

  public static final Op NORM1 = reduction("NORM1", "norm1",
      (e, n) -> accumulate(e, n, x -> "Math.abs(" + x + ")"), (a, n) -> "‖" + a[0] + "‖₁",
      (g, n, grad) -> List.of(g.apply(Op.UNARY_ADJOINT, null, 0, Op.ABS,
          List.of(g.broadcast(grad, n.arg(0).shape()), n.arg(0), n.arg(0)))));

  /**
   * √Σx_i², and where Σx_i² overflows or underflows (entries beyond 1e154 or below 1e-150) with
   * the largest magnitude m factored out, m·√Σ(x_i/m)²: finite wherever the norm is.
   */
  public static final Op NORM2 = reduction("NORM2", "norm2", (e, n) -> {
        Node x = n.arg(0);
        String norm = e.ref(n);
        accumulate(e, n, v -> v + " * " + v);
        String scale = e.local("normScale");
        e.add("double " + scale + " = 1.0");
        e.open("if (!(" + norm + " >= 0x1.0p-1000 && " + norm + " < Double.POSITIVE_INFINITY))");
        String max = e.local("maxAbs");
        String i = e.fresh("i");
        e.add("double " + max + " = 0.0");
        e.open(loop(i, e.size(x)));
        e.add(max + " = Math.max(" + max + ", Math.abs(" + e.at(x, i) + "))");
        e.close();
        e.add(scale + " = " + max);
        e.add(norm + " = 1.0");
        e.open("if (" + max + " > 0.0 && " + max + " < Double.POSITIVE_INFINITY)");
        e.add(norm + " = 0.0");
        e.open(loop(i, e.size(x)));
        String scaled = e.fresh("scaled");
        e.add("double " + scaled + " = " + e.at(x, i) + " / " + max);
        e.add(norm + " += " + scaled + " * " + scaled);
        e.close();
        e.close();
        e.close();
        e.add(norm + " = " + scale + " * Math.sqrt(" + norm + ")");
      }, (a, n) -> "‖" + a[0] + "‖₂",
      (g, n, grad) -> List.of(g.apply(Op.NORM2_ADJOINT, null, grad, n.arg(0), n)));

  public static final Op LOG_SUM_EXP = reduction("LOG_SUM_EXP", "logSumExp", (e, n) -> {
        String max = maximum(e, n.arg(0));
        String i = e.fresh("i");
        String sum = e.local("sumExp");
        e.add("double " + sum + " = 0.0");
        e.open(loop(i, e.size(n.arg(0))));
        e.add(sum + " += Math.exp(" + e.at(n.arg(0), i) + " - " + max + ")");
        e.close();
        e.add(e.declare(n) + " = Double.isInfinite(" + max + ") ? " + max + " : " + max
            + " + Math.log(" + sum + ")");
      }, (a, n) -> "log Σ exp(" + a[0] + ")",
      (g, n, grad) -> List.of(g.apply(Op.LOG_SUM_EXP_ADJOINT, null, grad, n.arg(0))));

  /** (Σ|x_i|^p)^(1/p), scaled by max|x_i| so that large or tiny entries neither overflow nor vanish. */
  public static final Op NORM_P = new Op("NORM_P", Category.OTHER,
      List.of("normP(double[],double)"),
      (g, args, flags, origin) -> Shape.scalar(g.dims()),
      (e, n) -> {
        Node x = n.arg(0);
        String p = e.ref(n.arg(1));
        String max = e.local("maxAbs");
        String i = e.fresh("i");
        e.add("double " + max + " = 0.0");
        e.open(loop(i, e.size(x)));
        e.add(max + " = Math.max(" + max + ", Math.abs(" + e.at(x, i) + "))");
        e.close();
        String sum = e.local("sumPow");
        e.add("double " + sum + " = 0.0");
        e.open("if (" + max + " > 0.0)");
        e.open(loop(i, e.size(x)));
        e.add(sum + " += Math.pow(Math.abs(" + e.at(x, i) + ") / " + max + ", " + p + ")");
        e.close();
        e.close();
        e.add(e.declare(n) + " = " + max + " == 0.0 ? 0.0 : " + max + " * Math.pow(" + sum
            + ", 1.0 / " + p + ")");
      },
      (a, n) -> "‖" + a[0] + "‖_" + a[1],
      (g, n, grad) -> Arrays.asList(
          g.apply(Op.NORMP_ADJOINT, null, grad, n.arg(0), n, n.arg(1)), null),
      null, null);

  public static final Op DOT = new Op("DOT", Category.OTHER, List.of("dot(double[],double[])"),
      (g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(1).shape().rows(), origin.source());
        return Shape.scalar(g.dims());
      },
      (e, n) -> sumOver(e, n, e.size(n.arg(0)), i -> e.at(n.arg(0), i) + " * " + e.at(n.arg(1), i)),
      (a, n) -> Notation.paren(a[0]) + "ᵀ " + Notation.paren(a[1]),
      (g, n, grad) -> List.of(g.apply(Op.MUL, null, grad, n.arg(1)),
          g.apply(Op.MUL, null, grad, n.arg(0))),
      null, null);

  public static final Op TRACE = new Op("TRACE", Category.OTHER, List.of("trace(Matrix)"),
      (g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(0).shape().cols(), origin.source());
        return Shape.scalar(g.dims());
      },
      (e, n) -> sumOver(e, n, e.rows(n.arg(0)),
          i -> e.ref(n.arg(0)) + "[" + i + " * " + e.cols(n.arg(0)) + " + " + i + "]"),
      (a, n) -> "tr(" + a[0] + ")",
      (g, n, grad) -> List.of(g.applyShaped(Op.SCALED_IDENTITY, grad, n.arg(0).shape())),
      null, null);

  /** The number of entries of an array, as an int (used by mean's adjoint). */
  public static final Op SIZE = new Op("SIZE", Category.OTHER, List.of(),
      (g, args, flags, origin) -> Shape.integer(g.dims()),
      (e, n) -> e.add(e.declare(n) + " = " + e.size(n.arg(0))),
      (a, n) -> "size(" + a[0] + ")", null, null, null);

  /** {@code A.rows()} as an int. */
  public static final Op ROWS = new Op("ROWS", Category.OTHER, List.of(),
      (g, args, flags, origin) -> Shape.integer(g.dims()),
      (e, n) -> e.add(e.declare(n) + " = " + e.rows(n.arg(0))),
      (a, n) -> "rows(" + a[0] + ")", null, null, null);

  /** {@code A.cols()} as an int. */
  public static final Op COLS = new Op("COLS", Category.OTHER, List.of(),
      (g, args, flags, origin) -> Shape.integer(g.dims()),
      (e, n) -> e.add(e.declare(n) + " = " + e.cols(n.arg(0))),
      (a, n) -> "cols(" + a[0] + ")", null, null, null);

  // ---- linear algebra ---------------------------------------------------------------------------

  /** Bit of {@code flags}: the first operand of a matmul is read transposed. */
  public static final int TRANSPOSE_LEFT = 1;
  /** Bit of {@code flags}: the second operand of a matmul is read transposed. */
  public static final int TRANSPOSE_RIGHT = 2;

  /**
   * op(A)·op(B) where op transposes an operand when its flag is set: transposes are read in place,
   * never materialised. A vector operand is a column (n×1).
   */
  public static final Op MATMUL = new Op("MATMUL", Category.OTHER,
      List.of("matmul(Matrix,Matrix)", "matmul(Matrix,double[])"),
      (g, args, flags, origin) -> {
        Shape a = args.get(0).shape();
        Shape b = args.get(1).shape();
        boolean ta = (flags & TRANSPOSE_LEFT) != 0;
        boolean tb = (flags & TRANSPOSE_RIGHT) != 0;
        Dim m = ta ? a.cols() : a.rows();
        Dim k1 = ta ? a.rows() : a.cols();
        Dim k2 = tb ? b.cols() : b.rows();
        Dim n = tb ? b.rows() : b.cols();
        g.dims().unify(k1, k2, origin == null ? "a matrix product" : origin.source());
        if (b.kind() == Kind.VECTOR && !tb && !(a.kind() == Kind.VECTOR && ta)) {
          return Shape.vector(m, g.dims());
        }
        if (a.kind() == Kind.VECTOR && ta && b.kind() == Kind.VECTOR && !tb) {
          throw new IllegalStateException("a 1×1 matmul is a dot product");
        }
        return Shape.matrix(m, n);
      },
      Op::lowerMatmul,
      (a, n) -> factor(a[0], n.arg(0), (n.flags() & TRANSPOSE_LEFT) != 0) + " "
          + factor(a[1], n.arg(1), (n.flags() & TRANSPOSE_RIGHT) != 0),
      Op::matmulAdjoint, null, null);

  public static final Op TRANSPOSE = new Op("TRANSPOSE", Category.OTHER, List.of("transpose(Matrix)"),
      (g, args, flags, origin) -> Shape.matrix(args.get(0).shape().cols(), args.get(0).shape().rows()),
      (e, n) -> eachEntry(e, n.arg(0), (i, j, at) -> e.add(e.ref(n) + "[" + j + " * "
          + e.rows(n.arg(0)) + " + " + i + "] = " + e.ref(n.arg(0)) + "[" + at + "]")),
      (a, n) -> Notation.paren(a[0]) + "ᵀ",
      (g, n, grad) -> List.of(g.apply(Op.TRANSPOSE, null, grad)), null, null);

  public static final Op OUTER = new Op("OUTER", Category.OTHER, List.of("outer(double[],double[])"),
      (g, args, flags, origin) -> Shape.matrix(args.get(0).shape().rows(), args.get(1).shape().rows()),
      (e, n) -> {
        String i = e.fresh("i");
        String j = e.fresh("j");
        String cols = e.size(n.arg(1));
        e.open(loop(i, e.size(n.arg(0))));
        e.open(loop(j, cols));
        e.add(e.ref(n) + "[" + i + " * " + cols + " + " + j + "] = " + e.at(n.arg(0), i) + " * "
            + e.at(n.arg(1), j));
        e.close();
        e.close();
      },
      (a, n) -> Notation.paren(a[0]) + " " + Notation.paren(a[1]) + "ᵀ",
      (g, n, grad) -> List.of(g.apply(Op.MATMUL, null, 0, null, List.of(grad, n.arg(1))),
          g.apply(Op.MATMUL, null, TRANSPOSE_LEFT, null, List.of(grad, n.arg(0)))),
      null, null);

  public static final Op DIAG = new Op("DIAG", Category.OTHER, List.of("diag(double[])"),
      (g, args, flags, origin) -> Shape.matrix(args.get(0).shape().rows(), args.get(0).shape().rows()),
      (e, n) -> {
        fill(e, n, "0.0");
        String i = e.fresh("i");
        e.open(loop(i, e.rows(n)));
        e.add(e.ref(n) + "[" + i + " * " + e.cols(n) + " + " + i + "] = " + e.at(n.arg(0), i));
        e.close();
      },
      (a, n) -> "diag(" + a[0] + ")",
      (g, n, grad) -> List.of(g.apply(Op.DIAG_PART, null, grad)), null, null);

  /** The diagonal of a square matrix as a vector (the adjoint of diag). */
  public static final Op DIAG_PART = new Op("DIAG_PART", Category.OTHER, List.of(),
      (g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(0).shape().cols(), "the diagonal");
        return Shape.vector(args.get(0).shape().rows(), g.dims());
      },
      (e, n) -> {
        String i = e.fresh("i");
        Node m = n.arg(0);
        e.open(loop(i, e.rows(m)));
        e.add(e.ref(n) + "[" + i + "] = " + e.ref(m) + "[" + i + " * " + e.cols(m) + " + " + i + "]");
        e.close();
      },
      (a, n) -> "diagonal(" + a[0] + ")", null, null, null);

  /** s·I in the shape given (the adjoint of trace). */
  public static final Op SCALED_IDENTITY = new Op("SCALED_IDENTITY", Category.OTHER, List.of(),
      null,
      (e, n) -> {
        fill(e, n, "0.0");
        String i = e.fresh("i");
        e.open(loop(i, e.rows(n)));
        e.add(e.ref(n) + "[" + i + " * " + e.cols(n) + " + " + i + "] = " + e.ref(n.arg(0)));
        e.close();
      },
      (a, n) -> Notation.paren(a[0]) + " I", null, null, null);

  /** X + b·1ᵀ: b added to every column of X. */
  public static final Op ADD_TO_EACH_COLUMN = new Op("ADD_TO_EACH_COLUMN", Category.OTHER,
      List.of("addToEachColumn(Matrix,double[])"),
      (g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(1).shape().rows(), origin.source());
        return args.get(0).shape();
      },
      (e, n) -> {
        Node x = n.arg(0);
        String i = e.fresh("i");
        String j = e.fresh("j");
        e.open(loop(i, e.rows(x)));
        String bi = e.fresh("b_i");
        e.add("double " + bi + " = " + e.at(n.arg(1), i));
        e.open(loop(j, e.cols(x)));
        String at = i + " * " + e.cols(x) + " + " + j;
        e.add(e.ref(n) + "[" + at + "] = " + e.ref(x) + "[" + at + "] + " + bi);
        e.close();
        e.close();
      },
      (a, n) -> a[0] + " + " + Notation.paren(a[1]) + " 1ᵀ",
      (g, n, grad) -> List.of(grad, g.apply(Op.ROW_SUMS, null, grad)), null, null);

  /** G·1: the sums of each row (the adjoint of addToEachColumn for b). */
  public static final Op ROW_SUMS = new Op("ROW_SUMS", Category.OTHER, List.of(),
      (g, args, flags, origin) -> Shape.vector(args.get(0).shape().rows(), g.dims()),
      (e, n) -> {
        Node m = n.arg(0);
        String i = e.fresh("i");
        String j = e.fresh("j");
        String acc = e.fresh("rowSum");
        e.open(loop(i, e.rows(m)));
        e.add("double " + acc + " = 0.0");
        e.open(loop(j, e.cols(m)));
        e.add(acc + " += " + e.ref(m) + "[" + i + " * " + e.cols(m) + " + " + j + "]");
        e.close();
        e.add(e.ref(n) + "[" + i + "] = " + acc);
        e.close();
      },
      (a, n) -> Notation.paren(a[0]) + " 1", null, null, null);

  /** 1ᵀ G: the sums of each column, as a vector. */
  public static final Op COL_SUMS = new Op("COL_SUMS", Category.OTHER, List.of(),
      (g, args, flags, origin) -> Shape.vector(args.get(0).shape().cols(), g.dims()),
      (e, n) -> {
        fill(e, n, "0.0");
        eachEntry(e, n.arg(0), (i, j, at) -> e.add(e.ref(n) + "[" + j + "] += " + e.ref(n.arg(0)) + "[" + at + "]"));
      },
      (a, n) -> "1ᵀ " + Notation.paren(a[0]), null, null, null);

  /** diag(v) M without the diagonal matrix: row i of M scaled by v_i (from matmul(diag(v), M)). */
  public static final Op SCALE_ROWS = new Op("SCALE_ROWS", Category.OTHER, List.of(),
      (g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().rows(), args.get(1).shape().rows(),
            origin == null ? "diag(v) M" : origin.source());
        return args.get(1).shape();
      },
      (e, n) -> eachEntry(e, n.arg(1), (i, j, at) -> e.add(e.ref(n) + "[" + at + "] = "
          + e.at(n.arg(0), i) + " * " + e.ref(n.arg(1)) + "[" + at + "]")),
      (a, n) -> "diag(" + a[0] + ") " + Notation.paren(a[1]),
      (g, n, grad) -> List.of(g.apply(Op.ROW_SUMS, null, g.apply(Op.MUL, null, grad, n.arg(1))),
          g.apply(Op.SCALE_ROWS, null, n.arg(0), grad)),
      null, null);

  /** M diag(v) without the diagonal matrix: column j of M scaled by v_j. */
  public static final Op SCALE_COLS = new Op("SCALE_COLS", Category.OTHER, List.of(),
      (g, args, flags, origin) -> {
        g.dims().unify(args.get(0).shape().cols(), args.get(1).shape().rows(),
            origin == null ? "M diag(v)" : origin.source());
        return args.get(0).shape();
      },
      (e, n) -> eachEntry(e, n.arg(0), (i, j, at) -> e.add(e.ref(n) + "[" + at + "] = "
          + e.ref(n.arg(0)) + "[" + at + "] * " + e.at(n.arg(1), j))),
      (a, n) -> Notation.paren(a[0]) + " diag(" + a[1] + ")",
      (g, n, grad) -> List.of(g.apply(Op.SCALE_COLS, null, grad, n.arg(1)),
          g.apply(Op.COL_SUMS, null, g.apply(Op.MUL, null, grad, n.arg(0)))),
      null, null);

  /**
   * tr(A B) = Σ_ij A_ij B_ji without forming A B (from trace(matmul(A, B))); its adjoint needs
   * no identity matrix either.
   */
  public static final Op TRACE_OF_PRODUCT = new Op("TRACE_OF_PRODUCT", Category.OTHER, List.of(),
      (g, args, flags, origin) -> {
        String context = origin == null ? "tr(A B)" : origin.source();
        g.dims().unify(args.get(0).shape().cols(), args.get(1).shape().rows(), context);
        g.dims().unify(args.get(0).shape().rows(), args.get(1).shape().cols(), context);
        return Shape.scalar(g.dims());
      },
      (e, n) -> {
        Node a = n.arg(0);
        Node b = n.arg(1);
        String i = e.fresh("i");
        String j = e.fresh("j");
        e.add(e.declare(n) + " = 0.0");
        e.open(loop(i, e.rows(a)));
        e.open(loop(j, e.cols(a)));
        e.add(e.ref(n) + " += " + e.ref(a) + "[" + i + " * " + e.cols(a) + " + " + j + "] * "
            + e.ref(b) + "[" + j + " * " + e.cols(b) + " + " + i + "]");
        e.close();
        e.close();
      },
      (a, n) -> "tr(" + Notation.paren(a[0]) + " " + Notation.paren(a[1]) + ")",
      (g, n, grad) -> List.of(g.apply(Op.MUL, null, grad, g.apply(Op.TRANSPOSE, null, n.arg(1))),
          g.apply(Op.MUL, null, grad, g.apply(Op.TRANSPOSE, null, n.arg(0)))),
      null, null);

  /** x[i] of a vector, with an int index. */
  public static final Op ELEMENT = new Op("ELEMENT", Category.OTHER, List.of(),
      (g, args, flags, origin) -> Shape.scalar(g.dims()),
      (e, n) -> e.add(e.declare(n) + " = " + e.ref(n.arg(0)) + "[" + e.ref(n.arg(1)) + "]"),
      (a, n) -> a[0] + "[" + a[1] + "]",
      (g, n, grad) -> Arrays.asList(
          g.applyShaped(Op.ONE_HOT, List.of(grad, n.arg(1)), n.arg(0).shape()), null),
      null, null);

  /** A.get(i, j) of a matrix, with int indices checked as Matrix.get checks them. */
  public static final Op MATRIX_ELEMENT = new Op("MATRIX_ELEMENT", Category.OTHER, List.of(),
      (g, args, flags, origin) -> Shape.scalar(g.dims()),
      (e, n) -> {
        Node m = n.arg(0);
        String i = e.ref(n.arg(1));
        String j = e.ref(n.arg(2));
        e.open("if (" + i + " < 0 || " + i + " >= " + e.rows(m) + " || " + j + " < 0 || " + j
            + " >= " + e.cols(m) + ")");
        e.add("throw new IndexOutOfBoundsException(\"(\" + " + i + " + \", \" + " + j
            + " + \") is outside a \" + " + e.rows(m) + " + \"×\" + " + e.cols(m)
            + " + \" Matrix\")");
        e.close();
        e.add(e.declare(n) + " = " + e.ref(m) + "[" + i + " * " + e.cols(m) + " + " + j + "]");
      },
      (a, n) -> a[0] + "[" + a[1] + ", " + a[2] + "]",
      (g, n, grad) -> Arrays.asList(g.applyShaped(Op.ONE_HOT, List.of(grad,
          g.apply(Op.ADD, null, g.apply(Op.MUL, null, n.arg(1), g.apply(Op.COLS, null, n.arg(0))),
              n.arg(2))), n.arg(0).shape()), null, null),
      null, null);

  /** g at index i, 0 elsewhere (the adjoint of an element read). */
  public static final Op ONE_HOT = new Op("ONE_HOT", Category.OTHER, List.of(), null,
      (e, n) -> {
        fill(e, n, "0.0");
        e.add(e.ref(n) + "[" + e.ref(n.arg(1)) + "] = " + e.ref(n.arg(0)));
      },
      (a, n) -> Notation.paren(a[0]) + " e_" + a[1], null, null, null);

  // ---- column-wise vector functions -----------------------------------------------------------

  public static final Op SOFTMAX = new Op("SOFTMAX", Category.OTHER,
      List.of("softmax(double[])", "softmax(Matrix)"),
      (g, args, flags, origin) -> args.get(0).shape(),
      (e, n) -> eachColumn(e, n.arg(0), (col, at) -> {
        String max = e.fresh("max");
        e.add("double " + max + " = Double.NEGATIVE_INFINITY");
        e.open(loop(col.row, e.rows(n)));
        e.add(max + " = Math.max(" + max + ", " + e.ref(n.arg(0)) + "[" + at + "])");
        e.close();
        String sum = e.fresh("sum");
        e.add("double " + sum + " = 0.0");
        e.open(loop(col.row, e.rows(n)));
        e.add(e.ref(n) + "[" + at + "] = Math.exp(" + e.ref(n.arg(0)) + "[" + at + "] - " + max + ")");
        e.add(sum + " += " + e.ref(n) + "[" + at + "]");
        e.close();
        e.open(loop(col.row, e.rows(n)));
        e.add(e.ref(n) + "[" + at + "] /= " + sum);
        e.close();
      }),
      (a, n) -> "softmax(" + a[0] + ")",
      (g, n, grad) -> List.of(g.apply(Op.SOFTMAX_ADJOINT, null, grad, n)), null, null);

  public static final Op LOG_SOFTMAX = new Op("LOG_SOFTMAX", Category.OTHER,
      List.of("logSoftmax(double[])", "logSoftmax(Matrix)"),
      (g, args, flags, origin) -> args.get(0).shape(),
      (e, n) -> eachColumn(e, n.arg(0), (col, at) -> {
        String x = e.ref(n.arg(0));
        String max = e.fresh("max");
        e.add("double " + max + " = Double.NEGATIVE_INFINITY");
        e.open(loop(col.row, e.rows(n)));
        e.add(max + " = Math.max(" + max + ", " + x + "[" + at + "])");
        e.close();
        String sum = e.fresh("sumExp");
        e.add("double " + sum + " = 0.0");
        e.open(loop(col.row, e.rows(n)));
        e.add(sum + " += Math.exp(" + x + "[" + at + "] - " + max + ")");
        e.close();
        // (x − max) − log Σ rather than x − lse: lse keeps only the digits of max's ulp.
        String logSum = e.fresh("logSum");
        e.add("double " + logSum + " = Double.isInfinite(" + max + ") ? 0.0 : Math.log(" + sum + ")");
        e.open(loop(col.row, e.rows(n)));
        e.add(e.ref(n) + "[" + at + "] = " + x + "[" + at + "] - " + max + " - " + logSum);
        e.close();
      }),
      (a, n) -> "log softmax(" + a[0] + ")",
      (g, n, grad) -> List.of(g.apply(Op.LOG_SOFTMAX_ADJOINT, null, grad, n)), null, null);

  /** Per column: y ⊙ (g − ⟨g, y⟩) (the adjoint of softmax, args g and y). */
  public static final Op SOFTMAX_ADJOINT = new Op("SOFTMAX_ADJOINT", Category.OTHER, List.of(),
      (g, args, flags, origin) -> args.get(1).shape(),
      (e, n) -> eachColumn(e, n, (col, at) -> {
        String gr = e.ref(n.arg(0));
        String y = e.ref(n.arg(1));
        String dot = e.fresh("gDotY");
        e.add("double " + dot + " = 0.0");
        e.open(loop(col.row, e.rows(n)));
        e.add(dot + " += " + gr + "[" + at + "] * " + y + "[" + at + "]");
        e.close();
        e.open(loop(col.row, e.rows(n)));
        e.add(e.ref(n) + "[" + at + "] = " + y + "[" + at + "] * (" + gr + "[" + at + "] - " + dot + ")");
        e.close();
      }),
      (a, n) -> a[1] + " ⊙ (" + a[0] + " − 1 (" + a[1] + "ᵀ " + a[0] + "))", null, null, null);

  /** Per column: g − exp(y)·Σg (the adjoint of logSoftmax, args g and y). */
  public static final Op LOG_SOFTMAX_ADJOINT = new Op("LOG_SOFTMAX_ADJOINT", Category.OTHER,
      List.of(),
      (g, args, flags, origin) -> args.get(1).shape(),
      (e, n) -> eachColumn(e, n, (col, at) -> {
        String gr = e.ref(n.arg(0));
        String y = e.ref(n.arg(1));
        String sum = e.fresh("gSum");
        e.add("double " + sum + " = 0.0");
        e.open(loop(col.row, e.rows(n)));
        e.add(sum + " += " + gr + "[" + at + "]");
        e.close();
        e.open(loop(col.row, e.rows(n)));
        e.add(e.ref(n) + "[" + at + "] = " + gr + "[" + at + "] - Math.exp(" + y + "[" + at + "]) * " + sum);
        e.close();
      }),
      (a, n) -> a[0] + " − exp(" + a[1] + ") (1ᵀ " + a[0] + ")", null, null, null);

  // ---- the entry structure ----------------------------------------------------------------------

  /** How an op is lowered and whether its arguments broadcast. */
  public enum Category {
    /** Same-shape arrays, scalars broadcast, one formula per element. */
    ELEMENTWISE,
    /** Sums an array (or vector) to a scalar. */
    REDUCTION,
    OTHER
  }

  /** The shape of the result, recording any dimension equalities the op needs. */
  @FunctionalInterface
  public interface ShapeRule {
    Shape apply(Graph g, List<Node> args, int flags, Origin origin);
  }

  /** Writes the loops computing {@code n} into the emitter. */
  @FunctionalInterface
  public interface Lowering {
    void emit(Emitter e, Node.Apply n);
  }

  /** One contribution per argument, built in {@code g} from n, its arguments and the adjoint grad. */
  @FunctionalInterface
  public interface AdjointRule {
    List<Node> apply(Graph g, Node.Apply n, Node grad);
  }

  /** The matrix notation of {@code n} given its arguments' notation. */
  @FunctionalInterface
  public interface NotationRule {
    String print(String[] args, Node.Apply n);
  }

  /** A per-element Java expression of the arguments' elements. */
  @FunctionalInterface
  public interface Formula {
    String apply(String[] args);
  }

  /** The derivative of a unary function times the adjoint: (grad, x, y = f(x)) → expression. */
  @FunctionalInterface
  public interface UnaryDerivative {
    String apply(String grad, String x, String y);
  }

  private static final List<Op> ALL = new ArrayList<>();

  private final String name;
  private final Category category;
  private final List<Signature> signatures;
  private final ShapeRule shapeRule;
  private final Lowering lowering;
  private final NotationRule notation;
  private final AdjointRule adjoint;
  private final Formula formula;
  private final boolean keepsInts;
  // Unary elementwise functions only:
  private String forwardFormat;
  private String notationFormat;
  private UnaryDerivative derivative;
  private UnaryDerivative derivativeNotation;

  private Op(String name, Category category, List<String> signatures, ShapeRule shapeRule,
      Lowering lowering, NotationRule notation, AdjointRule adjoint, Formula formula,
      Boolean keepsInts) {
    this.name = name;
    this.category = category;
    this.signatures = signatures.stream().map(Signature::parse).toList();
    this.shapeRule = shapeRule;
    this.lowering = lowering;
    this.notation = notation;
    this.adjoint = adjoint;
    this.formula = formula;
    this.keepsInts = keepsInts != null && keepsInts;
  }

  static {
    // The table is the list of constants above, in declaration order.
    for (Field f : Op.class.getDeclaredFields()) {
      if (f.getType() == Op.class && Modifier.isStatic(f.getModifiers())) {
        try {
          ALL.add((Op) f.get(null));
        } catch (IllegalAccessException e) {
          throw new ExceptionInInitializerError(e);
        }
      }
    }
  }

  private static Op elementwise(String name, Formula formula, NotationRule notation,
      AdjointRule adjoint, boolean keepsInts, String... signatures) {
    return new Op(name, Category.ELEMENTWISE, List.of(signatures),
        (g, args, flags, origin) -> elementwiseShape(g, args, origin, keepsInts),
        null, notation, adjoint, formula, keepsInts);
  }

  private static Op internalElementwise(String name, Formula formula, NotationRule notation) {
    return new Op(name, Category.ELEMENTWISE, List.of(),
        (g, args, flags, origin) -> elementwiseShape(g, args, origin, false), null, notation,
        null, formula, false);
  }

  /** A unary elementwise function, callable as Ops.name on double, double[] and Matrix. */
  private static Op unary(String name, String opsName, String forwardFormat,
      String notationFormat, UnaryDerivative derivative, UnaryDerivative derivativeNotation) {
    List<String> sigs = new ArrayList<>();
    if (opsName != null) {
      sigs.addAll(List.of(opsName + "(double)", opsName + "(double[])", opsName + "(Matrix)"));
    }
    String math = forwardFormat.startsWith("Math.") ? forwardFormat.substring(5, forwardFormat.indexOf('('))
        : null;
    if (math != null) {
      sigs.add("Math." + math + "(double)");
    }
    Op op = new Op(name, Category.ELEMENTWISE, sigs,
        (g, args, flags, origin) -> elementwiseShape(g, args, origin, false), null,
        (a, n) -> String.format(notationFormat, a[0]),
        (g, n, grad) -> List.of(g.apply(Op.UNARY_ADJOINT, null, 0, n.op(),
            List.of(grad, n.arg(0), n))),
        a -> String.format(forwardFormat, a[0]), false);
    op.forwardFormat = forwardFormat;
    op.notationFormat = notationFormat;
    op.derivative = derivative;
    op.derivativeNotation = derivativeNotation;
    return op;
  }

  private static Op reduction(String name, String opsName, Lowering lowering,
      NotationRule notation, AdjointRule adjoint) {
    return new Op(name, Category.REDUCTION, List.of(opsName + "(double[])", opsName + "(Matrix)"),
        (g, args, flags, origin) -> Shape.scalar(g.dims()), lowering, notation, adjoint, null, null);
  }

  // ---- queries ----------------------------------------------------------------------------------

  public String name() {
    return name;
  }

  public boolean isElementwise() {
    return category == Category.ELEMENTWISE;
  }

  /**
   * Whether a use of this op can be computed inside its consumer's loop, as an expression of its
   * arguments' elements: elementwise ops lowered by their formula (not broadcasts, whose shape
   * is given, nor ops with loops of their own).
   */
  public boolean isFusible() {
    return category == Category.ELEMENTWISE && lowering == null && this != BROADCAST
        && (formula != null || this == UNARY_ADJOINT);
  }

  /** True for ops whose shape is given by the caller (broadcasts, identities, one-hot vectors). */
  public boolean hasExplicitShape() {
    return shapeRule == null;
  }

  public Shape shape(Graph g, List<Node> args, int flags, Origin origin) {
    return shapeRule.apply(g, args, flags, origin);
  }

  /** The contributions to the arguments' adjoints, or null if this op has no adjoint rule. */
  public List<Node> adjoint(Graph g, Node.Apply n, Node grad) {
    if (adjoint == null) {
      throw new IllegalStateException(name + " has no adjoint rule");
    }
    return adjoint.apply(g, n, grad);
  }

  public void lower(Emitter e, Node.Apply n) {
    if (lowering != null) {
      lowering.emit(e, n);
      return;
    }
    String[] scalarArgs = new String[n.args().size()];
    if (n.shape().isScalar()) {
      for (int k = 0; k < scalarArgs.length; k++) {
        scalarArgs[k] = e.ref(n.arg(k));
      }
      e.add(e.declare(n) + " = " + elementFormula(n, scalarArgs));
      return;
    }
    String i = e.fresh("i");
    e.open(loop(i, e.size(n)));
    for (int k = 0; k < scalarArgs.length; k++) {
      scalarArgs[k] = e.at(n.arg(k), i);
    }
    e.add(e.ref(n) + "[" + i + "] = " + elementFormula(n, scalarArgs));
    e.close();
  }

  /** The per-element Java expression of an elementwise node, given its arguments' elements. */
  public String elementFormula(Node.Apply n, String[] args) {
    if (this == UNARY_ADJOINT) {
      return n.of().derivative.apply(args[0], args[1], args[2]);
    }
    return formula.apply(args);
  }

  public String notation(String[] args, Node.Apply n) {
    if (this == UNARY_ADJOINT) {
      return n.of().derivativeNotation.apply(args[0], args[1], args[2]);
    }
    return notation.print(args, n);
  }

  /** The Java method names (as in Ops or Math) that denote this op, e.g. "exp", "Math.exp". */
  public List<Signature> signatures() {
    return signatures;
  }

  public static List<Op> all() {
    return Collections.unmodifiableList(ALL);
  }

  @Override
  public String toString() {
    return name;
  }

  /** A Java overload that denotes an op: {@code name(kinds...)}, name possibly "Math.exp". */
  public record Signature(String method, List<Kind> params) {
    static Signature parse(String text) {
      int open = text.indexOf('(');
      String inside = text.substring(open + 1, text.length() - 1);
      List<Kind> kinds = inside.isEmpty() ? List.of()
          : Arrays.stream(inside.split(",")).map(t -> {
              Kind k = Kind.ofJavaType(t.trim());
              if (k == null) {
                throw new IllegalArgumentException("bad signature " + text);
              }
              return k;
            }).toList();
      return new Signature(text.substring(0, open), kinds);
    }

    /** Whether arguments of these kinds can call this overload (an int passes as a double). */
    public boolean accepts(List<Kind> args) {
      if (args.size() != params.size()) {
        return false;
      }
      for (int i = 0; i < args.size(); i++) {
        Kind want = params.get(i);
        Kind got = args.get(i);
        if (!(got == want || (want == Kind.SCALAR && got == Kind.INT))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return method + "(" + String.join(", ", params.stream().map(Kind::javaType).toList()) + ")";
    }
  }

  // ---- shared pieces of the rules ---------------------------------------------------------------

  private static Shape elementwiseShape(Graph g, List<Node> args, Origin origin,
      boolean keepsInts) {
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

  /** Whether this elementwise op keeps int arithmetic on int operands (Java's + - * / %). */
  public boolean keepsInts() {
    return keepsInts;
  }

  /** A matmul operand: products need no parentheses (A (B C) = A B C) unless transposed. */
  private static String factor(String text, Node operand, boolean transposed) {
    boolean product = operand instanceof Node.Apply p && (p.op() == MATMUL || p.op() == OUTER);
    String shown = product && !transposed ? text : Notation.paren(text);
    return transposed ? shown + "ᵀ" : shown;
  }

  static String loop(String i, String bound) {
    return "for (int " + i + " = 0; " + i + " < " + bound + "; " + i + "++)";
  }

  /**
   * Declares n's variable and sums {@code term(x[i])} over the argument into it. The argument may
   * be fused (computed per element here), see {@link #accumulates()}.
   */
  private static void accumulate(Emitter e, Node.Apply n, UnaryOperator<String> term) {
    sumOver(e, n, e.size(n.arg(0)), i -> term.apply(e.element(n.arg(0), i)));
  }

  /** Reductions lowered by {@link #accumulate}: one loop reading each element of the argument once. */
  private static final java.util.Set<String> ACCUMULATING = java.util.Set.of("SUM", "MEAN", "SUM_SQ",
      "NORM1", "NORM2");

  /** Whether this op is a reduction whose argument can be fused into its loop. */
  public boolean accumulates() {
    return ACCUMULATING.contains(name);
  }

  /** Declares n's variable and adds {@code term(i)} to it for i in [0, bound). */
  private static void sumOver(Emitter e, Node.Apply n, String bound, UnaryOperator<String> term) {
    String i = e.fresh("i");
    e.add(e.declare(n) + " = 0.0");
    e.open(loop(i, bound));
    e.add(e.ref(n) + " += " + term.apply(i));
    e.close();
  }

  /** Sets every entry of n's array to {@code value}. */
  private static void fill(Emitter e, Node n, String value) {
    String i = e.fresh("i");
    e.open(loop(i, e.size(n)));
    e.add(e.ref(n) + "[" + i + "] = " + value);
    e.close();
  }

  /**
   * {@code term}, or 0 where the adjoint {@code g} is 0: a zero adjoint times an infinite
   * derivative (1/x or 1/√x at 0) contributes nothing instead of 0·∞ = NaN. A nonzero literal
   * adjoint needs no test.
   */
  static String unlessZero(String g, String term) {
    if (g.matches("-?[0-9][0-9.eE+-]*")) {
      try {
        if (Double.parseDouble(g) != 0.0) {
          return term;
        }
      } catch (NumberFormatException notALiteral) {
        // tested at run time below
      }
    }
    return "(" + g + " == 0.0 ? 0.0 : " + term + ")";
  }

  private static String maximum(Emitter e, Node x) {
    String max = e.local("max");
    String i = e.fresh("i");
    e.add("double " + max + " = Double.NEGATIVE_INFINITY");
    e.open(loop(i, e.size(x)));
    e.add(max + " = Math.max(" + max + ", " + e.at(x, i) + ")");
    e.close();
    return max;
  }

  @FunctionalInterface
  private interface EntryBody {
    void emit(String row, String col, String flatIndex);
  }

  /** Runs {@code body} for every entry (i, j) of matrix m, row by row, with its flat index. */
  private static void eachEntry(Emitter e, Node m, EntryBody body) {
    String i = e.fresh("i");
    String j = e.fresh("j");
    e.open(loop(i, e.rows(m)));
    e.open(loop(j, e.cols(m)));
    body.emit(i, j, i + " * " + e.cols(m) + " + " + j);
    e.close();
    e.close();
  }

  /** Loop variables of a column-wise op: the column and the row within it. */
  private record Column(String col, String row) {}

  @FunctionalInterface
  private interface ColumnBody {
    void emit(Column c, String flatIndex);
  }

  /** Runs {@code body} once per column of {@code shapeOf}, with the flat index of (row, col). */
  private static void eachColumn(Emitter e, Node shapeOf, ColumnBody body) {
    Column c = new Column(e.fresh("col"), e.fresh("row"));
    e.open(loop(c.col, e.cols(shapeOf)));
    body.emit(c, c.row + " * " + e.cols(shapeOf) + " + " + c.col);
    e.close();
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
        e.open(loop(i, m));
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
        fill(e, n, "0.0");
        e.open(loop(p, k));
        String bk = e.fresh("b_k");
        e.add("double " + bk + " = " + bv + "[" + p + "]");
        String row = e.fresh("rowStart");
        e.add("int " + row + " = " + p + " * " + m);
        e.open(loop(i, m));
        e.add(out + "[" + i + "] += " + av + "[" + row + " + " + i + "] * " + bk);
        e.close();
        e.close();
      }
      return;
    }
    if (!tb) {
      // op(A)·B: for each output row, add multiples of B's rows (i-k-j order, contiguous inner loop).
      fill(e, n, "0.0");
      e.open(loop(i, m));
      String outRow = e.fresh("outRow");
      e.add("int " + outRow + " = " + i + " * " + cols);
      e.open(loop(p, k));
      String aik = e.fresh("a_ik");
      e.add("double " + aik + " = " + av + "[" + (ta ? p + " * " + m + " + " + i : i + " * " + k + " + " + p) + "]");
      String bRow = e.fresh("bRow");
      e.add("int " + bRow + " = " + p + " * " + cols);
      e.open(loop(j, cols));
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
    e.open(loop(i, m));
    e.open(loop(j, cols));
    String acc = e.fresh("dot");
    e.add("double " + acc + " = 0.0");
    e.open(loop(p, k));
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
    e.open(loop(p, k));
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
    e.open(loop(p, k));
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
    e.open(loop(j, cols));
    e.add("double " + s[0] + " = 0.0");
    e.open(loop(p, k));
    e.add(s[0] + " += " + av + "[" + a0 + " + " + p + "] * " + bv + "[" + j + " * " + k + " + " + p + "]");
    e.close();
    e.add(out + "[" + i + " * " + cols + " + " + j + "] = " + s[0]);
    e.close();
    e.close();
  }

  /**
   * For C = op(A)·op(B) with adjoint G: Ā = G·op(B)ᵀ (or its transpose when A is read
   * transposed) and B̄ = op(A)ᵀ·G (or its transpose) — every transpose expressed by flags.
   */
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
    return g.apply(MATMUL, null, (ta ? TRANSPOSE_LEFT : 0) | (tb ? TRANSPOSE_RIGHT : 0), null,
        List.of(a, b));
  }
}
