package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ir.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Elementwise functions of one argument (on {@code double}, {@code double[]} and {@code Matrix}),
 * each with its derivative f'(x) stated once as IR, and {@code pow}.
 */
public final class Functions {
  private Functions() {}

  /** The Java expression of f(x) from x's. */
  @FunctionalInterface
  private interface UnaryFormula {
    String apply(Emitter e, String x);
  }

  /** f'(x) as IR from x and y = f(x). */
  @FunctionalInterface
  private interface Derivative {
    Node apply(Graph g, Node x, Node y);
  }

  public static final Op EXP = unary("EXP", "exp", true, false, false,
      (e, x) -> e.math("exp") + "(" + x + ")", "exp(%s)", (g, x, y) -> y);

  /** 1/x is infinite at x = 0: a zero adjoint there contributes 0, not 0·∞ = NaN. */
  public static final Op LOG = unary("LOG", "log", true, true, false,
      (e, x) -> e.math("log") + "(" + x + ")", "log(%s)", (g, x, y) -> reciprocal(g, x));

  /** √x has slope +∞ at x = 0 (kept: it is the one-sided derivative); a zero adjoint gives 0. */
  public static final Op SQRT = unary("SQRT", "sqrt", true, true, false,
      (e, x) -> e.math("sqrt") + "(" + x + ")", "√%s",
      (g, x, y) -> g.apply(Arithmetic.DIV, null, g.constant(0.5), y));

  public static final Op SQUARE = unary("SQUARE", "square", false, false, true,
      (e, x) -> x + " * " + x, "%s²",
      (g, x, y) -> g.apply(Arithmetic.MUL, null, g.constant(2.0), x));

  /** The sign of x as a double, 0 at 0 (the derivative of |x|, with sign(0) = 0). */
  public static final Op SIGN = unary("SIGN", null, "signum", false, false,
      (e, x) -> e.math("signum") + "(" + x + ")", "sign(%s)", (g, x, y) -> g.constant(0.0));

  /** 1 where x &gt; 0, else 0 (the derivative of relu, with 0 at 0). */
  public static final Op STEP = unary("STEP", null, false, false, false,
      (e, x) -> "(" + x + " > 0.0 ? 1.0 : 0.0)", "[%s > 0]", (g, x, y) -> g.constant(0.0));

  public static final Op ABS = unary("ABS", "abs", true, false, false,
      (e, x) -> e.math("abs") + "(" + x + ")", "|%s|",
      (g, x, y) -> g.apply(SIGN, null, x));

  public static final Op TANH = unary("TANH", "tanh", true, false, false,
      (e, x) -> e.math("tanh") + "(" + x + ")", "tanh(%s)",
      (g, x, y) -> g.apply(Arithmetic.SUB, null, g.constant(1.0),
          g.apply(Arithmetic.MUL, null, y, y)));

  /**
   * The logistic function as 1 / (1 + e^−x), one exp and no branch: where e^−x overflows
   * (x &lt; −709) the quotient is 1/∞ = 0, the right limit, and dividing 1 by a large number keeps
   * full relative precision in the left tail.
   */
  public static final Op SIGMOID = unary("SIGMOID", "sigmoid", false, false, false,
      (e, x) -> "1.0 / (1.0 + " + e.math("exp") + "(-" + x + "))", "σ(%s)",
      (g, x, y) -> g.apply(Arithmetic.MUL, null, y,
          g.apply(Arithmetic.SUB, null, g.constant(1.0), y)));

  /** Subgradient 0 at 0, as for abs and norm1. */
  public static final Op RELU = unary("RELU", "relu", false, false, true,
      (e, x) -> "(" + x + " > 0.0 ? " + x + " : 0.0)", "relu(%s)",
      (g, x, y) -> g.apply(STEP, null, x));

  public static final Op SOFTPLUS = unary("SOFTPLUS", "softplus", false, false, true,
      (e, x) -> "(" + e.math("max") + "(" + x + ", 0.0) + " + e.math("log1p") + "("
          + e.math("exp") + "(-" + e.math("abs") + "(" + x + "))))", "softplus(%s)",
      (g, x, y) -> g.apply(SIGMOID, null, x));

  public static final Op SIN = unary("SIN", null, true, false, false,
      (e, x) -> e.math("sin") + "(" + x + ")", "sin(%s)",
      (g, x, y) -> g.apply(Functions.COS, null, x));

  public static final Op COS = unary("COS", null, true, false, false,
      (e, x) -> e.math("cos") + "(" + x + ")", "cos(%s)",
      (g, x, y) -> g.apply(Arithmetic.NEG, null, g.apply(SIN, null, x)));


  /** ln(1 + x), accurate near 0; 1/(1 + x) is infinite at −1, where a zero adjoint gives 0. */
  public static final Op LOG1P = unary("LOG1P", "log1p", true, true, false,
      (e, x) -> e.math("log1p") + "(" + x + ")", "log(1 + %s)",
      (g, x, y) -> g.apply(Arithmetic.DIV, null, g.constant(1.0),
          g.apply(Arithmetic.ADD, null, g.constant(1.0), x)));

