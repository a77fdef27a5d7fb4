package dev.matgrad.processor.codegen;

import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ops.Arithmetic;
import dev.matgrad.processor.ops.LinearAlgebra;
import dev.matgrad.processor.passes.Program;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Prints a program's derivative in matrix notation for the generated Javadoc, e.g.
 * {@code ∇_x f = 2 A Aᵀ x}. Values the user named (locals) and the adjoints of named values
 * ({@code dh}) appear by name, with a "where" line giving their definition; everything else is
 * written out.
 */
final class GradientDoc {
  private static final int MAX_LENGTH = 600;

  private final Program program;
  private final Graph graph;
  private final TreeMap<Integer, Node> referenced = new TreeMap<>();
  private final Map<Node, Term> printed = new HashMap<>();

  /** How many nodes use each node, over everything the Javadoc prints. */
  private final Map<Node, Integer> uses = new HashMap<>();

  /** The nodes the result is computed from: printed as the user wrote them, never rearranged. */
  private final Set<Node> forward = new HashSet<>();

  GradientDoc(Program program) {
    this.program = program;
    this.graph = program.graph();
    countUses();
  }

  /** A printed term: {@code coefficient · text}, so that 2 A (Aᵀ x) reads 2 A Aᵀ x. */
  private record Term(double coefficient, String text, Node node) {
    String full() {
      if (coefficient == 1) {
        return text;
      }
      if (coefficient == -1) {
        return "−" + Notation.paren(text);
      }
      return Notation.number(coefficient) + " " + Notation.factorOperand(text);
    }
  }

  /** The notation of n; named intermediates are referenced by name. */
  String print(Node n) {
    return shorten(term(n, true).full());
  }

  private Term term(Node n, boolean top) {
    // Memoised and capped: shared subexpressions would otherwise be printed (and grow) once per use.
    Term known = top ? null : printed.get(n);
    if (known != null) {
      if (graph.variableNameOf(n) != null && n instanceof Node.Apply) {
        referenced.put(n.id(), n);
      }
      return known;
    }
    Term t = compute(n, top);
    if (t.text().length() > MAX_LENGTH) {
      t = new Term(t.coefficient(), t.text().substring(0, MAX_LENGTH) + " …", t.node());
    }
    if (!top) {
      printed.put(n, t);
    }
    return t;
  }

