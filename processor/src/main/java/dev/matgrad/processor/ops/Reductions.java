package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import java.util.Arrays;
import java.util.List;

/** Reductions of a vector or matrix to a scalar. */
public final class Reductions {
  private Reductions() {}

  public static final Op SUM = reduction("SUM", "sum")
      .lower((e, n) -> Rules.accumulate(e, n, x -> x))
      .notation((a, n) -> "sum(" + a[0] + ")")
      .vjp((g, n, grad) -> List.of(spread(g, grad, n)))
      .jvp(Rules.linear())
      .accumulates()
      .linear()
      .build();

  public static final Op MEAN = reduction("MEAN", "mean")
      .lower((e, n) -> {
        Rules.accumulate(e, n, x -> x);
        e.add(e.ref(n) + " /= " + e.size(n.arg(0)));
      })
      .notation((a, n) -> "mean(" + a[0] + ")")
      .vjp((g, n, grad) -> List.of(spread(g,
          g.apply(Arithmetic.DIV, null, grad, g.apply(Elements.SIZE, null, n.arg(0))), n)))
      .jvp(Rules.linear())
      .accumulates()
      .linear()
      .build();

  public static final Op SUM_SQ = reduction("SUM_SQ", "sumSq")
      .lower((e, n) -> Rules.accumulate(e, n, x -> x + " * " + x))
      .notation((a, n) -> "‖" + a[0] + "‖²")
      .vjp((g, n, grad) -> List.of(g.apply(Arithmetic.MUL, null,
          g.apply(Arithmetic.MUL, null, g.constant(2.0), grad), n.arg(0))))
      .jvp((g, n, t) -> g.apply(Arithmetic.MUL, null, g.constant(2.0),
          inner(g, n.arg(0), t.get(0))))
      .accumulates()
      .build();

  public static final Op NORM1 = reduction("NORM1", "norm1")
      .lower((e, n) -> Rules.accumulate(e, n, x -> e.math("abs") + "(" + x + ")"))
      .notation((a, n) -> "‖" + a[0] + "‖₁")
      .vjp((g, n, grad) -> List.of(g.apply(Arithmetic.MUL, null, grad, sign(g, n))))
      .jvp((g, n, t) -> inner(g, sign(g, n), t.get(0)))
      .accumulates()
      .build();

  /**
   * √Σx_i², and where Σx_i² overflows or underflows (entries beyond 1e154 or below 1e-150) with
   * the largest magnitude m factored out, m·√Σ(x_i/m)²: finite wherever the norm is. Its
   * gradient x/‖x‖₂ is taken as 0 at x = 0 (the minimum-norm subgradient).
   */
  public static final Op NORM2 = reduction("NORM2", "norm2")
      .lower(Reductions::lowerNorm2)
      .notation((a, n) -> "‖" + a[0] + "‖₂")
      .vjp((g, n, grad) -> List.of(g.apply(Arithmetic.MUL, null, grad, unitNorm2(g, n))))
      .jvp((g, n, t) -> inner(g, unitNorm2(g, n), t.get(0)))
      .accumulates()
      .build();

  /** The largest entry; the first of equal ones (or the first NaN) takes the derivative. */
  public static final Op MAX = extreme("MAX", "max", true);

  /** The smallest entry; the first of equal ones (or the first NaN) takes the derivative. */
  public static final Op MIN = extreme("MIN", "min", false);

  /** The flat index of the first largest entry (of the first NaN, if any), as an int. */
  public static final Op ARG_MAX = extremeIndex("ARG_MAX", true);

  /** The flat index of the first smallest entry (of the first NaN, if any), as an int. */
  public static final Op ARG_MIN = extremeIndex("ARG_MIN", false);

  private static Op extreme(String name, String opsName, boolean largest) {
    return Op.builder(name, Op.Category.REDUCTION)
        .signatures(opsName + "(double[])")
        .shape((g, args, flags, origin) -> Shape.scalar(g.dims()))
        .lower((e, n) -> {
          String best = extremeIndexOf(e, n.arg(0), largest);
          e.add(e.declare(n) + " = " + e.ref(n.arg(0)) + "[" + best + "]");
        })
        .notation((a, n) -> opsName + "(" + a[0] + ")")
        .vjp((g, n, grad) -> List.of(g.applyShaped(Elements.ONE_HOT,
            List.of(grad, g.apply(largest ? ARG_MAX : ARG_MIN, null, n.arg(0))), n.arg(0).shape())))
        .jvp((g, n, t) -> g.apply(Elements.ELEMENT, null, t.get(0),
            g.apply(largest ? ARG_MAX : ARG_MIN, null, n.arg(0))))
        .build();
  }

