package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ir.Op;
import java.util.Arrays;
import java.util.List;

/** Java's arithmetic operators and their elementwise {@code Ops} forms, and scalar broadcast. */
public final class Arithmetic {
  private Arithmetic() {}

  /** a + b: elementwise, or on scalars (the Java operator). */
  public static final Op ADD = Rules.intArithmetic("ADD", false,
          (g, n) -> List.of(g.constant(1.0), g.constant(1.0)))
      .signatures("add(double[],double[])", "add(Matrix,Matrix)", "add(double[],double)",
          "add(double,double[])", "add(Matrix,double)", "add(double,Matrix)")
      .formula((e, a) -> a[0] + " + " + a[1])
      .notation((a, n) -> a[0] + (a[1].startsWith("-") ? " − " + a[1].substring(1) : " + " + a[1]))
      .fold(Double::sum)
      .build();

  public static final Op SUB = Rules.intArithmetic("SUB", false,
          (g, n) -> List.of(g.constant(1.0), g.constant(-1.0)))
      .signatures("sub(double[],double[])", "sub(Matrix,Matrix)", "sub(double[],double)",
          "sub(double,double[])", "sub(Matrix,double)", "sub(double,Matrix)")
      .formula((e, a) -> a[0] + " - " + a[1])
      .notation((a, n) -> a[0] + " − " + Notation.paren(a[1]))
      .fold((x, y) -> x - y)
      .build();

  /** Hadamard product, scalar·array ({@code scale}) and scalar product, in one op. */
  public static final Op MUL = Rules.intArithmetic("MUL", false, Arithmetic::productPartials)
      .vjp(Arithmetic::productAdjoints)
      .jvp(Arithmetic::productTangent)
      .signatures("mul(double[],double[])", "mul(Matrix,Matrix)", "scale(double,double[])",
          "scale(double,Matrix)", "mul(double[],double)", "mul(double,double[])",
          "mul(Matrix,double)", "mul(double,Matrix)")
      .formula((e, a) -> a[0] + " * " + a[1])
      .notation(Arithmetic::productNotation)
      .rewrite((r, n, args, flags) -> product(r.graph(), args.get(0), args.get(1)))
      .fold((x, y) -> x * y)
      .linear()
      .build();

  /**
   * a·b, and 0 wherever a is 0 whatever b is (0·∞ = 0): a zero adjoint or tangent times an
   * infinite derivative (1/x, 1/√x at 0) contributes nothing instead of NaN.
   */
  public static final Op SAFE_MUL = Op.builder("SAFE_MUL", Op.Category.ELEMENTWISE)
      .shape((g, args, flags, origin) -> Rules.elementwiseShape(g, args, origin, false))
      // Where a = 0 the value is 0 whatever b is, so b's derivative is guarded by a.
      .vjp((g, n, grad) -> List.of(g.apply(Arithmetic.SAFE_MUL, null, grad, n.arg(1)),
          g.apply(Arithmetic.SAFE_MUL, null, n.arg(0), grad)))
      .jvp((g, n, t) -> Rules.plus(g,
          t.get(0) == null ? null : g.apply(Arithmetic.SAFE_MUL, null, t.get(0), n.arg(1)),
          t.get(1) == null ? null : g.apply(Arithmetic.SAFE_MUL, null, n.arg(0), t.get(1))))
      // As partials: b and a, zero-safe (a whole Jacobian times them keeps 0 · ∞ = 0; they differ
      // from the rules above only where a tangent itself is infinite).
      .partials(true, (g, n) -> List.of(n.arg(1), n.arg(0)))
      .formula((e, a) -> "(" + a[0] + " == 0.0 ? 0.0 : " + a[0] + " * " + a[1] + ")", 0)
      .notation(Arithmetic::productNotation)
      .rewrite((r, n, args, flags) -> {
        // A finite constant factor, or a nonzero constant first factor, needs no guard.
        Node a = args.get(0);
        Node b = args.get(1);
        boolean plain = (b instanceof Node.Const c && Double.isFinite(c.value()))
            || (a instanceof Node.Const c2 && c2.value() != 0.0);
        if (!plain) {
          return null;
        }
        Node simpler = product(r.graph(), a, b);
        return simpler != null ? simpler : r.graph().apply(Arithmetic.MUL, n.origin(), a, b);
      })
      .linear()
      .build();

  public static final Op DIV = Rules.intArithmetic("DIV", true,
          (g, n) -> {
            // ∂/∂b (a / b) = −(a / b) · (1 / b): one division serves both (for 1 / b, none more)
            Node reciprocal = g.apply(Arithmetic.DIV, null, g.constant(1.0), n.arg(1));
            return List.of(reciprocal, g.apply(Arithmetic.NEG, null,
                g.apply(Arithmetic.MUL, null, n, reciprocal)));
          })
      .signatures("div(double[],double[])", "div(Matrix,Matrix)", "div(double[],double)",
          "div(double,double[])", "div(Matrix,double)", "div(double,Matrix)")
      .formula((e, a) -> a[0] + " / " + a[1])
      .notation((a, n) -> Notation.paren(a[0]) + " / " + Notation.paren(a[1]))
      .fold((x, y) -> x / y)
      .build();

