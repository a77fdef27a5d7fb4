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
import dev.matgrad.processor.ir.LoopSpec;
import dev.matgrad.processor.ops.Arithmetic;
import dev.matgrad.processor.ops.ControlFlow;
import dev.matgrad.processor.ops.CustomCalls;
import dev.matgrad.processor.ops.LocalArrays;
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
  private static final String MATRIX = "dev.matgrad.Matrix";
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

  /** The method being compiled (not an inlined callee): its generated code makes the calls. */
  private MethodSource top;

  /** The parameters of the method being resolved (a call with only these can be made first). */
  private final List<Node.Param> methodParams = new ArrayList<>();

  private Program program(MethodSource method, List<String> wrt) {
    top = method;
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
      Node.Param node = graph.methodParam(p.name(), shape);
      params.add(node);
      methodParams.add(node);
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
   * The names visible where a statement is resolved: each local's value and declared kind
   * (null for a var whose initialiser failed), and the indices of the loops around it.
   */
  private static final class Env {
    final Map<String, Node> scope;
    final Map<String, Kind> declared;
    final Set<String> parameters;
    final Set<String> loopIndices;
    final int loopDepth;
    /** The locals the innermost loop around carries (null outside loops), for break and continue. */
    List<String> carried;
    /**
     * The locals this block declares itself. A side of an if may declare a local of the same
     * name and type as one of an ended block before it (Java allows it); that is not the same
     * variable, so it is not merged with it.
     */
    final Set<String> own = new HashSet<>();

    Env(Map<String, Node> scope, Map<String, Kind> declared, Set<String> parameters,
        Set<String> loopIndices, int loopDepth) {
      this.scope = scope;
      this.declared = declared;
      this.parameters = parameters;
      this.loopIndices = loopIndices;
      this.loopDepth = loopDepth;
    }

    /** A nested block: it sees the locals declared so far; its own declarations stay in it. */
    Env nested() {
      Env e = new Env(new HashMap<>(scope), new HashMap<>(declared), parameters, loopIndices,
          loopDepth);
      e.carried = carried;
      return e;
    }
  }

  /**
   * While a branch (or the right operand of && and ||) is resolved: the condition under which it
   * runs. Everything is computed either way and chosen afterwards, so an element read in it is
   * guarded by this condition (x[i - 1] under i > 0 must not throw where i is 0).
   */
  private Node guard;

  /**
   * Resolves a body in the given scope (parameters bound); returns the returned value, or null
   * when it failed. Each statement's errors are collected and the next statement is resolved.
   */
  private Node body(MethodSource method, Map<String, Node> scope) {
    Set<String> parameters = new LinkedHashSet<>();
    method.parameters().forEach(p -> parameters.add(p.name()));
    Env env = new Env(scope, new HashMap<>(), parameters, new HashSet<>(), 0);
    Outcome outcome = block(method.body(), 0, env, method);
    if (!outcome.always) {
      errors.add(new CompileError(method.origin(), Message.MISSING_RETURN));
    }
    return outcome.value;
  }

  /**
   * How a block ends: it returns on every path ({@code always}), on the paths where
   * {@code returnedWhen} holds (a return inside an if), or on none; {@code value} is what it
   * returns (null if none, or if resolving it failed). In a loop body, where a block ends by
   * {@code break} or {@code continue} instead, {@code state} holds the values the loop's
   * carried locals have where it ends so.
   */
  private record Outcome(boolean always, Node returnedWhen, Node value, Map<String, Node> state) {
    static final Outcome FALLS_THROUGH = new Outcome(false, null, null, null);

    Outcome(boolean always, Node returnedWhen, Node value) {
      this(always, returnedWhen, value, null);
    }

    boolean never() {
      return !always && returnedWhen == null;
    }
  }

  /** c ? a : b of two outcomes' values and states (where one side has none, the other's). */
  private Outcome chosen(Node c, Outcome a, Outcome b, boolean always, Node when, Origin origin) {
    Node value = a.value == null ? b.value : b.value == null ? a.value
        : choose(c, a.value, b.value, origin);
    Map<String, Node> state = null;
    if (a.state != null || b.state != null) {
      state = new HashMap<>();
      Set<String> names = new LinkedHashSet<>();
      if (a.state != null) {
        names.addAll(a.state.keySet());
      }
      if (b.state != null) {
        names.addAll(b.state.keySet());
      }
      for (String name : names) {
        Node x = a.state == null ? null : a.state.get(name);
        Node y = b.state == null ? null : b.state.get(name);
        state.put(name, x == null ? y : y == null ? x : choose(c, x, y, origin));
      }
    }
    return new Outcome(always, when, value, state);
  }

  private Node and(Node a, Node b) {
    return graph.apply(ControlFlow.AND, null, a, b);
  }

  private Node or(Node a, Node b) {
    return graph.apply(ControlFlow.OR, null, a, b);
  }

  /** Resolves statements {@code from}.. of a block. */
  private Outcome block(List<Stmt> stmts, int from, Env env, MethodSource method) {
    for (int k = from; k < stmts.size(); k++) {
      Stmt s = stmts.get(k);
      try {
        if (s instanceof Stmt.Local local) {
          // declared before its value is resolved: if that fails, the local is still known
          Kind kind = local.declaredType().equals("var") ? null
              : local.declaredType().equals("boolean") ? Kind.INT
              : Kind.ofJavaType(local.declaredType());
          env.declared.put(local.name(), kind);
          env.own.add(local.name());
          if (local.init() == null) {
            env.scope.remove(local.name());
            continue;
          }
          Node value = expr(local.init(), method, env.scope);
          if (kind == null) {
            kind = value.shape().kind();
            env.declared.put(local.name(), kind);
          }
          value = convert(value, kind, local.name(), local.origin());
          define(env.scope, local.name(), value);
          storage.put(local.name(), storageOf(local.init(), local.name()));
        } else if (s instanceof Stmt.Assign assign) {
          assign(assign, env, method);
        } else if (s instanceof Stmt.Return ret) {
          if (env.loopDepth > 0) {
            throw new CompileError(ret.origin(), Message.CONTROL_FLOW, "a return inside a loop");
          }
          Node result = null;
          try {
            Kind kind = Kind.ofJavaType(method.returnType());
            result = convert(expr(ret.value(), method, env.scope), kind,
                "the result of " + method.name(), ret.origin());
          } catch (CompileError error) {
            errors.addAll(error.errors());
          } catch (Poisoned quiet) {
            // reported where it failed
          }
          if (k + 1 < stmts.size()) {
            errors.add(new CompileError(stmts.get(k + 1).origin(), Message.UNREACHABLE_STATEMENT));
          }
          return new Outcome(true, null, result);
        } else if (s instanceof Stmt.If branch) {
          Outcome outcome = branch(branch, env, method);
          if (outcome.always) {
            if (k + 1 < stmts.size()) {
              errors.add(new CompileError(stmts.get(k + 1).origin(), Message.UNREACHABLE_STATEMENT));
            }
            return outcome;
          }
          if (!outcome.never()) {
            // Some paths returned: the rest of the block runs on the others.
            int next = k + 1;
            Outcome rest = inBranch(not(outcome.returnedWhen), s.origin(),
                () -> block(stmts, next, env, method));
            Node when = rest.always ? null : rest.never() ? outcome.returnedWhen
                : or(outcome.returnedWhen, rest.returnedWhen);
            return chosen(outcome.returnedWhen, outcome, rest, rest.always, when, s.origin());
          }
        } else if (s instanceof Stmt.For loop) {
          loop(loop, env, method);
        } else if (s instanceof Stmt.While loop) {
          loop(loop, env, method);
        } else if (s instanceof Stmt.Jump jump) {
          if (env.carried == null) {
            throw new CompileError(jump.origin(), Message.CONTROL_FLOW,
                (jump.breaks() ? "break" : "continue") + " outside a loop");
          }
          // The iteration ends here: the carried locals keep their values (and break stops the rest).
          Map<String, Node> state = new HashMap<>();
          for (String name : env.carried) {
            state.put(name, env.scope.get(name));
          }
          if (jump.breaks()) {
            state.put(ALIVE, graph.intConstant(0));
          }
          return new Outcome(true, null, null, state);
        }
      } catch (CompileError error) {
        errors.addAll(error.errors());
        poison(s, env.declared);
      } catch (Poisoned quiet) {
        poison(s, env.declared);
      }
    }
    return Outcome.FALLS_THROUGH;
  }

  private void assign(Stmt.Assign assign, Env env, MethodSource method) {
    if (env.parameters.contains(assign.name()) && assign.value() instanceof Expr.WithElement w) {
      throw new CompileError(w.origin(), Message.WRITE_TO_ARRAY, w.shown());
    }
    if (env.parameters.contains(assign.name())) {
      throw new CompileError(assign.origin(), Message.WRITE_TO_PARAMETER, assign.name());
    }
    if (env.loopIndices.contains(assign.name())) {
      throw new CompileError(assign.origin(), Message.LOOP_FORM,
          "its index " + assign.name() + " is assigned inside the loop");
    }
    if (!env.declared.containsKey(assign.name())) {
      throw new CompileError(assign.origin(), Message.UNKNOWN_NAME, assign.name());
    }
    Kind kind = env.declared.get(assign.name());
    Node value = expr(assign.value(), method, env.scope);
    if (kind == null) {
      // a var whose initializer failed: its type is unknown, so it stays poisoned
      return;
    }
    value = convert(value, kind, assign.name(), assign.origin());
    define(env.scope, assign.name(), value);
    storage.put(assign.name(), storageOf(assign.value(), assign.name()));
  }

  /**
   * Which array each local names, as Java sees it: locals assigned one from another (or through
   * ?:, or a Matrix made over an array) share storage, so a write into one changes the other.
   * A write is allowed only into storage no other local and no parameter names.
   */
  private Map<String, String> storage = new HashMap<>();
  private int freshStorage;

  private String storageOf(Expr e, String local) {
    if (e instanceof Expr.Name n) {
      return storage.getOrDefault(n.name(), n.name());
    }
    if (e instanceof Expr.Conditional c) {
      String a = c.ifTrue() instanceof Expr.Name ? storageOf(c.ifTrue(), local) : null;
      String b = c.ifFalse() instanceof Expr.Name ? storageOf(c.ifFalse(), local) : null;
      return a != null ? a : b != null ? b : local + "#" + (freshStorage++);
    }
    if (e instanceof Expr.NewMatrix m && m.data() instanceof Expr.Name) {
      return storageOf(m.data(), local);
    }
    if (e instanceof Expr.WithElement w) {
      return storage.getOrDefault(w.target(), w.target());
    }
    return local + "#" + (freshStorage++);
  }

  /** An element write into local {@code target}: its array with the entry replaced. */
  private Node elementWrite(Expr.WithElement w, MethodSource method, Map<String, Node> scope) {
    String where = storage.getOrDefault(w.target(), w.target());
    boolean shared = parametersOf(method).contains(where)
        || graph.isMethodParameter(scope.get(w.target()));
    for (Map.Entry<String, String> other : storage.entrySet()) {
      if (!other.getKey().equals(w.target()) && other.getValue().equals(where)
          && scope.containsKey(other.getKey())) {
        shared = true;
      }
    }
    if (parametersOf(method).contains(w.target()) || shared) {
      throw new CompileError(w.origin(), Message.WRITE_TO_ARRAY, w.shown());
    }
    if (poisoned.contains(w.target())) {
      // (the array's declaration failed, and says why)
      throw new Poisoned();
    }
    Node array = scope.get(w.target());
    List<Node> operands = each(List.of(w.value()), method, scope);
    List<Node> index = each(w.index(), method, scope);
    Node value = widen(operands.get(0), Kind.SCALAR, w.origin());
    if (value == null || index.stream().anyMatch(i -> i.shape().kind() != Kind.INT)
        || array == null || array.shape().kind() != (w.index().size() == 1 ? Kind.VECTOR : Kind.MATRIX)) {
      throw new CompileError(w.origin(), Message.UNSUPPORTED_EXPRESSION, "the write " + w.shown()
          + " (a double into a double[] at an int index, or M.set(i, j, v) on a Matrix)");
    }
    List<Node> args = new ArrayList<>();
    args.add(array);
    args.addAll(index);
    args.add(value);
    if (guard != null) {
      args.add(guard);
    }
    return graph.apply(index.size() == 1 ? LocalArrays.SET : LocalArrays.SET_MATRIX, at(w.origin()),
        0, args);
  }

  private static Set<String> parametersOf(MethodSource method) {
    Set<String> names = new HashSet<>();
    method.parameters().forEach(p -> names.add(p.name()));
    return names;
  }

  /** A new array of zeros, or the vector of listed entries, or a Matrix over a vector. */
  private Node newArray(Expr e, MethodSource method, Map<String, Node> scope) {
    if (e instanceof Expr.NewArray a) {
      Node size = expr(a.size(), method, scope);
      Shape shape = Shape.vector(Elements.sizeDimension(graph, size, "new double[...]", a.size().origin()),
          graph.dims());
      return graph.broadcast(Arithmetic.BROADCAST, graph.constant(0.0), shape);
    }
    if (e instanceof Expr.ArrayOf a) {
      List<Node> elements = new ArrayList<>();
      for (Node n : each(a.elements(), method, scope)) {
        Node d = widen(n, Kind.SCALAR, e.origin());
        if (d == null) {
          throw new CompileError(e.origin(), Message.TYPE_MISMATCH, "an entry of " + e.origin().source(),
              "double", n.shape().kind().javaType());
        }
        elements.add(d);
      }
      Shape shape = Shape.vector(graph.dims().sized(Integer.toString(elements.size()),
          dev.matgrad.processor.ir.Dim.Role.CONSTANT), graph.dims());
      return graph.applyShaped(LocalArrays.VECTOR_OF, elements, shape);
    }
    Expr.NewMatrix m = (Expr.NewMatrix) e;
    List<Node> parts = each(List.of(m.rows(), m.cols(), m.data()), method, scope);
    if (parts.get(2).shape().kind() != Kind.VECTOR) {
      throw new CompileError(e.origin(), Message.TYPE_MISMATCH, "the data of " + e.origin().source(),
          "double[]", parts.get(2).shape().kind().javaType());
    }
    Shape shape = Shape.matrix(
        Elements.sizeDimension(graph, parts.get(0), "new Matrix(rows, ...)", m.rows().origin()),
        Elements.sizeDimension(graph, parts.get(1), "new Matrix(..., cols, ...)", m.cols().origin()));
    return graph.applyShaped(LocalArrays.RESHAPE, at(e.origin()), List.of(parts.get(2)), shape);
  }

  /** A condition: an int 0 or 1 (comparisons, &&, ||, !, boolean locals and literals). */
  private Node condition(Expr e, MethodSource method, Map<String, Node> scope) {
    Node c = expr(e, method, scope);
    if (c.shape().kind() != Kind.INT) {
      throw new CompileError(e.origin(), Message.TYPE_MISMATCH, "the condition " + e.origin().source(),
          "boolean", c.shape().kind().javaType());
    }
    return c;
  }

  /** The guard inside a branch taken when {@code c} holds. */
  private Node guardedBy(Node c) {
    return guard == null ? c : graph.apply(ControlFlow.AND, null, guard, c);
  }

  private Node not(Node c) {
    return graph.apply(ControlFlow.NOT, null, c);
  }

  /** The nodes that may throw but were given stand-ins for where their branch is not taken. */
  private final Set<Node> guardedInBranch = new HashSet<>();

  /**
   * Resolves {@code compute} as a branch under {@code taken}: its nodes are computed whether or
   * not it is taken, so none may throw (element reads are guarded instead).
   */
  private <T> T inBranch(Node taken, Origin origin, java.util.function.Supplier<T> compute) {
    Node outer = guard;
    guard = guardedBy(taken);
    int mark = graph.nodes().size();
    try {
      T result = compute.get();
      for (Node n : graph.nodes().subList(mark, graph.nodes().size())) {
        if (n instanceof Node.Apply a && a.op().mayThrow(a) && !guardedInBranch.contains(a)) {
          throw new CompileError(a.origin() == null ? origin : a.origin(), Message.CONTROL_FLOW,
              (a.origin() == null ? a.op().name() : a.origin().source())
                  + " inside a branch or after && or || (it may throw where the branch is not"
                  + " taken; compute it before the if)");
        }
      }
      return result;
    } finally {
      guard = outer;
    }
  }

  /**
   * An if statement: each side is resolved, and each local either side assigns becomes the
   * choice between the two values on the paths that go on after the if. A side that returns
   * makes the if return on the paths through it.
   */
  private Outcome branch(Stmt.If s, Env env, MethodSource method) {
    Node c = condition(s.condition(), method, env.scope);
    Env thenEnv = env.nested();
    Env elseEnv = env.nested();
    Outcome a = inBranch(c, s.origin(), () -> block(s.then(), 0, thenEnv, method));
    Outcome b = inBranch(not(c), s.origin(), () -> block(s.otherwise(), 0, elseEnv, method));
    if (!a.always && !b.always) {
      merge(c, env, thenEnv, elseEnv);
    } else if (!a.always) {
      carryOver(env, thenEnv);
    } else if (!b.always) {
      carryOver(env, elseEnv);
    }
    if (a.never() && b.never()) {
      return Outcome.FALLS_THROUGH;
    }
    if (a.always && b.always) {
      return chosen(c, a, b, true, null, s.origin());
    }
    Node whenA = a.always ? c : a.never() ? null : and(c, a.returnedWhen);
    Node whenB = b.always ? not(c) : b.never() ? null : and(not(c), b.returnedWhen);
    return chosen(c, a, b, false, whenA == null ? whenB : whenB == null ? whenA : or(whenA, whenB),
        s.origin());
  }

  /** c ? a : b, an int widened to double where the other side is a double; null if either failed. */
  private Node choose(Node c, Node a, Node b, Origin origin) {
    if (a == null || b == null) {
      return null;
    }
    if (a.shape().kind() != b.shape().kind()) {
      Kind want = a.shape().kind() == Kind.INT ? b.shape().kind() : a.shape().kind();
      Node wa = widen(a, want, origin);
      Node wb = widen(b, want, origin);
      if (wa == null || wb == null) {
        throw new CompileError(origin, Message.TYPE_MISMATCH,
            "the other side of " + (origin == null ? "a branch" : origin.source()),
            a.shape().kind().javaType(), b.shape().kind().javaType());
      }
      a = wa;
      b = wb;
    }
    return a == b ? a : graph.apply(ControlFlow.SELECT, at(origin), c, a, b);
  }

  /** After an if one side of which returns: the outer locals as the other side left them. */
  private static void carryOver(Env env, Env side) {
    for (String name : env.declared.keySet()) {
      Node v = side.scope.get(name);
      if (v != null && side.declared.get(name) == env.declared.get(name)) {
        env.scope.put(name, v);
      }
    }
  }

  /** After an if that falls through: each outer local assigned on either side is chosen by c. */
  private void merge(Node c, Env env, Env thenEnv, Env elseEnv) {
    for (String name : env.declared.keySet()) {
      Node before = env.scope.get(name);
      Node a = thenEnv.scope.get(name);
      Node b = elseEnv.scope.get(name);
      boolean failed = poisoned.contains(name);
      // (a side's own local of the same name, declared in it, is not the outer one)
      boolean redeclared = thenEnv.own.contains(name) || elseEnv.own.contains(name)
          || thenEnv.declared.get(name) != env.declared.get(name)
          || elseEnv.declared.get(name) != env.declared.get(name);
      if (failed || redeclared || a == null || b == null || (a == before && b == before)) {
        continue;
      }
      define(env.scope, name, choose(c, a, b, null));
    }
  }

  /** The locals a block assigns (in nested blocks too), in order of first assignment. */
  /** The locals declared in the statements, in nested bodies too. */
  private static Set<String> declaredIn(List<Stmt> stmts, Set<String> into) {
    for (Stmt s : stmts) {
      if (s instanceof Stmt.Local l) {
        into.add(l.name());
      } else if (s instanceof Stmt.If i) {
        declaredIn(i.then(), into);
        declaredIn(i.otherwise(), into);
      } else if (s instanceof Stmt.For f) {
        declaredIn(f.body(), into);
      } else if (s instanceof Stmt.While w) {
        declaredIn(w.body(), into);
      }
    }
    return into;
  }

  private static Set<String> assignedIn(List<Stmt> stmts, Set<String> into) {
    for (Stmt s : stmts) {
      if (s instanceof Stmt.Assign a) {
        into.add(a.name());
      } else if (s instanceof Stmt.If i) {
        assignedIn(i.then(), into);
        assignedIn(i.otherwise(), into);
      } else if (s instanceof Stmt.For f) {
        assignedIn(f.body(), into);
      } else if (s instanceof Stmt.While w) {
        assignedIn(w.body(), into);
      }
    }
    return into;
  }

  /** The names whose values an expression reads (not those it reads only the size of). */
  private static void namesIn(Expr e, Set<String> into) {
    List<Expr> parts = new ArrayList<>();
    if (e instanceof Expr.Name n) {
      into.add(n.name());
    } else if (e instanceof Expr.Call c) {
      // (A.rows() and A.cols() read a size, which no assignment in a loop changes: a carried
      // array keeps its shape)
      if (!(c.args().isEmpty() && (c.name().equals("rows") || c.name().equals("cols")))) {
        into.add(c.qualifier());
      }
      parts.addAll(c.args());
    } else if (e instanceof Expr.Length l) {
      // (y.length likewise)
      if (!(l.target() instanceof Expr.Name)) {
        parts.add(l.target());
      }
    } else if (e instanceof Expr.Index i) {
      parts.addAll(List.of(i.array(), i.index()));
    } else if (e instanceof Expr.Unary u) {
      parts.add(u.operand());
    } else if (e instanceof Expr.Binary b) {
      parts.addAll(List.of(b.left(), b.right()));
    } else if (e instanceof Expr.Compare b) {
      parts.addAll(List.of(b.left(), b.right()));
    } else if (e instanceof Expr.Logical b) {
      parts.addAll(List.of(b.left(), b.right()));
    } else if (e instanceof Expr.Not n) {
      parts.add(n.operand());
    } else if (e instanceof Expr.Conditional c) {
      parts.addAll(List.of(c.condition(), c.ifTrue(), c.ifFalse()));
    } else if (e instanceof Expr.Cast c) {
      parts.add(c.operand());
    }
    parts.forEach(p -> namesIn(p, into));
  }

  /**
   * A counted loop: the locals declared before it and assigned in it are carried (parameters of
   * the body, its results the values after one iteration); afterwards they name the loop's
   * results. Locals declared in the body stay in it.
   */
  private void loop(Stmt.For s, Env env, MethodSource method) {
    Set<String> assigned = assignedIn(s.body(), new LinkedHashSet<>());
    Set<String> boundNames = new HashSet<>();
    namesIn(s.end(), boundNames);
    namesIn(s.step(), boundNames);
    for (String name : boundNames) {
      if (assigned.contains(name) && env.declared.containsKey(name)) {
        throw new CompileError(s.origin(), Message.LOOP_FORM,
            "its bound or step reads " + name + ", which the loop assigns");
      }
    }
    List<Node> bounds = each(List.of(s.start(), s.end(), s.step()), method, env.scope);
    for (int b = 0; b < 3; b++) {
      if (bounds.get(b).shape().kind() != Kind.INT) {
        throw new CompileError(s.origin(), Message.LOOP_FORM,
            "its " + List.of("start", "bound", "step").get(b) + " is a "
                + bounds.get(b).shape().kind().javaType() + ", not an int");
      }
    }
    String update = s.step() instanceof Expr.Literal l
        ? s.index() + (l.value() > 0 ? "++" : "--")
        : s.step() instanceof Expr.Unary u && u.operator() == '-'
            ? s.index() + " -= " + u.operand().origin().source()
            : s.index() + " += " + s.step().origin().source();
    String header = "for (int " + s.index() + " = " + s.start().origin().source() + "; " + s.index()
        + " " + s.comparison() + " " + s.end().origin().source() + "; " + update + ")";
    loop(s.index(), bounds, null, s.comparison(), header, s.body(), s.origin(), env, method);
  }

  /**
   * A while loop: carried locals as in a counted loop; the condition is computed from them at
   * the start of each iteration, and the loop's index counts the iterations that ran.
   */
  private void loop(Stmt.While s, Env env, MethodSource method) {
    List<Node> bounds = List.of(graph.intConstant(0), graph.intConstant(0), graph.intConstant(1));
    loop(null, bounds, s.condition(), "<", "while (" + s.condition().origin().source() + ")",
        s.body(), s.origin(), env, method);
  }

  /** A loop of either kind: {@code condition} is a while loop's, null for a counted loop. */
  private void loop(String indexName, List<Node> bounds, Expr condition, String comparison,
      String header, List<Stmt> body, Origin origin, Env env, MethodSource method) {
    Set<String> assigned = assignedIn(body, new LinkedHashSet<>());
    List<String> carried = new ArrayList<>();
    // A name the body declares is its own: Java forbids declaring a local that is in scope, so
    // a local of that name seen before the loop was in a block that has ended (blocks are
    // read flat, { double[] b = …; } for (…) { Matrix b = …; b = …; }).
    Set<String> ownLocals = declaredIn(body, new HashSet<>());
    for (String name : assigned) {
      if (ownLocals.contains(name)) {
        continue;
      }
      // A local declared before the loop without a value is assigned in each iteration before
      // it is read there (javac checks that): it is the body's own, not carried.
      if (env.declared.containsKey(name) && !env.parameters.contains(name)
          && !env.loopIndices.contains(name) && !name.equals(indexName)
          && env.scope.containsKey(name)) {
        if (poisoned.contains(name) || env.declared.get(name) == null) {
          throw new Poisoned();
        }
        carried.add(name);
      }
    }
    boolean breaks = jumps(body, true);
    // an enclosing loop's flag, when this loop is in a body with a break: kept for after it
    Node enclosingAlive = env.scope.get(ALIVE);
    if (breaks) {
      // Whether no break has happened yet: an iteration after one changes nothing (a while
      // loop stops there).
      carried.add(ALIVE);
      env.scope.put(ALIVE, graph.intConstant(1));
    }
    Env bodyEnv = new Env(new HashMap<>(env.scope), new HashMap<>(env.declared), env.parameters,
        new HashSet<>(env.loopIndices), env.loopDepth + 1);
    bodyEnv.carried = carried;
    Node.Param index = graph.param(indexName == null ? "iteration" : indexName,
        Shape.integer(graph.dims()));
    if (indexName != null) {
      bodyEnv.scope.put(indexName, index);
      bodyEnv.declared.put(indexName, Kind.INT);
      bodyEnv.loopIndices.add(indexName);
    }
    List<Node> inits = new ArrayList<>();
    List<Node.Param> params = new ArrayList<>();
    for (String name : carried) {
      Node init = env.scope.get(name);
      inits.add(init);
      Node.Param p = graph.param(name, init.shape());
      params.add(p);
      bodyEnv.scope.put(name, p);
    }
    int errorsBefore = errors.size();
    Set<String> poisonedBefore = new HashSet<>(poisoned);
    Node alive = breaks ? bodyEnv.scope.get(ALIVE) : null;
    Node holds = null;
    if (condition != null) {
      try {
        // after a break the condition is not evaluated in Java: guarded, it reads nothing
        holds = alive == null ? condition(condition, method, bodyEnv.scope)
            : and(alive, inBranch(alive, origin,
                () -> condition(condition, method, bodyEnv.scope)));
      } catch (CompileError error) {
        errors.addAll(error.errors());
      } catch (Poisoned quiet) {
        // reported where it failed
      }
    }
    // A while loop stops at a break; a counted loop runs on, its iterations changing nothing.
    Node masked = condition == null ? alive : null;
    Outcome out = masked == null ? block(body, 0, bodyEnv, method)
        : inBranch(masked, origin, () -> block(body, 0, bodyEnv, method));
    boolean failed = errors.size() > errorsBefore || !poisonedBefore.containsAll(poisoned);
    if (failed) {
      carried.forEach(poisoned::add);
      throw new Poisoned();
    }
    List<Node> results = new ArrayList<>();
    for (int k = 0; k < carried.size(); k++) {
      Node init = inits.get(k);
      String name = carried.get(k);
      Node result = out.always ? out.state.get(name)
          : out.never() ? bodyEnv.scope.get(name)
          : choose(out.returnedWhen, out.state.get(name), bodyEnv.scope.get(name), origin);
      if (masked != null) {
        result = choose(masked, result, params.get(k), origin);
      }
      Shape a = init.shape();
      Shape b = result.shape();
      if (a.kind() != b.kind()) {
        throw new CompileError(origin, Message.TYPE_MISMATCH, carried.get(k) + " in the loop",
            a.kind().javaType(), b.kind().javaType());
      }
      String context = "the loop carrying " + carried.get(k);
      graph.dims().unify(a.rows(), b.rows(), context);
      graph.dims().unify(a.cols(), b.cols(), context);
      results.add(result);
    }
    LoopSpec spec = condition == null ? new LoopSpec(carried.size(), comparison, false, header)
        : LoopSpec.whileLoop(carried.size(), header);
    Node loop = graph.apply(ControlFlow.loop(spec), at(origin), 0, LoopSpec.args(bounds.get(0),
        bounds.get(1), bounds.get(2), inits, results, index, params, holds));
    for (int k = 0; k < carried.size(); k++) {
      if (!carried.get(k).equals(ALIVE)) {
        define(env.scope, carried.get(k), ControlFlow.result(graph, loop, k, inits.get(k).shape()));
      }
    }
    if (enclosingAlive != null) {
      env.scope.put(ALIVE, enclosingAlive);
    } else {
      env.scope.remove(ALIVE);
    }
  }

  /** The name of the flag a loop with a break carries (not a Java identifier: no clash). */
  private static final String ALIVE = "$running";

  /** Whether a loop body has a break ({@code breaks}) or a continue of its own (not a nested loop's). */
  private static boolean jumps(List<Stmt> stmts, boolean breaks) {
    for (Stmt s : stmts) {
      if (s instanceof Stmt.Jump j && j.breaks() == breaks) {
        return true;
      }
      if (s instanceof Stmt.If i && (jumps(i.then(), breaks) || jumps(i.otherwise(), breaks))) {
        return true;
      }
    }
    return false;
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
    return callSite == null || written == null ? written : new InlinedOrigin(written, callSite);
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
      return graph.apply(Elements.ELEMENT, at(e.origin()), 0, guarded(array, i));
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
      if ((op == Arithmetic.DIV || op == Arithmetic.REM) && guard != null
          && left.shape().kind() == Kind.INT && right.shape().kind() == Kind.INT) {
        // In a branch that may not be taken, an int divisor there may be 0: divide by 1 instead.
        right = graph.apply(ControlFlow.SELECT, null, guard, right, graph.intConstant(1));
      }
      return graph.apply(op, at(e.origin()), left, right);
    }
    if (e instanceof Expr.NewArray || e instanceof Expr.ArrayOf || e instanceof Expr.NewMatrix) {
      return newArray(e, method, scope);
    }
    if (e instanceof Expr.WithElement w) {
      return elementWrite(w, method, scope);
    }
    if (e instanceof Expr.Bool || e instanceof Expr.Not || e instanceof Expr.Compare
        || e instanceof Expr.Logical || e instanceof Expr.Conditional) {
      return conditionExpr(e, method, scope);
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

  /** An element read's arguments, with the guard of the branch it is in (see #guard). */
  private List<Node> guarded(Node... args) {
    List<Node> all = new ArrayList<>(List.of(args));
    if (guard != null) {
      all.add(guard);
    }
    return all;
  }

  private Node conditionExpr(Expr e, MethodSource method, Map<String, Node> scope) {
    if (e instanceof Expr.Bool b) {
      return graph.intConstant(b.value() ? 1 : 0);
    }
    if (e instanceof Expr.Not not) {
      return not(condition(not.operand(), method, scope));
    }
    if (e instanceof Expr.Compare c) {
      List<Node> operands = each(List.of(c.left(), c.right()), method, scope);
      Node left = numeric(operands.get(0), 'c', e);
      Node right = numeric(operands.get(1), 'c', e);
      if (left.shape().kind() != right.shape().kind()) {
        left = widen(left, Kind.SCALAR, e.origin());
        right = widen(right, Kind.SCALAR, e.origin());
      }
      return graph.apply(ControlFlow.comparison(c.operator()), at(e.origin()), left, right);
    }
    if (e instanceof Expr.Logical l) {
      Node left = condition(l.left(), method, scope);
      // The right operand counts only where the left does not decide: it is a branch.
      Node right = inBranch(l.operator().equals("&&") ? left : not(left), e.origin(),
          () -> condition(l.right(), method, scope));
      return graph.apply(l.operator().equals("&&") ? ControlFlow.AND : ControlFlow.OR,
          at(e.origin()), left, right);
    }
    Expr.Conditional c = (Expr.Conditional) e;
    Node test = condition(c.condition(), method, scope);
    Node a = inBranch(test, e.origin(), () -> expr(c.ifTrue(), method, scope));
    Node b = inBranch(not(test), e.origin(), () -> expr(c.ifFalse(), method, scope));
    return choose(test, a, b, e.origin());
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
          "the Java operator " + (operator == '(' ? "cast" : operator == 'c' ? "comparison"
              : String.valueOf(operator)) + " on a "
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
    if (MATRIX.equals(owner) && name.equals("zeros") && args.size() == 2) {
      Shape shape = Shape.matrix(
          Elements.sizeDimension(graph, args.get(0), "Matrix.zeros", call.args().get(0).origin()),
          Elements.sizeDimension(graph, args.get(1), "Matrix.zeros", call.args().get(1).origin()));
      return graph.broadcast(Arithmetic.BROADCAST, graph.constant(0.0), shape);
    }
    if (OPS.equals(owner)) {
      return opCall(name, "Ops." + name, args, call);
    }
    List<Kind> kinds = args.stream().map(a -> a.shape().kind()).toList();
    CustomCalls.Callee custom = owner == null ? null
        : callees.custom(top, owner, name, kinds, call.origin());
    if (custom != null) {
      return customCall(custom, args, call);
    }
    MethodSource callee = owner == null ? null : callees.find(owner, name, kinds, call.origin());
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
          if (guard != null && !op.standIns().isEmpty()) {
            // In a branch: where it is not taken, the op runs on stand-ins that cannot throw.
            op.standIns().forEach((k, standIn) -> converted.set(k, graph.apply(ControlFlow.SELECT,
                null, guard, converted.get(k), standIn.apply(graph, converted.get(k)))));
            Node safe = graph.apply(op, at(call.origin()), 0, converted);
            guardedInBranch.add(safe);
            return safe;
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
        return graph.apply(Elements.MATRIX_ELEMENT, at(call.origin()), 0, guarded(receiver, i, j));
      }
    }
    throw new CompileError(call.origin(), Message.UNSUPPORTED_EXPRESSION,
        "the method call " + call.qualifier() + "." + call.name() + "(...) (" + (matrix
            ? "of a Matrix only rows(), cols() and get(i, j) may be read"
            : "of a " + receiver.shape().kind().javaType() + " only x.length and x[i] may be read") + ")");
  }

  /** The call op of each method with a @CustomVjp rule called, by its qualified name. */
  private final Map<String, Op> customOps = new HashMap<>();

  /** A call of a method with a @CustomVjp rule: not inlined, it is called (see CustomCalls). */
  private Node customCall(CustomCalls.Callee callee, List<Node> args, Expr.Call call) {
    List<Node> converted = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      Node a = widen(args.get(i), callee.paramKinds().get(i), call.origin());
      if (a == null) {
        throw new CompileError(call.origin(), Message.NO_MATCHING_OVERLOAD, callee.shown(),
            String.join(", ", args.stream().map(n -> n.shape().kind().javaType()).toList()),
            callee.method() + "(" + String.join(", ", callee.paramKinds().stream()
                .map(Kind::javaType).toList()) + ")");
      }
      converted.add(a);
    }
    boolean atEntry = !readingShapesOnly && CustomCalls.callableAtEntry(converted, methodParams);
    String key = callee.owner() + "." + callee.method() + callee.paramKinds() + atEntry;
    Op op = customOps.get(key);
    if (op == null) {
      op = CustomCalls.callOp(callee, resultShape(callee, call, atEntry));
      customOps.put(key, op);
    }
    return graph.apply(op, at(call.origin()), 0, converted);
  }

  /**
   * The shape of a custom-rule callee's array result (null for a double): as its body computes
   * it where matgrad can read the body; else, for a call with the method's own arguments, what
   * the call returns (the generated code calls it at its start); else that of its first
   * parameter of the result's kind.
   */
  private CustomCalls.ResultShape resultShape(CustomCalls.Callee callee, Expr.Call call,
      boolean atEntry) {
    if (callee.result() == Kind.SCALAR) {
      return null;
    }
    CustomCalls.ResultShape read = readingShapesOnly || callee.body() == null ? null
        : shapeFromBody(callee.body());
    if (read != null) {
      return read;
    }
    if (atEntry) {
      return CustomCalls.ResultShape.returned(callee.result());
    }
    int k = callee.firstOfResultKind();
    if (k < 0) {
      String why = callee.body() == null
          ? "its body holds code that a @Differentiable body may not"
          : "its body's result has a size that is not one of its parameters' sizes or values";
      throw new CompileError(call.origin(), Message.CUSTOM_VJP_RESULT_SHAPE, callee.shown(),
          callee.result().javaType(), why, callee.result().javaType(), callee.result().javaType());
    }
    return CustomCalls.ResultShape.ofParameter(k, callee.result());
  }

  /**
   * Set while a custom-rule callee's body is resolved only for its result's shape: calls in it
   * of other such callees take their parameters' shapes (no body is read twice, so no cycle).
   */
  private boolean readingShapesOnly;

  /** The result's shape of {@code body} in terms of its parameters, or null if it has none. */
  private CustomCalls.ResultShape shapeFromBody(MethodSource body) {
    Program p;
    try {
      Resolve shapes = new Resolve(callees);
      shapes.readingShapesOnly = true;
      p = shapes.program(body, List.of());
    } catch (RuntimeException unreadable) {
      // (a CompileError, or anything else: best effort, the shape is then taken from a
      // parameter, or the call is an error)
      return null;
    }
    Shape out = p.output().shape();
    CustomCalls.Side rows = side(p, out.rows());
    CustomCalls.Side cols = out.kind() == Kind.MATRIX ? side(p, out.cols()) : null;
    boolean rowsKnown = rows != null || p.graph().dims().find(out.rows()).role() == Dim.Role.ONE;
    boolean colsKnown = out.kind() != Kind.MATRIX || cols != null
        || p.graph().dims().find(out.cols()).role() == Dim.Role.ONE;
    return rowsKnown && colsKnown ? new CustomCalls.ResultShape(rows, cols) : null;
  }

  /** Which parameter's size or value, or which constant, dimension d of p's result is (or null). */
  private static CustomCalls.Side side(Program p, Dim d) {
    Dims dims = p.graph().dims();
    Dim rep = dims.find(d);
    List<Node.Param> params = p.params();
    for (int k = 0; k < params.size(); k++) {
      Shape s = params.get(k).shape();
      if (s.isArray() && dims.find(s.rows()) == rep) {
        return CustomCalls.Side.rows(k);
      }
      if (s.kind() == Kind.MATRIX && dims.find(s.cols()) == rep) {
        return CustomCalls.Side.cols(k);
      }
      if (s.kind() == Kind.INT && dims.find(dims.sized(params.get(k).name(), Dim.Role.VALUE)) == rep) {
        return CustomCalls.Side.value(k);
      }
    }
    return rep.role() == Dim.Role.CONSTANT ? CustomCalls.Side.constant(rep.param()) : null;
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
    // the callee's locals are its own: one named like a caller's must not take its storage
    Map<String, String> outerStorage = storage;
    if (callSite == null) {
      callSite = call.origin();
    }
    errors = new ArrayList<>();
    poisoned = new HashSet<>();
    storage = new HashMap<>();
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
      storage = outerStorage;
    }
  }
}
