package dev.matgrad.processor.random;

import dev.matgrad.processor.random.ProgramGenerator.Kind;
import dev.matgrad.processor.random.ProgramGenerator.Param;
import dev.matgrad.processor.random.ProgramGenerator.Program;
import dev.matgrad.processor.random.ProgramGenerator.Source;
import dev.matgrad.processor.random.ProgramGenerator.Type;
import dev.matgrad.processor.random.ProgramGenerator.Unit;
import dev.matgrad.processor.random.ProgramModel.Assign;
import dev.matgrad.processor.random.ProgramModel.Block;
import dev.matgrad.processor.random.ProgramModel.Call;
import dev.matgrad.processor.random.ProgramModel.Decl;
import dev.matgrad.processor.random.ProgramModel.Ex;
import dev.matgrad.processor.random.ProgramModel.Lit;
import dev.matgrad.processor.random.ProgramModel.MethodModel;
import dev.matgrad.processor.random.ProgramModel.Name;
import dev.matgrad.processor.random.ProgramModel.Return;
import dev.matgrad.processor.random.ProgramModel.St;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns valid generated programs ({@link ProgramModel}) into mutants that are unsupported, ill-typed
 * or merely unusual: Java matgrad does not differentiate (fields, lambdas, string literals, {@code
 * new}, control flow, writes into parameters, unknown or misspelt calls, wrong arities,
 * recursion), wrong types, and valid code written oddly (deep nesting, unicode names, locals named
 * like {@code Ops} methods). Control flow is inserted so that it keeps the program's value on
 * every path ({@code c ? e : e}, {@code if (c) v = e;} right after {@code v = e}, loops that
 * assign the same value again): once matgrad supports it the mutant is a valid program the
 * differential checks can verify.
 *
 * <p>Expressions outside the model's subset are model names whose "identifier" is the Java text;
 * statements outside it are placeholder assignments ({@code mutant$0 = 0;}) replaced by their text
 * when the mutant is printed. So the {@link Shrinker} works on mutants as on any program.
 */
final class Mutator {
  /** A mutant: the model (with placeholders), its raw statements, and what was mutated. */
  record Mutant(ProgramModel model, Map<String, String> statements, List<String> mutations) {
    /** The program to compile: the model printed with its placeholders replaced. */
    Program program() {
      Program p = model.toProgram();
      List<Source> sources = p.sources().stream()
          .map(s -> new Source(s.qualifiedName(), fill(s.text()))).toList();
      List<Unit> units = p.units().stream().map(u -> new Unit(u.binaryName(), u.gradientsName(),
          u.methods().stream().map(m -> new ProgramGenerator.Method(m.name(), m.params(),
              m.result(), m.wrt(), fill(m.text()))).toList())).toList();
      return new Program(p.name(), sources, units, p.dims(), p.maxDim());
    }

    Mutant withModel(ProgramModel other) {
      return new Mutant(other, statements, mutations);
    }

    private String fill(String text) {
      for (Map.Entry<String, String> s : statements.entrySet()) {
        text = Pattern.compile("(?m)^([ \t]*)" + Pattern.quote(s.getKey()) + " = [^\\n]*;$")
            .matcher(text).replaceAll("$1" + Matcher.quoteReplacement(s.getValue()));
      }
      return text;
    }
  }

  private static final String PLACEHOLDER = "mutant$";
  private static final List<String> OPS_NAMES = List.of("exp", "log", "sum", "matmul", "sigmoid",
      "tanh", "dot", "transpose", "mean", "sumSq", "relu", "softmax", "add", "scale");
  private static final List<String> UNICODE_NAMES = List.of("λ", "ñame", "变量", "µ2", "$v", "_v",
      "Ωmega", "x_ά");

  private final Random random;
  private ProgramModel model;
  private final Map<String, String> statements = new LinkedHashMap<>();
  private final List<String> mutations = new ArrayList<>();
  private int fresh;

