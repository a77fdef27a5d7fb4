package dev.matgrad.processor.random;

import dev.matgrad.processor.random.ProgramGenerator.Kind;
import dev.matgrad.processor.random.ProgramGenerator.Method;
import dev.matgrad.processor.random.ProgramGenerator.Param;
import dev.matgrad.processor.random.ProgramGenerator.Program;
import dev.matgrad.processor.random.ProgramGenerator.Source;
import dev.matgrad.processor.random.ProgramGenerator.Type;
import dev.matgrad.processor.random.ProgramGenerator.Unit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An editable form of a generated program (or of a kept regression program): the text around
 * the methods verbatim, each {@code @Differentiable} method as a signature with symbolic shapes
 * and a body of statements over a small expression AST, so that the {@link Shrinker} can drop and
 * replace parts and print the program again.
 *
 * <p>The format is the generator's: every method is preceded by a comment line with its
 * parameters' and result's symbolic shapes ({@code // x0: double[d0], A1: Matrix[d0×d1] ->
 * double}), then its annotation, then its signature on one line; the body ends with a line holding
 * only {@code }} at the signature's indentation. Several compilation units are separated by lines
 * {@code // ---- pkg/Name.java}. Comment lines before the first unit form the header; a header
 * line {@code // dims: d0=2 d1=1} pins the dimension symbols' values, and {@code // max dim: 7}
 * marks a large program (one symbol per draw above {@value ProgramGenerator#MAX_DIM}, up to 7).
 */
record ProgramModel(List<String> header, List<SourceModel> sources, List<MethodModel> methods,
    int[] pinnedDims, int maxDim) {

  // ---- the syntax tree ----------------------------------------------------------------------------

  /** An expression of the supported Java subset. */
  sealed interface Ex permits Lit, Name, Paren, Unary, Cast, Binary, Field, Call, Index, Cond {}

  /** A numeric literal as written. */
  record Lit(String text) implements Ex {
    boolean isDouble() {
      String t = text.toLowerCase(java.util.Locale.ROOT);
      if (t.startsWith("0x")) {
        return false;
      }
      return t.contains(".") || t.contains("e") || t.endsWith("d") || t.endsWith("f");
    }
  }

  record Name(String id) implements Ex {}

  record Paren(Ex e) implements Ex {}

  record Unary(String op, Ex e) implements Ex {}

  record Cast(String type, Ex e) implements Ex {}

  record Binary(String op, Ex l, Ex r) implements Ex {}

  /** {@code target.name}: {@code x.length}, {@code Math.PI}, or a part of a qualified name. */
  record Field(Ex target, String name) implements Ex {}

  /** {@code name(args)} or {@code target.name(args)}; target is null when unqualified. */
  record Call(Ex target, String name, List<Ex> args) implements Ex {}

  record Index(Ex target, Ex index) implements Ex {}

  /** The conditional {@code c ? a : b}. */
  record Cond(Ex c, Ex a, Ex b) implements Ex {}

  sealed interface St permits Decl, Assign, Block, Return, Jump {}

  /** A local declaration; type is "double", "double[]", "Matrix", "int" or "var". */
  record Decl(boolean isFinal, String type, String name, Ex init) implements St {}

  /** {@code name op value;} with op one of = += -= *= /= %=. */
  record Assign(String name, String op, Ex value) implements St {}

  /**
   * A block, or the body of a control statement when head is not null: {@code for}, {@code if},
   * {@code else if} or {@code else} (an else is the block after its if's in the body).
   */
  record Block(Head head, List<St> body) implements St {
    Block(List<St> body) {
      this(null, body);
    }

    /** This block (with its head) around another body. */
    Block with(List<St> newBody) {
      return new Block(head, List.copyOf(newBody));
    }
  }

  /**
   * The head of a control statement: kind is "for", "while", "if", "else if" or "else"; a for
   * loop {@code for (int var = init; cond; update)} has its update as written ({@code i++},
   * {@code i += 2}); a while loop has its cond and, as its update, the counter's increment that
   * ends its body ({@code i += 1}: kept with the head, so that shrinking never drops it and
   * leaves a loop that does not end); an if has only cond.
   */
  record Head(String kind, String var, Ex init, Ex cond, String update) {
    String print() {
      return switch (kind) {
        case "for" -> "for (int " + var + " = " + ProgramModel.print(init) + "; "
            + ProgramModel.print(cond) + "; " + update + ")";
        case "while" -> "while (" + ProgramModel.print(cond) + ")";
        case "else" -> "else";
        default -> kind + " (" + ProgramModel.print(cond) + ")";
      };
    }
  }

  record Return(Ex value) implements St {}

  /** {@code break;} or {@code continue;} (the keyword). */
  record Jump(String keyword) implements St {}

  /**
   * A method: where it is (source index, enclosing class names from the top-level class in),
   * its indentation and modifiers, shapes, wrt names (null: the annotation names none, so every
   * differentiable parameter) and the annotation as written.
   */
  record MethodModel(int source, List<String> classes, String indent, String modifiers,
      Type result, String name, List<Param> params, List<String> wrtNames, String annotation,
      List<St> body) {

    List<Param> wrt() {
      return params.stream().filter(p -> p.type().differentiable()
          && (wrtNames == null || wrtNames.contains(p.name()))).toList();
    }

    MethodModel withBody(List<St> newBody) {
      return new MethodModel(source, classes, indent, modifiers, result, name, params, wrtNames,
          annotation, List.copyOf(newBody));
    }

    MethodModel withParams(List<Param> newParams, List<String> newWrt) {
      String ann = newWrt == null ? annotation : annotationOf(newWrt);
      return new MethodModel(source, classes, indent, modifiers, result, name,
          List.copyOf(newParams), newWrt == null ? null : List.copyOf(newWrt), ann, body);
    }

    private static String annotationOf(List<String> wrt) {
      List<String> quoted = wrt.stream().map(w -> "\"" + w + "\"").toList();
      return quoted.size() == 1 ? "@Differentiable(wrt = " + quoted.get(0) + ")"
          : "@Differentiable(wrt = {" + String.join(", ", quoted) + "})";
    }

    /** The number of parameters, which tells overloads of generated methods apart. */
    int arity() {
      return params.size();
    }
  }

  /**
   * A compilation unit: its qualified top-level class name, package, and its text as pieces:
   * a String is verbatim text, an Integer the index of a method in {@link #methods}.
   */
  record SourceModel(String qualifiedName, String pkg, List<Object> pieces) {}

  // ---- parsing ------------------------------------------------------------------------------------

  private static final Pattern UNIT_MARK = Pattern.compile("^// ---- (\\S+)\\.java\\s*$");
  private static final Pattern SHAPES = Pattern.compile("^(\\s*)// (.*) -> (\\S.*?)\\s*$");
  private static final Pattern SIGNATURE = Pattern.compile("^(\\s*)((?:(?:public|private|"
      + "protected|static|final)\\s+)*)(double\\[\\]|double|Matrix)\\s+(\\w+)\\s*\\((.*)\\)\\s*\\{\\s*$");
  private static final Pattern CLASS_DECL = Pattern.compile(
      "^\\s*(?:(?:public|private|protected|static|final|abstract)\\s+)*class\\s+(\\w+)");
  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;");
  private static final Pattern DIMS = Pattern.compile("^//\\s*dims:\\s*(.*)$");
  private static final Pattern MAX_DIM = Pattern.compile("^//\\s*max dim:\\s*(\\d+)\\s*$");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  /** Parses the text of a program ({@link Program#text()} or a regression file). */
  static ProgramModel parse(String text) {
    List<String> lines = text.lines().toList();
    List<String> header = new ArrayList<>();
    int i = 0;
    while (i < lines.size() && !UNIT_MARK.matcher(lines.get(i)).matches()
        && (lines.get(i).startsWith("//") || lines.get(i).isBlank())) {
      header.add(lines.get(i));
      i++;
    }
    // Without unit marks the rest is one unit; with them, each mark starts one.
    List<String> unitNames = new ArrayList<>();
    List<List<String>> unitLines = new ArrayList<>();
    if (i < lines.size() && UNIT_MARK.matcher(lines.get(i)).matches()) {
      for (; i < lines.size(); i++) {
        Matcher m = UNIT_MARK.matcher(lines.get(i));
        if (m.matches()) {
          unitNames.add(m.group(1).replace('/', '.'));
          unitLines.add(new ArrayList<>());
        } else {
          unitLines.get(unitLines.size() - 1).add(lines.get(i));
        }
      }
    } else {
      // the comment lines just above `package` belong to the header either way
      unitNames.add(null);
      unitLines.add(new ArrayList<>(lines.subList(i, lines.size())));
    }
    List<SourceModel> sources = new ArrayList<>();
    List<MethodModel> methods = new ArrayList<>();
    for (int u = 0; u < unitLines.size(); u++) {
      sources.add(parseUnit(u, unitNames.get(u), unitLines.get(u), methods));
    }
    int maxDim = ProgramGenerator.MAX_DIM;
    for (String h : header) {
      Matcher m = MAX_DIM.matcher(h.trim());
      if (m.matches()) {
        maxDim = Integer.parseInt(m.group(1));
      }
    }
    return new ProgramModel(List.copyOf(header), List.copyOf(sources), methods, dimsOf(header),
        maxDim);
  }

  private static int[] dimsOf(List<String> header) {
    for (String h : header) {
      Matcher m = DIMS.matcher(h.trim());
      if (m.matches()) {
        Map<Integer, Integer> values = new HashMap<>();
        Matcher d = Pattern.compile("d(\\d+)\\s*=\\s*(\\d+)").matcher(m.group(1));
        int max = -1;
        while (d.find()) {
          int k = Integer.parseInt(d.group(1));
          values.put(k, Integer.parseInt(d.group(2)));
          max = Math.max(max, k);
        }
        int[] dims = new int[max + 1];
        for (int k = 0; k <= max; k++) {
          Integer v = values.get(k);
          if (v == null) {
            throw new IllegalArgumentException("dims: no value for d" + k + " in " + h);
          }
          dims[k] = v;
        }
        return dims;
      }
    }
    return null;
  }

  private static SourceModel parseUnit(int sourceIndex, String qualifiedName, List<String> lines,
      List<MethodModel> methods) {
    String pkg = "";
    List<Object> pieces = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    // enclosing classes: name and the brace depth at which each was opened
    List<String> classNames = new ArrayList<>();
    List<Integer> classDepths = new ArrayList<>();
    int depth = 0;
    String firstClass = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher pm = PACKAGE.matcher(line);
      if (pm.find()) {
        pkg = pm.group(1);
      }
      Matcher shapes = SHAPES.matcher(line);
      int annotationLine = nextNonBlank(lines, i + 1);
      if (shapes.matches() && annotationLine >= 0
          && lines.get(annotationLine).trim().startsWith("@Differentiable")
          && annotationLine + 1 < lines.size()) {
        Matcher sig = SIGNATURE.matcher(lines.get(annotationLine + 1));
        if (!sig.matches()) {
          throw new IllegalArgumentException("expected a method signature after line " + (i + 1)
              + ": " + lines.get(annotationLine + 1));
        }
        String indent = sig.group(1);
        int end = annotationLine + 2;
        while (end < lines.size() && !lines.get(end).equals(indent + "}")) {
          end++;
        }
        if (end == lines.size()) {
          throw new IllegalArgumentException("no closing brace for method " + sig.group(4));
        }
        pieces.add(text.toString());
        text.setLength(0);
        pieces.add(methods.size());
        methods.add(parseMethod(sourceIndex, List.copyOf(classNames), shapes, lines.get(annotationLine).trim(),
            sig, String.join("\n", lines.subList(annotationLine + 2, end))));
        i = end;
        continue;
      }
      Matcher cm = CLASS_DECL.matcher(line);
      if (cm.find()) {
        classNames.add(cm.group(1));
        classDepths.add(depth);
        if (firstClass == null) {
          firstClass = cm.group(1);
        }
      }
      for (char c : line.toCharArray()) {
        if (c == '{') {
          depth++;
        } else if (c == '}') {
          depth--;
          while (!classDepths.isEmpty() && classDepths.get(classDepths.size() - 1) >= depth) {
            classDepths.remove(classDepths.size() - 1);
            classNames.remove(classNames.size() - 1);
          }
        }
      }
      text.append(line).append('\n');
    }
    pieces.add(text.toString());
    if (qualifiedName == null) {
      if (firstClass == null) {
        throw new IllegalArgumentException("no class in the program");
      }
      qualifiedName = pkg.isEmpty() ? firstClass : pkg + "." + firstClass;
    }
    return new SourceModel(qualifiedName, pkg, List.copyOf(pieces));
  }

  private static int nextNonBlank(List<String> lines, int from) {
    for (int i = from; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        return i;
      }
    }
    return -1;
  }

  private static MethodModel parseMethod(int source, List<String> classes, Matcher shapes,
      String annotation, Matcher sig, String bodyText) {
    String name = sig.group(4);
    Map<String, Type> shapeOf = new LinkedHashMap<>();
    for (String part : splitTopLevel(shapes.group(2))) {
      int colon = part.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("method " + name + ": bad shape entry '" + part + "'");
      }
      shapeOf.put(part.substring(0, colon).trim(), parseType(part.substring(colon + 1).trim()));
    }
    Type result = parseType(shapes.group(3));
    if (!result.java().equals(sig.group(3))) {
      throw new IllegalArgumentException("method " + name + ": the comment's result type "
          + result + " is not its Java type " + sig.group(3));
    }
    List<Param> params = new ArrayList<>();
    if (!sig.group(5).isBlank()) {
      for (String decl : sig.group(5).split(",")) {
        String[] parts = decl.trim().split("\\s+");
        String pname = parts[parts.length - 1];
        String javaType = String.join("", Arrays.asList(parts).subList(0, parts.length - 1));
        Type t = shapeOf.get(pname);
        if (t == null) {
          throw new IllegalArgumentException("method " + name + ": no shape for parameter "
              + pname + " in its comment line");
        }
        if (!t.java().equals(javaType)) {
          throw new IllegalArgumentException("method " + name + ": parameter " + pname + " is "
              + javaType + " but its shape is " + t);
        }
        params.add(new Param(pname, t));
      }
    }
    List<String> wrtNames = new ArrayList<>();
    Matcher q = QUOTED.matcher(annotation);
    while (q.find()) {
      wrtNames.add(q.group(1));
    }
    List<St> body = new Parser(bodyText).statements();
    return new MethodModel(source, classes, sig.group(1), sig.group(2), result, name,
        List.copyOf(params), wrtNames.isEmpty() ? null : List.copyOf(wrtNames), annotation,
        body);
  }

  private static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }

  private static final Pattern VECTOR_TYPE = Pattern.compile("double\\[d(\\d+)]");
  private static final Pattern MATRIX_TYPE = Pattern.compile("Matrix\\[d(\\d+)[×x]d(\\d+)]");

  static Type parseType(String s) {
    s = s.trim();
    if (s.equals("double")) {
      return Type.SCALAR;
    }
    if (s.equals("int")) {
      return Type.INT;
    }
    Matcher v = VECTOR_TYPE.matcher(s);
    if (v.matches()) {
      return Type.vector(Integer.parseInt(v.group(1)));
    }
    Matcher m = MATRIX_TYPE.matcher(s);
    if (m.matches()) {
      return Type.matrix(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
    throw new IllegalArgumentException("not a shape: '" + s
        + "' (double, int, double[dK] or Matrix[dR×dC])");
  }

  /** A recursive-descent parser of method bodies (statements and expressions of the subset). */
  static final class Parser {
    private final List<String> tokens = new ArrayList<>();
    private int pos;

    Parser(String text) {
      int i = 0;
      int n = text.length();
      while (i < n) {
        char c = text.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (text.startsWith("//", i)) {
          while (i < n && text.charAt(i) != '\n') {
            i++;
          }
        } else if (text.startsWith("/*", i)) {
          int end = text.indexOf("*/", i + 2);
          i = end < 0 ? n : end + 2;
        } else if (Character.isDigit(c)
            || c == '.' && i + 1 < n && Character.isDigit(text.charAt(i + 1))) {
          int start = i;
          if (text.startsWith("0x", i) || text.startsWith("0X", i)) {
            i += 2;
            while (i < n && (Character.digit(text.charAt(i), 16) >= 0 || text.charAt(i) == '_')) {
              i++;
            }
          } else {
            while (i < n && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '_'
                || text.charAt(i) == '.')) {
              i++;
            }
            if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
              i++;
              if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
              }
              while (i < n && Character.isDigit(text.charAt(i))) {
                i++;
              }
            }
          }
          if (i < n && "dDfFlL".indexOf(text.charAt(i)) >= 0) {
            i++;
          }
          tokens.add(text.substring(start, i));
        } else if (Character.isJavaIdentifierStart(c)) {
          int start = i;
          while (i < n && Character.isJavaIdentifierPart(text.charAt(i))) {
            i++;
          }
          tokens.add(text.substring(start, i));
        } else if ((c == '+' || c == '-') && text.startsWith(String.valueOf(c) + c, i)
            && text.substring(i + 2).stripLeading().startsWith(")")) {
          // the update of a for loop: i++ or i--
          tokens.add(text.substring(i, i + 2));
          i += 2;
        } else if (i + 1 < n && List.of("<=", ">=", "==", "!=", "&&", "||")
            .contains(text.substring(i, i + 2))) {
          tokens.add(text.substring(i, i + 2));
          i += 2;
        } else if ("<>!?:".indexOf(c) >= 0) {
          tokens.add(String.valueOf(c));
          i++;
        } else if (i + 1 < n && text.charAt(i + 1) == '=' && "+-*/%".indexOf(c) >= 0) {
          tokens.add(text.substring(i, i + 2));
          i += 2;
        } else if ("+-*/%()[]{},;.=".indexOf(c) >= 0) {
          tokens.add(String.valueOf(c));
          i++;
        } else {
          throw new IllegalArgumentException("unexpected character '" + c + "' in: " + text);
        }
      }
    }

    List<St> statements() {
      List<St> body = new ArrayList<>();
      while (pos < tokens.size()) {
        body.add(statement());
      }
      return List.copyOf(body);
    }

    private String peek() {
      return pos < tokens.size() ? tokens.get(pos) : "<end>";
    }

    private String peek(int ahead) {
      return pos + ahead < tokens.size() ? tokens.get(pos + ahead) : "<end>";
    }

    private String next() {
      if (pos >= tokens.size()) {
        throw new IllegalArgumentException("unexpected end of the body");
      }
      return tokens.get(pos++);
    }

    private void expect(String t) {
      String got = next();
      if (!got.equals(t)) {
        throw new IllegalArgumentException("expected '" + t + "' but found '" + got
            + "' at token " + (pos - 1) + " of " + tokens);
      }
    }

    private List<St> blockBody() {
      if (!peek().equals("{")) {
        return List.of(statement());
      }
      next();
      List<St> body = new ArrayList<>();
      while (!peek().equals("}")) {
        body.add(statement());
      }
      next();
      return List.copyOf(body);
    }

    private St statement() {
      String t = peek();
      if (t.equals("{")) {
        return new Block(blockBody());
      }
      if (t.equals("for")) {
        next();
        expect("(");
        expect("int");
        String var = next();
        expect("=");
        Ex init = expression();
        expect(";");
        Ex cond = expression();
        expect(";");
        String name = next();
        String op = next();
        String update;
        if (op.equals("++") || op.equals("--")) {
          update = name + op;
        } else if (op.matches("[-+*/%]=")) {
          update = name + " " + op + " " + print(expression());
        } else {
          throw new IllegalArgumentException("unexpected for update " + name + " " + op);
        }
        expect(")");
        return new Block(new Head("for", var, init, cond, update), blockBody());
      }
      if (t.equals("while")) {
        next();
        expect("(");
        Ex cond = expression();
        expect(")");
        List<St> body = new ArrayList<>(blockBody());
        String var = null;
        String update = null;
        if (!body.isEmpty() && body.get(body.size() - 1) instanceof Assign a
            && a.op().equals("+=")) {
          body.remove(body.size() - 1);
          var = a.name();
          update = a.name() + " += " + print(a.value());
        }
        return new Block(new Head("while", var, null, cond, update), List.copyOf(body));
      }
      if (t.equals("if") || t.equals("else")) {
        next();
        String kind = t;
        if (t.equals("else") && peek().equals("if")) {
          next();
          kind = "else if";
        }
        Ex cond = null;
        if (!kind.equals("else")) {
          expect("(");
          cond = expression();
          expect(")");
        }
        return new Block(new Head(kind, null, null, cond, null), blockBody());
      }
      if (t.equals("break") || t.equals("continue")) {
        next();
        expect(";");
        return new Jump(t);
      }
      if (t.equals("return")) {
        next();
        Ex e = expression();
        expect(";");
        return new Return(e);
      }
      boolean isFinal = false;
      if (t.equals("final")) {
        next();
        isFinal = true;
        t = peek();
      }
      if (Set.of("double", "int", "var", "Matrix", "boolean").contains(t) && !peek(1).equals("=")
          && !peek(1).matches("[-+*/%]=")) {
        next();
        String type = t;
        if (peek().equals("[")) {
          next();
          expect("]");
          type += "[]";
        }
        String name = next();
        expect("=");
        Ex e = expression();
        expect(";");
        return new Decl(isFinal, type, name, e);
      }
      String name = next();
      String op = next();
      if (!op.equals("=") && !op.matches("[-+*/%]=")) {
        throw new IllegalArgumentException("expected an assignment after " + name + ", found "
            + op);
      }
      Ex e = expression();
      expect(";");
      return new Assign(name, op, e);
    }

    Ex expression() {
      Ex c = or();
      if (peek().equals("?")) {
        next();
        Ex a = expression();
        expect(":");
        Ex b = expression();
        return new Cond(c, a, b);
      }
      return c;
    }

    private Ex or() {
      Ex e = and();
      while (peek().equals("||")) {
        e = new Binary(next(), e, and());
      }
      return e;
    }

    private Ex and() {
      Ex e = equality();
      while (peek().equals("&&")) {
        e = new Binary(next(), e, equality());
      }
      return e;
    }

    private Ex equality() {
      Ex e = relational();
      while (peek().equals("==") || peek().equals("!=")) {
        e = new Binary(next(), e, relational());
      }
      return e;
    }

    private Ex relational() {
      Ex e = additive();
      while (Set.of("<", ">", "<=", ">=").contains(peek())) {
        e = new Binary(next(), e, additive());
      }
      return e;
    }

    private Ex additive() {
      Ex e = term();
      while (peek().equals("+") || peek().equals("-")) {
        String op = next();
        e = new Binary(op, e, term());
      }
      return e;
    }

    private Ex term() {
      Ex e = unary();
      while (peek().equals("*") || peek().equals("/") || peek().equals("%")) {
        String op = next();
        e = new Binary(op, e, unary());
      }
      return e;
    }

    private Ex unary() {
      if (peek().equals("-") || peek().equals("+") || peek().equals("!")) {
        String op = next();
        return new Unary(op, unary());
      }
      if (peek().equals("(") && (peek(1).equals("double") || peek(1).equals("int"))
          && peek(2).equals(")")) {
        next();
        String type = next();
        next();
        return new Cast(type, unary());
      }
      return postfix(primary());
    }

    private Ex primary() {
      String t = next();
      if (t.equals("(")) {
        Ex e = expression();
        expect(")");
        return new Paren(e);
      }
      if (Character.isDigit(t.charAt(0)) || t.charAt(0) == '.') {
        return new Lit(t);
      }
      if (!Character.isJavaIdentifierStart(t.charAt(0))) {
        throw new IllegalArgumentException("unexpected '" + t + "' in an expression");
      }
      if (peek().equals("(")) {
        return new Call(null, t, arguments());
      }
      return new Name(t);
    }

    private List<Ex> arguments() {
      expect("(");
      List<Ex> args = new ArrayList<>();
      if (!peek().equals(")")) {
        args.add(expression());
        while (peek().equals(",")) {
          next();
          args.add(expression());
        }
      }
      expect(")");
      return List.copyOf(args);
    }

    private Ex postfix(Ex e) {
      while (true) {
        if (peek().equals(".")) {
          next();
          String name = next();
          e = peek().equals("(") ? new Call(e, name, arguments()) : new Field(e, name);
        } else if (peek().equals("[")) {
          next();
          Ex index = expression();
          expect("]");
          e = new Index(e, index);
        } else {
          return e;
        }
      }
    }
  }

  // ---- printing -----------------------------------------------------------------------------------

  static String print(Ex e) {
    if (e instanceof Lit l) {
      return l.text();
    } else if (e instanceof Name n) {
      return n.id();
    } else if (e instanceof Paren p) {
      return "(" + print(p.e()) + ")";
    } else if (e instanceof Unary u) {
      return u.op() + operand(u.e());
    } else if (e instanceof Cast c) {
      return "(" + c.type() + ") " + operand(c.e());
    } else if (e instanceof Binary b) {
      return operand(b.l()) + " " + b.op() + " " + operand(b.r());
    } else if (e instanceof Field f) {
      return operand(f.target()) + "." + f.name();
    } else if (e instanceof Call c) {
      return (c.target() == null ? "" : operand(c.target()) + ".") + c.name() + "("
          + String.join(", ", c.args().stream().map(ProgramModel::print).toList()) + ")";
    }
    if (e instanceof Cond c) {
      return operand(c.c()) + " ? " + operand(c.a()) + " : " + operand(c.b());
    }
    Index x = (Index) e;
    return operand(x.target()) + "[" + print(x.index()) + "]";
  }

  /** An operand of an operator: compound expressions are parenthesised (their tree is kept). */
  private static String operand(Ex e) {
    return e instanceof Binary || e instanceof Unary || e instanceof Cast
        || e instanceof Cond ? "(" + print(e) + ")" : print(e);
  }

  static void print(St s, String indent, StringBuilder out) {
    if (s instanceof Decl d) {
      out.append(indent).append(d.isFinal() ? "final " : "").append(d.type()).append(' ')
          .append(d.name()).append(" = ").append(print(d.init())).append(";\n");
    } else if (s instanceof Assign a) {
      out.append(indent).append(a.name()).append(' ').append(a.op()).append(' ')
          .append(print(a.value())).append(";\n");
    } else if (s instanceof Return r) {
      out.append(indent).append("return ").append(print(r.value())).append(";\n");
    } else if (s instanceof Jump j) {
      out.append(indent).append(j.keyword()).append(";\n");
    } else {
      Block block = (Block) s;
      out.append(indent).append(block.head() == null ? "" : block.head().print() + " ")
          .append("{\n");
      for (St inner : block.body()) {
        print(inner, indent + "  ", out);
      }
      if (block.head() != null && block.head().kind().equals("while")
          && block.head().update() != null) {
        out.append(indent).append("  ").append(block.head().update()).append(";\n");
      }
      out.append(indent).append("}\n");
    }
  }

  /** The expression of a statement; null for a block, a break and a continue. */
  static Ex expressionOf(St s) {
    if (s instanceof Decl d) {
      return d.init();
    } else if (s instanceof Assign a) {
      return a.value();
    } else if (s instanceof Return r) {
      return r.value();
    }
    return null;
  }

  /** The statement with its expression replaced (not a block). */
  static St withExpression(St s, Ex e) {
    if (s instanceof Decl d) {
      return new Decl(d.isFinal(), d.type(), d.name(), e);
    } else if (s instanceof Assign a) {
      return new Assign(a.name(), a.op(), e);
    } else if (s instanceof Return) {
      return new Return(e);
    } else if (s instanceof Jump) {
      return s;
    }
    throw new IllegalArgumentException("a block has no expression");
  }

  static String print(MethodModel m) {
    StringBuilder b = new StringBuilder();
    b.append(m.indent()).append("// ").append(String.join(", ",
        m.params().stream().map(p -> p.name() + ": " + p.type()).toList()))
        .append(" -> ").append(m.result()).append('\n');
    b.append(m.indent()).append(m.annotation()).append('\n');
    b.append(m.indent()).append(m.modifiers()).append(m.result().java()).append(' ')
        .append(m.name()).append('(').append(String.join(", ",
            m.params().stream().map(p -> p.type().java() + " " + p.name()).toList()))
        .append(") {\n");
    for (St s : m.body()) {
      print(s, m.indent() + "  ", b);
    }
    b.append(m.indent()).append("}\n");
    return b.toString();
  }

  /** The text of one source. */
  String sourceText(int index) {
    StringBuilder b = new StringBuilder();
    for (Object piece : sources.get(index).pieces()) {
      if (piece instanceof Integer k) {
        MethodModel m = methods.get(k);
        if (m != null) {
          b.append(print(m));
        }
      } else {
        b.append((String) piece);
      }
    }
    // removed methods leave their blank lines behind
    return b.toString().replaceAll("(?m)^[ \t]+$", "").replaceAll("\n{3,}", "\n\n")
        .replaceAll("\\{\n\n(\\s*})", "{\n$1").replaceAll("\n\n(\\s*}\n)", "\n$1");
  }

  /**
   * The sources still in the program: those with methods left, and those that never had any
   * (classes the others use, or that shadow java.lang names) unless dropped.
   */
  List<Integer> liveSources() {
    List<Integer> live = new ArrayList<>();
    for (int s = 0; s < sources.size(); s++) {
      int source = s;
      List<Object> pieces = sources.get(s).pieces();
      boolean hadMethods = pieces.stream().anyMatch(x -> x instanceof Integer);
      if (hadMethods ? methods.stream().anyMatch(m -> m != null && m.source() == source)
          : !pieces.isEmpty()) {
        live.add(s);
      }
    }
    return live;
  }

  /** Whether source s is a class without @Differentiable methods. */
  boolean withoutMethods(int s) {
    return sources.get(s).pieces().stream().noneMatch(x -> x instanceof Integer);
  }

  /** The program without source s (a class without methods). */
  ProgramModel withoutSource(int s) {
    List<SourceModel> copy = new ArrayList<>(sources);
    SourceModel src = copy.get(s);
    copy.set(s, new SourceModel(src.qualifiedName(), src.pkg(), List.of()));
    return new ProgramModel(header, List.copyOf(copy), methods, pinnedDims, maxDim);
  }

  /** The whole program as text, in the format {@link #parse} reads (header first). */
  String text() {
    StringBuilder b = new StringBuilder();
    for (String h : header) {
      if (!DIMS.matcher(h.trim()).matches() && !MAX_DIM.matcher(h.trim()).matches()) {
        b.append(h).append('\n');
      }
    }
    if (maxDim != ProgramGenerator.MAX_DIM) {
      b.append("// max dim: ").append(maxDim).append('\n');
    }
    if (pinnedDims != null) {
      StringBuilder d = new StringBuilder("// dims:");
      for (int k = 0; k < pinnedDims.length; k++) {
        d.append(" d").append(k).append('=').append(pinnedDims[k]);
      }
      b.append(d).append('\n');
    }
    for (int s : liveSources()) {
      b.append("// ---- ").append(sources.get(s).qualifiedName().replace('.', '/'))
          .append(".java\n").append(sourceText(s));
    }
    return b.toString();
  }

  /** The number of dimension symbols: one more than the largest used. */
  int dims() {
    int max = -1;
    for (MethodModel m : methods) {
      if (m == null) {
        continue;
      }
      for (Param p : m.params()) {
        max = Math.max(max, Math.max(p.type().rows(), p.type().cols()));
      }
      max = Math.max(max, Math.max(m.result().rows(), m.result().cols()));
    }
    return pinnedDims != null ? Math.max(max + 1, pinnedDims.length) : Math.max(1, max + 1);
  }

  /** The program the checks run: sources, and a unit per class with methods. */
  Program toProgram() {
    List<Source> out = new ArrayList<>();
    List<Unit> units = new ArrayList<>();
    for (int s : liveSources()) {
      SourceModel src = sources.get(s);
      out.add(new Source(src.qualifiedName(), sourceText(s)));
      Map<List<String>, List<Method>> byClass = new LinkedHashMap<>();
      for (MethodModel m : methods) {
        if (m != null && m.source() == s) {
          byClass.computeIfAbsent(m.classes(), k -> new ArrayList<>())
              .add(new Method(m.name(), m.params(), m.result(), m.wrt(), print(m)));
        }
      }
      String prefix = src.pkg().isEmpty() ? "" : src.pkg() + ".";
      byClass.forEach((classes, ms) -> units.add(new Unit(prefix + String.join("$", classes),
          prefix + String.join("_", classes) + "Gradients", List.copyOf(ms))));
    }
    String name = units.isEmpty() ? "empty"
        : units.get(units.size() - 1).binaryName().replaceAll("\\$.*", "");
    return new Program(name, List.copyOf(out), List.copyOf(units), dims(), maxDim);
  }

  ProgramModel withMethods(List<MethodModel> newMethods) {
    return new ProgramModel(header, sources, new ArrayList<>(newMethods), pinnedDims, maxDim);
  }

  ProgramModel withMethod(int index, MethodModel m) {
    List<MethodModel> copy = new ArrayList<>(methods);
    copy.set(index, m);
    return withMethods(copy);
  }

  ProgramModel withPinnedDims(int[] dims) {
    return new ProgramModel(header, sources, methods, dims, maxDim);
  }

  ProgramModel withHeader(List<String> newHeader) {
    return new ProgramModel(List.copyOf(newHeader), sources, methods, pinnedDims, maxDim);
  }

  // ---- names and types ----------------------------------------------------------------------------

  private static final Set<String> OPS_QUALIFIERS = Set.of("Ops", "dev.matgrad.Ops");
  private static final Set<String> MATH_QUALIFIERS = Set.of("Math", "java.lang.Math");

  /** The dotted text of a qualifier made of names only ({@code dev.matgrad.Ops}), else null. */
  static String qualifier(Ex e) {
    if (e instanceof Name n) {
      return n.id();
    }
    if (e instanceof Field f) {
      String t = qualifier(f.target());
      return t == null ? null : t + "." + f.name();
    }
    return null;
  }

  /**
   * The index of the generated method a call in {@code caller} refers to, or -1 (an Ops, Math or
   * variable method). Unqualified names find the caller's class first, as Java's do.
   */
  int resolve(MethodModel caller, Call c, Map<String, Type> env) {
    List<String> callerClasses = caller.classes();
    if (c.target() == null) {
      return find(caller.source(), callerClasses, c.name(), c.args().size());
    }
    String q = qualifier(c.target());
    if (q == null || OPS_QUALIFIERS.contains(q) || MATH_QUALIFIERS.contains(q)
        || c.target() instanceof Name n && env.containsKey(n.id())) {
      return -1;
    }
    String last = q.substring(q.lastIndexOf('.') + 1);
    for (int i = 0; i < methods.size(); i++) {
      MethodModel m = methods.get(i);
      if (m != null && !m.classes().isEmpty()
          && m.classes().get(m.classes().size() - 1).equals(last) && m.name().equals(c.name())
          && m.arity() == c.args().size()) {
        return i;
      }
    }
    return -1;
  }

  private int find(int source, List<String> classes, String name, int arity) {
    for (int i = 0; i < methods.size(); i++) {
      MethodModel m = methods.get(i);
      if (m != null && m.source() == source && m.classes().equals(classes)
          && m.name().equals(name) && m.arity() == arity) {
        return i;
      }
    }
    return -1;
  }

  /** The parameters of a method as an environment of names to shapes. */
  static Map<String, Type> paramEnv(MethodModel m) {
    Map<String, Type> env = new LinkedHashMap<>();
    for (Param p : m.params()) {
      env.put(p.name(), p.type());
    }
    return env;
  }

  /**
   * Visits the non-block statements of a method's body with the environment (names to shapes)
   * before each, and its path (indices through blocks); blocks see a copy of the environment,
   * and assignments inside them update the outer locals' shapes.
   */
  void walk(MethodModel m, BiConsumer<int[], Map<String, Type>> visit) {
    walk(m, m.body(), paramEnv(m), new int[0], visit);
  }

  private void walk(MethodModel m, List<St> body, Map<String, Type> env, int[] prefix,
      BiConsumer<int[], Map<String, Type>> visit) {
    for (int i = 0; i < body.size(); i++) {
      int[] path = Arrays.copyOf(prefix, prefix.length + 1);
      path[prefix.length] = i;
      St s = body.get(i);
      if (s instanceof Block b) {
        Map<String, Type> inner = new LinkedHashMap<>(env);
        if (b.head() != null && b.head().kind().equals("for")) {
          inner.put(b.head().var(), Type.INT);
        }
        walk(m, b.body(), inner, path, visit);
        for (String k : env.keySet()) {
          env.put(k, inner.get(k));
        }
        continue;
      }
      if (s instanceof Jump) {
        continue; // nothing to read or replace
      }
      visit.accept(path, new LinkedHashMap<>(env));
      update(m, s, env);
    }
  }

  /** The environment after statement s (a declaration or an assignment may change a shape). */
  void update(MethodModel m, St s, Map<String, Type> env) {
    if (s instanceof Decl d) {
      env.put(d.name(), typeOf(d.init(), env, m));
    } else if (s instanceof Assign a && a.op().equals("=")) {
      env.put(a.name(), typeOf(a.value(), env, m));
    }
  }

  /** The statement at a path of {@link #walk}. */
  static St statementAt(List<St> body, int[] path) {
    St s = body.get(path[0]);
    for (int i = 1; i < path.length; i++) {
      s = ((Block) s).body().get(path[i]);
    }
    return s;
  }

  /** The symbolic shape of an expression, or null if unknown (or not a value). */
  Type typeOf(Ex e, Map<String, Type> env, MethodModel caller) {
    if (e instanceof Lit l) {
      return l.isDouble() ? Type.SCALAR : Type.INT;
    } else if (e instanceof Name n) {
      return env.get(n.id());
    } else if (e instanceof Paren p) {
      return typeOf(p.e(), env, caller);
    } else if (e instanceof Unary u) {
      Type t = typeOf(u.e(), env, caller);
      return t == null || number(t) ? t : null;
    } else if (e instanceof Cast c) {
      return c.type().equals("int") ? Type.INT : Type.SCALAR;
    } else if (e instanceof Binary b) {
      Type l = typeOf(b.l(), env, caller);
      Type r = typeOf(b.r(), env, caller);
      if (l == null || r == null || !number(l) || !number(r)
          || Set.of("<", ">", "<=", ">=", "==", "!=", "&&", "||").contains(b.op())) {
        return null;
      }
      return l.kind() == Kind.INT && r.kind() == Kind.INT ? Type.INT : Type.SCALAR;
    } else if (e instanceof Field f) {
      if (f.name().equals("length")) {
        return typeOf(f.target(), env, caller) == null ? null : Type.INT;
      }
      return (f.name().equals("PI") || f.name().equals("E"))
          && MATH_QUALIFIERS.contains(qualifier(f.target())) ? Type.SCALAR : null;
    } else if (e instanceof Index x) {
      return typeOf(x.target(), env, caller) == null ? null : Type.SCALAR;
    } else if (e instanceof Cond c) {
      Type a = typeOf(c.a(), env, caller);
      return a != null ? a : typeOf(c.b(), env, caller);
    }
    return callType((Call) e, env, caller);
  }

  private static boolean number(Type t) {
    return t.kind() == Kind.INT || t.kind() == Kind.SCALAR;
  }

  /**
   * The Ops methods building an array whose sizes are sums or products of their arguments', or
   * int values (identity, ones): Type cannot state them.
   */
  private static final Set<String> BLOCK_OPS = Set.of("concat", "hstack", "vstack", "kron",
      "identity", "ones");

  private Type callType(Call c, Map<String, Type> env, MethodModel caller) {
    if (c.target() instanceof Name n && env.containsKey(n.id())) {
      return switch (c.name()) {
        case "rows", "cols" -> Type.INT;
        case "get" -> Type.SCALAR;
        default -> null;
      };
    }
    int callee = resolve(caller, c, env);
    if (callee >= 0) {
      return methods.get(callee).result();
    }
    String q = c.target() == null ? null : qualifier(c.target());
    List<Type> args = new ArrayList<>();
    for (Ex a : c.args()) {
      Type t = typeOf(a, env, caller);
      // A block (concat, kron, ...) has sizes that are sums or products, which Type cannot
      // state; a reduction of one is still a double.
      if (t == null && !(a instanceof Call block && BLOCK_OPS.contains(block.name()))) {
        return null;
      }
      args.add(t);
    }
    if (q != null && MATH_QUALIFIERS.contains(q)) {
      return c.name().equals("abs") && args.size() == 1 && args.get(0).kind() == Kind.INT
          ? Type.INT : Type.SCALAR;
    }
    if (q != null && !OPS_QUALIFIERS.contains(q)) {
      return null;
    }
    Type a0 = args.isEmpty() ? null : args.get(0);
    Type a1 = args.size() < 2 ? null : args.get(1);
    Type first = a0 != null && a0.kind() == Kind.INT ? Type.SCALAR : a0;
    return switch (c.name()) {
      case "matmul" -> {
        if (a0 == null || a1 == null || a0.kind() != Kind.MATRIX) {
          yield null;
        }
        yield a1.kind() == Kind.MATRIX ? Type.matrix(a0.rows(), a1.cols())
            : a1.kind() == Kind.VECTOR ? Type.vector(a0.rows()) : null;
      }
      case "transpose" -> a0 != null && a0.kind() == Kind.MATRIX
          ? Type.matrix(a0.cols(), a0.rows()) : null;
      case "dot", "trace", "sum", "mean", "sumSq", "norm1", "norm2", "normP", "logSumExp" ->
          Type.SCALAR;
      case "outer" -> a0 != null && a1 != null ? Type.matrix(a0.rows(), a1.rows()) : null;
      case "diag" -> a0 != null ? Type.matrix(a0.rows(), a0.rows()) : null;
      case "scale" -> a1 != null && a1.kind() == Kind.INT ? Type.SCALAR : a1;
      case "add", "sub", "mul", "div", "maximum", "minimum" ->
          // a double operand spreads over the other's shape
          a1 != null && !number(a1) ? a1 : first;
      case "addToEachColumn", "addToEachRow", "neg", "exp", "log", "sqrt", "square",
          "abs", "tanh", "sigmoid", "relu", "softplus", "pow", "softmax", "logSoftmax", "erf",
          "normalCdf", "log1p", "expm1", "atan", "sinh", "cosh", "erfc", "inverse", "cholesky" ->
          first;
      case "max", "min", "det", "logDet" -> Type.SCALAR;
      case "rowSums", "col" -> a0 != null && a0.kind() == Kind.MATRIX ? Type.vector(a0.rows()) : null;
      case "colSums", "row" -> a0 != null && a0.kind() == Kind.MATRIX ? Type.vector(a0.cols()) : null;
      case "solve" -> a1;
      default -> null;
    };
  }

  /** The subexpressions of e, in source order (a call's target first). */
  static List<Ex> children(Ex e) {
    if (e instanceof Paren p) {
      return List.of(p.e());
    } else if (e instanceof Unary u) {
      return List.of(u.e());
    } else if (e instanceof Cast c) {
      return List.of(c.e());
    } else if (e instanceof Binary b) {
      return List.of(b.l(), b.r());
    } else if (e instanceof Field f) {
      return List.of(f.target());
    } else if (e instanceof Call c) {
      List<Ex> all = new ArrayList<>();
      if (c.target() != null) {
        all.add(c.target());
      }
      all.addAll(c.args());
      return all;
    } else if (e instanceof Index x) {
      return List.of(x.target(), x.index());
    } else if (e instanceof Cond c) {
      return List.of(c.c(), c.a(), c.b());
    }
    return List.of();
  }

  static Ex withChildren(Ex e, List<Ex> kids) {
    if (e instanceof Paren) {
      return new Paren(kids.get(0));
    } else if (e instanceof Unary u) {
      return new Unary(u.op(), kids.get(0));
    } else if (e instanceof Cast c) {
      return new Cast(c.type(), kids.get(0));
    } else if (e instanceof Binary b) {
      return new Binary(b.op(), kids.get(0), kids.get(1));
    } else if (e instanceof Field f) {
      return new Field(kids.get(0), f.name());
    } else if (e instanceof Call c) {
      return c.target() == null ? new Call(null, c.name(), List.copyOf(kids))
          : new Call(kids.get(0), c.name(), List.copyOf(kids.subList(1, kids.size())));
    } else if (e instanceof Index) {
      return new Index(kids.get(0), kids.get(1));
    } else if (e instanceof Cond) {
      return new Cond(kids.get(0), kids.get(1), kids.get(2));
    }
    return e;
  }

  /** The nodes of an expression in pre-order. */
  static List<Ex> preorder(Ex e) {
    List<Ex> out = new ArrayList<>();
    if (e == null) {
      return out; // a break or continue
    }
    preorder(e, out);
    return out;
  }

  private static void preorder(Ex e, List<Ex> out) {
    out.add(e);
    for (Ex c : children(e)) {
      preorder(c, out);
    }
  }

  /** e with its node number {@code target} (pre-order) replaced. */
  static Ex replaceAt(Ex e, int target, Ex replacement) {
    int[] counter = {0};
    return replaceAt(e, target, replacement, counter);
  }

  private static Ex replaceAt(Ex e, int target, Ex replacement, int[] counter) {
    if (counter[0] == target) {
      counter[0] += preorder(e).size();
      return replacement;
    }
    counter[0]++;
    List<Ex> kids = children(e);
    if (kids.isEmpty()) {
      return e;
    }
    List<Ex> out = new ArrayList<>(kids.size());
    for (Ex k : kids) {
      out.add(replaceAt(k, target, replacement, counter));
    }
    return withChildren(e, out);
  }

  /** e with every node for which f returns non-null replaced by that (outermost first). */
  static Ex rewrite(Ex e, java.util.function.Function<Ex, Ex> f) {
    Ex r = f.apply(e);
    if (r != null) {
      return r;
    }
    List<Ex> kids = children(e);
    if (kids.isEmpty()) {
      return e;
    }
    List<Ex> out = new ArrayList<>(kids.size());
    for (Ex k : kids) {
      out.add(rewrite(k, f));
    }
    return withChildren(e, out);
  }

  /** The number of syntax nodes, statements counted as nodes too. */
  static int size(List<St> body) {
    int n = 0;
    for (St s : body) {
      n += 1 + (s instanceof Block b ? size(b.body()) : preorder(expressionOf(s)).size());
    }
    return n;
  }

  /** Op and Math function names written in the program (for reports). */
  Set<String> calledNames() {
    Set<String> names = new TreeSet<>();
    for (MethodModel m : methods) {
      if (m != null) {
        collectCalls(m.body(), names);
      }
    }
    return names;
  }

  private static void collectCalls(List<St> body, Set<String> names) {
    for (St s : body) {
      if (s instanceof Block b) {
        collectCalls(b.body(), names);
      } else {
        for (Ex x : preorder(expressionOf(s))) {
          if (x instanceof Call c) {
            names.add(c.name());
          }
        }
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProgramModel p && p.text().equals(text());
  }

  @Override
  public int hashCode() {
    return text().hashCode();
  }

  @Override
  public String toString() {
    return text();
  }
}