  /** e^x − 1, accurate near 0; its derivative is e^x = y + 1. */
  public static final Op EXPM1 = unary("EXPM1", "expm1", true, false, false,
      (e, x) -> e.math("expm1") + "(" + x + ")", "(exp(%s) − 1)",
      (g, x, y) -> g.apply(Arithmetic.ADD, null, y, g.constant(1.0)));

  public static final Op ATAN = unary("ATAN", "atan", true, false, false,
      (e, x) -> e.math("atan") + "(" + x + ")", "atan(%s)",
      (g, x, y) -> g.apply(Arithmetic.DIV, null, g.constant(1.0),
          g.apply(Arithmetic.ADD, null, g.constant(1.0), g.apply(Arithmetic.MUL, null, x, x))));

  public static final Op SINH = unary("SINH", "sinh", true, false, false,
      (e, x) -> e.math("sinh") + "(" + x + ")", "sinh(%s)",
      (g, x, y) -> g.apply(Functions.COSH, null, x));

  public static final Op COSH = unary("COSH", "cosh", true, false, false,
      (e, x) -> e.math("cosh") + "(" + x + ")", "cosh(%s)",
      (g, x, y) -> g.apply(SINH, null, x));

  /**
   * The error function, computed by a helper of the generated class exactly as the runtime's
   * erf computes it; erf'(x) = (2/√π) e^(−x²), which underflows to 0 in the tails (|x| &gt; 27),
   * where erf is ±1.
   */
  public static final Op ERF = unary("ERF", "erf", false, false, false,
      (e, x) -> e.helper("erf") + "(" + x + ")", "erf(%s)",
      (g, x, y) -> g.apply(Arithmetic.MUL, null, g.constant(2.0 / Math.sqrt(Math.PI)),
          gaussian(g, x, -1.0)));

  /**
   * erfc x = 1 − erf x, computed by a helper exactly as the runtime's erfc computes it: from its
   * own tail formula, not as 1 − erf x, so it keeps its relative accuracy where it is tiny (up
   * to x ≈ 27.3, where it underflows to 0); erfc'(x) = −(2/√π) e^(−x²), 0 in the far tails.
   */
  public static final Op ERFC = unary("ERFC", "erfc", false, false, false,
      (e, x) -> e.helper("erfc") + "(" + x + ")", "erfc(%s)",
      (g, x, y) -> g.apply(Arithmetic.MUL, null, g.constant(-2.0 / Math.sqrt(Math.PI)),
          gaussian(g, x, -1.0)));

  /**
   * Φ, the standard normal distribution function (the runtime's normalCdf, computed the same
   * way); Φ'(x) = e^(−x²/2)/√(2π), the density, which underflows to 0 beyond |x| ≈ 38.6.
   */
  public static final Op NORMAL_CDF = unary("NORMAL_CDF", "normalCdf", false, false, false,
      (e, x) -> e.helper("normalCdf") + "(" + x + ")", "Φ(%s)",
      (g, x, y) -> g.apply(Arithmetic.MUL, null, g.constant(1.0 / Math.sqrt(2.0 * Math.PI)),
          gaussian(g, x, -0.5)));

  /** e^(c x²). */
  private static Node gaussian(Graph g, Node x, double c) {
    return g.apply(EXP, null, g.apply(Arithmetic.MUL, null, g.constant(c),
        g.apply(Arithmetic.MUL, null, x, x)));
  }

  /** tan x (Math.tan only); its derivative is 1 + tan² x. */
  public static final Op TAN = unary("TAN", null, true, false, false,
      (e, x) -> e.math("tan") + "(" + x + ")", "tan(%s)",
      (g, x, y) -> g.apply(Arithmetic.ADD, null, g.constant(1.0), g.apply(Arithmetic.MUL, null, y, y)));

  /** asin x (Math.asin only); 1/√(1 − x²) is infinite at ±1, where a zero adjoint gives 0. */
  public static final Op ASIN = unary("ASIN", null, true, true, false,
      (e, x) -> e.math("asin") + "(" + x + ")", "asin(%s)",
      (g, x, y) -> g.apply(Arithmetic.DIV, null, g.constant(1.0), unitCircle(g, x)));

  /** acos x (Math.acos only); −1/√(1 − x²). */
  public static final Op ACOS = unary("ACOS", null, true, true, false,
      (e, x) -> e.math("acos") + "(" + x + ")", "acos(%s)",
      (g, x, y) -> g.apply(Arithmetic.DIV, null, g.constant(-1.0), unitCircle(g, x)));