  private Mutator(Random random, ProgramModel model) {
    this.random = random;
    this.model = model;
  }

  /** One to three mutations of the program (several errors in one method now and then). */
  static Mutant mutate(ProgramModel program, Random random) {
    Mutator m = new Mutator(random, program);
    int count = 1 + (random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0);
    for (int attempt = 0; m.mutations.size() < count && attempt < 20 * count; attempt++) {
      m.mutateOnce();
    }
    return new Mutant(m.model, Map.copyOf(m.statements), List.copyOf(m.mutations));
  }

  /** The kind of each mutation, for the summary: "lambda", "for loop", ... */
  static String kindOf(String mutation) {
    int colon = mutation.indexOf(':');
    return colon < 0 ? mutation : mutation.substring(0, colon);
  }

  // ---- choosing ----------------------------------------------------------------------------------

  /** A site: a method, the path of a non-block statement and the environment before it. */
  private record Site(int method, int[] path, Map<String, Type> env) {}

  private void mutateOnce() {
    List<Integer> live = new ArrayList<>();
    for (int i = 0; i < model.methods().size(); i++) {
      if (model.methods().get(i) != null) {
        live.add(i);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    int method = live.get(random.nextInt(live.size()));
    MethodModel m = model.methods().get(method);
    List<Site> sites = new ArrayList<>();
    model.walk(m, (path, env) -> sites.add(new Site(method, path, env)));
    if (sites.isEmpty()) {
      return;
    }
    Site site = sites.get(random.nextInt(sites.size()));
    switch (random.nextInt(5)) {
      case 0, 1 -> replaceExpression(site);
      case 2 -> insertStatement(m, method, topLevel(sites));
      case 3 -> controlFlow(m, method, topLevel(sites));
      default -> changeDeclarations(m, method, topLevel(sites));
    }
  }

  private static List<Site> topLevel(List<Site> sites) {
    return sites.stream().filter(s -> s.path().length == 1).toList();
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  private void done(String kind, MethodModel m, String detail) {
    mutations.add(kind + ": " + m.name() + ": " + detail);
  }

  private String freshName(String prefix) {
    return prefix + "M" + fresh++;
  }

  // ---- expressions -------------------------------------------------------------------------------

  /** Replaces one subexpression (of a known shape) of the statement at the site. */
  private void replaceExpression(Site site) {
    MethodModel m = model.methods().get(site.method());
    St s = ProgramModel.statementAt(m.body(), site.path());
    Ex e = ProgramModel.expressionOf(s);
    List<Ex> nodes = ProgramModel.preorder(e);
    int at = random.nextInt(nodes.size());
    Ex node = nodes.get(at);
    Type type = model.typeOf(node, site.env(), m);
    Ex replacement = replacementFor(m, node, type, site.env());
    if (replacement == null) {
      return;
    }
    St changed = ProgramModel.withExpression(s, ProgramModel.replaceAt(e, at, replacement));
    setMethod(site.method(), m.withBody(replaceStatement(m.body(), site.path(), changed)));
  }

  /** A mutation of {@code e} (of shape {@code type}, null if unknown), or null if none fits. */
  private Ex replacementFor(MethodModel m, Ex e, Type type, Map<String, Type> env) {
    String text = ProgramModel.print(e);
    String operand = "(" + text + ")";
    boolean scalar = type != null && type.kind() == Kind.SCALAR;
    switch (random.nextInt(17)) {
      case 0 -> {
        String lit = pick(List.of("\"text\"", "\"λ\"", "\"\"", "'c'", "1L", "2.5f", "true",
            "null", "0x1p3", "1e400"));
        done("literal", m, lit);
        return new Name(lit);
      }
      case 1 -> {
        String field = pick(List.of("Double.MAX_VALUE", "Integer.MAX_VALUE", "rnd.Nowhere.FIELD",
            "System.out", "Math.PI", "java.lang.Math.E", "Float.NaN"));
        done("field", m, field);
        return new Name(field);
      }
      case 2 -> {
        String lambda = type == null ? "((java.util.function.DoubleSupplier) Math::random)"
            + ".getAsDouble()" : scalar
            ? "((java.util.function.DoubleUnaryOperator) t -> t * 2.0).applyAsDouble(" + text + ")"
            : "((java.util.function.UnaryOperator<" + type.java() + ">) t -> t).apply(" + text + ")";
        done("lambda", m, lambda);
        return new Name(lambda);
      }
      case 3 -> {
        String created = pick(List.of("new double[] {" + text + "}", "new double[3]",
            "new java.util.Random(1).nextGaussian()", "new Matrix(1, 1, new double[] {0.5})",
            "Matrix.zeros(2, 2)", "new Object().hashCode()", "Double.valueOf(" + text + ")",
            "new double[][] {{1.0}}[0]", "Matrix.of(1, 1, 2.0)"));
        done("new", m, created);
        return new Name(created);
      }
      case 4 -> {
        if (type == null) {
          return null;
        }
        String conditional = "(" + condition(env) + " ? " + text + " : " + text + ")";
        done("conditional", m, conditional);
        return new Name(conditional);
      }
      case 5 -> {
        if (type == null) {
          return null;
        }
        String selector = intOrLiteral(env);
        String sw = "(switch (" + selector + ") { case 1 -> " + text + "; default -> " + text
            + "; })";
        done("switch expression", m, sw);
        return new Name(sw);
      }
      case 6 -> {
        String call = pick(List.of("frobnicate(" + text + ")", "Ops.frobnicate(" + text + ")",
            "rnd.Helpers.f(" + text + ")", "Math.floor(" + text + ")", "Math.random()",
            "Math.max(" + text + ", " + text + ")", "Math.min(" + text + ", 0.5)",
            "java.util.Objects.requireNonNull(" + text + ")", "String.valueOf(" + text + ")",
            text + ".toString()", "Ops.class.hashCode()"));
        done("unknown call", m, call);
        return new Name(call);
      }
      case 7 -> {
        if (!(e instanceof Call c) || c.name().length() < 3) {
          return null;
        }
        String misspelt = misspell(c.name());
        done("misspelt call", m, c.name() + " → " + misspelt);
        return new Call(c.target(), misspelt, c.args());
      }
      case 8 -> {
        if (!(e instanceof Call c)) {
          return null;
        }
        List<Ex> args = new ArrayList<>(c.args());
        if (args.isEmpty() || random.nextBoolean()) {
          args.add(args.isEmpty() ? new Lit("1.0") : args.get(random.nextInt(args.size())));
        } else {
          args.remove(args.size() - 1);
        }
        done("wrong arity", m, c.name() + " with " + args.size() + " arguments");
        return new Call(c.target(), c.name(), args);
      }
      case 16 -> {
        return callOfAnotherMethod(m, scalar, text, env);
      }
      case 9 -> {
        if (type == null || !type.equals(m.result())) {
          return null;
        }
        List<Ex> args = m.params().stream().map(p -> (Ex) new Name(p.name())).toList();
        done("recursion", m, m.name());
        return new Call(null, m.name(), args);
      }
      case 10 -> {
        if (type == null) {
          return null;
        }
        List<String> others = env.entrySet().stream()
            .filter(v -> v.getValue() != null && v.getValue().kind() != type.kind())
            .map(Map.Entry::getKey).toList();
        if (others.isEmpty()) {
          return null;
        }
        String other = pick(others);
        done("type swap", m, text + " → " + other + " (" + env.get(other) + ")");
        return new Name(other);
      }
      case 11 -> {
        int depth = pick(List.of(10, 60, 250));
        String nested = switch (random.nextInt(4)) {
          case 0 -> "(".repeat(depth) + text + ")".repeat(depth);
          case 1 -> scalar ? "-(".repeat(2 * depth) + text + ")".repeat(2 * depth) : null;
          case 2 -> scalar ? operand + " + 0.0".repeat(depth) : null;
          default -> {
            // as long as javac takes, or longer: near the limits of the processor's recursion
            depth = pick(List.of(1000, 2000, 4000));
            yield scalar ? operand + " * 1.0".repeat(depth) : null;
          }
        };
        if (nested == null) {
          return null;
        }
        done("deep nesting", m, depth + " levels");
        return new Name(nested);
      }
      case 12 -> {
        List<String> sameKind = env.entrySet().stream()
            .filter(v -> type != null && type.equals(v.getValue())).map(Map.Entry::getKey)
            .filter(n -> m.params().stream().noneMatch(p -> p.name().equals(n))).toList();
        if (sameKind.isEmpty()) {
          return null;
        }
        String assignment = "(" + pick(sameKind) + " = " + text + ")";
        done("assignment expression", m, assignment);
        return new Name(assignment);
      }
      case 13 -> {
        if (!scalar) {
          return null;
        }
        String cast = pick(List.of("(float) ", "(long) ", "(int) ", "(short) ")) + operand;
        done("cast", m, cast);
        return new Name(cast);
      }
      case 14 -> {
        if (!scalar) {
          return null;
        }
        done("remainder of doubles", m, text);
        return new Name(operand + " % 0.75");
      }
      default -> {
        String read = type == null ? null : switch (type.kind()) {
          case VECTOR -> pick(List.of(operand + "[0]", operand + ".clone()", "x[0][0]",
              operand + ".length", operand + "[0.5]"));
          case MATRIX -> pick(List.of(operand + ".data()", operand + ".get(0, 0)",
              operand + "[0]", operand + ".data()[0]", operand + ".length",
              operand + ".get(0)"));
          default -> pick(List.of(operand + "[0]", operand + ".length", operand + ".rows()"));
        };
        if (read == null) {
          return null;
        }
        done("element access", m, read);
        return new Name(read);
      }
    }
  }

  /**
   * {@code e + 0.0 * g(args)} for a method g of the same class (maybe m itself, or one that calls
   * m: recursion), with arguments of the kinds g takes (a value of zero weight, so a valid mutant
   * stays numerically tame), or now and then of the wrong kinds or number.
   */
  private Ex callOfAnotherMethod(MethodModel m, boolean scalar, String text,
      Map<String, Type> env) {
    if (!scalar) {
      return null;
    }
    List<MethodModel> sameClass = model.methods().stream().filter(g -> g != null
        && g.source() == m.source() && g.classes().equals(m.classes())).toList();
    MethodModel g = pick(sameClass);
    List<String> args = new ArrayList<>();
    boolean wrong = random.nextInt(3) == 0;
    for (Param p : g.params()) {
      List<String> fits = namesOf(env, p.type().kind());
      if (p.type().kind() == Kind.INT || p.type().kind() == Kind.SCALAR) {
        fits = new ArrayList<>(fits);
        fits.add(p.type().kind() == Kind.INT ? "1" : "0.5");
      }
      if (wrong && random.nextInt(2) == 0) {
        fits = new ArrayList<>(env.keySet());
      }
      if (fits.isEmpty()) {
        return null;
      }
      args.add(pick(fits));
    }
    if (wrong && random.nextBoolean()) {
      args.add(args.isEmpty() || random.nextBoolean() ? "1.0" : args.get(0));
    }
    String call = g.name() + "(" + String.join(", ", args) + ")";
    String weighted = g.result().kind() == Kind.SCALAR ? call : "sum(" + call + ")";
    done(g == m ? "recursion" : "call of another method", m, call);
    return new Name("(" + text + " + 0.0 * " + weighted + ")");
  }

  private String misspell(String name) {
    int i = random.nextInt(name.length() - 1);
    return switch (random.nextInt(4)) {
      case 0 -> name.substring(0, i) + name.charAt(i + 1) + name.charAt(i) + name.substring(i + 2);
      case 1 -> name.substring(0, i) + name.substring(i + 1);
      case 2 -> Character.toUpperCase(name.charAt(0)) + name.substring(1);
      default -> name + "s";
    };
  }

  /** A boolean condition over the names in scope (never differentiated). */
  private String condition(Map<String, Type> env) {
    List<String> parts = new ArrayList<>();
    env.forEach((n, t) -> {
      if (t != null && (t.kind() == Kind.SCALAR || t.kind() == Kind.INT)) {
        parts.add(n + pick(List.of(" > 0.25", " <= 2", " != 0.0", " < 3", " >= -1.0")));
      } else if (t != null && t.kind() == Kind.VECTOR) {
        parts.add(n + "[0] > 0.0");
      }
    });
    if (parts.isEmpty()) {
      return "true";
    }
    String c = pick(parts);
    return switch (random.nextInt(4)) {
      case 0 -> c + " && " + pick(parts);
      case 1 -> "!(" + c + ") || " + pick(parts);
      default -> c;
    };
  }

  private String intOrLiteral(Map<String, Type> env) {
    List<String> ints = env.entrySet().stream()
        .filter(v -> v.getValue() != null && v.getValue().kind() == Kind.INT)
        .map(Map.Entry::getKey).toList();
    return ints.isEmpty() || random.nextBoolean() ? "1" : pick(ints);
  }

  // ---- statements --------------------------------------------------------------------------------

  /** Inserts an unsupported or invalid statement before a top-level statement. */
  private void insertStatement(MethodModel m, int method, List<Site> sites) {
    Site site = pick(sites);
    int at = site.path()[0];
    Map<String, Type> env = site.env();
    List<String> vectors = namesOf(env, Kind.VECTOR);
    List<String> scalars = namesOf(env, Kind.SCALAR);
    List<String> params = m.params().stream().map(Param::name).toList();
    String raw;
    String kind;
    switch (random.nextInt(10)) {
      case 0 -> {
        kind = "unsupported local";
        raw = pick(List.of("String s = \"a\";", "float f = 1f;", "long n = 1L;",
            "Object o = null;", "double[][] m = new double[1][1];", "boolean b = true;",
            "Double boxed = 1.0;", "java.util.List<Double> l = java.util.List.of();",
            "char c = 'c';"));
      }
      case 1 -> {
        kind = "local without initializer";
        raw = "double " + freshName("t") + ";";
      }
      case 2 -> {
        kind = "expression statement";
        raw = pick(List.of("System.out.println(\"x\");", "Math.exp(1.0);", "sum(new double[1]);",
            "java.util.Objects.hash();", "new Object();"));
      }
      case 3 -> {
        if (vectors.isEmpty()) {
          return;
        }
        kind = "array write";
        raw = pick(vectors) + pick(List.of("[0] = 1.0;", "[0] += 1.0;", "[0]++;"));
      }
      case 4 -> {
        List<St> body = new ArrayList<>(m.body());
        Param p = pick(m.params());
        Ex value = p.type().kind() == Kind.INT ? new Lit("1") : new Name(p.name());
        body.add(at, new Assign(p.name(), p.type().kind() == Kind.SCALAR
            ? pick(List.of("=", "*=", "+=")) : "=", value));
        setMethod(method, m.withBody(body));
        done("parameter write", m, p.name());
        return;
      }
      case 5 -> {
        kind = "throw or try";
        String c = condition(env);
        raw = pick(List.of("if (" + c + ") { throw new IllegalArgumentException(\"no\"); }",
            "try { Math.exp(1.0); } catch (RuntimeException e) { }",
            "assert " + c + ";", "synchronized (Object.class) { }"));
      }
      case 6 -> {
        kind = "local class or label";
        raw = pick(List.of("class Local { }", "here: { }", "; ;",
            "Runnable r = () -> { };", "int[] ints = {1, 2};"));
      }
      case 7 -> {
        kind = "increment";
        List<String> ints = namesOf(env, Kind.INT);
        raw = (ints.isEmpty() ? pick(params) : pick(ints)) + pick(List.of("++;", "--;"));
      }
      case 8 -> {
        // a local shadowing a parameter or an earlier local: javac rejects it
        String name = pick(new ArrayList<>(env.keySet()));
        Type t = env.get(name);
        kind = "redeclaration";
        raw = (t == null ? "double" : t.java()) + " " + name + " = " + name + ";";
      }
      default -> {
        if (scalars.isEmpty()) {
          return;
        }
        kind = "statement after return";
        List<St> body = new ArrayList<>(m.body());
        body.add(new Return(new Name(pick(scalars))));
        setMethod(method, m.withBody(body));
        done(kind, m, "a second return");
        return;
      }
    }
    insertRaw(m, method, at, raw);
    done(kind, m, raw);
  }

  private void insertRaw(MethodModel m, int method, int at, String raw) {
    String placeholder = PLACEHOLDER + statements.size();
    statements.put(placeholder, raw);
    List<St> body = new ArrayList<>(m.body());
    body.add(at, new Assign(placeholder, "=", new Lit("0")));
    setMethod(method, m.withBody(body));
  }

  /**
   * Control flow that keeps the value: after a local's declaration {@code v = e}, a branch or
   * loop assigns {@code v = e} again (or returns the value the method returns anyway).
   */
  private void controlFlow(MethodModel m, int method, List<Site> sites) {
    List<Integer> decls = new ArrayList<>();
    for (int i = 0; i < m.body().size(); i++) {
      if (m.body().get(i) instanceof Decl) {
        decls.add(i);
      }
    }
    int kind = random.nextInt(8);
    if (kind == 7 || decls.isEmpty()) {
      // an early return of the value returned at the end
      int last = m.body().size() - 1;
      if (!(m.body().get(last) instanceof Return r)) {
        return;
      }
      Map<String, Type> env = sites.get(sites.size() - 1).env();
      String ret = ProgramModel.print(r.value());
      String raw = "if (" + condition(env) + ") { return " + ret + "; }";
      insertRaw(m, method, last, raw);
      done("return in a branch", m, raw);
      return;
    }
    int at = pick(decls);
    Decl d = (Decl) m.body().get(at);
    Map<String, Type> env = new LinkedHashMap<>(sites.stream().filter(s -> s.path()[0] == at)
        .findFirst().map(Site::env).orElse(Map.of()));
    model.update(m, d, env);
    String v = d.name();
    String again = v + " = " + ProgramModel.print(d.init()) + ";";
    String c = condition(env);
    String i = freshName("i");
    String raw;
    String what;
    switch (kind) {
      case 0 -> {
        what = "if";
        raw = pick(List.of("if (" + c + ") { " + again + " }",
            "if (" + c + ") " + again + " else " + again,
            "if (" + c + ") { " + again + " } else if (" + condition(env) + ") { " + again + " }"));
      }
      case 1 -> {
        what = "for loop";
        raw = pick(List.of("for (int " + i + " = 0; " + i + " < 2; " + i + "++) { " + again + " }",
            "for (int " + i + " = 2; " + i + " > 0; " + i + " -= 1) " + again,
            "for (int " + i + " = 0; " + i + " <= " + intOrLiteral(env) + "; " + i + " += 2) { "
                + again + " }"));
      }
      case 2 -> {
        List<String> vectors = namesOf(env, Kind.VECTOR);
        if (vectors.isEmpty()) {
          return;
        }
        what = "enhanced for loop";
        raw = "for (double " + i + " : " + pick(vectors) + ") { " + again + " }";
      }
      case 3 -> {
        what = "while loop";
        raw = "int " + i + " = 0; while (" + i + " < 2) { " + again + " " + i + "++; }";
      }
      case 4 -> {
        what = "do-while loop";
        raw = "do { " + again + " } while (false);";
      }
      case 5 -> {
        what = "switch statement";
        raw = "switch (" + intOrLiteral(env) + ") { case 1: " + again + " break; default: break; }";
      }
      default -> {
        what = "break and continue";
        raw = "for (int " + i + " = 0; " + i + " < 3; " + i + "++) { if (" + i + " == 1) { "
            + "continue; } " + again + " if (" + c + ") { break; } }";
      }
    }
    List<St> body = new ArrayList<>(m.body());
    body.set(at, new Decl(false, d.type(), d.name(), d.init()));
    setMethod(method, m.withBody(body));
    insertRaw(model.methods().get(method), method, at + 1, raw);
    done(what, m, raw);
  }

  /** Renames, type changes and signature changes. */
  private void changeDeclarations(MethodModel m, int method, List<Site> sites) {
    List<Integer> decls = new ArrayList<>();
    for (int i = 0; i < m.body().size(); i++) {
      if (m.body().get(i) instanceof Decl) {
        decls.add(i);
      }
    }
    switch (random.nextInt(7)) {
      case 0, 1 -> {
        if (decls.isEmpty()) {
          return;
        }
        Decl d = (Decl) m.body().get(pick(decls));
        String to = switch (random.nextInt(3)) {
          case 0 -> pick(OPS_NAMES);
          case 1 -> pick(generatedNames(m));
          default -> pick(List.of("Math", "Ops", m.name(), "Matrix", "var", "λ" + fresh++,
              "变量" + fresh++, "$" + fresh++));
        };
        if (declared(m, to)) {
          return;
        }
        setMethod(method, renamed(m, d.name(), to));
        done("local renamed", m, d.name() + " → " + to);
      }
      case 2 -> {
        Param p = pick(m.params());
        String to = random.nextBoolean() ? pick(UNICODE_NAMES) + fresh++ : pick(generatedNames(m));
        if (declared(m, to)) {
          return;
        }
        List<String> wrt = m.wrtNames() == null ? null
            : m.wrtNames().stream().map(w -> w.equals(p.name()) ? to : w).toList();
        MethodModel r = renamed(m, p.name(), to);
        List<Param> params = r.params().stream()
            .map(q -> q.name().equals(p.name()) ? new Param(to, q.type()) : q).toList();
        setMethod(method, r.withParams(params, wrt));
        done("parameter renamed", m, p.name() + " → " + to);
      }
      case 3 -> {
        if (decls.isEmpty()) {
          return;
        }
        int at = pick(decls);
        Decl d = (Decl) m.body().get(at);
        String type = pick(List.of("double", "double[]", "Matrix", "int", "var"));
        if (type.equals(d.type())) {
          return;
        }
        List<St> body = new ArrayList<>(m.body());
        body.set(at, new Decl(d.isFinal(), type, d.name(), d.init()));
        setMethod(method, m.withBody(body));
        done("local type swap", m, d.name() + ": " + d.type() + " → " + type);
      }
      case 4 -> {
        Param p = pick(m.params());
        Type to = pick(List.of(Type.SCALAR, Type.INT, Type.vector(0), Type.matrix(0, 1)));
        if (to.kind() == p.type().kind()) {
          return;
        }
        List<Param> params = m.params().stream()
            .map(q -> q == p ? new Param(p.name(), to) : q).toList();
        List<String> wrt = m.wrtNames() == null || to.kind() != Kind.INT ? m.wrtNames()
            : m.wrtNames().stream().filter(w -> !w.equals(p.name())).toList();
        if (wrt != null && wrt.isEmpty()) {
          return;
        }
        setMethod(method, m.withParams(params, wrt));
        done("parameter type swap", m, p.name() + ": " + p.type() + " → " + to);
      }
      case 5 -> {
        Type to = pick(List.of(Type.SCALAR, Type.vector(0), Type.matrix(0, 1)));
        if (to.kind() == m.result().kind()) {
          return;
        }
        setMethod(method, new MethodModel(m.source(), m.classes(), m.indent(), m.modifiers(), to,
            m.name(), m.params(), m.wrtNames(), m.annotation(), m.body()));
        done("result type swap", m, m.result() + " → " + to);
      }
      default -> {
        String first = m.params().get(0).name();
        String annotation = pick(List.of("@Differentiable(wrt = \"nope\")",
            "@Differentiable(wrt = {\"" + first + "\", \"" + first + "\"})",
            "@Differentiable(wrt = \"\")", "@Differentiable(wrt = {" + first + "})",
            "@Differentiable(hessian = true)"));
        String modifiers = random.nextInt(3) == 0 ? m.modifiers().replace("static ", "")
            : m.modifiers();
        // An annotation without wrt differentiates every parameter, whatever the method had.
        List<String> wrtNames = annotation.contains("wrt") ? m.wrtNames() : null;
        setMethod(method, new MethodModel(m.source(), m.classes(), m.indent(), modifiers,
            m.result(), m.name(), m.params(), wrtNames, annotation, m.body()));
        done("annotation", m, annotation + (modifiers.equals(m.modifiers()) ? "" : " not static"));
      }
    }
  }

  /** Names the generated code uses for its own parameters and locals, and JDK class names. */
  private static List<String> generatedNames(MethodModel m) {
    List<String> names = new ArrayList<>(List.of("gradOut", "workspace", "jvpOut", "hess", "i",
        "j", "k", "n", "value", "result", "Objects", "Double", "IllegalArgumentException"));
    for (Param p : m.params()) {
      for (String prefix : List.of("grad_", "jac_", "dir_", "hvp_")) {
        names.add(prefix + p.name());
      }
    }
    return names;
  }

  private static boolean declared(MethodModel m, String name) {
    return m.params().stream().anyMatch(p -> p.name().equals(name))
        || m.body().stream().anyMatch(s -> s instanceof Decl d && d.name().equals(name));
  }

  /** The method with every use of a variable renamed (calls of the same name are not uses). */
  private static MethodModel renamed(MethodModel m, String from, String to) {
    Function<Ex, Ex> rename = x -> x instanceof Name n && n.id().equals(from) ? new Name(to) : null;
    return m.withBody(renameIn(m.body(), from, to, rename));
  }

  private static List<St> renameIn(List<St> body, String from, String to, Function<Ex, Ex> f) {
    List<St> out = new ArrayList<>();
    for (St s : body) {
      if (s instanceof Block b) {
        out.add(b.with(renameIn(b.body(), from, to, f)));
      } else if (s instanceof Decl d) {
        out.add(new Decl(d.isFinal(), d.type(), d.name().equals(from) ? to : d.name(),
            ProgramModel.rewrite(d.init(), f)));
      } else if (s instanceof Assign a) {
        out.add(new Assign(a.name().equals(from) ? to : a.name(), a.op(),
            ProgramModel.rewrite(a.value(), f)));
      } else if (s instanceof Return r) {
        out.add(new Return(ProgramModel.rewrite(r.value(), f)));
      } else {
        out.add(s); // a break or continue
      }
    }
    return out;
  }

  private static List<String> namesOf(Map<String, Type> env, Kind kind) {
    return env.entrySet().stream().filter(v -> v.getValue() != null && v.getValue().kind() == kind)
        .map(Map.Entry::getKey).toList();
  }

  private void setMethod(int index, MethodModel m) {
    model = model.withMethod(index, m);
  }

  private static List<St> replaceStatement(List<St> body, int[] path, St replacement) {
    List<St> out = new ArrayList<>(body);
    if (path.length == 1) {
      out.set(path[0], replacement);
    } else {
      Block b = (Block) out.get(path[0]);
      int[] rest = java.util.Arrays.copyOfRange(path, 1, path.length);
      out.set(path[0], b.with(replaceStatement(b.body(), rest, replacement)));
    }
    return out;
  }
}