  /** Java's % on ints (sizes and indices only; it has no derivative). */
  public static final Op REM = Rules.intArithmetic("REM", false, (g, n) -> Arrays.asList(null, null))
      .formula((e, a) -> a[0] + " % " + a[1])
      .notation((a, n) -> a[0] + " mod " + a[1])
      .constantArgs(0, 1)
      .build();

  public static final Op NEG = Rules.intArithmetic("NEG", false,
          (g, n) -> List.of(g.constant(-1.0)))
      .signatures("neg(double)", "neg(double[])", "neg(Matrix)")
      .formula((e, a) -> "-" + a[0])
      .notation((a, n) -> "−" + Notation.paren(a[0]))
      .rewrite((r, n, args, flags) ->
          args.get(0) instanceof Node.Apply t && t.op() == Arithmetic.NEG ? t.arg(0) : null)
      .fold((x, unused) -> -x)
      .linear()
      .scalesBy(-1.0)
      .build();

  /** An int used as a double (a cast, or an int bound to a double variable). */
  public static final Op TO_DOUBLE = Rules.elementwise("TO_DOUBLE", false,
          (g, n) -> Arrays.asList((Node) null))
      .formula((e, a) -> "(double) " + a[0])
      .notation((a, n) -> a[0])
      .constantArgs(0)
      .build();

  /** A scalar spread over an array shape (given explicitly); elementwise readers read the scalar. */
  public static final Op BROADCAST = Op.builder("BROADCAST", Op.Category.ELEMENTWISE)
      .vjp((g, n, grad) -> List.of(grad))
      .jvp((g, n, t) -> g.applyShaped(Arithmetic.BROADCAST, t.get(0), n.shape()))
      .formula((e, a) -> a[0])
      .notation((a, n) -> Notation.paren(a[0]) + " 1")
      .spreadsScalar()
      .linear()
      .build();


  /**
   * max(a, b) as Ops.maximum: ties (and −0.0 against 0.0) to a, NaN if either is NaN; the
   * derivative goes to the operand chosen, a at a tie.
   */
  public static final Op MAXIMUM = extreme("MAXIMUM", "maximum", ">=",
      (e, a) -> "(" + a[0] + " >= " + a[1] + " || " + e.doubles("isNaN") + "(" + a[0] + ") ? "
          + a[0] + " : " + a[1] + ")", "max");

  /** min(a, b) as Ops.minimum, ties to a. */
  public static final Op MINIMUM = extreme("MINIMUM", "minimum", "<=",
      (e, a) -> "(" + a[0] + " <= " + a[1] + " || " + e.doubles("isNaN") + "(" + a[0] + ") ? "
          + a[0] + " : " + a[1] + ")", "min");

  /** Math.max on doubles or ints, as Java computes it; at a tie the first operand takes the derivative. */
  public static final Op MATH_MAX = Rules.intArithmetic("MATH_MAX", false,
          (g, n) -> firstAndSecond(g, n, ">="))
      .signatures("Math.max(int,int)", "Math.max(double,double)")
      .formula((e, a) -> e.math("max") + "(" + a[0] + ", " + a[1] + ")")
      .notation((a, n) -> "max(" + a[0] + ", " + a[1] + ")")
      .build();

  /** Math.min on doubles or ints. */
  public static final Op MATH_MIN = Rules.intArithmetic("MATH_MIN", false,
          (g, n) -> firstAndSecond(g, n, "<="))
      .signatures("Math.min(int,int)", "Math.min(double,double)")
      .formula((e, a) -> e.math("min") + "(" + a[0] + ", " + a[1] + ")")
      .notation((a, n) -> "min(" + a[0] + ", " + a[1] + ")")
      .build();

  /** 1 where a ≥ b or a is NaN (where max(a, b) is a), else 0: a derivative, itself constant. */
  public static final Op FIRST_IS_LARGER = indicator("FIRST_IS_LARGER", ">=");

  /** 1 where a ≤ b or a is NaN (where min(a, b) is a), else 0. */
  public static final Op FIRST_IS_SMALLER = indicator("FIRST_IS_SMALLER", "<=");

  private static Op extreme(String name, String opsName, String comparison, Op.Formula formula,
      String shown) {
    List<String> sigs = new java.util.ArrayList<>();
    for (String t : List.of("double[]", "Matrix")) {
      sigs.add(opsName + "(" + t + "," + t + ")");
      sigs.add(opsName + "(" + t + ",double)");
      sigs.add(opsName + "(double," + t + ")");
    }
    return Rules.elementwise(name, false, (g, n) -> firstAndSecond(g, n, comparison))
        .signatures(sigs.toArray(String[]::new))
        .formula(formula, 0, 1)
        .notation((a, n) -> shown + "(" + a[0] + ", " + a[1] + ")")
        .build();
  }

