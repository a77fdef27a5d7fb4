package dev.matgrad.processor.passes;

import dev.matgrad.processor.CompileError;
import dev.matgrad.processor.Message;
import dev.matgrad.processor.ast.Expr;
import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ast.Origin;
import dev.matgrad.processor.ast.Stmt;
import dev.matgrad.processor.ir.Dim;
import dev.matgrad.processor.ir.Dims;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ops.Arithmetic;
import dev.matgrad.processor.ops.Elements;
import dev.matgrad.processor.ops.OpTable;
import dev.matgrad.processor.ir.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The resolve pass: names, calls and types of a method body become IR nodes with symbolic
 * shapes. Calls of other @Differentiable methods are inlined, so their bodies are differentiated
 * as part of the caller's.
 */
public final class Resolve {
  private static final String OPS = "dev.matgrad.Ops";
  private static final String MATH = "java.lang.Math";
  /** The Math functions the op table has, for messages: "abs/acos/asin/...". */
  private static final String MATH_FUNCTIONS = String.join("/", OpTable.all().stream()
      .flatMap(op -> op.signatures().stream()).map(Op.Signature::method)
      .filter(m -> m.startsWith("Math.")).map(m -> m.substring(5)).distinct().sorted().toList());

  private final Callees callees;
  private final Graph graph = new Graph(new Dims());
  private final Deque<String> inlining = new ArrayDeque<>();
  /** While a callee is inlined: the call in the method being compiled that led there. */
  private Origin callSite;
  /**
   * The errors found in the body being resolved; resolution goes on past each one, so that
   * independent errors are all reported (an inlined callee collects its own).
   */
  private List<CompileError> errors = new ArrayList<>();
  /**
   * Locals of the body being resolved whose value failed (an error already reported): reading
   * one fails quietly instead of causing a second, misleading error.
   */
  private Set<String> poisoned = new HashSet<>();

