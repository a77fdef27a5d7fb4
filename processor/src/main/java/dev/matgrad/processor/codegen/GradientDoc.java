package dev.matgrad.processor.codegen;

import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.passes.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Prints a program's derivative in matrix notation for the generated Javadoc, e.g.
 * {@code ∇_x f = 2 A (Aᵀ x)}. Values the user named (locals) appear by name, with a "where"
 * line giving their definition; everything else is written out.
 */
final class GradientDoc {
  private static final int MAX_LENGTH = 600;

  private final Program program;
  private final Graph graph;
  private final TreeMap<Integer, Node> referenced = new TreeMap<>();

  GradientDoc(Program program) {
    this.program = program;
    this.graph = program.graph();
  }

  /** The notation of n; user-named intermediates are referenced by name. */
  String print(Node n) {
    return shorten(expression(n, true));
  }

  private String expression(Node n, boolean top) {
    if (n instanceof Node.Param p) {
      return p == program.seed() ? "ḡ" : p.name();
    }
    if (n instanceof Node.Const c) {
      double v = c.value();
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
    Node.Apply a = (Node.Apply) n;
    String name = graph.nameOf(a);
    if (name != null && !top) {
      referenced.put(a.id(), a);
      return name;
    }
    String[] args = new String[a.args().size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = expression(a.arg(i), false);
    }
    return a.op().notation(args, a);
  }

  /** "where" lines for every named local the printed expressions used, in program order. */
  List<String> whereLines() {
    List<String> lines = new ArrayList<>();
    java.util.Set<Integer> done = new java.util.HashSet<>();
    while (true) {
      Integer next = referenced.keySet().stream().filter(id -> !done.contains(id)).findFirst()
          .orElse(null);
      if (next == null) {
        break;
      }
      done.add(next);
      Node n = referenced.get(next);
      lines.add(graph.nameOf(n) + " = " + shorten(expression(n, true)));
    }
    lines.sort(null);
    return lines;
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
