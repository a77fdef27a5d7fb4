package dev.matgrad.processor.codegen;

import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.passes.Program;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  GradientDoc(Program program) {
    this.program = program;
    this.graph = program.graph();
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
      return number(coefficient) + " " + Notation.factorOperand(text);
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
      return new Term(1, number(c.value()), n);
    }
    Node.Apply a = (Node.Apply) n;
    // Users' locals, and the adjoints of named values (dh), are shown by name and defined below.
    String name = graph.variableNameOf(a);
    if (name != null && !top) {
      referenced.put(a.id(), a);
      return new Term(1, name, n);
    }
    // A constant factor of an elementwise product is its coefficient: 2 x, not 2 ⊙ x.
    if (a.op().isLinear() && a.op().isElementwise() && a.args().size() == 2) {
      for (int i = 0; i < 2; i++) {
        if (a.arg(i) instanceof Node.Const c && c.shape().kind() != Kind.INT) {
          Term other = term(a.arg(1 - i), false);
          return new Term(c.value() * other.coefficient(), other.text(), other.node());
        }
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
    // The rule sees the operands as printed (without their factors), to place parentheses.
    Node.Apply view = new Node.Apply(a.id(), a.op(), shown, a.flags(), a.shape(), a.origin());
    return new Term(coefficient, a.op().notation(args, view), view);
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** "where" lines for every named value the printed expressions used, in program order. */
  List<String> whereLines() {
    TreeMap<Integer, String> lines = new TreeMap<>();
    while (lines.size() < referenced.size()) {
      Node n = referenced.values().stream().filter(x -> !lines.containsKey(x.id())).findFirst()
          .orElseThrow();
      lines.put(n.id(), graph.variableNameOf(n) + " = " + shorten(term(n, true).full()));
    }
    return new ArrayList<>(lines.values());
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