  /** A value that depends on a failed one: the cause is reported, this is not. */
  private static final class Poisoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Poisoned() {
      super("depends on a value in error", null, false, false);
    }
  }

  private Resolve(Callees callees) {
    this.callees = callees;
  }

  /** Resolves {@code method} into a forward program differentiating {@code wrt}. */
  public static Program run(MethodSource method, List<String> wrt, Callees callees) {
    return new Resolve(callees).program(method, wrt);
  }

  private Program program(MethodSource method, List<String> wrt) {
    List<Node.Param> params = new ArrayList<>();
    Map<String, Node> scope = new HashMap<>();
    Dims dims = graph.dims();
    for (MethodSource.Parameter p : method.parameters()) {
      Shape shape = switch (p.type()) {
        case "double" -> Shape.scalar(dims);
        case "int" -> Shape.integer(dims);
        case "double[]" -> Shape.vector(dims.create(p.name(), Dim.Role.LENGTH), dims);
        case "Matrix" -> Shape.matrix(dims.create(p.name(), Dim.Role.ROWS),
            dims.create(p.name(), Dim.Role.COLS));
        default -> throw new CompileError(p.origin(), Message.UNSUPPORTED_PARAMETER_TYPE,
            p.name(), p.type());
      };
      Node.Param node = graph.param(p.name(), shape);
      params.add(node);
      scope.put(p.name(), node);
    }
    inlining.push(key(method));
    Node output = body(method, scope);
    inlining.pop();
    if (!errors.isEmpty()) {
      throw CompileError.of(errors);
    }
    List<Node.Param> wrtParams = params.stream().filter(p -> wrt.contains(p.name())).toList();
    return new Program(method, graph, params, wrtParams, output);
  }

  private static String key(MethodSource m) {
    return m.owner() + "." + m.name() + "/" + m.parameters().size();
  }

  /**
   * Resolves a body in the given scope (parameters bound); returns the returned value, or null
   * when it failed. Each statement's errors are collected and the next statement is resolved.
   */
  private Node body(MethodSource method, Map<String, Node> scope) {
    Set<String> parameters = new LinkedHashSet<>();
    method.parameters().forEach(p -> parameters.add(p.name()));
    Map<String, Kind> declared = new HashMap<>();
    Node result = null;
    boolean returned = false;
    for (Stmt s : method.body()) {
      if (returned) {
        errors.add(new CompileError(s.origin(), Message.UNREACHABLE_STATEMENT));
        break;
      }
      try {
        if (s instanceof Stmt.Local local) {
          // declared before its value is resolved: if that fails, the local is still known
          Kind kind = local.declaredType().equals("var") ? null
              : Kind.ofJavaType(local.declaredType());
          declared.put(local.name(), kind);
          Node value = expr(local.init(), method, scope);
          if (kind == null) {
            kind = value.shape().kind();
            declared.put(local.name(), kind);
          }
          value = convert(value, kind, local.name(), local.origin());
          define(scope, local.name(), value);
        } else if (s instanceof Stmt.Assign assign) {
          if (parameters.contains(assign.name())) {
            throw new CompileError(assign.origin(), Message.WRITE_TO_PARAMETER, assign.name());
          }
          if (!declared.containsKey(assign.name())) {
            throw new CompileError(assign.origin(), Message.UNKNOWN_NAME, assign.name());
          }
          Kind kind = declared.get(assign.name());
          Node value = expr(assign.value(), method, scope);
          if (kind == null) {
            // a var whose initializer failed: its type is unknown, so it stays poisoned
            continue;
          }
          value = convert(value, kind, assign.name(), assign.origin());
          define(scope, assign.name(), value);
        } else if (s instanceof Stmt.Return ret) {
          returned = true;
          Kind kind = Kind.ofJavaType(method.returnType());
          result = convert(expr(ret.value(), method, scope), kind,
              "the result of " + method.name(), ret.origin());
        }
      } catch (CompileError error) {
        errors.addAll(error.errors());
        poison(s, declared);
      } catch (Poisoned quiet) {
        poison(s, declared);
      }
    }
    if (!returned) {
      errors.add(new CompileError(method.origin(), Message.MISSING_RETURN));
    }
    return result;
  }

  /** Binds a local to a value that resolved. */
  private void define(Map<String, Node> scope, String name, Node value) {
    scope.put(name, value);
    poisoned.remove(name);
    nameValue(value, name);
  }

  /** After a failed statement: the local it declares or assigns has no usable value. */
  private void poison(Stmt s, Map<String, Kind> declared) {
    String target = s instanceof Stmt.Local l ? l.name()
        : s instanceof Stmt.Assign a && declared.containsKey(a.name()) ? a.name() : null;
    if (target != null) {
      poisoned.add(target);
    }
  }

  /**
   * Resolves each expression, so that the independent errors of several operands or arguments
   * are all reported; fails quietly (they are reported) if any did.
   */
  private List<Node> each(List<Expr> exprs, MethodSource method, Map<String, Node> scope) {
    List<Node> nodes = new ArrayList<>();
    boolean failed = false;
    for (Expr e : exprs) {
      try {
        nodes.add(expr(e, method, scope));
      } catch (CompileError error) {
        errors.addAll(error.errors());
        failed = true;
      } catch (Poisoned quiet) {
        failed = true;
      }
    }
    if (failed) {
      throw new Poisoned();
    }
    return nodes;
  }

  /**
   * The origin for a node: as written, or, inside an inlined callee, one that reports at the
   * call in the method being compiled (where the user can act on it).
   */
  private Origin at(Origin written) {
    return callSite == null ? written : new InlinedOrigin(written, callSite);
  }

  private void nameValue(Node value, String name) {
    if (value instanceof Node.Apply) {
      graph.name(value, name);
    }
  }

  /** Checks that {@code value} fits a variable of kind {@code kind}; an int widens to double. */
  private Node convert(Node value, Kind kind, String what, Origin origin) {
    Node widened = widen(value, kind, origin);
    if (widened == null) {
      throw new CompileError(origin, Message.TYPE_MISMATCH, what,
          kind == null ? "?" : kind.javaType(), value.shape().kind().javaType());
    }
    return widened;
  }

  /** {@code value} as a {@code want} (an int widens to double, as in Java), or null if it is not one. */
  private Node widen(Node value, Kind want, Origin origin) {
    Kind got = value.shape().kind();
    if (want == null || !want.accepts(got)) {
      return null;
    }
    return got == want ? value : graph.apply(Arithmetic.TO_DOUBLE, at(origin), value);
  }

  /** A static final double or int constant the method's code sees, as a constant node, or null. */
  private Node constant(MethodSource method, String qualifier, String name) {
    Number value = callees.constant(method, qualifier, name);
    if (value instanceof Integer i) {
      return graph.intConstant(i);
    }
    return value == null ? null : graph.constant(value.doubleValue());
  }

  private Node expr(Expr e, MethodSource method, Map<String, Node> scope) {
    if (e instanceof Expr.Invalid) {
      throw new Poisoned();
    }
    if (e instanceof Expr.Literal lit) {
      return lit.isInt() ? graph.intConstant((int) lit.value()) : graph.constant(lit.value());
    }
    if (e instanceof Expr.Name name) {
      if (poisoned.contains(name.name())) {
        throw new Poisoned();
      }
      Node n = scope.get(name.name());
      if (n == null) {
        n = constant(method, "", name.name());
      }
      if (n == null) {
        throw new CompileError(e.origin(), Message.UNKNOWN_NAME, name.name());
      }
      return n;
    }
    if (e instanceof Expr.Field field) {
      Node n = scope.containsKey(field.qualifier()) ? null
          : constant(method, field.qualifier(), field.name());
      if (n == null) {
        throw new CompileError(e.origin(), Message.UNSUPPORTED_EXPRESSION,
            "the field access " + field.qualifier() + "." + field.name()
                + " (only static final double and int constants of your own classes can be read)");
      }
      return n;
    }
    if (e instanceof Expr.Length length) {
      Node target = expr(length.target(), method, scope);
      if (target.shape().kind() != Kind.VECTOR) {
        throw new CompileError(e.origin(), Message.UNSUPPORTED_EXPRESSION,
            ".length of a " + target.shape().kind().javaType());
      }
      return graph.apply(Elements.SIZE, at(e.origin()), target);
    }
    if (e instanceof Expr.Index index) {
      List<Node> operands = each(List.of(index.array(), index.index()), method, scope);
      Node array = operands.get(0);
      Node i = operands.get(1);
      if (array.shape().kind() != Kind.VECTOR || i.shape().kind() != Kind.INT) {
        throw new CompileError(e.origin(), Message.UNSUPPORTED_EXPRESSION,
            "indexing a " + array.shape().kind().javaType() + " with a "
                + i.shape().kind().javaType());
      }
      return graph.apply(Elements.ELEMENT, at(e.origin()), array, i);
    }
    if (e instanceof Expr.Unary unary) {
      Node operand = numeric(expr(unary.operand(), method, scope), unary.operator(), e);
      return unary.operator() == '-' ? graph.apply(Arithmetic.NEG, at(e.origin()), operand) : operand;
    }
    if (e instanceof Expr.Binary binary) {
      List<Node> operands = each(List.of(binary.left(), binary.right()), method, scope);
      Node left = numeric(operands.get(0), binary.operator(), e);
      Node right = numeric(operands.get(1), binary.operator(), e);
      Op op = switch (binary.operator()) {
        case '+' -> Arithmetic.ADD;
        case '-' -> Arithmetic.SUB;
        case '*' -> Arithmetic.MUL;
        case '/' -> Arithmetic.DIV;
        default -> {
          if (left.shape().kind() != Kind.INT || right.shape().kind() != Kind.INT) {
            throw new CompileError(e.origin(), Message.UNSUPPORTED_EXPRESSION,
                "the % operator on doubles (it is not differentiable)");
          }
          yield Arithmetic.REM;
        }
      };
      return graph.apply(op, at(e.origin()), left, right);
    }
    if (e instanceof Expr.Cast cast) {
      Node operand = numeric(expr(cast.operand(), method, scope), '(', e);
      if (cast.type().equals("double")) {
        return widen(operand, Kind.SCALAR, e.origin());
      }
      if (operand.shape().kind() != Kind.INT) {
        throw new CompileError(e.origin(), Message.UNSUPPORTED_EXPRESSION,
            "a cast of a double to int (it is not differentiable)");
      }
      return operand;
    }
    return call((Expr.Call) e, method, scope);
  }

  private static Node numeric(Node n, char operator, Expr e) {
    if (!n.shape().isScalar()) {
      String hint = switch (operator) {
        case '+' -> "; use Ops.add";
        case '-' -> "; use Ops.sub or Ops.neg";
        case '*' -> "; use Ops.mul, Ops.scale or Ops.matmul";
        case '/' -> "; use Ops.div";
        default -> "";
      };
      throw new CompileError(e.origin(), Message.UNSUPPORTED_EXPRESSION,
          "the Java operator " + (operator == '(' ? "cast" : String.valueOf(operator)) + " on a "
              + n.shape().kind().javaType() + hint);
    }
    return n;
  }

  private Node call(Expr.Call call, MethodSource method, Map<String, Node> scope) {
    String q = call.qualifier();
    if (poisoned.contains(q)) {
      throw new Poisoned();
    }
    Node receiver = q.isEmpty() ? null : scope.get(q);
    if (receiver != null) {
      return instanceCall(receiver, call, method, scope);
    }
    List<Node> args = each(call.args(), method, scope);
    String name = call.name();
    String owner = q.isEmpty() ? callees.ownerOfUnqualified(method, name)
        : callees.resolveClass(method, q);
    if (MATH.equals(owner)) {
      return opCall("Math." + name, "Math." + name, args, call);
    }
    if (OPS.equals(owner)) {
      return opCall(name, "Ops." + name, args, call);
    }
    MethodSource callee = owner == null ? null : callees.find(owner, name,
        args.stream().map(a -> a.shape().kind()).toList(), call.origin());
    if (callee != null) {
      return inline(callee, args, call);
    }
    throw unknownCall(call.origin(), q.isEmpty() ? "" : q + ".", name,
        q.isEmpty() ? OPS_METHODS : List.of());
  }

  /** Picks the op overload matching the argument kinds, widening int arguments to double. */
  private Node opCall(String method, String shown, List<Node> args, Expr.Call call) {
    List<Kind> kinds = args.stream().map(a -> a.shape().kind()).toList();
    List<String> available = new ArrayList<>();
    for (Op op : OpTable.all()) {
      for (Op.Signature sig : op.signatures()) {
        if (!sig.method().equals(method)) {
          continue;
        }
        available.add(sig.toString());
        if (sig.accepts(kinds)) {
          List<Node> converted = new ArrayList<>();
          for (int i = 0; i < args.size(); i++) {
            converted.add(widen(args.get(i), sig.params().get(i), call.origin()));
          }
          return graph.apply(op, at(call.origin()), 0, converted);
        }
      }
    }
    if (available.isEmpty()) {
      int dot = shown.lastIndexOf('.');
      throw unknownCall(call.origin(), shown.substring(0, dot + 1), shown.substring(dot + 1),
          method.startsWith("Math.") ? MATH_NAMES : OPS_METHODS);
    }
    String instead = arrayAlternative(method, args, call);
    if (instead != null) {
      throw new CompileError(call.origin(), Message.OVERLOAD_ON_ARRAYS, shown,
          String.join(", ", kinds.stream().map(Kind::javaType).toList()),
          String.join("; ", available), shown, instead);
    }
    throw new CompileError(call.origin(), Message.NO_MATCHING_OVERLOAD, shown,
        String.join(", ", kinds.stream().map(Kind::javaType).toList()),
        String.join("; ", available));
  }

  /** The Ops methods the op table has, for suggestions. */
  private static final List<String> OPS_METHODS = OpTable.all().stream()
      .flatMap(op -> op.signatures().stream()).map(Op.Signature::method)
      .filter(m -> !m.startsWith("Math.")).distinct().sorted().toList();
  private static final List<String> MATH_NAMES = List.of(MATH_FUNCTIONS.split("/"));

  /**
   * The error for a call of a method matgrad does not know, {@code prefix + name} as written;
   * where a supported name is a typo away ({@code sigmod}), the message suggests it.
   */
  private static CompileError unknownCall(Origin origin, String prefix, String name,
      List<String> candidates) {
    String near = nearestName(name, candidates);
    if (near != null) {
      return new CompileError(origin, Message.UNKNOWN_CALL_NEAR_NAME, prefix + name + "(...)",
          prefix + near, MATH_FUNCTIONS);
    }
    return new CompileError(origin, Message.UNKNOWN_CALL, prefix + name + "(...)",
        MATH_FUNCTIONS);
  }

  /**
   * The candidate closest to {@code name} by edit distance, ignoring case (a swap of two
   * neighbouring letters counting one), if it is at most 2 edits away and fewer than half of
   * name's letters; among equally close ones the first of name's length, else the first.
   */
  static String nearestName(String name, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = editDistance(name.toLowerCase(java.util.Locale.ROOT),
          c.toLowerCase(java.util.Locale.ROOT));
      // Among equally close names, one of the same length (a swap rather than a deletion).
      boolean better = d < bestDistance || (d == bestDistance
          && best.length() != name.length() && c.length() == name.length());
      if (better) {
        best = c;
        bestDistance = d;
      }
    }
    return best != null && !best.equals(name) && bestDistance <= 2
        && 2 * bestDistance < name.length() ? best : null;
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
  private static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /**
   * For a Math function called on an array, the Ops call that does it entry by entry, as the
   * user would write it: {@code relu(x)} for {@code Math.max(0, x)}, {@code maximum(a, b)} for
   * {@code Math.max(a, b)}, {@code exp(x)} for {@code Math.exp(x)}; null if there is none.
   */
  private static String arrayAlternative(String method, List<Node> args, Expr.Call call) {
    if (!method.startsWith("Math.") || args.stream().noneMatch(a -> a.shape().isArray())) {
      return null;
    }
    String name = method.substring("Math.".length());
    List<String> texts = call.args().stream().map(a -> a.origin().source()).toList();
    if (name.equals("max") && args.size() == 2) {
      for (int i = 0; i < 2; i++) {
        if (isZero(args.get(1 - i)) && args.get(i).shape().isArray()) {
          return "relu(" + texts.get(i) + ")";
        }
      }
    }
    if ((name.equals("max") || name.equals("min")) && args.size() == 2) {
      return (name.equals("max") ? "maximum" : "minimum") + "(" + String.join(", ", texts)
          + "), entry by entry (a double operand is spread over the other's entries)";
    }
    List<Kind> kinds = args.stream().map(a -> a.shape().kind()).toList();
    for (Op op : OpTable.all()) {
      for (Op.Signature sig : op.signatures()) {
        if (sig.method().equals(name) && sig.accepts(kinds)) {
          return name + "(" + String.join(", ", texts) + ") of dev.matgrad.Ops, entry by entry";
        }
      }
    }
    return null;
  }

  private static boolean isZero(Node n) {
    return n instanceof Node.Const c && c.value() == 0.0;
  }

  /** {@code A.rows()} and {@code A.cols()} of a Matrix; nothing else is read from a value. */
  private Node instanceCall(Node receiver, Expr.Call call, MethodSource method,
      Map<String, Node> scope) {
    boolean matrix = receiver.shape().kind() == Kind.MATRIX;
    if (matrix && call.args().isEmpty() && call.name().equals("rows")) {
      return graph.apply(Elements.ROWS, at(call.origin()), receiver);
    }
    if (matrix && call.args().isEmpty() && call.name().equals("cols")) {
      return graph.apply(Elements.COLS, at(call.origin()), receiver);
    }
    if (matrix && call.args().size() == 2 && call.name().equals("get")) {
      List<Node> indices = each(call.args(), method, scope);
      Node i = indices.get(0);
      Node j = indices.get(1);
      if (i.shape().kind() == Kind.INT && j.shape().kind() == Kind.INT) {
        return graph.apply(Elements.MATRIX_ELEMENT, at(call.origin()), receiver, i, j);
      }
    }
    throw new CompileError(call.origin(), Message.UNSUPPORTED_EXPRESSION,
        "the method call " + call.qualifier() + "." + call.name() + "(...) (" + (matrix
            ? "of a Matrix only rows(), cols() and get(i, j) may be read"
            : "of a " + receiver.shape().kind().javaType() + " only x.length and x[i] may be read") + ")");
  }

  private Node inline(MethodSource callee, List<Node> args, Expr.Call call) {
    String key = key(callee);
    if (inlining.contains(key)) {
      throw new CompileError(call.origin(), Message.RECURSIVE_CALL,
          callee.owner() + "." + callee.name());
    }
    Map<String, Node> scope = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      MethodSource.Parameter p = callee.parameters().get(i);
      Node a = widen(args.get(i), Kind.ofJavaType(p.type()), call.origin());
      if (a == null) {
        throw new CompileError(call.origin(), Message.NO_MATCHING_OVERLOAD,
            callee.name(), String.join(", ", args.stream().map(n -> n.shape().kind().javaType()).toList()),
            callee.name() + "(" + String.join(", ", callee.parameters().stream()
                .map(MethodSource.Parameter::type).toList()) + ")");
      }
      scope.put(p.name(), a);
    }
    inlining.push(key);
    Origin outerCallSite = callSite;
    List<CompileError> outerErrors = errors;
    Set<String> outerPoisoned = poisoned;
    if (callSite == null) {
      callSite = call.origin();
    }
    errors = new ArrayList<>();
    poisoned = new HashSet<>();
    try {
      Node result = body(callee, scope);
      for (CompileError inner : errors) {
        if (inner.messageKind() == Message.RECURSIVE_CALL) {
          // ping → pong → ping: the cycle is reported where it starts, in the method compiled.
          throw new CompileError(call.origin(), Message.RECURSIVE_CALL, inner.args());
        }
      }
      if (!errors.isEmpty() || result == null) {
        // The callee's own errors are reported on it; here we say why this call fails.
        throw new CompileError(call.origin(), Message.CALLEE_INVALID,
            callee.owner() + "." + callee.name());
      }
      return result;
    } finally {
      inlining.pop();
      callSite = outerCallSite;
      errors = outerErrors;
      poisoned = outerPoisoned;
    }
  }
}