  private Term compute(Node n, boolean top) {
    if (n instanceof Node.Param p) {
      return new Term(1, p == program.seed() ? "ḡ" : p.name(), n);
    }
    if (n instanceof Node.Const c) {
      return new Term(1, Notation.number(c.value()), n);
    }
    Node.Apply a = (Node.Apply) n;
    // Users' locals, and the adjoints of named values (dh), are shown by name and defined below;
    // an adjoint used once is written out where it is used, as the notes do.
    String name = graph.variableNameOf(a);
    boolean inline = graph.nameOf(a) == null && uses.getOrDefault(a, 0) <= 1;
    if (name != null && !top && !inline) {
      referenced.put(a.id(), a);
      return new Term(1, name, n);
    }
    boolean product = a.op().isLinear() && a.op().isElementwise() && a.args().size() == 2;
    // A constant factor of an elementwise product is its coefficient: 2 x, not 2 ⊙ x.
    if (product) {
      for (int i = 0; i < 2; i++) {
        // (an int constant too, in a product of doubles: inner(x) * 2 is 2 s)
        boolean constantFactor = isConstant(a.arg(i))
            || (a.arg(i) instanceof Node.Const && a.shape().kind() != Kind.INT);
        if (constantFactor) {
          Term other = term(a.arg(1 - i), false);
          return new Term(constantOf(a.arg(i)) * other.coefficient(), other.text(), other.node());
        }
      }
    }
    if (a.op() == Arithmetic.ADD) {
      // x + x is 2 x; 2 x + x is 3 x.
      Term left = term(a.arg(0), false);
      Term right = term(a.arg(1), false);
      if (left.text().equals(right.text()) && left.node() == right.node()) {
        return new Term(left.coefficient() + right.coefficient(), left.text(), left.node());
      }
    }
    // Ops linear in each argument: a scalar factor of an argument moves to the front.
    boolean linear = a.op().isLinear();
    Double factor = a.op().scaleFactor();
    double coefficient = factor == null ? 1 : factor;
    String[] args = new String[a.args().size()];
    List<Node> shown = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      Term t = term(a.arg(i), false);
      if (linear) {
        coefficient *= t.coefficient();
        args[i] = t.text();
        shown.add(t.node());
      } else {
        args[i] = t.full();
        shown.add(a.arg(i));
      }
    }
    if (factor != null) {
      return new Term(coefficient, args[0], shown.get(0));
    }
    if (product && args[0].equals(args[1])) {
      // y ⊙ y is y².
      return new Term(coefficient, Notation.paren(args[0]) + "²", a);
    }
    if (product && a.shape().kind() == Kind.VECTOR && !forward.contains(a)) {
      // A derivative's g ⊙ d with g = M v is diag(d) M v: the factors in the notes' order.
      for (int i = 0; i < 2; i++) {
        if (isMatrixProduct(shown.get(i)) && !isMatrixProduct(shown.get(1 - i))) {
          String text = "diag(" + Notation.unwrap(args[1 - i]) + ") " + args[i];
          return new Term(coefficient, text, new Node.Apply(a.id(), LinearAlgebra.MATMUL,
              List.of(shown.get(1 - i), shown.get(i)), 0, a.shape(), a.origin()));
        }
      }
    }
    if (product && a.arg(0).shape().isArray() && a.arg(1).shape().isScalar()) {
      // A scalar factor before the array: c x, not x c.
      args = new String[] {args[1], args[0]};
      shown = List.of(shown.get(1), shown.get(0));
    }
    // The rule sees the operands as printed (without their factors), to place parentheses.
    Node.Apply view = new Node.Apply(a.id(), a.op(), shown, a.flags(), a.shape(), a.origin());
    String text = a.op().notation(args, view);
    if (product) {
      // A power binds tighter than ⊙: sign(x) ⊙ (|x| / ‖x‖_p)^(p − 1) needs no outer parentheses.
      for (String arg : args) {
        if (Notation.isPower(arg)) {
          text = text.replace("(" + arg + ")", arg);
        }
      }
    }
    return new Term(coefficient, text, view);
  }

  /** A double constant, also spread over an array (the adjoint 1 of a sum, say). */
  private static boolean isConstant(Node n) {
    if (n instanceof Node.Const c) {
      return c.shape().kind() != Kind.INT;
    }
    return n instanceof Node.Apply a && a.op().spreadsScalar() && a.args().size() == 1
        && isConstant(a.arg(0));
  }

  private static double constantOf(Node n) {
    return n instanceof Node.Const c ? c.value() : constantOf(((Node.Apply) n).arg(0));
  }

  private static boolean isMatrixProduct(Node n) {
    return n instanceof Node.Apply p && p.op() == LinearAlgebra.MATMUL;
  }

  /** Counts each node's users among the nodes the Javadoc prints, and marks the forward ones. */
  private void countUses() {
    collect(List.of(program.output()), forward, false);
    List<Node> roots = new ArrayList<>();
    roots.add(program.output());
    for (Node g : program.gradients().values()) {
      if (g != null) {
        roots.add(g);
      }
    }
    if (program.tangent() != null) {
      roots.add(program.tangent());
    }
    collect(roots, new HashSet<>(), true);
  }

  private void collect(List<Node> roots, Set<Node> seen, boolean count) {
    List<Node> pending = new ArrayList<>(roots);
    seen.addAll(roots);
    while (!pending.isEmpty()) {
      Node n = pending.remove(pending.size() - 1);
      if (n instanceof Node.Apply a) {
        for (Node arg : new LinkedHashSet<>(a.args())) {
          if (count) {
            uses.merge(arg, 1, Integer::sum);
          }
          if (seen.add(arg)) {
            pending.add(arg);
          }
        }
      }
    }
  }

  /**
   * The Jacobian M when the vector-Jacobian product {@code vjp} is a matrix product printed as
   * {@code M ḡ}, factors ending in ḡ (∂f/∂x ḡ = M ḡ for every ḡ), else null.
   */
  String jacobian(Node vjp) {
    Term t = term(vjp, true);
    String text = shorten(t.full());
    if (!isMatrixProduct(t.node()) || !text.endsWith(" ḡ")
        || text.indexOf("ḡ") != text.length() - 1) {
      return null;
    }
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (depth == 0 && (c == '+' || c == '−' || c == '⊙' || c == '/' || c == '·')) {
        return null;
      }
    }
    return text.substring(0, text.length() - 2);
  }

  /** "where" lines for every named value the printed expressions used, in program order. */
  List<String> whereLines() {
    TreeMap<Integer, String> lines = new TreeMap<>();
    while (lines.size() < referenced.size()) {
      Node n = referenced.values().stream().filter(x -> !lines.containsKey(x.id())).findFirst()
          .orElseThrow();
      lines.put(n.id(), graph.variableNameOf(n) + " = " + shorten(term(n, true).full()));
    }
    // (each line once: two inlined calls of one method define their locals alike)
    return new ArrayList<>(new LinkedHashSet<>(lines.values()));
  }

  private static String shorten(String s) {
    return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH) + " …";
  }

  /** Escapes text for Javadoc (HTML) and JavaPoet. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("*/", "*&#47;").replace("@", "&#64;");
  }
}