  private static Op extremeIndex(String name, boolean largest) {
    return Op.builder(name, Op.Category.OTHER)
        .shape((g, args, flags, origin) -> Shape.integer(g.dims()))
        .lower((e, n) -> e.add(e.declare(n) + " = " + extremeIndexOf(e, n.arg(0), largest)))
        .notation((a, n) -> (largest ? "argmax(" : "argmin(") + a[0] + ")")
        .constantArgs(0)
        .build();
  }

  /**
   * Declares a local holding the index of x's first extreme entry, as Ops.max and Ops.min choose
   * it (the first NaN, if any, wins), and returns its name.
   */
  static String extremeIndexOf(Emitter e, Node x, boolean largest) {
    String best = e.local(largest ? "argMax" : "argMin");
    String i = e.fresh("i");
    String xs = e.ref(x);
    e.add("int " + best + " = 0");
    e.open("for (int " + i + " = 1; " + i + " < " + e.size(x) + " && !" + e.doubles("isNaN") + "("
        + xs + "[" + best + "]); " + i + "++)");
    e.open("if (" + e.doubles("isNaN") + "(" + xs + "[" + i + "]) || " + xs + "[" + i + "] "
        + (largest ? ">" : "<") + " " + xs + "[" + best + "])");
    e.add(best + " = " + i);
    e.close();
    e.close();
    return best;
  }

  public static final Op LOG_SUM_EXP = reduction("LOG_SUM_EXP", "logSumExp")
      .lower((e, n) -> {
        String max = Rules.maximum(e, n.arg(0));
        String i = e.fresh("i");
        String sum = e.local("sumExp");
        e.add("double " + sum + " = 0.0");
        e.open(Emitter.loop(i, e.size(n.arg(0))));
        e.add(sum + " += " + e.math("exp") + "(" + e.at(n.arg(0), i) + " - " + max + ")");
        e.close();
        e.add(e.declare(n) + " = " + e.doubles("isInfinite") + "(" + max + ") ? " + max + " : "
            + max + " + " + e.math("log") + "(" + sum + ")");
      })
      .notation((a, n) -> "log Σ exp(" + a[0] + ")")
      .vjp((g, n, grad) -> List.of(g.apply(Arithmetic.MUL, null, grad, softmaxOfAll(g, n.arg(0)))))
      .jvp((g, n, t) -> inner(g, softmaxOfAll(g, n.arg(0)), t.get(0)))
      .build();

  /** (Σ|x_i|^p)^(1/p), scaled by max|x_i| so that large or tiny entries neither overflow nor vanish. */
  public static final Op NORM_P = Op.builder("NORM_P", Op.Category.OTHER)
      .signatures("normP(double[],double)")
      .shape((g, args, flags, origin) -> Shape.scalar(g.dims()))
      .lower(Reductions::lowerNormP)
      .notation((a, n) -> "‖" + a[0] + "‖_" + a[1])
      .vjp((g, n, grad) -> Arrays.asList(g.apply(Arithmetic.MUL, null, grad, unitNormP(g, n)), null))
      .jvp((g, n, t) -> inner(g, unitNormP(g, n), t.get(0)))
      .constantArgs(1)
      .build();

  private static Op.Builder reduction(String name, String opsName) {
    Op.Builder b = Op.builder(name, Op.Category.REDUCTION)
        .shape((g, args, flags, origin) -> Shape.scalar(g.dims()));
    return opsName == null ? b : b.signatures(opsName + "(double[])", opsName + "(Matrix)");
  }

  /** The scalar adjoint of a reduction spread over its argument's shape. */
  private static Node spread(Graph g, Node grad, Node.Apply n) {
    return g.broadcast(Arithmetic.BROADCAST, grad, n.arg(0).shape());
  }

  /** ⟨a, b⟩ = Σ a ⊙ b over all entries. */
  private static Node inner(Graph g, Node a, Node b) {
    return g.apply(SUM, null, g.apply(Arithmetic.MUL, null, a, b));
  }

  private static Node sign(Graph g, Node.Apply n) {
    return g.apply(Functions.SIGN, null, n.arg(0));
  }