  /** ∛x (Math.cbrt only); 1/(3 y²) is infinite at 0, the one-sided slope, as for √x. */
  public static final Op CBRT = unary("CBRT", null, true, true, false,
      (e, x) -> e.math("cbrt") + "(" + x + ")", "∛%s",
      (g, x, y) -> g.apply(Arithmetic.DIV, null, g.constant(1.0),
          g.apply(Arithmetic.MUL, null, g.constant(3.0), g.apply(Arithmetic.MUL, null, y, y))));

  /** log₁₀ x (Math.log10 only); 1/(x ln 10). */
  public static final Op LOG10 = unary("LOG10", null, true, true, false,
      (e, x) -> e.math("log10") + "(" + x + ")", "log₁₀(%s)",
      (g, x, y) -> g.apply(Arithmetic.DIV, null, g.constant(1.0 / Math.log(10.0)), x));

  /** √(x² + y²) without overflow (Math.hypot); its gradient (x, y)/h is taken as 0 at the origin. */
  public static final Op HYPOT = Rules.elementwise("HYPOT", false, (g, n) -> List.of(
          g.apply(Arithmetic.SAFE_MUL, null, n.arg(0), g.apply(Arithmetic.DIV, null, g.constant(1.0), n)),
          g.apply(Arithmetic.SAFE_MUL, null, n.arg(1), g.apply(Arithmetic.DIV, null, g.constant(1.0), n))))
      .signatures("Math.hypot(double,double)")
      .formula((e, a) -> e.math("hypot") + "(" + a[0] + ", " + a[1] + ")")
      .notation((a, n) -> "hypot(" + a[0] + ", " + a[1] + ")")
      .build();

  /** √(1 − x²). */
  private static Node unitCircle(Graph g, Node x) {
    return g.apply(SQRT, null, g.apply(Arithmetic.SUB, null, g.constant(1.0),
        g.apply(Arithmetic.MUL, null, x, x)));
  }

  /**
   * x^p elementwise; p is a scalar and may itself be differentiated. ∂/∂x = p·x^(p−1), taken as
   * 0 when p = 0 (x⁰ is constant, even where x^(−1) is infinite); ∂/∂p = x^p ln x, taken as 0
   * where x^p = 0.
   */
  public static final Op POW = Rules.elementwise("POW", true, (g, n) -> List.of(
          g.apply(Arithmetic.SAFE_MUL, null, n.arg(1), g.apply(Functions.POW, null, n.arg(0),
              g.apply(Arithmetic.SUB, null, n.arg(1), g.constant(1.0)))),
          g.apply(Arithmetic.SAFE_MUL, null, n, g.apply(LOG, null, n.arg(0)))))
      .signatures("pow(double,double)", "pow(double[],double)", "pow(Matrix,double)",
          "Math.pow(double,double)")
      .formula((e, a) -> e.math("pow") + "(" + a[0] + ", " + a[1] + ")")
      .notation((a, n) -> Notation.paren(a[0]) + "^" + Notation.paren(a[1]))
      .build();

  private static Node reciprocal(Graph g, Node x) {
    return g.apply(Arithmetic.DIV, null, g.constant(1.0), x);
  }

  /**
   * A unary elementwise function: {@code Ops.opsName} on double, double[] and Matrix (if
   * opsName is not null), {@code Math.name} on double where {@code math} is set. With
   * {@code zeroSafe} a zero adjoint or tangent times an infinite f' contributes 0;
   * {@code repeatsArgument} says the formula reads x twice.
   */
  private static Op unary(String name, String opsName, boolean math, boolean zeroSafe,
      boolean repeatsArgument, UnaryFormula formula, String notationFormat, Derivative derivative) {
    return unary(name, opsName, math ? name.toLowerCase(java.util.Locale.ROOT) : null, zeroSafe,
        repeatsArgument, formula, notationFormat, derivative);
  }

  private static Op unary(String name, String opsName, String mathName, boolean zeroSafe,
      boolean repeatsArgument, UnaryFormula formula, String notationFormat, Derivative derivative) {
    List<String> sigs = new ArrayList<>();
    if (opsName != null) {
      sigs.addAll(List.of(opsName + "(double)", opsName + "(double[])", opsName + "(Matrix)"));
    }
    if (mathName != null) {
      sigs.add("Math." + mathName + "(double)");
    }
    Op.Builder b = Rules.elementwise(name, zeroSafe,
            (g, n) -> List.of(derivative.apply(g, n.arg(0), n)))
        .signatures(sigs.toArray(String[]::new))
        // √(a + b), (a + b)²: an operand not written in the function's own parentheses gets some
        .notation((a, n) -> String.format(notationFormat,
            notationFormat.contains("(%s)") ? a[0] : Notation.paren(a[0])));
    Op.Formula onArgument = (e, args) -> formula.apply(e, args[0]);
    return (repeatsArgument ? b.formula(onArgument, 0) : b.formula(onArgument)).build();
  }

  /** For lowerings that need the logistic function of an element. */
  static String sigmoid(Emitter e, String x) {
    return SIGMOID.elementFormula(e, new String[] {x});
  }
}
