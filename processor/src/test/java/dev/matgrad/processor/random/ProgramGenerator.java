package dev.matgrad.processor.random;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates random, well-typed Java sources of classes whose {@code @Differentiable} static methods
 * use the whole op table of API.md, for a differential test of the processor against finite
 * differences ({@link RandomProgramsTest}).
 *
 * <p>Shapes are symbolic: a program has a few dimension symbols d0, d1, …; every {@code double[]}
 * has one of them as its length and every {@code Matrix} two of them as rows × cols. Expressions
 * are generated for a requested type (double, double[dk], Matrix[di×dj]) from rules whose operand
 * types fit (matmul inner dimensions, same shapes elementwise, square for trace, …), so every
 * program compiles whatever values the test later picks for the symbols. Only types that can be
 * built from a method's parameters are requested (a fixpoint over the rules, with the cheapest
 * derivation of each type used when the depth runs out).
 *
 * <p>Values are kept in the ops' domains and at moderate magnitudes so that central differences
 * stay accurate: every expression carries a rough bound of its magnitude (inputs are drawn from
 * [-1, 1], symbol values are at most {@link #MAX_DIM} (or {@link #LARGE_DIM} in one program of
 * eight), int parameters at most {@link #MAX_INT});
 * what exceeds a limit is scaled down or squashed with tanh/sigmoid; log, sqrt, div, fractional
 * and variable powers only get operands built to be positive with a known lower bound.
 */
final class ProgramGenerator {
  /** The package of the generated classes. */
  static final String PACKAGE = "rnd";
  /** Symbol values and int parameters the test uses are in 1..MAX_DIM and 1..MAX_INT. */
  static final int MAX_DIM = 4;
  static final int MAX_INT = 4;
  /**
   * In "large" programs one symbol per draw is in MAX_DIM+1..LARGE_DIM: sizes of a full block of
   * an unrolled loop (4 partial sums, 2×2 register blocks) and a remainder.
   */
  static final int LARGE_DIM = 7;
  /** The share of loops that break or continue on a data-dependent condition. */
  static final double JUMP_SHARE = 0.2;

  /** The share of methods with loops and branches ({@code -Dmatgrad.fuzz.control=0.4}). */
  static final double CONTROL_SHARE = Double.parseDouble(
      System.getProperty("matgrad.fuzz.control", "0.4"));
  /** The share of counted loops written as while loops (see loop). */
  static final double WHILE_SHARE = 0.25;
  /** Whether loops carry vector and matrix locals (see loop). */
  static final boolean CARRY_ARRAYS = true;

  /** Magnitude above which any generated value is scaled down or squashed. */
  private static final double LIMIT = 8;
  /** Bound on the argument of exp. */
  private static final double EXP_LIMIT = 2.5;
  /** Bound on the arguments passed to a generated callee (its inputs are drawn from [-1, 1]). */
  private static final double ARG_LIMIT = 1.0;
  /** Smallest lower bound accepted for an operand of log, sqrt, div and fractional powers. */
  private static final double MIN_LO = 0.02;

  enum Kind { SCALAR, VECTOR, MATRIX, INT }

  /** A symbolic type: rows is the symbol of a vector's length or a matrix's rows. */
  record Type(Kind kind, int rows, int cols) {
    static final Type SCALAR = new Type(Kind.SCALAR, -1, -1);
    static final Type INT = new Type(Kind.INT, -1, -1);

    static Type vector(int d) {
      return new Type(Kind.VECTOR, d, -1);
    }

    static Type matrix(int r, int c) {
      return new Type(Kind.MATRIX, r, c);
    }

    String java() {
      return switch (kind) {
        case SCALAR -> "double";
        case VECTOR -> "double[]";
        case MATRIX -> "Matrix";
        case INT -> "int";
      };
    }

    boolean differentiable() {
      return kind != Kind.INT;
    }

    @Override
    public String toString() {
      return switch (kind) {
        case SCALAR -> "double";
        case INT -> "int";
        case VECTOR -> "double[d" + rows + "]";
        case MATRIX -> "Matrix[d" + rows + "×d" + cols + "]";
      };
    }
  }

  record Param(String name, Type type) {}

  /** A generated method: its parameters, result type, wrt parameters (declaration order), text. */
  record Method(String name, List<Param> params, Type result, List<Param> wrt, String text) {}

  /**
   * A class with generated methods: its binary name (for reflection: {@code rnd.P1$In} for a
   * nested class), the name of the class the processor generates for it, and its methods.
   */
  record Unit(String binaryName, String gradientsName, List<Method> methods) {}

  /** A source file: its qualified top-level class name and its text. */
  record Source(String qualifiedName, String text) {}

  /**
   * A generated program: its source files (compiled together), the classes with generated
   * methods, the number of dimension symbols and the largest value the test gives them.
   */
  record Program(String name, List<Source> sources, List<Unit> units, int dims, int maxDim) {
    /** All sources, for messages (and a header line with the symbols' range if not the usual). */
    String text() {
      StringBuilder b = new StringBuilder();
      if (maxDim != MAX_DIM) {
        b.append("// max dim: ").append(maxDim).append('\n');
      }
      for (Source s : sources) {
        b.append("// ---- ").append(s.qualifiedName().replace('.', '/')).append(".java\n")
            .append(s.text());
      }
      return b.toString();
    }
  }

  /** An expression: its code, a bound of its magnitude and, if positive, a lower bound (else 0). */
  private record E(String code, double bound, double lo, boolean integral) {
    E(String code, double bound, double lo) {
      this(code, bound, lo, false);
    }

    E(String code, double bound) {
      this(code, bound, 0, false);
    }
  }

  /** An int expression with the range of its values. */
  private record I(String code, int min, int max) {}

  /** A parameter or local: name, type, bound and lower bound (when positive). */
  private record Var(String name, Type type, double bound, double lo, int line) {}

  /**
   * A generated callee with the magnitude of its result; qualifier is how it is called from the
   * class being generated ("" in the same class, "P1Lib." from another).
   */
  private record Callee(Method method, double bound, String qualifier, int inlinedSize,
      boolean rule) {
    /** rule: the method has or calls a @CustomVjp rule (then no hessian = true on callers). */
    Callee(Method method, double bound, String qualifier, int inlinedSize) {
      this(method, bound, qualifier, inlinedSize, false);
    }
  }

  /**
   * Calls are inlined: a method's derivative grows with its callees' (and theirs). Past this many
   * ops, counting each call as its callee's inlined size, a method calls no more methods, so that
   * few derivatives reach the JVM's 64 KB limit for one method (a compile error by design).
   */
  private static final int INLINED_OPS = 250;

  private final Random random;
  private int dims;
  /** The largest value of a symbol in this program. */
  private int maxDim;
  /** The class being generated, as its methods may name it ({@code P1} or {@code P1.In}). */
  private String className;
  /** Whether the methods being generated are called from another class. */
  private boolean calledFromOutside;
  /** Whether the program's package has a class named Math: java.lang's must be qualified. */
  private boolean shadowMath;
  /** Methods that the method being generated may call. */
  private final List<Callee> callees = new ArrayList<>();

  ProgramGenerator(Random random) {
    this.random = random;
  }

  /**
   * A program: class {@code rnd.<simpleName>} with 3 to 6 methods; now and then they are in a
   * nested class {@code <simpleName>.In} instead, and now and then a second class {@code
   * <simpleName>Lib}, compiled together, has methods that they call.
   */
  Program generate(String simpleName) {
    dims = 2 + random.nextInt(3);
    maxDim = chance(0.125) ? LARGE_DIM : MAX_DIM;
    callees.clear();
    List<String> shadows = new ArrayList<>();
    if (chance(0.06)) {
      shadows.add(pick(SHADOWED));
      String other = pick(SHADOWED);
      if (chance(0.5) && !shadows.contains(other)) {
        shadows.add(other);
      }
    }
    shadowMath = shadows.contains("Math");
    List<Source> sources = new ArrayList<>();
    List<Unit> units = new ArrayList<>();
    if (chance(0.25)) {
      String lib = simpleName + "Lib";
      className = lib;
      calledFromOutside = true;
      List<Method> methods = new ArrayList<>();
      String body = methods(1 + random.nextInt(3), methods);
      sources.add(new Source(PACKAGE + "." + lib, header() + "public final class " + lib
          + " {\n  private " + lib + "() {}\n" + body + "}\n"));
      units.add(new Unit(PACKAGE + "." + lib, PACKAGE + "." + lib + "Gradients", methods));
      callees.replaceAll(c -> new Callee(c.method(), c.bound(), lib + ".", c.inlinedSize(), c.rule()));
    }
    calledFromOutside = false;
    boolean nested = chance(0.2);
    className = nested ? simpleName + ".In" : simpleName;
    List<Method> methods = new ArrayList<>();
    String body = methods(3 + random.nextInt(4), methods);
    String text = nested
        ? "public final class " + simpleName + " {\n  private " + simpleName + "() {}\n\n"
            + "  public static final class In {\n    private In() {}\n" + body.indent(2)
            + "  }\n}\n"
        : "public final class " + simpleName + " {\n  private " + simpleName + "() {}\n" + body
            + "}\n";
    sources.add(new Source(PACKAGE + "." + simpleName, header() + text));
    units.add(nested
        ? new Unit(PACKAGE + "." + simpleName + "$In", PACKAGE + "." + simpleName + "_InGradients",
            methods)
        : new Unit(PACKAGE + "." + simpleName, PACKAGE + "." + simpleName + "Gradients", methods));
    for (String shadow : shadows) {
      sources.add(new Source(PACKAGE + "." + shadow, shadowing(shadow)));
    }
    return new Program(PACKAGE + "." + simpleName, List.copyOf(sources), List.copyOf(units), dims,
        maxDim);
  }

  /**
   * Classes of java.lang and java.util the generated code uses: a class of the program's package
   * may be named like them (then the user's code writes java.lang.Math, as Java requires).
   */
  static final List<String> SHADOWED = List.of("Math", "Objects", "Arrays", "System", "Double",
      "IllegalArgumentException");

  /** A class of the program's package named like a JDK class, with wrong look-alikes. */
  private static String shadowing(String name) {
    String members = switch (name) {
      case "Math" -> String.join("", List.of("exp", "log", "sqrt", "abs", "tanh", "sin", "cos",
          "log1p", "expm1").stream().map(f -> "  public static double " + f
              + "(double x) {\n    return 42;\n  }\n\n").toList())
          + "  public static double pow(double x, double p) {\n    return 42;\n  }\n\n"
          + "  public static double max(double x, double y) {\n    return 42;\n  }\n\n";
      case "Double" -> "  public static final double NEGATIVE_INFINITY = 42;\n"
          + "  public static final double POSITIVE_INFINITY = 42;\n\n"
          + "  public static boolean isNaN(double x) {\n    return true;\n  }\n\n";
      default -> "";
    };
    return "package " + PACKAGE + ";\n\n/** Named like a JDK class the generated code uses. */\n"
        + "public final class " + name + " {\n" + members + "  private " + name
        + "() {}\n}\n";
  }

  private static String header() {
    return "package " + PACKAGE + ";\n\n"
        + "import dev.matgrad.CustomVjp;\n"
        + "import dev.matgrad.Differentiable;\n"
        + "import dev.matgrad.Matrix;\n"
        + "import dev.matgrad.Ops;\n"
        + "import static dev.matgrad.Ops.*;\n\n";
  }

  /** The text of count new methods of the class being generated; adds them to methods. */
  private String methods(int count, List<Method> methods) {
    StringBuilder out = new StringBuilder();
    Set<String> signatures = new HashSet<>();
    if (chance(RULED_SHARE)) {
      // a method with a @CustomVjp rule, called by the methods after it (not checked itself:
      // its generated methods are the rule's; it is not a method of the unit's list)
      for (int i = 0, n = chance(0.3) ? 2 : 1; i < n; i++) {
        Callee c = ruled(RULED + i);
        callees.add(c);
        out.append('\n').append(c.method().text());
      }
    }
    for (int i = 0; i < count; i++) {
      Body body = new Body();
      body.generate();
      Callee c = body.finish(methodName("m" + i, body, signatures));
      callees.add(c);
      methods.add(c.method());
      out.append('\n').append(c.method().text());
    }
    return out.toString();
  }

  /** The prefix of the names of generated methods with a @CustomVjp rule. */
  private static final String RULED = "ruled";
  /** The share of classes with methods that have a @CustomVjp rule. */
  private static final double RULED_SHARE = 0.3;

  /**
   * A method with a {@code @CustomVjp} rule, its value computed by plain loops (not read by
   * matgrad) and its hand-written rule: x/(1 + x²) entry by entry on a vector or a matrix (by
   * loops or by a stream, a body matgrad cannot read); Σ log
   * cosh X (a double); s·sin x with both parameters differentiated; or each row's sum of squares
   * of a Matrix (a double[rows], whose shape matgrad reads from the body). Every parameter is in its
   * wrt, so callers may pass any values. It has no shapes comment: the program model keeps it as
   * verbatim text.
   */
  private Callee ruled(String name) {
    int r = random.nextInt(dims);
    int c = random.nextInt(dims);
    boolean matrix = chance(0.4);
    Type array = matrix ? Type.matrix(r, c) : Type.vector(r);
    String java = array.java();
    String data = matrix ? "x.data()" : "x";
    String rule = name + "Rule";
    String out = matrix ? "new Matrix(x.rows(), x.cols(), y)" : "y";
    String text;
    List<Param> params;
    Type result;
    double bound;
    switch (random.nextInt(4)) {
      case 3 -> {
        Type m = Type.matrix(r, c);
        params = List.of(new Param("x", m));
        result = Type.vector(r);
        bound = maxSize(m) * ARG_LIMIT * ARG_LIMIT;
        text = "  @Differentiable\n  @CustomVjp(\"" + rule + "\")\n"
            + "  public static double[] " + name + "(Matrix x) {\n"
            + "    double[] y = new double[x.rows()];\n"
            + "    for (int i = 0; i < x.rows(); i++) {\n"
            + "      for (int j = 0; j < x.cols(); j++) {\n"
            + "        y[i] += x.get(i, j) * x.get(i, j);\n"
            + "      }\n"
            + "    }\n"
            + "    return y;\n  }\n\n"
            + "  static void " + rule + "(Matrix x, double[] gradOut, double[] grad_x) {\n"
            + "    for (int i = 0; i < x.rows(); i++) {\n"
            + "      for (int j = 0; j < x.cols(); j++) {\n"
            + "        grad_x[i * x.cols() + j] = 2 * x.get(i, j) * gradOut[i];\n"
            + "      }\n"
            + "    }\n  }\n";
      }
      case 0 -> {
        params = List.of(new Param("x", array));
        result = array;
        bound = 0.5;
        // now and then through a stream, a body matgrad cannot read: called with the caller's
        // own parameter, the result's size is then read from what the call returns
        String values = chance(0.5)
            ? "    double[] y = java.util.Arrays.stream(v).map(t -> t / (1 + t * t)).toArray();\n"
            : "    double[] y = new double[v.length];\n"
                + "    for (int i = 0; i < v.length; i++) {\n"
                + "      y[i] = v[i] / (1 + v[i] * v[i]);\n"
                + "    }\n";
        text = "  @Differentiable\n  @CustomVjp(\"" + rule + "\")\n"
            + "  public static " + java + " " + name + "(" + java + " x) {\n"
            + "    double[] v = " + data + ";\n"
            + values
            + "    return " + out + ";\n  }\n\n"
            + "  static void " + rule + "(" + java + " x, double[] gradOut, double[] grad_x) {\n"
            + "    double[] v = " + data + ";\n"
            + "    for (int i = 0; i < v.length; i++) {\n"
            + "      double q = 1 + v[i] * v[i];\n"
            + "      grad_x[i] = gradOut[i] * (1 - v[i] * v[i]) / (q * q);\n"
            + "    }\n  }\n";
      }
      case 1 -> {
        params = List.of(new Param("x", array));
        result = Type.SCALAR;
        bound = maxSize(array) * ARG_LIMIT;
        text = "  @Differentiable\n  @CustomVjp(\"" + rule + "\")\n"
            + "  public static double " + name + "(" + java + " x) {\n"
            + "    double s = 0;\n"
            + "    for (double v : " + data + ") {\n"
            + "      s += Math.log(Math.cosh(v));\n"
            + "    }\n"
            + "    return s;\n  }\n\n"
            + "  static void " + rule + "(" + java + " x, double gradOut, double[] grad_x) {\n"
            + "    double[] v = " + data + ";\n"
            + "    for (int i = 0; i < v.length; i++) {\n"
            + "      grad_x[i] = gradOut * Math.tanh(v[i]);\n"
            + "    }\n  }\n";
      }
      default -> {
        params = List.of(new Param("x", array), new Param("s", Type.SCALAR));
        result = array;
        bound = ARG_LIMIT;
        text = "  @Differentiable\n  @CustomVjp(\"" + rule + "\")\n"
            + "  public static " + java + " " + name + "(" + java + " x, double s) {\n"
            + "    double[] v = " + data + ";\n"
            + "    double[] y = new double[v.length];\n"
            + "    for (int i = 0; i < v.length; i++) {\n"
            + "      y[i] = s * Math.sin(v[i]);\n"
            + "    }\n"
            + "    return " + out + ";\n  }\n\n"
            + "  static void " + rule + "(" + java + " x, double s, double[] gradOut,"
            + " double[] grad_x, double[] grad_s) {\n"
            + "    double[] v = " + data + ";\n"
            + "    grad_s[0] = 0;\n"
            + "    for (int i = 0; i < v.length; i++) {\n"
            + "      grad_x[i] = gradOut[i] * s * Math.cos(v[i]);\n"
            + "      grad_s[0] += gradOut[i] * Math.sin(v[i]);\n"
            + "    }\n  }\n";
      }
    }
    if (shadowMath) {
      text = text.replaceAll("(?<![\\w.])Math\\.", "java.lang.Math.");
    }
    Method method = new Method(name, params, result, params, text);
    return new Callee(method, bound, "", 2, true);
  }

  /**
   * The name of a new method: now and then an earlier method's (an overload), when the parameter
   * counts differ (so calls are never ambiguous) and no generated method's signature clashes.
   */
  private String methodName(String fresh, Body body, Set<String> signatures) {
    List<String> candidates = new ArrayList<>();
    List<Callee> sameClass = callees.stream().filter(c -> c.qualifier().isEmpty()).toList();
    for (Callee c : sameClass) {
      String name = c.method().name();
      if (name.startsWith(RULED)) {
        continue;
      }
      boolean countsDiffer = sameClass.stream().filter(o -> o.method().name().equals(name))
          .allMatch(o -> o.method().params().size() != body.params.size());
      if (countsDiffer && body.signatures(name).stream().noneMatch(signatures::contains)) {
        candidates.add(name);
      }
    }
    String name = !candidates.isEmpty() && chance(0.15) ? pick(candidates) : fresh;
    signatures.addAll(body.signatures(name));
    return name;
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Upper bound of the number of entries of a value of type t. */
  private int maxSize(Type t) {
    return switch (t.kind()) {
      case SCALAR, INT -> 1;
      case VECTOR -> maxDim;
      case MATRIX -> maxDim * maxDim;
    };
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  /** The index of a weight, drawn proportionally; -1 if all are 0. */
  private int weighted(double... weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    if (total <= 0) {
      return -1;
    }
    double r = random.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0 && weights[i] > 0) {
        return i;
      }
    }
    for (int i = weights.length - 1; i >= 0; i--) {
      if (weights[i] > 0) {
        return i;
      }
    }
    return -1;
  }

  private static String lit(double v) {
    String s = v == Math.rint(v) && Math.abs(v) < 1e6 ? String.format(Locale.ROOT, "%.1f", v)
        : Double.toString(v);
    return v < 0 ? "(" + s + ")" : s;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static double softplus(double x) {
    return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
  }

  /** The largest "nice" factor ≤ f. */
  private static double niceFactor(double f) {
    double[] nice = {0.5, 0.25, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001};
    for (double n : nice) {
      if (n <= f) {
        return n;
      }
    }
    return 0;
  }

  // ---- one method -------------------------------------------------------------------------------

  /** The generation state of one method: its parameters, locals, and the producible types. */
  private final class Body {
    private final List<Param> params = new ArrayList<>();
    private final List<Var> vars = new ArrayList<>();
    private final List<I> intVars = new ArrayList<>();
    /** Names of locals declared in blocks that have ended: they may be declared again. */
    private final List<String> outOfScope = new ArrayList<>();
    /** While loops' counters: declared before their loop, they stay in scope after it. */
    private final java.util.Set<String> counters = new java.util.HashSet<>();
    /** Locals declared final (never assigned again). */
    private final Set<String> finals = new HashSet<>();
    /** The int locals (int parameters may not be assigned). */
    private final Set<String> intLocalNames = new HashSet<>();
    /** The statements of the body, one a line. */
    private final List<String> lines = new ArrayList<>();
    /** The cost of the cheapest derivation of each producible vector/matrix type. */
    private final Map<Type, Integer> cost = new HashMap<>();
    private int locals;
    /** The inlined sizes of the calls made so far. */
    private int inlined;
    private Type result;
    private E ret;
    private List<Param> wrt;
    /** Whether the body calls a method that has or calls a @CustomVjp rule. */
    private boolean callsRule;
    private String annotation;

    void generate() {
      parameters();
      producible();
      result = resultType();
      int statements = random.nextInt(6);
      boolean control = chance(CONTROL_SHARE);
      int at = control ? random.nextInt(statements + 1) : -1;
      for (int i = 0; i <= statements; i++) {
        if (i == at) {
          control(0);
        }
        if (i < statements) {
          statement();
        }
      }
      boolean returnInBranch = control && chance(0.3);
      if (returnInBranch) {
        // the code after an if that returns is the else path: a branch
        inBranch = true;
        String c = condition();
        emit("if (" + c + ") {");
        E r = clamp(genSafe(result, 1 + random.nextInt(2)), result, LIMIT);
        emit("  return " + r.code() + ";");
        emit("}");
      }
      E value = leaf(result);
      if (value == null || !chance(0.1)) {
        value = clamp(genSafe(result, 1 + random.nextInt(3)), result, LIMIT);
      }
      ret = useDeadLocals(value, result);
      lines.add("return " + ret.code() + ";");
      wrt();
    }

    /** The erased signatures of the user's method and the generated ones, for a name. */
    List<String> signatures(String name) {
      String types = String.join(",", params.stream().map(p -> p.type().java()).toList());
      String outputs = ",double[]".repeat(wrt.size());
      if (result.kind() == Kind.SCALAR) {
        List<String> generated = new ArrayList<>(List.of(name + "(" + types + ")",
            name + "Grad(" + types + outputs + ")", name + "Jvp(" + types + outputs + ")"));
        if (annotation.contains("hessian = true")) {
          // (two overloads may clash here only: 7 parameters and 4 directions against 5 and 5)
          generated.add(name + "Hvp(" + types + outputs + outputs + ")");
          generated.add(name + "Hessian(" + types + ",double[])");
        }
        return generated;
      }
      return List.of(name + "(" + types + ")", name + "Vjp(" + types + ",double[]" + outputs + ")",
          name + "Jacobian(" + types + outputs + ")", name + "Jvp(" + types + outputs + ",double[])");
    }

    private void wrt() {
      List<Param> differentiable = params.stream().filter(p -> p.type().differentiable()).toList();
      if (chance(0.3)) {
        wrt = differentiable;
        annotation = chance(0.5) ? "@Differentiable" : "@Differentiable(wrt = {})";
      } else {
        List<Param> chosen = new ArrayList<>();
        for (Param p : differentiable) {
          if (chance(0.6)) {
            chosen.add(p);
          }
        }
        if (chosen.isEmpty()) {
          chosen.add(pick(differentiable));
        }
        wrt = List.copyOf(chosen);
        List<Param> written = new ArrayList<>(chosen);
        if (chance(0.3)) {
          Collections.shuffle(written, random);
        }
        List<String> names = written.stream().map(p -> "\"" + p.name() + "\"").toList();
        annotation = names.size() == 1 && chance(0.5)
            ? "@Differentiable(wrt = " + names.get(0) + ")"
            : "@Differentiable(wrt = {" + String.join(", ", names) + "})";
      }
      // A share of scalar methods asks for second derivatives too.
      // (not on methods calling a @CustomVjp rule: first derivatives only, a compile error)
      if (result.kind() == Kind.SCALAR && !wrt.isEmpty() && !callsRule && chance(0.25)) {
        annotation = annotation.endsWith(")")
            ? annotation.substring(0, annotation.length() - 1) + ", hessian = true)"
            : annotation + "(hessian = true)";
      }
    }

    Callee finish(String name) {
      StringBuilder text = new StringBuilder();
      text.append("  // ");
      List<String> shapes = new ArrayList<>();
      for (Param p : params) {
        shapes.add(p.name() + ": " + p.type());
      }
      text.append(String.join(", ", shapes)).append(" -> ").append(result).append('\n');
      text.append("  ").append(annotation).append('\n');
      List<String> decls = params.stream().map(p -> p.type().java() + " " + p.name()).toList();
      // methods of the library class are called from another class: not private
      String visibility = switch (weighted(0.8, 0.1, calledFromOutside ? 0 : 0.1)) {
        case 0 -> "public ";
        case 1 -> "";
        default -> "private ";
      };
      text.append("  ").append(visibility).append("static ").append(result.java()).append(' ')
          .append(name).append('(').append(String.join(", ", decls)).append(") {\n");
      boolean qualify = chance(0.25);
      for (String line : lines) {
        String written = qualify ? qualified(line) : line;
        if (shadowMath) {
          written = written.replaceAll("(?<![\\w.])Math\\.", "java.lang.Math.");
        }
        text.append("    ").append(written).append('\n');
      }
      text.append("  }\n");
      Method method = new Method(name, List.copyOf(params), result, wrt, text.toString());
      int ops = 0;
      for (String line : lines) {
        ops += line.chars().filter(ch -> ch == '(').count();
      }
      return new Callee(method, ret.bound(), "", ops + inlined, callsRule);
    }

    /**
     * The line with some calls written qualified: {@code Ops.exp(…)}, {@code dev.matgrad.Ops.exp},
     * {@code java.lang.Math.exp}, and calls of generated methods as {@code C.m0(…)}.
     */
    private String qualified(String line) {
      Matcher m = CALL.matcher(line);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String name = m.group(1);
        String replacement = name;
        if (name.equals("Math") && chance(0.3)) {
          replacement = "java.lang.Math";
        } else if (OPS.contains(name) && chance(0.5)) {
          replacement = (chance(0.8) ? "Ops." : "dev.matgrad.Ops.") + name;
        } else if (chance(0.5) && callees.stream()
            .anyMatch(c -> c.qualifier().isEmpty() && c.method().name().equals(name))) {
          replacement = className + "." + name;
        }
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(out);
      return out.toString();
    }

    // ---- signature ------------------------------------------------------------------------------

    private void parameters() {
      int n = 1 + random.nextInt(5);
      if (!callees.isEmpty() && chance(0.6)) {
        // the parameter types of an earlier method, so that it can be called
        for (Param p : pick(callees).method().params()) {
          addParam(p.type(), params.size());
        }
        n = random.nextInt(3);
      }
      for (int i = 0; i < n; i++) {
        Type t = switch (weighted(0.2, 0.35, 0.3, 0.15)) {
          case 0 -> Type.SCALAR;
          case 1 -> Type.vector(random.nextInt(dims));
          case 2 -> Type.matrix(random.nextInt(dims), random.nextInt(dims));
          default -> Type.INT;
        };
        addParam(t, params.size());
      }
      if (params.stream().noneMatch(p -> p.type().differentiable())) {
        addParam(Type.vector(random.nextInt(dims)), params.size());
      }
    }

    /**
     * A name for a new parameter or local: mostly prefix + number, now and then one that the
     * generated code might use itself (loop indices, its dimension and data variables, gradient
     * outputs), a class name it refers to, or a method name.
     */
    private String newName(String prefix, int number) {
      if (!outOfScope.isEmpty() && chance(0.5)) {
        String name = outOfScope.remove(random.nextInt(outOfScope.size()));
        if (!taken(name)) {
          return name;
        }
      }
      if (chance(0.12)) {
        List<String> tricky = new ArrayList<>(List.of("i", "j", "k", "dot", "rowStart", "b_k",
            "gradOut", "h", "dh", "value", "result", "t1", "t2", "i2", "sum", "exp", "scale",
            "Objects", "Arrays", "Double", "System", "m0", "length"));
        for (Param p : params) {
          tricky.add("grad_" + p.name());
          tricky.add("jac_" + p.name());
          tricky.add(p.name() + "_rows");
          tricky.add(p.name() + "_cols");
          tricky.add(p.name() + "_length");
          tricky.add(p.name() + "_data");
        }
        String name = pick(tricky);
        if (!taken(name)) {
          return name;
        }
      }
      String name = prefix + number;
      for (int k = 2; taken(name); k++) {
        name = prefix + number + "_" + k;
      }
      return name;
    }

    private boolean taken(String name) {
      return counters.contains(name) || params.stream().anyMatch(p -> p.name().equals(name))
          || vars.stream().anyMatch(v -> v.name().equals(name))
          || intVars.stream().anyMatch(v -> v.code().equals(name))
          || bools.contains(name) || indices.stream().anyMatch(x -> name.equals(x.name()));
    }

    private void addParam(Type t, int i) {
      String prefix = switch (t.kind()) {
        case SCALAR -> "s";
        case VECTOR -> "x";
        case MATRIX -> "A";
        case INT -> "n";
      };
      Param p = new Param(newName(prefix, i), t);
      params.add(p);
      if (t.kind() == Kind.INT) {
        intVars.add(new I(p.name(), 1, MAX_INT));
      } else {
        vars.add(new Var(p.name(), t, 1, 0, -1));
      }
    }

    /** Computes {@link #cost}: which vector and matrix types can be built, and how cheaply. */
    private void producible() {
      for (Var v : vars) {
        if (v.type().kind() != Kind.SCALAR) {
          cost.put(v.type(), 1);
        }
      }
      boolean changed = true;
      while (changed) {
        changed = false;
        for (Type t : allTypes()) {
          int best = cost.getOrDefault(t, Integer.MAX_VALUE);
          for (Rule r : minimalRules(t)) {
            if (r.cost < best) {
              best = r.cost;
            }
          }
          if (best < cost.getOrDefault(t, Integer.MAX_VALUE)) {
            cost.put(t, best);
            changed = true;
          }
        }
      }
    }

    private List<Type> allTypes() {
      List<Type> all = new ArrayList<>();
      for (int r = 0; r < dims; r++) {
        all.add(Type.vector(r));
        for (int c = 0; c < dims; c++) {
          all.add(Type.matrix(r, c));
        }
      }
      return all;
    }

    private boolean can(Type t) {
      return t.kind() == Kind.SCALAR || t.kind() == Kind.INT || cost.containsKey(t);
    }

    private int costOf(Type... types) {
      long total = 1;
      for (Type t : types) {
        if (t.kind() == Kind.SCALAR || t.kind() == Kind.INT) {
          total += 1;
        } else {
          Integer c = cost.get(t);
          if (c == null) {
            return Integer.MAX_VALUE;
          }
          total += c;
        }
      }
      return (int) Math.min(total, Integer.MAX_VALUE - 1);
    }

    /** A derivation of a type for the cheapest-path fallback. */
    private record Rule(int cost, Supplier<E> make) {}

    /** The rules building {@code t} from other types, with their costs (MAX_VALUE: impossible). */
    private List<Rule> minimalRules(Type t) {
      List<Rule> rules = new ArrayList<>();
      if (t.kind() == Kind.VECTOR) {
        int d = t.rows();
        for (int k = 0; k < dims; k++) {
          Type m = Type.matrix(d, k);
          Type v = Type.vector(k);
          rules.add(new Rule(costOf(m, v), () -> matvec(m, v, 0)));
          Type mt = Type.matrix(k, d);
          rules.add(new Rule(costOf(mt, v), () -> matTvec(mt, v, 0)));
        }
      } else if (t.kind() == Kind.MATRIX) {
        int r = t.rows();
        int c = t.cols();
        Type tr = Type.matrix(c, r);
        rules.add(new Rule(costOf(tr), () -> wrap1("transpose", gen(tr, 0), 1)));
        Type vr = Type.vector(r);
        Type vc = Type.vector(c);
        rules.add(new Rule(costOf(vr, vc), () -> outer(vr, vc, 0)));
        if (r == c) {
          rules.add(new Rule(costOf(vr), () -> {
            E v = gen(vr, 0);
            return new E("diag(" + v.code() + ")", v.bound());
          }));
        }
        for (int k = 0; k < dims; k++) {
          Type a = Type.matrix(r, k);
          Type b = Type.matrix(k, c);
          int kk = k;
          rules.add(new Rule(costOf(a, b), () -> matmul(r, kk, c, 0)));
        }
      }
      for (Callee callee : callees) {
        if (callee.method().result().equals(t)) {
          List<Type> args = callee.method().params().stream().map(Param::type).toList();
          rules.add(new Rule(costOf(args.toArray(Type[]::new)), () -> call(callee, 0)));
        }
      }
      return rules;
    }

    /** Half scalar; else a vector or a matrix, equally often where both can be built. */
    private Type resultType() {
      if (chance(0.5)) {
        return Type.SCALAR;
      }
      Kind kind = chance(0.5) ? Kind.VECTOR : Kind.MATRIX;
      Type t = pickType(x -> x.kind() == kind);
      if (t == null) {
        t = pickType(x -> true);
      }
      return t == null ? Type.SCALAR : t;
    }

    /**
     * A producible vector or matrix type that passes the filter, or null: the types of locals and
     * of callable methods' results are preferred (more fan-out, more calls).
     */
    private Type pickType(Predicate<Type> filter) {
      List<Type> ok = allTypes().stream().filter(t -> can(t) && filter.test(t)).toList();
      if (ok.isEmpty()) {
        return null;
      }
      double[] w = new double[ok.size()];
      for (int i = 0; i < w.length; i++) {
        Type t = ok.get(i);
        boolean local = vars.stream().anyMatch(v -> v.line() >= 0 && v.type().equals(t));
        w[i] = 1 + (local ? 3 : 0) + (calleesOf(t).isEmpty() ? 0 : 2);
      }
      return ok.get(weighted(w));
    }

    // ---- statements -----------------------------------------------------------------------------

    /** Folds (most) locals whose last value is never read into the returned value. */
    private E useDeadLocals(E ret, Type result) {
      for (Var v : List.copyOf(vars)) {
        if (v.line() < 0 || !chance(0.8)) {
          continue;
        }
        Pattern name = Pattern.compile("\\b" + v.name() + "\\b");
        boolean used = name.matcher(ret.code()).find();
        for (int i = v.line() + 1; i < lines.size() && !used; i++) {
          used = name.matcher(lines.get(i)).find();
        }
        if (used) {
          continue;
        }
        E self = new E(v.name(), v.bound(), v.lo());
        E s = clamp(v.type().kind() == Kind.SCALAR ? self : reduction(v.type(), self),
            Type.SCALAR, 1);
        if (result.kind() == Kind.SCALAR) {
          ret = new E("(" + ret.code() + " + " + s.code() + ")", ret.bound() + s.bound());
        } else {
          ret = new E("scale(" + s.code() + ", " + ret.code() + ")", ret.bound() * s.bound());
        }
      }
      return ret;
    }

    private void statement() {
      List<Var> localVars =
          vars.stream().filter(v -> v.line() >= 0 && !finals.contains(v.name())).toList();
      List<Var> scalarLocals =
          localVars.stream().filter(v -> v.type().kind() == Kind.SCALAR).toList();
      List<I> intLocals = intVars.stream().filter(v -> intLocalNames.contains(v.code())).toList();
      int kind = weighted(5, intVars.isEmpty() ? 0 : 0.8, localVars.isEmpty() ? 0 : 2,
          scalarLocals.isEmpty() ? 0 : 1.5, intLocals.isEmpty() ? 0 : 0.8,
          localVars.isEmpty() ? 0 : 0.5);
      switch (kind) {
        case 0 -> {
          Type t = localType();
          E e = clamp(gen(t, 1 + random.nextInt(3)), t, LIMIT);
          String local = newName("t", locals++);
          String decl = chance(0.2) && !e.integral() ? "var" : t.java();
          boolean isFinal = chance(0.1);
          if (isFinal) {
            finals.add(local);
          }
          lines.add((isFinal ? "final " : "") + decl + " " + local + " = " + e.code() + ";");
          vars.add(new Var(local, t, e.bound(), e.lo(), lines.size() - 1));
        }
        case 1 -> {
          I e = intExpr(1, false);
          String local = newName("k", locals++);
          lines.add((chance(0.2) ? "var" : "int") + " " + local + " = " + e.code() + ";");
          intVars.add(new I(local, e.min(), e.max()));
          intLocalNames.add(local);
        }
        case 4 -> {
          // compound assignment of an int local: Java's int arithmetic
          I v = pick(intLocals);
          I n = intExpr(1, true);
          I updated = switch (random.nextInt(4)) {
            case 0 -> new I("+=", v.min() + n.min(), v.max() + n.max());
            case 1 -> new I("*=", v.min() * n.min(), v.max() * n.max());
            case 2 -> new I("/=", v.min() / n.max(), v.max());
            default -> new I("%=", 0, n.max() - 1);
          };
          if (updated.max() > 4 * MAX_INT * MAX_INT) {
            updated = new I("/=", v.min() / n.max(), v.max());
          }
          lines.add(updated.code().equals("%=") && chance(0.3)
              ? v.code() + " = (" + v.code() + " % " + n.code() + ");"
              : v.code() + " " + updated.code() + " " + n.code() + ";");
          intVars.remove(v);
          intVars.add(new I(v.code(), updated.min(), updated.max()));
        }
        case 5 -> block(localVars);
        case 2 -> {
          Var v = pick(localVars);
          Type t = v.type();
          if (chance(0.15)) {
            // another shape of the same Java type
            List<Type> same = new ArrayList<>();
            for (Type o : allTypes()) {
              if (o.kind() == t.kind() && can(o)) {
                same.add(o);
              }
            }
            if (!same.isEmpty()) {
              t = pick(same);
            }
          }
          E e;
          if (t.equals(v.type()) && chance(0.5)) {
            e = selfUpdate(v);
          } else {
            e = gen(t, 1 + random.nextInt(3));
          }
          e = clamp(e, t, LIMIT);
          lines.add(v.name() + " = " + e.code() + ";");
          vars.remove(v);
          vars.add(new Var(v.name(), t, e.bound(), e.lo(), lines.size() - 1));
        }
        default -> {
          Var v = pick(scalarLocals);
          E e;
          String op;
          double bound;
          double lo = 0;
          switch (random.nextInt(4)) {
            case 0 -> {
              e = chance(0.2) ? intAtom() : clamp(gen(Type.SCALAR, 1 + random.nextInt(2)),
                  Type.SCALAR, LIMIT);
              op = "+=";
              bound = v.bound() + e.bound();
              if (v.lo() > 0 && e.lo() > 0) {
                lo = v.lo() + e.lo();
              }
            }
            case 1 -> {
              e = clamp(gen(Type.SCALAR, 1 + random.nextInt(2)), Type.SCALAR, LIMIT);
              op = "-=";
              bound = v.bound() + e.bound();
            }
            case 2 -> {
              e = clamp(gen(Type.SCALAR, 1 + random.nextInt(2)), Type.SCALAR, 2);
              op = "*=";
              bound = v.bound() * e.bound();
              if (v.lo() > 0 && e.lo() > 0) {
                lo = v.lo() * e.lo();
              }
            }
            default -> {
              e = positive(Type.SCALAR, 1 + random.nextInt(2));
              op = "/=";
              bound = v.bound() / e.lo();
              if (v.lo() > 0) {
                lo = v.lo() / e.bound();
              }
            }
          }
          lines.add(v.name() + " " + op + " " + e.code() + ";");
          vars.remove(v);
          vars.add(new Var(v.name(), v.type(), bound, lo, lines.size() - 1));
        }
      }
    }

    // ---- control flow ---------------------------------------------------------------------------

    /** The indentation of the lines being generated (inside loops and branches). */
    private String indent = "";
    /** Whether the lines being generated are inside a branch (no int division or remainder). */
    private boolean inBranch;
    /** Whether they are inside a loop (no return). */
    private boolean inLoop;
    /** The product of the trip counts of the enclosing loops (bounds of carried sums). */
    private int trips = 1;
    /** The loop indices in scope: name, a 0-based in-range index expression and its size. */
    private record Index(String name, String index, String size, int sizeSymbol, int max) {}
    private final List<Index> indices = new ArrayList<>();
    /** The boolean locals in scope. */
    private final List<String> bools = new ArrayList<>();

    private void emit(String line) {
      lines.add(indent + line);
    }

    /**
     * Whether e may be in a branch: no int division or remainder, no call of a generated method
     * (a call is inlined, and its body may hold either).
     */
    private boolean branchSafe(E e) {
      // (a factorisation or row/col in a branch runs on a stand-in where the branch is not
      // taken, so it may be there; a call of a method with a rule is not inlined)
      return !e.code().matches("(?s).*[%/].*")
          && callees.stream().noneMatch(c -> !c.method().name().startsWith(RULED)
              && e.code().contains(c.method().name() + "("));
    }

    /** An expression of type t that a branch may hold (no int division or remainder). */
    private E genSafe(Type t, int depth) {
      for (int k = 0; k < 20; k++) {
        E e = gen(t, depth);
        if (!inBranch || branchSafe(e)) {
          return e;
        }
      }
      E leaf = leaf(t);
      if (leaf != null || t.kind() == Kind.SCALAR) {
        return leaf != null ? leaf : new E("0.5", 0.5);
      }
      // no branch-safe expression of an array type came up: scale one of its kind
      return gen(t, 0);
    }

    /** A control statement: a loop, a branch, or a branch holding a return. */
    private void control(int depth) {
      int kind = weighted(3, 2);
      switch (kind) {
        case 0 -> loop(depth);
        case 1 -> branch(depth);
        default -> {
          String c = condition();
          emit("if (" + c + ") {");
          boolean was = inBranch;
          inBranch = true;
          E r = clamp(genSafe(result, 1 + random.nextInt(2)), result, LIMIT);
          inBranch = was;
          emit("  return " + r.code() + ";");
          emit("}");
        }
      }
    }

    /** A condition: data-dependent comparisons of doubles, int comparisons, &&, ||, !. */
    private String condition() {
      String c = atomCondition();
      switch (random.nextInt(5)) {
        case 0 -> c = c + " && " + atomCondition();
        case 1 -> c = c + " || " + atomCondition();
        case 2 -> c = "!(" + c + ")";
        default -> { }
      }
      return c;
    }

    private String atomCondition() {
      int kind = weighted(4, indices.isEmpty() ? 0.5 : 2, bools.isEmpty() ? 0 : 1.5);
      String cmp = pick(List.of("<", "<=", ">", ">="));
      if (kind == 0) {
        boolean was = inBranch;
        inBranch = true;
        E a = clamp(genSafe(Type.SCALAR, 1), Type.SCALAR, LIMIT);
        E b = chance(0.5) ? new E(lit(Math.round((random.nextDouble() - 0.5) * 20) / 10.0), 1)
            : clamp(genSafe(Type.SCALAR, 1), Type.SCALAR, LIMIT);
        inBranch = was;
        return a.code() + " " + cmp + " " + b.code();
      }
      if (kind == 1) {
        if (indices.isEmpty()) {
          I n = intExpr(0, true);
          return n.code() + " " + cmp + " " + random.nextInt(4);
        }
        Index x = pick(indices);
        return switch (random.nextInt(3)) {
          case 0 -> x.name() + " " + pick(List.of("==", "!=")) + " " + random.nextInt(2);
          case 1 -> x.name() + " " + cmp + " " + random.nextInt(3);
          default -> {
            I n = intExpr(0, true);
            yield x.name() + " " + cmp + " " + n.code();
          }
        };
      }
      String b = pick(bools);
      return chance(0.3) ? "!" + b : b;
    }

    /** A read of an element at a loop index (in range), or null. */
    private E elementRead() {
      if (indices.isEmpty()) {
        return null;
      }
      Index x = pick(indices);
      List<E> reads = new ArrayList<>();
      for (Var v : vars) {
        Type t = v.type();
        if (t.kind() == Kind.VECTOR && t.rows() == x.sizeSymbol()) {
          reads.add(new E(v.name() + "[" + x.index() + "]", v.bound(), v.lo()));
        } else if (t.kind() == Kind.MATRIX && t.rows() == x.sizeSymbol()) {
          String col = "0";
          for (Index y : indices) {
            if (y.sizeSymbol() == t.cols() && chance(0.7)) {
              col = y.index();
            }
          }
          reads.add(new E(v.name() + ".get(" + x.index() + ", " + col + ")", v.bound(), v.lo()));
        } else if (t.kind() == Kind.MATRIX && t.cols() == x.sizeSymbol()) {
          reads.add(new E(v.name() + ".get(0, " + x.index() + ")", v.bound(), v.lo()));
        } else if (t.kind() == Kind.VECTOR && !inBranch) {
          reads.add(new E(v.name() + "[(" + x.index() + " + " + random.nextInt(3) + ") % "
              + v.name() + ".length]", v.bound(), v.lo()));
        }
      }
      return reads.isEmpty() ? null : pick(reads);
    }

    /** A scalar term of the loop body, bounded by 1: an element read, the index, or any. */
    private E term() {
      E e = chance(0.6) ? elementRead() : null;
      if (e == null && !indices.isEmpty() && chance(0.2)) {
        Index x = pick(indices);
        e = new E("(" + x.name() + " * 0.25)", 0.25 * Math.max(1, x.max()));
      }
      if (e == null) {
        e = genSafe(Type.SCALAR, 1 + random.nextInt(2));
      }
      if (chance(0.2) && branchSafe(e)) {
        // a ?: on a data-dependent condition (its arms hold no int division or remainder)
        boolean was = inBranch;
        inBranch = true;
        E o = clamp(genSafe(Type.SCALAR, 1), Type.SCALAR, 1);
        e = new E("(" + condition() + " ? " + clamp(e, Type.SCALAR, 1).code() + " : "
            + o.code() + ")", 1);
        inBranch = was;
      }
      return clamp(e, Type.SCALAR, 1);
    }

    /** The trip-count sources: a size with its symbol (or -1) and its largest value. */
    private List<Index> sizes() {
      List<Index> out = new ArrayList<>();
      for (Var v : vars) {
        // parameters only: a loop's bound may not read a local the loop assigns
        if (v.line() >= 0) {
          continue;
        }
        if (v.type().kind() == Kind.VECTOR) {
          out.add(new Index(null, null, v.name() + ".length", v.type().rows(), maxDim));
        } else if (v.type().kind() == Kind.MATRIX) {
          out.add(new Index(null, null, v.name() + ".rows()", v.type().rows(), maxDim));
          out.add(new Index(null, null, v.name() + ".cols()", v.type().cols(), maxDim));
        }
      }
      for (I v : intVars) {
        if (v.min() >= 0 && v.max() <= 2 * MAX_INT && !v.code().contains("(")) {
          out.add(new Index(null, null, v.code(), -1, v.max()));
        }
      }
      int c = random.nextInt(4);
      out.add(new Index(null, null, Integer.toString(c), -1, c));
      return out;
    }

    /** A counted for loop over a size, of one of the header forms, and its body. */
    private void loop(int depth) {
      Index n = pick(sizes());
      String i = newName("i", locals++);
      String size = n.size();
      int max = Math.max(n.max(), 0);
      String header;
      String index;
      Index outer = indices.isEmpty() ? null : indices.get(indices.size() - 1);
      if (outer != null && outer.sizeSymbol() >= 0 && chance(0.3)) {
        // triangular: j from the outer index + 1 to the same size (may run zero times)
        size = outer.size();
        max = outer.max();
        header = "for (int " + i + " = " + outer.index() + " + 1; " + i + " < " + size + "; "
            + i + "++)";
        index = i;
        n = outer;
      } else {
        switch (random.nextInt(8)) {
          case 0 -> {
            header = "for (int " + i + " = 1; " + i + " <= " + size + "; " + i + "++)";
            index = "(" + i + " - 1)";
          }
          case 1 -> {
            header = "for (int " + i + " = " + size + " - 1; " + i + " >= 0; " + i + "--)";
            index = i;
          }
          case 2 -> {
            header = "for (int " + i + " = " + size + "; " + i + " > 0; " + i + "--)";
            index = "(" + i + " - 1)";
          }
          case 3 -> {
            header = "for (int " + i + " = 0; " + i + " < " + size + "; " + i + " += 2)";
            index = i;
          }
          case 4 -> {
            header = "for (int " + i + " = " + size + " - 1; " + i + " >= 0; " + i + " -= "
                + (1 + random.nextInt(2)) + ")";
            index = i;
          }
          case 5 -> {
            header = "for (int " + i + " = 0; " + size + " > " + i + "; " + i + "++)";
            index = i;
          }
          default -> {
            header = "for (int " + i + " = 0; " + i + " < " + size + "; " + i + "++)";
            index = i;
          }
        }
      }
      List<Var> carried = vars.stream().filter(v -> v.line() >= 0
          && (CARRY_ARRAYS || v.type().kind() == Kind.SCALAR)
          && !finals.contains(v.name())).toList();
      // A while loop counting with a local index, stopping early on a data-dependent condition.
      boolean whileForm = index.equals(i) && header.contains(i + " < ") && chance(WHILE_SHARE);
      if (whileForm) {
        counters.add(i);
        emit("int " + i + " = 0;");
        header = "while (" + i + " < " + size + (chance(0.3) ? " && (" + condition() + ")" : "")
            + ")";
      }
      int before = lines.size();
      emit(header + " {");
      String was = indent;
      boolean wasLoop = inLoop;
      int wasTrips = trips;
      indent = was + "  ";
      inLoop = true;
      trips *= Math.max(1, max);
      indices.add(new Index(i, index, size, n.sizeSymbol(), max));
      intVars.add(new I(i, 0, max));
      // A carried local's lower bound at the body's start is its value's before the loop or
      // after any iteration: not known here, so none is assumed (inside and after the loop), and
      // no carried local is taken for a positive divisor.
      forgetLowerBounds(carried);
      List<Var> scope = new ArrayList<>(vars);
      int boolScope = bools.size();
      // A break or continue on a data-dependent condition, before or after the rest of the body
      // (inner loops too): the body is then a branch for what it may hold. (No continue in a
      // while loop: it would skip the increment at the end of the body.)
      String jump = switch (weighted(1 - JUMP_SHARE, JUMP_SHARE / 2,
          whileForm ? 0 : JUMP_SHARE / 2)) {
        case 1 -> "break;";
        case 2 -> "continue;";
        default -> null;
      };
      boolean wasInBranch = inBranch;
      inBranch = inBranch || jump != null;
      boolean jumpFirst = jump != null && chance(0.4);
      if (jumpFirst) {
        emit("if (" + condition() + ") {");
        emit("  " + jump);
        emit("}");
      }
      body(depth, carried);
      if (jump != null && !jumpFirst) {
        emit("if (" + condition() + ") {");
        emit("  " + jump);
        emit("}");
      }
      inBranch = wasInBranch;
      bools.subList(boolScope, bools.size()).clear();
      intVars.removeIf(v -> v.code().equals(i));
      indices.remove(indices.size() - 1);
      endScope(scope);
      forgetLowerBounds(carried);
      trips = wasTrips;
      inLoop = wasLoop;
      if (lines.size() == before + 1) {
        // an empty body: a carried update at least
        indent = was + "  ";
        indices.add(new Index(i, index, size, n.sizeSymbol(), max));
        update(carried.isEmpty() ? null : pick(carried));
        indices.remove(indices.size() - 1);
      }
      if (whileForm) {
        indent = was + "  ";
        emit(i + " += 1;");
      }
      indent = was;
      emit("}");
      if (!whileForm) {
        outOfScope.add(i);
      }
    }

    /** The locals named like those given have no known positive lower bound from now on. */
    private void forgetLowerBounds(List<Var> carried) {
      vars.replaceAll(v -> carried.stream().anyMatch(c -> c.name().equals(v.name()))
          ? new Var(v.name(), v.type(), v.bound(), 0, v.line()) : v);
    }

    /** Locals declared since scope was taken go out of scope. */
    private void endScope(List<Var> scope) {
      for (Var v : List.copyOf(vars)) {
        if (scope.stream().noneMatch(o -> o.name().equals(v.name()))) {
          vars.remove(v);
          outOfScope.add(v.name());
        }
      }
    }

    /** The statements of a loop's or branch's body. */
    private void body(int depth, List<Var> carried) {
      int n = 1 + random.nextInt(3);
      for (int k = 0; k < n; k++) {
        int kind = weighted(carried.isEmpty() ? 0.5 : 5, depth < 2 ? 1.2 : 0,
            carried.size() < 2 ? 0 : 0.6, 0.7);
        switch (kind) {
          case 0 -> update(carried.isEmpty() ? null : pick(carried));
          case 1 -> {
            if (chance(0.5)) {
              loop(depth + 1);
            } else {
              branch(depth + 1);
            }
          }
          case 2 -> swap(carried);
          default -> {
            // a local of the body
            Type t = localType();
            E e = clamp(genSafe(t, 1 + random.nextInt(2)), t, LIMIT);
            String local = newName("t", locals++);
            emit(t.java() + " " + local + " = " + e.code() + ";");
            vars.add(new Var(local, t, e.bound(), e.lo(), lines.size() - 1));
            if (chance(0.3)) {
              String b = newName("c", locals++);
              emit("boolean " + b + " = " + condition() + ";");
              bools.add(b);
            }
          }
        }
      }
    }

    /** Replaces v's tracking after an assignment on the current line. */
    private void assigned(Var v, double bound) {
      vars.removeIf(o -> o.name().equals(v.name()));
      vars.add(new Var(v.name(), v.type(), bound, 0, lines.size() - 1));
    }

    private Var current(Var v) {
      return vars.stream().filter(o -> o.name().equals(v.name())).findFirst().orElse(v);
    }

    /** An update of a carried local that keeps it bounded whatever the trip count. */
    private void update(Var carried) {
      if (carried == null) {
        E t = term();
        String local = newName("t", locals++);
        emit("double " + local + " = " + t.code() + ";");
        vars.add(new Var(local, Type.SCALAR, t.bound(), 0, lines.size() - 1));
        return;
      }
      Var v = current(carried);
      Type t = v.type();
      if (t.kind() == Kind.SCALAR) {
        E e = term();
        switch (random.nextInt(4)) {
          case 0 -> {
            emit(v.name() + " = 0.5 * " + v.name() + " + " + e.code() + ";");
            assigned(v, Math.max(v.bound(), 2));
          }
          case 1 -> {
            emit(v.name() + " += 0.125 * " + e.code() + ";");
            assigned(v, v.bound() + 0.125 * trips);
          }
          case 2 -> {
            emit(v.name() + " = Math.tanh(" + v.name() + " + " + e.code() + ");");
            assigned(v, 1);
          }
          default -> {
            E f = elementRead();
            String g = f == null ? e.code() : clamp(f, Type.SCALAR, 1).code();
            emit(v.name() + " = 0.5 * " + v.name() + " + " + e.code() + " * " + g + ";");
            assigned(v, Math.max(v.bound(), 2));
          }
        }
        return;
      }
      E o = clamp(genSafe(t, 1), t, 1);
      switch (random.nextInt(3)) {
        case 0 -> {
          emit(v.name() + " = tanh(add(" + v.name() + ", " + o.code() + "));");
          assigned(v, 1);
        }
        case 1 -> {
          E s = term();
          emit(v.name() + " = add(scale(0.5, " + v.name() + "), scale(" + s.code() + ", "
              + o.code() + "));");
          assigned(v, Math.max(v.bound(), 2));
        }
        default -> {
          if (t.kind() == Kind.MATRIX && t.rows() == t.cols()) {
            Var sq = vars.stream().filter(x -> x.type().equals(t) && !x.name().equals(v.name()))
                .findFirst().orElse(null);
            String m = sq == null ? o.code() : "tanh(" + sq.name() + ")";
            emit(v.name() + " = tanh(matmul(" + v.name() + ", " + m + "));");
          } else {
            emit(v.name() + " = mul(" + o.code() + ", tanh(" + v.name() + "));");
          }
          assigned(v, 1);
        }
      }
    }

    /** Swaps two carried locals of the same type through a temporary. */
    private void swap(List<Var> carried) {
      for (Var a : carried) {
        for (Var b : carried) {
          if (a != b && a.type().equals(b.type())) {
            Var x = current(a);
            Var y = current(b);
            String tmp = newName("s", locals++);
            emit(x.type().java() + " " + tmp + " = " + x.name() + ";");
            emit(x.name() + " = " + y.name() + ";");
            assigned(x, y.bound());
            emit(y.name() + " = " + tmp + ";");
            assigned(y, x.bound());
            return;
          }
        }
      }
      update(pick(carried));
    }

    /** if / else if / else on a condition, assigning carried locals; or a guarded read. */
    private void branch(int depth) {
      List<Var> carried = vars.stream().filter(v -> v.line() >= 0
          && !finals.contains(v.name())).toList();
      String was = indent;
      boolean wasBranch = inBranch;
      Map<String, Double> bounds = new HashMap<>();
      for (Var v : vars) {
        bounds.put(v.name(), v.bound());
      }
      Index guarded = indices.stream().filter(x -> x.index().equals(x.name()) && x.sizeSymbol() >= 0)
          .findFirst().orElse(null);
      Var sv = carried.stream().filter(v -> v.type().kind() == Kind.SCALAR).findFirst()
          .orElse(null);
      if (guarded != null && sv != null && chance(0.4)) {
        // reads that look out of range where the branch is not taken
        Var vec = vars.stream().filter(v -> v.type().kind() == Kind.VECTOR
            && v.type().rows() == guarded.sizeSymbol()).findFirst().orElse(null);
        if (vec != null) {
          String g = guarded.name();
          boolean back = chance(0.5);
          emit(back ? "if (" + g + " > 0) {" : "if (" + g + " + 1 < " + vec.name() + ".length) {");
          emit("  " + sv.name() + " = 0.5 * " + sv.name() + " + 0.5 * " + vec.name() + "["
              + g + (back ? " - 1" : " + 1") + "];");
          emit("}");
          Var cur = current(sv);
          assigned(cur, Math.max(cur.bound(), vec.bound()));
          return;
        }
      }
      int arms = weighted(2, 2, 1);
      Map<String, Double> maxBounds = new HashMap<>(bounds);
      List<Var> scope = new ArrayList<>(vars);
      for (int a = 0; a <= arms; a++) {
        String head = a == 0 ? "if (" + condition() + ") {"
            : a < arms || arms == 0 ? "} else if (" + condition() + ") {" : "} else {";
        if (a > 0) {
          lines.remove(lines.size() - 1);
          // each arm starts from the values before the if, not from the previous arm's
          vars.replaceAll(v -> scope.stream().filter(o -> o.name().equals(v.name())).findFirst()
              .orElse(v));
        }
        emit(head);
        indent = was + "  ";
        inBranch = true;
        int boolScope = bools.size();
        if (depth < 2 && chance(0.25)) {
          loop(depth + 1);
        } else {
          body(depth + 1, carried);
        }
        bools.subList(boolScope, bools.size()).clear();
        endScope(scope);
        for (Var v : vars) {
          maxBounds.merge(v.name(), v.bound(), Math::max);
        }
        inBranch = wasBranch;
        indent = was;
        emit("}");
      }
      // a local may keep its value or take any arm's
      for (Var v : List.copyOf(vars)) {
        Double b = maxBounds.get(v.name());
        if (b != null && v.bound() < b) {
          vars.remove(v);
          vars.add(new Var(v.name(), v.type(), b, 0, v.line()));
        }
      }
    }

    /** An int variable or size as a double operand (bound ≤ 4·MAX_INT·MAX_INT). */
    private E intAtom() {
      I n = intExpr(0, true);
      return new E(n.code(), n.max(), Math.max(n.min(), 0));
    }

    /**
     * A block: a local declared inside it (out of scope after it, so its name may be declared
     * again later) and an assignment of an outer local that may read it.
     */
    private void block(List<Var> localVars) {
      Var outer = pick(localVars);
      lines.add("{");
      Type t = localType();
      E e = clamp(gen(t, 1 + random.nextInt(2)), t, LIMIT);
      String inner = newName("b", locals++);
      lines.add("  " + (chance(0.2) && !e.integral() ? "var" : t.java()) + " " + inner + " = "
          + e.code() + ";");
      Var innerVar = new Var(inner, t, e.bound(), e.lo(), lines.size() - 1);
      vars.add(innerVar);
      E value = clamp(chance(0.5) && t.kind() != Kind.SCALAR && t.equals(outer.type())
          ? new E("add(" + outer.name() + ", " + inner + ")", outer.bound() + e.bound())
          : gen(outer.type(), 1 + random.nextInt(2)), outer.type(), LIMIT);
      if (outer.type().kind() == Kind.SCALAR && t.equals(outer.type()) && chance(0.5)) {
        value = clamp(new E("(" + outer.name() + " * " + inner + ")", outer.bound() * e.bound()),
            Type.SCALAR, LIMIT);
      }
      lines.add("  " + outer.name() + " = " + value.code() + ";");
      lines.add("}");
      vars.remove(innerVar);
      outOfScope.add(inner);
      vars.remove(outer);
      vars.add(new Var(outer.name(), outer.type(), value.bound(), value.lo(), lines.size() - 2));
    }

    /** An expression that uses the local {@code v} itself, of v's type. */
    private E selfUpdate(Var v) {
      Type t = v.type();
      E self = new E(v.name(), v.bound(), v.lo());
      if (t.kind() == Kind.SCALAR) {
        E o = gen(t, 1);
        return switch (random.nextInt(3)) {
          case 0 -> new E("(" + self.code() + " + " + o.code() + ")", self.bound() + o.bound());
          case 1 -> new E("(" + self.code() + " * " + clamp(o, t, 2).code() + ")",
              self.bound() * Math.min(o.bound(), 2));
          default -> new E("Math.tanh(" + self.code() + ")", 1);
        };
      }
      return switch (random.nextInt(4)) {
        case 0 -> {
          E o = gen(t, 1);
          yield new E("add(" + self.code() + ", " + o.code() + ")", self.bound() + o.bound());
        }
        case 1 -> {
          E o = clamp(gen(t, 1), t, 2);
          yield new E("mul(" + o.code() + ", " + self.code() + ")", self.bound() * o.bound());
        }
        case 2 -> {
          E s = clamp(gen(Type.SCALAR, 1), Type.SCALAR, 2);
          yield new E("scale(" + s.code() + ", " + self.code() + ")", self.bound() * s.bound());
        }
        default -> new E("tanh(" + self.code() + ")", 1);
      };
    }

    private Type localType() {
      Type t = pickType(x -> true);
      return t == null || chance(0.4) ? Type.SCALAR : t;
    }

    // ---- expressions ----------------------------------------------------------------------------

    E gen(Type t, int depth) {
      return switch (t.kind()) {
        case SCALAR -> scalar(depth);
        case VECTOR -> vector(t, depth);
        case MATRIX -> matrix(t, depth);
        case INT -> throw new IllegalArgumentException("int");
      };
    }

    /** A variable of type t (locals twice as likely as parameters), or null. */
    private E leaf(Type t) {
      List<Var> of = vars.stream().filter(v -> v.type().equals(t)).toList();
      if (of.isEmpty()) {
        return null;
      }
      double[] w = new double[of.size()];
      for (int i = 0; i < w.length; i++) {
        w[i] = of.get(i).line() >= 0 ? 2 : 1;
      }
      Var v = of.get(weighted(w));
      return new E(v.name(), v.bound(), v.lo());
    }

    private double leafWeight(Type t) {
      boolean any = false;
      for (Var v : vars) {
        if (v.type().equals(t)) {
          if (v.line() >= 0) {
            return 4;
          }
          any = true;
        }
      }
      return any ? 1.5 : 0;
    }

    /** The cheapest derivation of a vector or matrix type (a variable if there is one). */
    private E minimal(Type t) {
      E leaf = leaf(t);
      if (leaf != null) {
        return leaf;
      }
      List<Rule> rules = minimalRules(t);
      int best = cost.get(t);
      List<Rule> cheapest = rules.stream().filter(r -> r.cost == best).toList();
      return pick(cheapest).make.get();
    }

    /** Scales down or squashes e when its bound exceeds the limit. */
    E clamp(E e, Type t, double limit) {
      if (e.bound() <= limit) {
        return e;
      }
      boolean scalar = t.kind() == Kind.SCALAR;
      double f = niceFactor(limit / e.bound());
      int how = weighted(f > 0 ? 0.6 : 0, 0.3, 0.1);
      switch (how) {
        case 0 -> {
          String code = scalar ? "(" + lit(f) + " * " + e.code() + ")"
              : "scale(" + lit(f) + ", " + e.code() + ")";
          return new E(code, e.bound() * f, e.lo() * f);
        }
        case 1 -> {
          String fn = scalar && chance(0.5) ? "Math.tanh" : "tanh";
          return new E(fn + "(" + e.code() + ")", 1);
        }
        default -> {
          double lo = sigmoid(-e.bound());
          return new E("sigmoid(" + e.code() + ")", 1, lo >= MIN_LO ? lo : 0);
        }
      }
    }

    /** A positive expression with a lower bound ≥ MIN_LO. */
    E positive(Type t, int depth) {
      int d = Math.max(0, depth - 1);
      boolean scalar = t.kind() == Kind.SCALAR;
      if (depth <= 0 || chance(0.2)) {
        E leaf = scalar ? null : leaf(t);
        if (leaf != null && leaf.lo() >= MIN_LO) {
          return leaf;
        }
      }
      int how = weighted(1, 1, 1, scalar ? 1.5 : 0, t.kind() == Kind.VECTOR ? 0.5 : 0);
      switch (how) {
        case 0 -> {
          E a = clamp(gen(t, d), t, 2);
          String fn = scalar && chance(0.5) ? "Math.exp" : "exp";
          return new E(fn + "(" + a.code() + ")", Math.exp(a.bound()), Math.exp(-a.bound()));
        }
        case 1 -> {
          E a = clamp(gen(t, d), t, 3);
          return new E("sigmoid(" + a.code() + ")", 1, sigmoid(-a.bound()));
        }
        case 2 -> {
          E a = clamp(gen(t, d), t, 3);
          return new E("softplus(" + a.code() + ")", softplus(a.bound()), softplus(-a.bound()));
        }
        case 3 -> {
          E a = clamp(gen(t, d), t, 3);
          return switch (random.nextInt(4)) {
            case 0 -> new E("(softplus(" + a.code() + ") + 0.1)", softplus(a.bound()) + 0.1, 0.1);
            case 1 -> new E("(" + a.code() + " * " + a.code() + " + 0.5)",
                a.bound() * a.bound() + 0.5, 0.5);
            case 2 -> new E("(Math.abs(" + a.code() + ") + 0.2)", a.bound() + 0.2, 0.2);
            default -> {
              Type v = vectorOrMatrixType();
              if (v == null) {
                yield new E("(square(" + a.code() + ") + 1)", a.bound() * a.bound() + 1, 1);
              }
              E x = clamp(gen(v, d), v, 2);
              yield new E("(1.0 + sumSq(" + x.code() + "))", 1 + maxSize(v) * x.bound() * 2, 1);
            }
          };
        }
        default -> {
          E a = clamp(gen(t, d), t, 1);
          return new E("softmax(" + a.code() + ")", 1, Math.exp(-2 * a.bound()) / maxDim);
        }
      }
    }

    private Type vectorOrMatrixType() {
      return pickType(t -> true);
    }

    private Type vectorType() {
      return pickType(t -> t.kind() == Kind.VECTOR);
    }

    private Type squareType() {
      return pickType(t -> t.kind() == Kind.MATRIX && t.rows() == t.cols());
    }

    private List<Callee> calleesOf(Type result) {
      return callees.stream().filter(c -> c.method().result().equals(result)
          && inlined + c.inlinedSize() <= INLINED_OPS
          && c.method().params().stream().allMatch(p -> can(p.type()))).toList();
    }

    private E wrap1(String fn, E a, double boundFactor) {
      return new E(fn + "(" + a.code() + ")", a.bound() * boundFactor);
    }

    // ---- scalars --------------------------------------------------------------------------------

    private E scalar(int depth) {
      if (depth <= 0) {
        return scalarLeaf();
      }
      int d = depth - 1;
      Type vt = vectorType();
      Type sq = squareType();
      Type any = vectorOrMatrixType();
      List<Callee> calls = calleesOf(Type.SCALAR);
      int rule = weighted(1, 3, 1, 0.5, 2.5, 1.5, any == null ? 0 : 3, vt == null ? 0 : 1,
          sq == null ? 0 : 0.7, 1, 0.6, calls.isEmpty() ? 0 : 2, 0.5, any == null ? 0 : 0.6, 0.8);
      E e = switch (rule) {
        case 0 -> scalarLeaf();
        case 1 -> {
          E a = scalar(d);
          E b = scalar(d);
          yield switch (random.nextInt(3)) {
            case 0 -> new E("(" + a.code() + " + " + b.code() + ")", a.bound() + b.bound(),
                a.lo() > 0 && b.lo() > 0 ? a.lo() + b.lo() : 0, a.integral() && b.integral());
            case 1 -> new E("(" + a.code() + " - " + b.code() + ")", a.bound() + b.bound(), 0,
                a.integral() && b.integral());
            default -> new E("(" + a.code() + " * " + b.code() + ")", a.bound() * b.bound(),
                a.lo() * b.lo(), a.integral() && b.integral());
          };
        }
        case 2 -> {
          E a = scalar(d);
          E b = positive(Type.SCALAR, d);
          yield new E("(" + a.code() + " / " + b.code() + ")", a.bound() / b.lo(),
              a.lo() / b.bound());
        }
        case 3 -> {
          E a = scalar(d);
          yield chance(0.8) ? new E("(-" + a.code() + ")", a.bound(), 0, a.integral())
              : new E("(+" + a.code() + ")", a.bound(), a.lo(), a.integral());
        }
        case 4 -> mathCall(d);
        case 5 -> elementwise(Type.SCALAR, d);
        case 6 -> reduction(any, d);
        case 7 -> {
          E a = vector(vt, d);
          E b = vector(vt, d);
          yield new E("dot(" + a.code() + ", " + b.code() + ")",
              maxDim * a.bound() * b.bound());
        }
        case 8 -> {
          E a = matrix(sq, d);
          yield new E("trace(" + a.code() + ")", maxDim * a.bound());
        }
        case 9 -> intMix(d);
        case 10 -> indexRead();
        case 11 -> call(pick(calls), d);
        case 13 -> blocks(any, d);
        case 14 -> {
          E newer = newerScalar(d);
          yield newer != null ? newer : mathCall(d);
        }
        default -> {
          E base = positive(Type.SCALAR, d);
          E p = clamp(scalar(d), Type.SCALAR, 2);
          double bound = Math.max(Math.pow(base.bound(), p.bound()),
              Math.pow(base.lo(), -p.bound()));
          String fn = chance(0.5) ? "Math.pow" : "pow";
          yield new E(fn + "(" + base.code() + ", " + p.code() + ")", bound,
              Math.min(Math.pow(base.lo(), p.bound()), Math.pow(base.bound(), -p.bound())));
        }
      };
      return clamp(e, Type.SCALAR, LIMIT);
    }

    /**
     * A reduction of a block built from two arrays: concat of two vectors, hstack or vstack of
     * two matrices of one type, kron of two matrices of any types (their sizes add or multiply).
     */
    private E blocks(Type t, int d) {
      int n = maxSize(t);
      if (t.kind() == Kind.VECTOR) {
        Type other = chance(0.5) ? t : vectorType();
        E a = clamp(gen(t, d), t, 3);
        E b = clamp(gen(other, d), other, 3);
        return new E("sumSq(concat(" + a.code() + ", " + b.code() + "))",
            2 * n * Math.max(a.bound() * a.bound(), b.bound() * b.bound()));
      }
      E a = clamp(gen(t, d), t, 3);
      switch (random.nextInt(3)) {
        case 0 -> {
          E b = clamp(gen(t, d), t, 3);
          return new E("sum(hstack(" + a.code() + ", " + b.code() + "))",
              2 * n * Math.max(a.bound(), b.bound()));
        }
        case 1 -> {
          E b = clamp(gen(t, d), t, 3);
          return new E("sumSq(vstack(" + a.code() + ", " + b.code() + "))",
              2 * n * Math.max(a.bound() * a.bound(), b.bound() * b.bound()));
        }
        default -> {
          Type other = pickType(x -> x.kind() == Kind.MATRIX);
          E b = clamp(gen(other, d), other, 3);
          return new E("sum(kron(" + a.code() + ", " + b.code() + "))",
              n * maxSize(other) * a.bound() * b.bound());
        }
      }
    }

    private E scalarLeaf() {
      E leaf = leaf(Type.SCALAR);
      List<Var> arrays = vars.stream().filter(v -> v.type().kind() != Kind.SCALAR).toList();
      int rule = weighted(leaf == null ? 0 : 3, 0.7, arrays.isEmpty() ? 0 : 2, 0.4,
          arrays.isEmpty() ? 0 : 0.5);
      return switch (rule) {
        case 0 -> leaf;
        case 1 -> literal();
        case 2 -> {
          Var v = pick(arrays);
          yield reduction(v.type(), new E(v.name(), v.bound(), v.lo()));
        }
        case 3 -> intMix(0);
        default -> indexRead();
      };
    }

    private E literal() {
      double[] values = {0.5, 2.0, 1.5, 0.1, 3.0, 0.25, -0.5, -2.0, -1.5, 0.75, 0.0};
      return switch (random.nextInt(10)) {
        case 0 -> new E("Math.PI", Math.PI, Math.PI);
        case 1 -> new E("Math.E", Math.E, Math.E);
        case 2 -> {
          int v = random.nextInt(4);
          yield new E(Integer.toString(v), v, v, true);
        }
        case 3 -> {
          // other spellings of literals
          String[][] spellings = {{".5", "0.5"}, {"5e-1", "0.5"}, {"2.", "2"}, {"2d", "2"},
              {"1.5D", "1.5"}, {"25e-2", "0.25"}, {"0.1e1", "1"}};
          String[] sp = spellings[random.nextInt(spellings.length)];
          double v = Double.parseDouble(sp[1]);
          yield new E(sp[0], v, v);
        }
        case 4 -> {
          // int literals: hexadecimal, underscores, Java's integer division
          String[][] ints = {{"0x2", "2"}, {"1_0", "10"}, {"(7 / 2)", "3"}, {"(1 / 2)", "0"},
              {"(7 % 4)", "3"}, {"(-7 / 2)", "-3"}, {"(-7 % 4)", "-3"}};
          String[] sp = ints[random.nextInt(ints.length)];
          int v = Integer.parseInt(sp[1]);
          yield new E(sp[0], Math.abs(v), Math.max(v, 0), true);
        }
        default -> {
          double v = values[random.nextInt(values.length)];
          yield new E(lit(v), Math.abs(v), Math.max(v, 0));
        }
      };
    }

    private E mathCall(int d) {
      if (chance(NEWER_SHARE)) {
        E e = newerElementwise(Type.SCALAR, d);
        // log1p, expm1, atan, sinh and cosh also as Math's (erfc is Ops' only)
        return e.code().startsWith("erfc(") ? e : new E("Math." + e.code(), e.bound(), e.lo());
      }
      switch (random.nextInt(9)) {
        case 0 -> {
          E a = clamp(scalar(d), Type.SCALAR, EXP_LIMIT);
          return new E("Math.exp(" + a.code() + ")", Math.exp(a.bound()), Math.exp(-a.bound()));
        }
        case 1 -> {
          E a = positive(Type.SCALAR, d);
          return new E("Math.log(" + a.code() + ")",
              Math.max(Math.abs(Math.log(a.lo())), Math.abs(Math.log(a.bound()))));
        }
        case 2 -> {
          E a = positive(Type.SCALAR, d);
          return new E("Math.sqrt(" + a.code() + ")", Math.sqrt(a.bound()), Math.sqrt(a.lo()));
        }
        case 3 -> {
          if (chance(0.2)) {
            E a = clamp(scalar(d), Type.SCALAR, 1.5);
            I n = intExpr(0, true);
            return new E("Math.pow(" + a.code() + ", " + n.code() + ")",
                Math.max(1, Math.pow(a.bound(), n.max())));
          }
          E a = clamp(scalar(d), Type.SCALAR, 3);
          String[] ps = {"2.0", "3.0", "2", "3", "1", "0.0", "1.0"};
          String p = ps[random.nextInt(ps.length)];
          double pv = Double.parseDouble(p);
          return new E("Math.pow(" + a.code() + ", " + p + ")", Math.pow(a.bound(), pv));
        }
        case 4 -> {
          E a = positive(Type.SCALAR, d);
          double[] ps = {0.5, 1.5, -0.5, -1.0, 2.5, 0.3};
          double p = ps[random.nextInt(ps.length)];
          return new E("Math.pow(" + a.code() + ", " + lit(p) + ")",
              Math.max(Math.pow(a.bound(), p), Math.pow(a.lo(), p)),
              Math.min(Math.pow(a.bound(), p), Math.pow(a.lo(), p)));
        }
        case 5 -> {
          E a = scalar(d);
          return new E("Math.abs(" + a.code() + ")", a.bound(), 0, a.integral());
        }
        case 6 -> {
          E a = scalar(d);
          return new E("Math.tanh(" + a.code() + ")", 1);
        }
        case 7 -> {
          E a = scalar(d);
          return new E("Math.sin(" + a.code() + ")", 1);
        }
        default -> {
          E a = scalar(d);
          return new E("Math.cos(" + a.code() + ")", 1);
        }
      }
    }

    /** A reduction to double of a generated vector or matrix of type t. */
    private E reduction(Type t, int d) {
      return reduction(t, gen(t, d));
    }

    private E reduction(Type t, E a) {
      int n = maxSize(t);
      int rule = random.nextInt(t.kind() == Kind.VECTOR ? 7 : 6);
      return switch (rule) {
        case 0 -> new E("sum(" + a.code() + ")", n * a.bound(), n * a.lo());
        case 1 -> new E("mean(" + a.code() + ")", a.bound(), a.lo());
        case 2 -> new E("sumSq(" + a.code() + ")", n * a.bound() * a.bound(),
            a.lo() * a.lo());
        case 3 -> new E("norm1(" + a.code() + ")", n * a.bound(), a.lo());
        case 4 -> new E("norm2(" + a.code() + ")", Math.sqrt(n) * a.bound(), a.lo());
        case 5 -> new E("logSumExp(" + clamp(a, t, LIMIT).code() + ")",
            Math.min(a.bound(), LIMIT) + Math.log(n));
        default -> {
          String[] ps = {"2.0", "2.5", "3.0", "4.0", "3"};
          // the exponent may also be an int value (p ≥ 1, not differentiated)
          String p = chance(0.25) ? pick(List.of("", "1.5 + ", "(2 * ")) + intExpr(1, true).code()
              : ps[random.nextInt(ps.length)];
          if (p.startsWith("(")) {
            p += ")";
          }
          yield new E("normP(" + a.code() + ", " + p + ")", n * a.bound(), a.lo());
        }
      };
    }

    /** Scalar arithmetic with int values: 1.0 / n, s * x.length, (double) k, … */
    private E intMix(int d) {
      switch (random.nextInt(8)) {
        case 6 -> {
          // an int value in double arithmetic without a cast, or a Math function of it
          I n = intExpr(1, false);
          return switch (random.nextInt(4)) {
            case 0 -> new E("Math.sqrt(" + n.code() + ")", Math.sqrt(n.max()), 1);
            case 1 -> new E("Math.log(" + n.code() + ")", Math.log(n.max()));
            default -> new E(n.code(), n.max(), n.min(), true);
          };
        }
        case 7 -> {
          // int / int: Java's integer division, then widened
          I n = intExpr(0, true);
          I m = intExpr(1, true);
          E a = scalar(d);
          return chance(0.5)
              ? new E("((double) (" + n.code() + " / " + m.code() + ") * " + a.code() + ")",
                  n.max() * a.bound())
              : new E("(" + a.code() + " * " + n.code() + " / " + m.code() + ")",
                  n.max() * a.bound(), 0, a.integral());
        }
        case 0 -> {
          I n = intExpr(1, true);
          return new E("(1.0 / " + n.code() + ")", 1.0 / n.min(), 1.0 / n.max());
        }
        case 1 -> {
          I n = intExpr(0, true);
          return new E("((double) " + n.code() + ")", n.max(), n.min() > 0 ? n.min() : 0);
        }
        case 2 -> {
          E a = scalar(d);
          I n = intExpr(0, true);
          return chance(0.5)
              ? new E("(" + a.code() + " * " + n.code() + ")", a.bound() * n.max(), 0,
                  a.integral())
              : new E("(" + n.code() + " * " + a.code() + ")", a.bound() * n.max(), 0,
                  a.integral());
        }
        case 3 -> {
          E a = scalar(d);
          I n = intExpr(1, true);
          return new E("(" + a.code() + " / " + n.code() + ")", a.bound() / n.min(), 0,
              a.integral());
        }
        case 4 -> {
          E a = scalar(d);
          I n = intExpr(0, true);
          return new E("(" + a.code() + " + " + n.code() + ")", a.bound() + n.max(), 0,
              a.integral());
        }
        default -> {
          // int arithmetic inside double arithmetic: Java's integer division and remainder
          E a = scalar(d);
          I n = intExpr(0, false);
          I m = intExpr(1, true);
          if (chance(0.3)) {
            // may be negative: fine in double arithmetic, and % keeps the sign of n - m
            n = new I("(" + n.code() + " - " + m.code() + ")", n.min() - m.max(),
                n.max() - m.min());
            m = intExpr(1, true);
          }
          String op = chance(0.5) ? " / " : " % ";
          return new E("(" + a.code() + " * (" + n.code() + op + m.code() + "))",
              a.bound() * Math.max(Math.abs(n.max()), Math.abs(n.min())), 0, a.integral());
        }
      }
    }

    /** An int expression whose value is ≥ min; atomic (a name, literal or size) if atom. */
    private I intExpr(int min, boolean atom) {
      List<I> atoms = new ArrayList<>();
      for (I v : intVars) {
        if (v.min() >= min && v.max() <= 4 * MAX_INT) {
          atoms.add(v);
        }
      }
      for (Var v : vars) {
        if (v.type().kind() == Kind.VECTOR) {
          atoms.add(new I(v.name() + ".length", 1, maxDim));
        } else if (v.type().kind() == Kind.MATRIX) {
          atoms.add(new I(v.name() + (chance(0.5) ? ".rows()" : ".cols()"), 1, maxDim));
        }
      }
      int lit = Math.max(min, random.nextInt(4));
      atoms.add(new I(Integer.toString(lit), lit, lit));
      Type vt = vectorType();
      if (vt != null && chance(0.1)) {
        // the length of a vector expression
        E v = gen(vt, 0);
        String fn = pick(List.of("softmax", "neg", "tanh", "exp"));
        atoms.add(new I(fn + "(" + clamp(v, vt, 2).code() + ").length", 1, maxDim));
      }
      I a = pick(atoms);
      if (atom || chance(0.5)) {
        return a;
      }
      I b = intExpr(1, true);
      return switch (random.nextInt(min >= 1 ? 2 : 4)) {
        case 0 -> new I("(" + a.code() + " + " + b.code() + ")", a.min() + b.min(),
            a.max() + b.max());
        case 1 -> new I("(" + a.code() + " * " + b.code() + ")", a.min() * b.min(),
            a.max() * b.max());
        case 2 -> new I("(" + a.code() + " / " + b.code() + ")", 0, a.max());
        default -> new I("(" + a.code() + " % " + b.code() + ")", 0, b.max() - 1);
      };
    }

    /** x[i] or A.get(i, j) of a vector or matrix variable, with in-range indices. */
    private E indexRead() {
      List<Var> arrays = vars.stream().filter(v -> v.type().kind() != Kind.SCALAR).toList();
      if (arrays.isEmpty()) {
        return literal();
      }
      Var v = pick(arrays);
      if (v.type().kind() == Kind.VECTOR && chance(0.3)) {
        // an element of a vector expression of v's length
        E e = gen(v.type(), 1);
        String i = chance(0.4) ? "0" : "(" + intExpr(0, false).code() + " % " + v.name()
            + ".length)";
        return new E(e.code() + "[" + i + "]", e.bound(), e.lo());
      }
      if (v.type().kind() == Kind.VECTOR) {
        return new E(v.name() + "[" + index(v.name() + ".length") + "]", v.bound(), v.lo());
      }
      return new E(v.name() + ".get(" + index(v.name() + ".rows()") + ", "
          + index(v.name() + ".cols()") + ")", v.bound(), v.lo());
    }

    private String index(String size) {
      return switch (random.nextInt(3)) {
        case 0 -> "0";
        case 1 -> "(" + size + " - 1)";
        default -> "(" + intExpr(0, false).code() + " % " + size + ")";
      };
    }

    /** A call of an earlier generated method; arguments are kept within its input ranges. */
    private E call(Callee callee, int d) {
      inlined += callee.inlinedSize();
      callsRule |= callee.rule();
      List<String> args = new ArrayList<>();
      for (Param p : callee.method().params()) {
        if (p.type().kind() == Kind.INT) {
          List<I> small = new ArrayList<>();
          for (I v : intVars) {
            if (v.min() >= 1 && v.max() <= MAX_INT) {
              small.add(v);
            }
          }
          for (Var v : vars) {
            if (v.type().kind() == Kind.VECTOR && maxDim <= MAX_INT) {
              small.add(new I(v.name() + ".length", 1, maxDim));
            }
          }
          int lit = 1 + random.nextInt(3);
          small.add(new I(Integer.toString(lit), lit, lit));
          args.add(pick(small).code());
        } else {
          args.add(clamp(gen(p.type(), d), p.type(), ARG_LIMIT).code());
        }
      }
      return new E(callee.qualifier() + callee.method().name() + "(" + String.join(", ", args)
          + ")", callee.bound());
    }

    // ---- elementwise (double, double[] and Matrix) ----------------------------------------------

    /** One of the unary elementwise ops of Ops, or pow, on type t. */
    private E elementwise(Type t, int d) {
      if (chance(NEWER_SHARE)) {
        return newerElementwise(t, d);
      }
      switch (random.nextInt(14)) {
        case 0 -> {
          E a = gen(t, d);
          return new E("neg(" + a.code() + ")", a.bound());
        }
        case 1 -> {
          E a = clamp(gen(t, d), t, EXP_LIMIT);
          return new E("exp(" + a.code() + ")", Math.exp(a.bound()), Math.exp(-a.bound()));
        }
        case 2 -> {
          E a = positive(t, d);
          return new E("log(" + a.code() + ")",
              Math.max(Math.abs(Math.log(a.lo())), Math.abs(Math.log(a.bound()))));
        }
        case 3 -> {
          E a = positive(t, d);
          return new E("sqrt(" + a.code() + ")", Math.sqrt(a.bound()), Math.sqrt(a.lo()));
        }
        case 4 -> {
          E a = clamp(gen(t, d), t, 3);
          return new E("square(" + a.code() + ")", a.bound() * a.bound());
        }
        case 5 -> {
          E a = gen(t, d);
          return new E("abs(" + a.code() + ")", a.bound());
        }
        case 6 -> {
          E a = gen(t, d);
          return new E("tanh(" + a.code() + ")", 1);
        }
        case 7 -> {
          E a = gen(t, d);
          double lo = sigmoid(-a.bound());
          return new E("sigmoid(" + a.code() + ")", 1, lo >= MIN_LO ? lo : 0);
        }
        case 8 -> {
          E a = gen(t, d);
          return new E("relu(" + a.code() + ")", a.bound());
        }
        case 9 -> {
          E a = gen(t, d);
          double lo = softplus(-a.bound());
          return new E("softplus(" + a.code() + ")", softplus(a.bound()), lo >= MIN_LO ? lo : 0);
        }
        case 11 -> {
          E a = gen(t, d);
          return new E("erf(" + a.code() + ")", 1);
        }
        case 12 -> {
          E a = clamp(gen(t, d), t, 3);
          double lo = 0.5 - 0.5 * a.bound();
          return new E("normalCdf(" + a.code() + ")", 1, lo >= MIN_LO ? lo : 0);
        }
        case 10 -> {
          if (chance(0.25)) {
            // an int exponent
            E a = clamp(gen(t, d), t, 1.5);
            I n = intExpr(0, true);
            return new E("pow(" + a.code() + ", " + n.code() + ")",
                Math.max(1, Math.pow(a.bound(), n.max())));
          }
          E a = clamp(gen(t, d), t, 3);
          String[] ps = {"2.0", "3.0", "2", "1.0", "0.0", "1", "0"};
          String p = ps[random.nextInt(ps.length)];
          return new E("pow(" + a.code() + ", " + p + ")",
              Math.pow(a.bound(), Double.parseDouble(p)));
        }
        default -> {
          E a = positive(t, d);
          if (chance(0.3)) {
            E p = clamp(scalar(d), Type.SCALAR, 2);
            return new E("pow(" + a.code() + ", " + p.code() + ")",
                Math.max(Math.pow(a.bound(), p.bound()), Math.pow(a.lo(), -p.bound())),
                Math.min(Math.pow(a.lo(), p.bound()), Math.pow(a.bound(), -p.bound())));
          }
          double[] ps = {0.5, 1.5, -0.5, -1.0, 2.5, 0.3};
          double p = ps[random.nextInt(ps.length)];
          return new E("pow(" + a.code() + ", " + lit(p) + ")",
              Math.max(Math.pow(a.bound(), p), Math.pow(a.lo(), p)),
              Math.min(Math.pow(a.bound(), p), Math.pow(a.lo(), p)));
        }
      }
    }

    /** log1p, expm1, atan, sinh, cosh or erfc of type t. */
    private E newerElementwise(Type t, int d) {
      switch (random.nextInt(6)) {
        case 0 -> {
          // log1p of values > −1: a positive operand, or one above −0.9
          E a = chance(0.5) ? positive(t, d) : clamp(gen(t, d), t, 0.9);
          return new E("log1p(" + a.code() + ")",
              Math.max(Math.abs(Math.log1p(-Math.min(a.bound(), 0.9))), Math.log1p(a.bound())),
              a.lo() > 0 ? Math.log1p(a.lo()) : 0);
        }
        case 1 -> {
          E a = clamp(gen(t, d), t, EXP_LIMIT);
          return new E("expm1(" + a.code() + ")", Math.expm1(a.bound()));
        }
        case 2 -> {
          E a = gen(t, d);
          return new E("atan(" + a.code() + ")", Math.PI / 2);
        }
        case 3 -> {
          E a = clamp(gen(t, d), t, 3);
          return new E("sinh(" + a.code() + ")", Math.sinh(a.bound()));
        }
        case 4 -> {
          E a = clamp(gen(t, d), t, 3);
          return new E("cosh(" + a.code() + ")", Math.cosh(a.bound()), 1);
        }
        default -> {
          E a = clamp(gen(t, d), t, 3);
          double lo = dev.matgrad.Ops.erfc(a.bound());
          return new E("erfc(" + a.code() + ")", 2, lo >= MIN_LO ? lo : 0);
        }
      }
    }

    /**
     * An op of a double and an array (add, sub, mul, div spreading the double), or maximum and
     * minimum of two arrays or of a double and an array.
     */
    private E broadcastOrExtremum(Type t, int d) {
      E s = scalar(d);
      E a = gen(t, d);
      boolean scalarFirst = chance(0.5);
      switch (random.nextInt(5)) {
        case 0 -> {
          String fn = chance(0.5) ? "add" : "sub";
          return new E(fn + "(" + (scalarFirst ? s.code() + ", " + a.code() : a.code() + ", "
              + s.code()) + ")", s.bound() + a.bound());
        }
        case 1 -> {
          return new E("mul(" + (scalarFirst ? s.code() + ", " + a.code() : a.code() + ", "
              + s.code()) + ")", s.bound() * a.bound(), s.lo() * a.lo());
        }
        case 2 -> {
          if (scalarFirst) {
            E b = positive(t, d);
            return new E("div(" + s.code() + ", " + b.code() + ")", s.bound() / b.lo(),
                s.lo() / b.bound());
          }
          E p = positive(Type.SCALAR, d);
          return new E("div(" + a.code() + ", " + p.code() + ")", a.bound() / p.lo(),
              a.lo() / p.bound());
        }
        default -> {
          String fn = chance(0.5) ? "maximum" : "minimum";
          E b = chance(0.5) ? gen(t, d) : null;
          String args = b != null ? a.code() + ", " + b.code()
              : scalarFirst ? s.code() + ", " + a.code() : a.code() + ", " + s.code();
          double bound = Math.max(a.bound(), b != null ? b.bound() : s.bound());
          return new E(fn + "(" + args + ")", bound);
        }
      }
    }

    /**
     * The size expression of dimension symbol k from a parameter ({@code x.length},
     * {@code A.rows()}), for identity and ones; null if no parameter has it.
     */
    private String sizeOf(int k) {
      List<String> out = new ArrayList<>();
      for (Var v : vars) {
        if (v.line() >= 0) {
          continue;
        }
        if (v.type().kind() == Kind.VECTOR && v.type().rows() == k) {
          out.add(v.name() + ".length");
        } else if (v.type().kind() == Kind.MATRIX && v.type().rows() == k) {
          out.add(v.name() + ".rows()");
        } else if (v.type().kind() == Kind.MATRIX && v.type().cols() == k) {
          out.add(v.name() + ".cols()");
        }
      }
      return out.isEmpty() ? null : pick(out);
    }

    /**
     * A symmetric positive definite k×k matrix, well conditioned: MᵀM + I (eigenvalues from 1 to
     * 1 + k·j·b² for a j×k M with entries within b = 0.5), or with diag(1 + v²) for I where no
     * parameter gives k's size; null if neither can be built. Its bound is its largest entry's.
     */
    private E spd(int k, int d) {
      List<Integer> inner = new ArrayList<>();
      for (int j = 0; j < dims; j++) {
        if (can(Type.matrix(j, k))) {
          inner.add(j);
        }
      }
      String size = sizeOf(k);
      if (inner.isEmpty() || (size == null && !can(Type.vector(k)))) {
        return null;
      }
      Type mt = Type.matrix(pick(inner), k);
      E m = clamp(gen(mt, d), mt, 0.5);
      String diagonal = size != null && (chance(0.8) || !can(Type.vector(k)))
          ? "identity(" + size + ")"
          : "diag(add(1.0, square(" + clamp(gen(Type.vector(k), d), Type.vector(k), 1).code() + ")))";
      return new E("add(matmul(transpose(" + m.code() + "), " + m.code() + "), " + diagonal + ")",
          2 + maxDim * m.bound() * m.bound(), 0);
    }

    /** rowSums, colSums, row, col, solve or a scaled ones of vector type t; null if none fits. */
    private E newerVector(Type t, int d) {
      int r = t.rows();
      List<Integer> ks = new ArrayList<>();
      for (int k = 0; k < dims; k++) {
        ks.add(k);
      }
      Collections.shuffle(ks, random);
      switch (random.nextInt(6)) {
        case 0, 1 -> {
          boolean rows = chance(0.5);
          for (int k : ks) {
            Type mt = rows ? Type.matrix(r, k) : Type.matrix(k, r);
            if (can(mt)) {
              E a = gen(mt, d);
              return new E((rows ? "rowSums(" : "colSums(") + a.code() + ")", maxDim * a.bound());
            }
          }
          return null;
        }
        case 2 -> {
          boolean row = chance(0.5);
          for (int k : ks) {
            Type mt = row ? Type.matrix(k, r) : Type.matrix(r, k);
            if (can(mt)) {
              E a = gen(mt, d);
              return new E((row ? "row(" : "col(") + a.code() + ", 0)", a.bound());
            }
          }
          return null;
        }
        case 3, 4 -> {
          E a = spd(r, d);
          if (a == null) {
            return null;
          }
          // the inverse of an SPD matrix with eigenvalues ≥ 1 has entries within 1
          E b = gen(t, d);
          return new E("solve(" + a.code() + ", " + b.code() + ")", maxDim * b.bound());
        }
        default -> {
          String size = sizeOf(r);
          if (size == null) {
            return null;
          }
          E s = scalar(d);
          return new E("mul(" + s.code() + ", ones(" + size + "))", s.bound(), s.lo());
        }
      }
    }

    /** addToEachRow, inverse, cholesky, solve or identity of matrix type t; null if none fits. */
    private E newerMatrix(Type t, int d) {
      int r = t.rows();
      int c = t.cols();
      switch (random.nextInt(5)) {
        case 0 -> {
          if (!can(Type.vector(c))) {
            return null;
          }
          E a = gen(t, d);
          E b = gen(Type.vector(c), d);
          return new E("addToEachRow(" + a.code() + ", " + b.code() + ")", a.bound() + b.bound());
        }
        case 1 -> {
          E a = r == c ? spd(r, d) : null;
          if (a == null) {
            return null;
          }
          return chance(0.5) ? new E("inverse(" + a.code() + ")", 1)
              : new E("cholesky(" + a.code() + ")", Math.sqrt(a.bound()));
        }
        case 2 -> {
          E a = spd(r, d);
          if (a == null) {
            return null;
          }
          E b = gen(t, d);
          return new E("solve(" + a.code() + ", " + b.code() + ")", maxDim * b.bound());
        }
        default -> {
          String size = r == c ? sizeOf(r) : null;
          if (size == null) {
            return null;
          }
          E a = gen(t, d);
          return chance(0.5) ? new E("add(" + a.code() + ", identity(" + size + "))", a.bound() + 1)
              : scaledIdentity(size, d);
        }
      }
    }

    private E scaledIdentity(String size, int d) {
      E s = scalar(d);
      return new E("scale(" + s.code() + ", identity(" + size + "))", s.bound());
    }

    /** max, min, det or logDet; null if none fits. */
    private E newerScalar(int d) {
      Type vt = vectorType();
      if (vt != null && chance(0.4)) {
        E a = gen(vt, d);
        return new E((chance(0.5) ? "max(" : "min(") + a.code() + ")", a.bound());
      }
      List<Integer> ks = new ArrayList<>();
      for (int k = 0; k < dims; k++) {
        ks.add(k);
      }
      E a = spd(pick(ks), d);
      if (a == null) {
        return null;
      }
      double largest = a.bound() * maxDim;
      return chance(0.3) ? new E("det(" + a.code() + ")", Math.pow(largest, maxDim))
          : new E("logDet(" + a.code() + ")", maxDim * Math.log(largest));
    }

    /** add, sub, mul, div or scale of type t (vector or matrix). */
    private E binary(Type t, int d) {
      if (chance(NEWER_SHARE)) {
        return broadcastOrExtremum(t, d);
      }
      switch (random.nextInt(6)) {
        case 0, 1 -> {
          E a = gen(t, d);
          E b = gen(t, d);
          String fn = chance(0.5) ? "add" : "sub";
          return new E(fn + "(" + a.code() + ", " + b.code() + ")", a.bound() + b.bound(),
              fn.equals("add") && a.lo() > 0 && b.lo() > 0 ? a.lo() + b.lo() : 0);
        }
        case 2 -> {
          E a = gen(t, d);
          E b = gen(t, d);
          return new E("mul(" + a.code() + ", " + b.code() + ")", a.bound() * b.bound(),
              a.lo() * b.lo());
        }
        case 3 -> {
          E a = gen(t, d);
          E b = positive(t, d);
          return new E("div(" + a.code() + ", " + b.code() + ")", a.bound() / b.lo(),
              a.lo() / b.bound());
        }
        default -> {
          E s = chance(0.2) ? intAtom() : scalar(d);
          E a = gen(t, d);
          return new E("scale(" + s.code() + ", " + a.code() + ")", s.bound() * a.bound(),
              s.lo() * a.lo());
        }
      }
    }

    // ---- vectors --------------------------------------------------------------------------------

    private E vector(Type t, int depth) {
      if (depth <= 0) {
        return minimal(t);
      }
      int d = depth - 1;
      int dim = t.rows();
      List<Integer> mv = new ArrayList<>();
      List<Integer> mtv = new ArrayList<>();
      for (int k = 0; k < dims; k++) {
        if (can(Type.matrix(dim, k)) && can(Type.vector(k))) {
          mv.add(k);
        }
        if (can(Type.matrix(k, dim)) && can(Type.vector(k))) {
          mtv.add(k);
        }
      }
      List<Callee> calls = calleesOf(t);
      E leaf = leaf(t);
      int rule = weighted(leafWeight(t), mv.isEmpty() ? 0 : 2.5, mtv.isEmpty() ? 0 : 1.2,
          3, 2.5, 1, calls.isEmpty() ? 0 : 2, 1);
      E e = switch (rule) {
        case 0 -> leaf;
        case 1 -> {
          int k = pick(mv);
          yield matvec(Type.matrix(dim, k), Type.vector(k), d);
        }
        case 2 -> {
          int k = pick(mtv);
          yield matTvec(Type.matrix(k, dim), Type.vector(k), d);
        }
        case 3 -> binary(t, d);
        case 4 -> elementwise(t, d);
        case 5 -> {
          E a = gen(t, d);
          yield chance(0.5) ? new E("softmax(" + a.code() + ")", 1)
              : new E("logSoftmax(" + clamp(a, t, 3).code() + ")", 6 + Math.log(maxDim));
        }
        case 6 -> call(pick(calls), d);
        default -> {
          E newer = newerVector(t, d);
          yield newer != null ? newer : binary(t, d);
        }
      };
      return clamp(e, t, LIMIT);
    }

    private E matvec(Type m, Type v, int d) {
      E a = gen(m, d);
      E b = gen(v, d);
      return new E("matmul(" + a.code() + ", " + b.code() + ")", maxDim * a.bound() * b.bound());
    }

    private E matTvec(Type mt, Type v, int d) {
      E a = gen(mt, d);
      E b = gen(v, d);
      return new E("matmul(transpose(" + a.code() + "), " + b.code() + ")",
          maxDim * a.bound() * b.bound());
    }

    // ---- matrices -------------------------------------------------------------------------------

    private E matrix(Type t, int depth) {
      if (depth <= 0) {
        return minimal(t);
      }
      int d = depth - 1;
      int r = t.rows();
      int c = t.cols();
      Type tr = Type.matrix(c, r);
      List<Integer> inner = new ArrayList<>();
      for (int k = 0; k < dims; k++) {
        if (can(Type.matrix(r, k)) && can(Type.matrix(k, c))) {
          inner.add(k);
        }
      }
      Type vr = Type.vector(r);
      Type vc = Type.vector(c);
      List<Callee> calls = calleesOf(t);
      E leaf = leaf(t);
      int rule = weighted(leafWeight(t), can(tr) ? 1 : 0, inner.isEmpty() ? 0 : 2,
          can(vr) && can(vc) ? 1.2 : 0, r == c && can(vr) ? 0.7 : 0, 3, can(vr) ? 1 : 0, 2.5,
          0.8, calls.isEmpty() ? 0 : 2, 1);
      E e = switch (rule) {
        case 0 -> leaf;
        case 1 -> wrap1("transpose", gen(tr, d), 1);
        case 2 -> matmul(r, pick(inner), c, d);
        case 3 -> outer(vr, vc, d);
        case 4 -> {
          E v = gen(vr, d);
          yield new E("diag(" + v.code() + ")", v.bound());
        }
        case 5 -> binary(t, d);
        case 6 -> {
          E a = gen(t, d);
          E b = gen(vr, d);
          yield new E("addToEachColumn(" + a.code() + ", " + b.code() + ")",
              a.bound() + b.bound());
        }
        case 7 -> elementwise(t, d);
        case 8 -> {
          E a = gen(t, d);
          yield chance(0.5) ? new E("softmax(" + a.code() + ")", 1)
              : new E("logSoftmax(" + clamp(a, t, 3).code() + ")", 6 + Math.log(maxDim));
        }
        case 9 -> call(pick(calls), d);
        default -> {
          E newer = newerMatrix(t, d);
          yield newer != null ? newer : binary(t, d);
        }
      };
      return clamp(e, t, LIMIT);
    }

    private E outer(Type vr, Type vc, int d) {
      E a = gen(vr, d);
      E b = gen(vc, d);
      return new E("outer(" + a.code() + ", " + b.code() + ")", a.bound() * b.bound());
    }

    /** matmul of an r×k and a k×c matrix, either operand possibly written as a transpose. */
    private E matmul(int r, int k, int c, int d) {
      E left = operand(Type.matrix(r, k), d);
      E right = operand(Type.matrix(k, c), d);
      return new E("matmul(" + left.code() + ", " + right.code() + ")",
          maxDim * left.bound() * right.bound());
    }

    /** A matrix of type t, sometimes written as transpose(·) of the transposed type. */
    private E operand(Type t, int d) {
      Type tr = Type.matrix(t.cols(), t.rows());
      if (d > 0 && can(tr) && chance(0.3)) {
        return wrap1("transpose", gen(tr, d - 1), 1);
      }
      return gen(t, d);
    }
  }

  /** A call's name, or {@code Math} in {@code Math.f(}: not preceded by a dot or a name part. */
  private static final Pattern CALL = Pattern.compile("(?<![\\w.])(Math(?=\\.)|\\w+(?=\\())");

  /** The share of draws of the newer ops in place of the original ones of their group. */
  private static final double NEWER_SHARE = 0.3;

  /** The names of Ops' methods. */
  private static final Set<String> OPS = Set.of("matmul", "transpose", "dot", "outer", "trace",
      "diag", "add", "sub", "mul", "div", "scale", "addToEachColumn", "neg", "exp", "log", "sqrt",
      "square", "abs", "tanh", "sigmoid", "relu", "softplus", "pow", "sum", "mean", "sumSq",
      "norm1", "norm2", "normP", "logSumExp", "softmax", "logSoftmax", "erf", "normalCdf",
      "concat", "hstack", "vstack", "kron", "log1p", "expm1", "atan", "sinh", "cosh", "erfc",
      "maximum", "minimum", "rowSums", "colSums", "row", "col", "addToEachRow", "max", "min",
      "identity", "ones", "inverse", "solve", "det", "logDet", "cholesky");

  /** For debugging: prints a few programs. */
  public static void main(String[] args) {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    ProgramGenerator g = new ProgramGenerator(new Random(seed));
    for (int i = 0; i < count; i++) {
      System.out.println(g.generate("P" + i).text());
    }
  }
}
