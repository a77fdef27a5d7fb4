package dev.matgrad.processor.random;

import dev.matgrad.processor.random.ProgramGenerator.Kind;
import dev.matgrad.processor.random.ProgramGenerator.Param;
import dev.matgrad.processor.random.ProgramGenerator.Type;
import dev.matgrad.processor.random.ProgramModel.Assign;
import dev.matgrad.processor.random.ProgramModel.Block;
import dev.matgrad.processor.random.ProgramModel.Call;
import dev.matgrad.processor.random.ProgramModel.Decl;
import dev.matgrad.processor.random.ProgramModel.Ex;
import dev.matgrad.processor.random.ProgramModel.Lit;
import dev.matgrad.processor.random.ProgramModel.MethodModel;
import dev.matgrad.processor.random.ProgramModel.Name;
import dev.matgrad.processor.random.ProgramModel.Paren;
import dev.matgrad.processor.random.ProgramModel.Return;
import dev.matgrad.processor.random.ProgramModel.St;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Shrinks a failing program to a small one that still fails the same way: greedy passes over
 * candidate edits, biggest first, keeping an edit when the test still fails and the program got
 * smaller, until no edit helps or the budget is spent. The edits: drop a class or a method (its
 * calls become a variable of the result's shape), drop a statement, drop a local (its reads become
 * its initializer or another variable), replace a subexpression by a same-shaped operand,
 * variable or literal, drop a wrt or an unused parameter, merge two dimension symbols; finally
 * the dimension symbols are pinned to small values that fail.
 *
 * <p>Candidates are built with the symbolic shapes of {@link ProgramModel#typeOf}, so they are
 * well-typed by construction nearly always; the rest is caught by the test (a candidate that no
 * longer compiles fails differently, so it is not kept).
 */
final class Shrinker {
  /** Whether a candidate still fails the same way. */
  @FunctionalInterface
  interface Test {
    boolean fails(ProgramModel candidate);
  }

  /** The smallest failing program found, with how many candidates were tried and kept. */
  record Result(ProgramModel program, int tried, int kept, boolean budgetSpent) {}

  private final Test test;
  private final long deadline;
  private final int maxTries;
  private final Set<String> seen = new HashSet<>();
  private int tried;
  private int kept;

  Shrinker(Test test, long budgetMillis, int maxTries) {
    this.test = test;
    this.deadline = System.currentTimeMillis() + budgetMillis;
    this.maxTries = maxTries;
  }

  /** Shrinks start, which must fail the test. */
  Result shrink(ProgramModel start) {
    ProgramModel current = start;
    boolean progress = true;
    while (progress && !spent()) {
      progress = false;
      int i = 0;
      List<Supplier<ProgramModel>> candidates = candidates(current);
      while (!spent() && i < candidates.size()) {
        ProgramModel c = candidates.get(i).get();
        i++;
        if (c != null && size(c) < size(current) && attempt(c)) {
          current = c;
          progress = true;
          // the list is rebuilt for the smaller program; carry on at about the same place
          candidates = candidates(current);
          i = Math.max(0, i - 1);
        }
      }
    }
    if (start.pinnedDims() == null && !spent()) {
      current = pinDims(current);
    }
    return new Result(current, tried, kept, spent());
  }

  private boolean spent() {
    return tried >= maxTries || System.currentTimeMillis() > deadline;
  }

  private boolean attempt(ProgramModel c) {
    if (!seen.add(c.text())) {
      return false;
    }
    tried++;
    boolean fails;
    try {
      fails = test.fails(c);
    } catch (RuntimeException e) {
      fails = false;
    }
    if (fails) {
      kept++;
    }
    return fails;
  }

  /** The smallest dims (by sum, then in order) that fail, pinned; at most 40 tries. */
  private ProgramModel pinDims(ProgramModel p) {
    int k = p.dims();
    List<int[]> all = new ArrayList<>();
    int[] d = new int[k];
    Arrays.fill(d, 1);
    while (true) {
      all.add(d.clone());
      int j = 0;
      while (j < k && d[j] == p.maxDim()) {
        d[j] = 1;
        j++;
      }
      if (j == k) {
        break;
      }
      d[j]++;
    }
    all.sort(Comparator.comparingInt((int[] a) -> Arrays.stream(a).sum()));
    for (int[] dims : all.subList(0, Math.min(40, all.size()))) {
      if (spent()) {
        break;
      }
      ProgramModel c = p.withPinnedDims(dims);
      if (attempt(c)) {
        return c;
      }
    }
    return p;
  }

  // ---- size -------------------------------------------------------------------------------------

  /**
   * What the shrinker minimises: classes, methods, parameters, statements, syntax nodes, wrt
   * parameters, symbols (a statement weighs more than a node, so folding two into one counts).
   */
  static int size(ProgramModel p) {
    int size = 200 * p.liveSources().size() + 5 * p.dims();
    for (MethodModel m : p.methods()) {
      if (m != null) {
        size += 100 + 10 * m.params().size() + m.wrt().size() + ProgramModel.size(m.body())
            + 3 * statements(m.body());
      }
    }
    return size;
  }

  private static int statements(List<St> body) {
    int n = 0;
    for (St s : body) {
      n += 1 + (s instanceof Block b ? statements(b.body()) : 0);
    }
    return n;
  }

  // ---- candidates -------------------------------------------------------------------------------

  private List<Supplier<ProgramModel>> candidates(ProgramModel p) {
    List<Supplier<ProgramModel>> out = new ArrayList<>();
    List<Integer> live = p.liveSources();
    if (live.size() > 1) {
      for (int s : live) {
        out.add(() -> p.withoutMethods(s) ? p.withoutSource(s) : dropSource(p, s));
      }
    }
    for (int m = 0; m < p.methods().size(); m++) {
      if (p.methods().get(m) != null) {
        int mi = m;
        out.add(() -> dropMethod(p, mi));
      }
    }
    for (int m = 0; m < p.methods().size(); m++) {
      MethodModel method = p.methods().get(m);
      if (method == null) {
        continue;
      }
      int mi = m;
      for (int[] path : paths(method.body(), new int[0])) {
        St s = get(method.body(), path);
        if (s instanceof Return) {
          continue;
        }
        if (!(s instanceof Decl)) {
          out.add(() -> edit(p, mi, replace(method.body(), path, List.of())));
        }
        if (s instanceof Block b) {
          out.add(() -> edit(p, mi, replace(method.body(), path, b.body())));
        }
        if (s instanceof Block b && b.head() != null) {
          // a loop becomes its first iteration, a branch an unconditional block
          List<St> inner = b.head().kind().equals("for")
              ? substitute(b.body(), b.head().var(), new Paren(b.head().init())) : b.body();
          out.add(() -> edit(p, mi, replace(method.body(), path, List.of(new Block(inner)))));
        }
        if (s instanceof Decl decl) {
          out.add(() -> edit(p, mi, foldIntoNextAssignment(method.body(), path, decl)));
          Ex inline = atomic(decl.init()) ? decl.init() : new Paren(decl.init());
          out.add(() -> edit(p, mi, dropLocal(method.body(), path, decl.name(), inline)));
          out.add(() -> {
            Map<String, Type> env = envBefore(p, method, path);
            Ex leaf = leaf(env, p.typeOf(decl.init(), env, method), decl.name());
            return leaf == null ? null
                : edit(p, mi, dropLocal(method.body(), path, decl.name(), leaf));
          });
        }
      }
    }
    for (int m = 0; m < p.methods().size(); m++) {
      if (p.methods().get(m) != null) {
        expressionCandidates(p, m, out);
      }
    }
    for (int m = 0; m < p.methods().size(); m++) {
      MethodModel method = p.methods().get(m);
      if (method == null) {
        continue;
      }
      int mi = m;
      List<Param> wrt = method.wrt();
      if (wrt.size() > 1) {
        for (Param w : wrt) {
          out.add(() -> edit(p, mi, method.withParams(method.params(),
              wrt.stream().filter(x -> x != w).map(Param::name).toList())));
        }
      }
      for (int k = 0; k < method.params().size(); k++) {
        int ki = k;
        out.add(() -> dropParam(p, mi, ki));
      }
    }
    out.add(() -> mergeDims(p, -1, -1));
    int dims = p.dims();
    for (int b = 1; b < dims; b++) {
      for (int a = 0; a < b; a++) {
        int aa = a;
        int bb = b;
        out.add(() -> mergeDims(p, aa, bb));
      }
    }
    return out;
  }

  private static ProgramModel edit(ProgramModel p, int m, List<St> body) {
    return body == null ? null : p.withMethod(m, p.methods().get(m).withBody(body));
  }

  private static ProgramModel edit(ProgramModel p, int m, MethodModel method) {
    return p.withMethod(m, method);
  }

  private static boolean atomic(Ex e) {
    return e instanceof Name || e instanceof Lit || e instanceof Paren || e instanceof Call;
  }

  /** Replacements of each subexpression, outermost first. */
  private void expressionCandidates(ProgramModel p, int mi, List<Supplier<ProgramModel>> out) {
    MethodModel method = p.methods().get(mi);
    p.walk(method, (path, env) -> {
      St s = get(method.body(), path);
      Ex root = ProgramModel.expressionOf(s);
      List<Ex> nodes = ProgramModel.preorder(root);
      for (int k = 0; k < nodes.size(); k++) {
        Ex node = nodes.get(k);
        if (node instanceof Name || node instanceof Lit) {
          continue;
        }
        Type t = p.typeOf(node, env, method);
        if (t == null) {
          continue;
        }
        // same-shaped operands at any depth (hoisting one past a call drops the call), …
        List<Ex> options = new ArrayList<>();
        Set<String> texts = new HashSet<>();
        List<Ex> below = ProgramModel.preorder(node);
        for (Ex d : below.subList(1, below.size())) {
          if (t.equals(p.typeOf(d, env, method)) && texts.add(ProgramModel.print(d))) {
            options.add(d);
          }
        }
        // … a variable, a literal
        Ex leaf = leaf(env, t, null);
        if (leaf != null && texts.add(ProgramModel.print(leaf))) {
          options.add(leaf);
        }
        if (t.kind() == Kind.SCALAR && texts.add("1.0")) {
          options.add(new Lit("1.0"));
        } else if (t.kind() == Kind.INT && texts.add("1")) {
          options.add(new Lit("1"));
        }
        int kk = k;
        for (Ex option : options) {
          out.add(() -> edit(p, mi, replace(method.body(), path, List.of(
              ProgramModel.withExpression(s, ProgramModel.replaceAt(root, kk, option))))));
        }
      }
    });
  }

  /** A variable of type t in env other than {@code except} (parameters first), or a literal. */
  private static Ex leaf(Map<String, Type> env, Type t, String except) {
    if (t == null) {
      return null;
    }
    for (Map.Entry<String, Type> e : env.entrySet()) {
      if (t.equals(e.getValue()) && !e.getKey().equals(except)) {
        return new Name(e.getKey());
      }
    }
    return switch (t.kind()) {
      case SCALAR -> new Lit("1.0");
      case INT -> new Lit("1");
      default -> null;
    };
  }

  // ---- statements -------------------------------------------------------------------------------

  private static List<int[]> paths(List<St> body, int[] prefix) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < body.size(); i++) {
      int[] path = Arrays.copyOf(prefix, prefix.length + 1);
      path[prefix.length] = i;
      out.add(path);
      if (body.get(i) instanceof Block b) {
        out.addAll(paths(b.body(), path));
      }
    }
    return out;
  }

  private static St get(List<St> body, int[] path) {
    St s = body.get(path[0]);
    for (int i = 1; i < path.length; i++) {
      s = ((Block) s).body().get(path[i]);
    }
    return s;
  }

  /** body with the statement at path replaced by the given ones. */
  private static List<St> replace(List<St> body, int[] path, List<St> with) {
    List<St> out = new ArrayList<>(body);
    if (path.length == 1) {
      out.remove(path[0]);
      out.addAll(path[0], with);
    } else {
      Block b = (Block) body.get(path[0]);
      out.set(path[0], b.with(replace(b.body(), Arrays.copyOfRange(path, 1, path.length),
          with)));
    }
    return List.copyOf(out);
  }

  /**
   * {@code T v = a; v = b;} becomes {@code T v = b;} when b does not read v, and {@code T v = a;
   * v op= b;} becomes {@code T v = a op b;} (null if the next statement is not an assignment
   * of v).
   */
  private static List<St> foldIntoNextAssignment(List<St> body, int[] path, Decl decl) {
    int[] next = path.clone();
    next[next.length - 1]++;
    List<St> siblings = path.length == 1 ? body
        : ((Block) get(body, Arrays.copyOf(path, path.length - 1))).body();
    if (next[next.length - 1] >= siblings.size()
        || !(siblings.get(next[next.length - 1]) instanceof Assign a)
        || !a.name().equals(decl.name()) || ProgramModel.preorder(a.value()).stream()
            .anyMatch(e -> e instanceof Name n && n.id().equals(decl.name()))) {
      return null;
    }
    Ex value = a.op().equals("=") ? a.value()
        : new ProgramModel.Binary(a.op().substring(0, 1), decl.init(), a.value());
    List<St> without = replace(body, next, List.of());
    return replace(without, path, List.of(new Decl(decl.isFinal(), decl.type(), decl.name(),
        value)));
  }

  /**
   * Drops the declaration at path and the later assignments of its local; later reads of it
   * become {@code replacement}.
   */
  private static List<St> dropLocal(List<St> body, int[] path, String name, Ex replacement) {
    if (path.length > 1) {
      Block b = (Block) body.get(path[0]);
      List<St> out = new ArrayList<>(body);
      out.set(path[0], b.with(dropLocal(b.body(), Arrays.copyOfRange(path, 1, path.length),
          name, replacement)));
      return List.copyOf(out);
    }
    List<St> out = new ArrayList<>(body.subList(0, path[0]));
    out.addAll(substitute(body.subList(path[0] + 1, body.size()), name, replacement));
    return List.copyOf(out);
  }

  private static List<St> substitute(List<St> body, String name, Ex replacement) {
    List<St> out = new ArrayList<>();
    for (St s : body) {
      if (s instanceof Block b) {
        out.add(b.with(substitute(b.body(), name, replacement)));
      } else if (s instanceof Assign a && a.name().equals(name)) {
        continue;
      } else {
        out.add(ProgramModel.withExpression(s, ProgramModel.rewrite(ProgramModel.expressionOf(s),
            e -> e instanceof Name n && n.id().equals(name) ? replacement : null)));
      }
    }
    return out;
  }

  private static Map<String, Type> envBefore(ProgramModel p, MethodModel m, int[] target) {
    List<Map<String, Type>> found = new ArrayList<>();
    p.walk(m, (path, env) -> {
      if (Arrays.equals(path, target)) {
        found.add(env);
      }
    });
    return found.isEmpty() ? ProgramModel.paramEnv(m) : found.get(0);
  }

  /**
   * Rewrites every statement expression of every method with f(expression, env, method), which
   * may return null to say the rewrite is impossible (then the result is null).
   */
  private static ProgramModel rewriteAll(ProgramModel p,
      RewriteFunction f) {
    List<MethodModel> out = new ArrayList<>(p.methods());
    for (int m = 0; m < out.size(); m++) {
      MethodModel method = out.get(m);
      if (method == null) {
        continue;
      }
      List<St> body = rewriteBody(p, method, method.body(), ProgramModel.paramEnv(method), f);
      if (body == null) {
        return null;
      }
      out.set(m, method.withBody(body));
    }
    return p.withMethods(out);
  }

  @FunctionalInterface
  private interface RewriteFunction {
    Ex apply(Ex e, Map<String, Type> env, MethodModel method);
  }

  private static List<St> rewriteBody(ProgramModel p, MethodModel m, List<St> body,
      Map<String, Type> env, RewriteFunction f) {
    List<St> out = new ArrayList<>();
    for (St s : body) {
      if (s instanceof Block b) {
        Map<String, Type> inner = new LinkedHashMap<>(env);
        List<St> nb = rewriteBody(p, m, b.body(), inner, f);
        if (nb == null) {
          return null;
        }
        for (String k : env.keySet()) {
          env.put(k, inner.get(k));
        }
        out.add(b.with(nb));
        continue;
      }
      if (s instanceof ProgramModel.Jump) {
        out.add(s);
        continue;
      }
      Ex e = f.apply(ProgramModel.expressionOf(s), env, m);
      if (e == null) {
        return null;
      }
      St ns = ProgramModel.withExpression(s, e);
      out.add(ns);
      p.update(m, ns, env);
    }
    return List.copyOf(out);
  }

  /** Each call of one of the methods becomes a variable of its result's shape (or null). */
  private static ProgramModel replaceCalls(ProgramModel p, Set<Integer> targets) {
    return rewriteAll(p, (e, env, m) -> {
      boolean[] impossible = {false};
      Ex r = ProgramModel.rewrite(e, x -> {
        if (x instanceof Call c) {
          int callee = p.resolve(m, c, env);
          if (targets.contains(callee)) {
            Ex leaf = leaf(env, p.methods().get(callee).result(), null);
            if (leaf == null) {
              impossible[0] = true;
              return x;
            }
            return leaf;
          }
        }
        return null;
      });
      return impossible[0] ? null : r;
    });
  }

  private static ProgramModel dropMethods(ProgramModel p, Set<Integer> targets) {
    ProgramModel q = replaceCalls(p, targets);
    if (q == null) {
      return null;
    }
    List<MethodModel> ms = new ArrayList<>(q.methods());
    for (int t : targets) {
      ms.set(t, null);
    }
    if (ms.stream().allMatch(x -> x == null)) {
      return null;
    }
    return q.withMethods(ms);
  }

  private static ProgramModel dropMethod(ProgramModel p, int m) {
    return dropMethods(p, Set.of(m));
  }

  private static ProgramModel dropSource(ProgramModel p, int source) {
    Set<Integer> targets = new TreeSet<>();
    for (int m = 0; m < p.methods().size(); m++) {
      if (p.methods().get(m) != null && p.methods().get(m).source() == source) {
        targets.add(m);
      }
    }
    return dropMethods(p, targets);
  }

  /**
   * Drops parameter k of method m: its reads become another parameter of its shape (or a
   * literal), and calls of m lose that argument.
   */
  private static ProgramModel dropParam(ProgramModel p, int m, int k) {
    MethodModel method = p.methods().get(m);
    Param param = method.params().get(k);
    List<Param> params = new ArrayList<>(method.params());
    params.remove(k);
    if (params.stream().noneMatch(x -> x.type().differentiable())) {
      return null;
    }
    Map<String, Type> env = new LinkedHashMap<>();
    for (Param x : params) {
      env.put(x.name(), x.type());
    }
    Ex replacement = leaf(env, param.type(), null);
    if (replacement == null) {
      return null;
    }
    List<String> wrt = method.wrtNames() == null ? null
        : method.wrtNames().stream().filter(w -> !w.equals(param.name())).toList();
    if (wrt != null && wrt.isEmpty()) {
      return null;
    }
    // calls of m first, while they still resolve to it
    ProgramModel q = rewriteAll(p, (e, env2, caller) -> dropArgument(p, caller, e, env2, m, k));
    if (q == null) {
      return null;
    }
    MethodModel updated = q.methods().get(m);
    return q.withMethod(m, updated.withParams(params, wrt)
        .withBody(substitute(updated.body(), param.name(), replacement)));
  }

  /** e with argument k removed from every call of method m (nested calls included). */
  private static Ex dropArgument(ProgramModel p, MethodModel caller, Ex e,
      Map<String, Type> env, int m, int k) {
    return ProgramModel.rewrite(e, x -> {
      if (x instanceof Call c && p.resolve(caller, c, env) == m) {
        List<Ex> args = new ArrayList<>();
        for (int i = 0; i < c.args().size(); i++) {
          if (i != k) {
            args.add(dropArgument(p, caller, c.args().get(i), env, m, k));
          }
        }
        return new Call(c.target(), c.name(), List.copyOf(args));
      }
      return null;
    });
  }

  /**
   * Symbol b becomes a everywhere (none if b is -1); the symbols are then renumbered 0, 1, … in
   * order.
   */
  private static ProgramModel mergeDims(ProgramModel p, int a, int b) {
    Set<Integer> used = new TreeSet<>();
    for (MethodModel m : p.methods()) {
      if (m != null) {
        for (Param x : m.params()) {
          addSymbols(x.type(), used);
        }
        addSymbols(m.result(), used);
      }
    }
    if (b >= 0 && (!used.contains(a) || !used.contains(b))) {
      return null;
    }
    used.remove(b);
    Map<Integer, Integer> renumber = new LinkedHashMap<>();
    for (int u : used) {
      renumber.put(u, renumber.size());
    }
    if (b >= 0) {
      renumber.put(b, renumber.get(a));
    }
    BiFunction<Type, Map<Integer, Integer>, Type> map = (t, r) -> switch (t.kind()) {
      case VECTOR -> Type.vector(r.get(t.rows()));
      case MATRIX -> Type.matrix(r.get(t.rows()), r.get(t.cols()));
      default -> t;
    };
    List<MethodModel> out = new ArrayList<>();
    for (MethodModel m : p.methods()) {
      if (m == null) {
        out.add(null);
        continue;
      }
      List<Param> params = m.params().stream()
          .map(x -> new Param(x.name(), map.apply(x.type(), renumber))).toList();
      out.add(new MethodModel(m.source(), m.classes(), m.indent(), m.modifiers(),
          map.apply(m.result(), renumber), m.name(), params, m.wrtNames(), m.annotation(),
          m.body()));
    }
    return p.withMethods(out);
  }

  private static void addSymbols(Type t, Set<Integer> used) {
    if (t.kind() == Kind.VECTOR) {
      used.add(t.rows());
    } else if (t.kind() == Kind.MATRIX) {
      used.add(t.rows());
      used.add(t.cols());
    }
  }
}
