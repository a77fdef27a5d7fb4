package dev.matgrad.processor.passes;

import dev.matgrad.processor.CompileError;
import dev.matgrad.processor.Message;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ops.Arithmetic;
import dev.matgrad.processor.ops.Reductions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse mode at the matrix level: walks the forward nodes from the output back to the
 * parameters, applying each op's adjoint rule from the op table. A value used several times
 * (fan-out) gets the sum of its contributions. Only values that depend on a wrt parameter are
 * visited, so constants cost nothing.
 */
public final class ReverseMode {
  private ReverseMode() {}

  /**
   * Adds the adjoint computation to the program's graph.
   *
   * @param seed the adjoint of the output: {@code null} for a scalar function (seeded with 1),
   *     otherwise the name of the incoming-adjoint parameter (e.g. {@code gradOut})
   */
  public static Program run(Program forward, String seed) {
    Graph g = forward.graph();
    Set<Node> active = activeNodes(forward);
    int forwardCount = g.nodes().size();
    Node seedNode = seed == null ? g.constant(1.0) : g.param(seed, forward.output().shape());
    Map<Node, List<Node>> contributions = new HashMap<>();
    Map<Node, Node> adjoints = new HashMap<>();
    if (active.contains(forward.output())) {
      contributions.put(forward.output(), new ArrayList<>(List.of(seedNode)));
    }
    // Ids are topological, so walking them downwards visits every use before its definition.
    List<Node> order = new ArrayList<>(g.nodes().subList(0, forwardCount));
    for (int k = order.size() - 1; k >= 0; k--) {
      Node n = order.get(k);
      List<Node> parts = contributions.get(n);
      if (parts == null) {
        continue;
      }
      Node adjoint = parts.get(0);
      for (int p = 1; p < parts.size(); p++) {
        adjoint = g.apply(Arithmetic.ADD, null, adjoint, parts.get(p));
      }
      String name = g.variableNameOf(n);
      if (name != null) {
        g.hint(adjoint, "d" + name);
      }
      adjoints.put(n, adjoint);
      if (!(n instanceof Node.Apply apply)) {
        continue;
      }
      for (int i = 0; i < apply.args().size(); i++) {
        if (active.contains(apply.arg(i)) && !apply.op().differentiableIn(i)) {
          throw new CompileError(apply.origin(), Message.NOT_DIFFERENTIABLE_ARGUMENT,
              apply.origin() == null ? apply.op().name() : apply.origin().source(),
              "argument " + (i + 1), dependsOn(forward, apply.arg(i)));
        }
      }
      List<Node> rule = apply.op().vjp(g, apply, adjoint);
      for (int i = 0; i < apply.args().size(); i++) {
        Node arg = apply.arg(i);
        Node part = rule.get(i);
        if (!active.contains(arg) || part == null) {
          continue;
        }
        // A scalar broadcast over an array result collects the sum of its elementwise parts.
        if (arg.shape().isScalar() && part.shape().isArray()) {
          part = g.apply(Reductions.SUM, null, part);
        }
        contributions.computeIfAbsent(arg, x -> new ArrayList<>()).add(part);
      }
    }
    Map<String, Node> gradients = new LinkedHashMap<>();
    for (Node.Param w : forward.wrt()) {
      gradients.put(w.name(), adjoints.get(w));
    }
    return forward.withGradients(seedNode, gradients);
  }

  /**
   * The nodes whose value depends on at least one wrt parameter. Ints (sizes, indices) are never
   * active: x.length depends on x's shape, not on its values.
   */
  static Set<Node> activeNodes(Program p) {
    return p.graph().dependents(p.wrt(), false);
  }

  /** The wrt parameters that {@code n} depends on, comma-separated. */
  static String dependsOn(Program p, Node n) {
    List<String> names = new ArrayList<>();
    Set<Node> below = Graph.reachable(List.of(n));
    for (Node.Param w : p.wrt()) {
      if (below.contains(w)) {
        names.add(w.name());
      }
    }
    return String.join(", ", names);
  }
}