  /** x/‖x‖₂, and 0 at x = 0. */
  private static Node unitNorm2(Graph g, Node.Apply n) {
    // x / ‖x‖, and 0 at x = 0 (the subgradient of least norm). x divided by ‖x‖, not times
    // 1/‖x‖: its own derivative, (I − u uᵀ)/‖x‖, then stays finite down to the smallest norms
    // (that of 1/‖x‖, −1/‖x‖², overflows below 1e-154).
    // (divided by ‖x‖ + [‖x‖ = 0], which is 1 where x = 0: no branch, so closed forms see through)
    Node divisor = g.apply(Arithmetic.ADD, null, n,
        g.apply(ControlFlow.EQUAL, null, n, g.constant(0.0)));
    return g.apply(Arithmetic.DIV, null, n.arg(0), divisor);
  }

  /** sign(x)(|x|/‖x‖_p)^(p−1), and 0 at x = 0. */
  private static Node unitNormP(Graph g, Node.Apply n) {
    Node x = n.arg(0);
    Node p = n.arg(1);
    return g.apply(Arithmetic.SAFE_MUL, null, g.apply(Functions.SIGN, null, x),
        g.apply(Functions.POW, null,
            g.apply(Arithmetic.DIV, null, g.apply(Functions.ABS, null, x), n),
            g.apply(Arithmetic.SUB, null, p, g.constant(1.0))));
  }

  /**
   * softmax over all entries, as exp(x_i − max x) / Σ: the shorter exp(x_i − lse(x)) loses the
   * digits of lse below ulp(max x), 5e-14 at 800 and all of them beyond 1e16.
   */
  private static Node softmaxOfAll(Graph g, Node x) {
    if (x.shape().kind() == dev.matgrad.processor.ir.Kind.VECTOR) {
      return g.apply(Columns.SOFTMAX, null, x);
    }
    Node shifted = g.apply(Functions.EXP, null,
        g.apply(Arithmetic.SUB, null, x, g.apply(MAX, null, x)));
    return g.apply(Arithmetic.DIV, null, shifted, g.apply(SUM, null, shifted));
  }

  private static void lowerNorm2(Emitter e, Node.Apply n) {
    Node x = n.arg(0);
    String norm = e.ref(n);
    Rules.accumulate(e, n, v -> v + " * " + v);
    String scale = e.local("normScale");
    e.add("double " + scale + " = 1.0");
    e.open("if (!(" + norm + " >= 0x1.0p-1000 && " + norm + " < " + e.doubles("POSITIVE_INFINITY") + "))");
    String max = largestMagnitude(e, x);
    String i = e.fresh("i");
    e.add(scale + " = " + max);
    e.add(norm + " = 1.0");
    e.open("if (" + max + " > 0.0 && " + max + " < " + e.doubles("POSITIVE_INFINITY") + ")");
    e.add(norm + " = 0.0");
    e.open(Emitter.loop(i, e.size(x)));
    String scaled = e.fresh("scaled");
    e.add("double " + scaled + " = " + e.at(x, i) + " / " + max);
    e.add(norm + " += " + scaled + " * " + scaled);
    e.close();
    e.close();
    e.close();
    e.add(norm + " = " + scale + " * " + e.math("sqrt") + "(" + norm + ")");
  }

  /** Declares a local holding max |x_i| and returns its name. */
  private static String largestMagnitude(Emitter e, Node x) {
    String max = e.local("maxAbs");
    String i = e.fresh("i");
    e.add("double " + max + " = 0.0");
    e.open(Emitter.loop(i, e.size(x)));
    e.add(max + " = " + e.math("max") + "(" + max + ", " + e.math("abs") + "(" + e.at(x, i) + "))");
    e.close();
    return max;
  }

  private static void lowerNormP(Emitter e, Node.Apply n) {
    Node x = n.arg(0);
    String p = e.ref(n.arg(1));
    String max = largestMagnitude(e, x);
    String i = e.fresh("i");
    String sum = e.local("sumPow");
    e.add("double " + sum + " = 0.0");
    e.open("if (" + max + " > 0.0)");
    e.open(Emitter.loop(i, e.size(x)));
    e.add(sum + " += " + e.math("pow") + "(" + e.math("abs") + "(" + e.at(x, i) + ") / " + max
        + ", " + p + ")");
    e.close();
    e.close();
    e.add(e.declare(n) + " = " + max + " == 0.0 ? 0.0 : " + max + " * " + e.math("pow") + "("
        + sum + ", 1.0 / " + p + ")");
  }
}