  /** The partials of max or min: the indicator that the first operand is chosen, and 1 − it. */
  private static List<Node> firstAndSecond(Graph g, Node.Apply n, String comparison) {
    Node first = g.apply(comparison.equals(">=") ? FIRST_IS_LARGER : FIRST_IS_SMALLER, null,
        n.arg(0), n.arg(1));
    return List.of(first, g.apply(SUB, null, g.constant(1.0), first));
  }

  private static Op indicator(String name, String comparison) {
    return Rules.elementwise(name, false, (g, n) -> List.of(g.constant(0.0), g.constant(0.0)))
        .formula((e, a) -> "(" + a[0] + " " + comparison + " " + a[1] + " || "
            + e.doubles("isNaN") + "(" + a[0] + ") ? 1.0 : 0.0)", 0)
        .notation((a, n) -> "[" + a[0] + " " + (comparison.equals(">=") ? "≥" : "≤") + " " + a[1] + "]")
        .build();
  }

  /**
   * The adjoints of a·b. A square's is (ḡ + ḡ) a: one product, its doubling shared by every
   * square the same adjoint reaches (dx² + dy² + dz²), where ḡ a + ḡ a takes two per square. A
   * cube a²·a (either order) sends 3 ḡ a² straight to a and nothing to a², where the product rule
   * through a² takes five operations (a² still gets the adjoints of its other uses).
   */
  private static List<Node> productAdjoints(Graph g, Node.Apply n, Node grad) {
    if (n.arg(0) == n.arg(1)) {
      return Arrays.asList(g.apply(MUL, null, g.apply(ADD, null, grad, grad), n.arg(0)), null);
    }
    for (int k = 0; k < 2; k++) {
      Node square = n.arg(k);
      Node base = n.arg(1 - k);
      if (isSquareOf(square, base)) {
        List<Node> adjoints = Arrays.asList(null, null);
        adjoints.set(1 - k, cubeDerivative(g, grad, square));
        return adjoints;
      }
    }
    return Rules.adjointsFromPartials(g, false, productPartials(g, n), grad);
  }

  /** The tangent of a·b: ȧ b + a ḃ, and for a cube a²·a, 3 ȧ a² (the tangent of a² unused). */
  private static Node productTangent(Graph g, Node.Apply n, List<Node> tangents) {
    for (int k = 0; k < 2; k++) {
      Node base = n.arg(1 - k);
      if (isSquareOf(n.arg(k), base) && tangents.get(1 - k) != null) {
        return cubeDerivative(g, tangents.get(1 - k), n.arg(k));
      }
    }
    return Rules.tangentFromPartials(g, false, productPartials(g, n), tangents);
  }

  /** ∂(a·b)/∂a = b and ∂(a·b)/∂b = a. */
  private static List<Node> productPartials(Graph g, Node.Apply n) {
    return List.of(n.arg(1), n.arg(0));
  }

  /** Whether n is base · base, a double (an int has no derivative). */
  private static boolean isSquareOf(Node n, Node base) {
    return n instanceof Node.Apply a && a.op() == MUL && a.arg(0) == base && a.arg(1) == base
        && base.shape().kind() != Kind.INT;
  }

  /** 3 (seed ⊙ a²): the derivative of a³ along seed, given a². */
  private static Node cubeDerivative(Graph g, Node seed, Node square) {
    return g.apply(MUL, null, g.constant(3.0), g.apply(MUL, null, seed, square));
  }

  /** Whether a product has a scalar factor: written {@code 2 x} rather than {@code 2 ⊙ x}. */
  private static String productNotation(String[] a, Node.Apply n) {
    if (n.arg(0).shape().isScalar() || n.arg(1).shape().isScalar()) {
      return Notation.paren(a[0]) + " " + Notation.paren(a[1]);
    }
    return hadamardFactor(a[0], n.arg(0)) + " ⊙ " + hadamardFactor(a[1], n.arg(1));
  }

  /** ⊙ is associative: a Hadamard product as a factor of another needs no parentheses. */
  private static String hadamardFactor(String text, Node operand) {
    boolean hadamard = operand instanceof Node.Apply p && (p.op() == MUL || p.op() == SAFE_MUL)
        && p.arg(0).shape().isArray() && p.arg(1).shape().isArray();
    return hadamard && !text.startsWith("(") ? text : Notation.paren(text);
  }

  /** a·b without a factor 1 (x·1 = x) or −1 (x·(−1) = −x); null if neither applies. */
  private static Node product(Graph g, Node a, Node b) {
    for (int i = 0; i < 2; i++) {
      Node c = i == 0 ? a : b;
      Node other = i == 0 ? b : a;
      // Not where the product would turn an int into a double.
      if (!(c instanceof Node.Const k) || other.shape().kind() == Kind.INT
          || !(other.shape().isArray() || k.shape().kind() == Kind.SCALAR)) {
        continue;
      }
      if (k.value() == 1.0) {
        return other;
      }
      if (k.value() == -1.0) {
        return g.apply(Arithmetic.NEG, null, other);
      }
    }
    return null;
  }

  /** The zero of n's shape: the constant 0 for a scalar, else a broadcast 0. */
  public static Node zeros(Graph g, Node like) {
    return like.shape().isScalar() ? g.constant(0.0) : Rules.zerosLike(g, like);
  }
}
