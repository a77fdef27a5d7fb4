package dev.matgrad.processor.passes;

import dev.matgrad.processor.CompileError;
import dev.matgrad.processor.Message;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ops.Arithmetic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Forward mode at the matrix level: walks the forward nodes in program order, giving each value
 * that depends on a wrt parameter its tangent, the derivative along the directions, through each
 * op's forward rule from the op table. A direction parameter {@code dir_w} of w's shape is the
 * tangent of each wrt parameter w.
 */
public final class ForwardMode {
  private ForwardMode() {}

  /** Adds the tangent computation to the program's graph. */
  public static Program run(Program forward, List<String> directionNames) {
    Map<Node, Node> tangents = new HashMap<>();
    List<Node.Param> directions = tangents(forward, directionNames, tangents);
    return forward.withTangent(directions, tangents.get(forward.output()));
  }

  /**
   * Forward over reverse: the tangents of a reverse-mode program's gradients along the
   * directions, i.e. Hessian-vector products. The result's gradients are those tangents.
   */
  public static Program overGradients(Program reverse, List<String> directionNames) {
    Map<Node, Node> tangents = new HashMap<>();
    List<Node.Param> directions = tangents(reverse, directionNames, tangents);
    Map<String, Node> hvps = new java.util.LinkedHashMap<>();
    reverse.gradients().forEach((w, grad) -> hvps.put(w, grad == null ? null : tangents.get(grad)));
    return reverse.withGradients(reverse.seed(), hvps)
        .withTangent(directions, tangents.get(reverse.output()));
  }

  private static List<Node.Param> tangents(Program forward, List<String> directionNames,
      Map<Node, Node> tangents) {
    Graph g = forward.graph();
    int forwardCount = g.nodes().size();
    List<Node.Param> directions = new ArrayList<>();
    for (int k = 0; k < forward.wrt().size(); k++) {
      Node.Param w = forward.wrt().get(k);
      Node.Param dir = g.param(directionNames.get(k), w.shape());
      directions.add(dir);
      tangents.put(w, dir);
    }
    Set<Node> active = ReverseMode.activeNodes(forward);
    for (Node n : new ArrayList<>(g.nodes().subList(0, forwardCount))) {
      if (!(n instanceof Node.Apply a) || !active.contains(n) || a.shape().kind() == Kind.INT) {
        continue;
      }
      List<Node> argTangents = new ArrayList<>();
      for (int i = 0; i < a.args().size(); i++) {
        Node t = tangents.get(a.arg(i));
        if (t != null && !a.op().differentiableIn(i)) {
          throw new CompileError(a.origin(), Message.NOT_DIFFERENTIABLE_ARGUMENT,
              a.origin() == null ? a.op().name() : a.origin().source(),
              "argument " + (i + 1), ReverseMode.dependsOn(forward, a.arg(i)));
        }
        argTangents.add(t);
      }
      Node t = a.op().jvp(g, a, argTangents);
      if (t != null && t.shape().isScalar() && a.shape().isArray()) {
        // A scalar's tangent spread over an array result (x + s with only s moving).
        t = g.broadcast(Arithmetic.BROADCAST, t, a.shape());
      }
      if (t != null) {
        String name = g.variableNameOf(n);
        if (name != null) {
          g.hint(t, "dot_" + name);
        }
        tangents.put(n, t);
      }
    }
    return directions;
  }
}
