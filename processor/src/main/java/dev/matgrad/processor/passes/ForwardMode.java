package dev.matgrad.processor.passes;

import dev.matgrad.processor.CompileError;
import dev.matgrad.processor.Message;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.LoopSpec;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Regions;
import dev.matgrad.processor.ops.Arithmetic;
import dev.matgrad.processor.ops.ControlFlow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Forward mode at the matrix level: walks the forward nodes in program order, giving each value
 * that depends on a wrt parameter its tangent, the derivative along the directions, through each
 * op's forward rule from the op table. A direction parameter {@code dir_w} of w's shape is the
 * tangent of each wrt parameter w. A loop's tangents come from a loop that carries each value
 * with its tangent, its body a copy of the forward body with the tangents added.
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
    List<Node.Param> directions = new ArrayList<>();
    Set<Node> active = ReverseMode.activeNodes(forward);
    Regions regions = Regions.of(g);
    for (int k = 0; k < forward.wrt().size(); k++) {
      Node.Param w = forward.wrt().get(k);
      Node.Param dir = g.param(directionNames.get(k), w.shape());
      directions.add(dir);
      tangents.put(w, dir);
    }
    new Walk(forward, active, tangents).run(regions.body(null));
    return directions;
  }

  private static final class Walk {
    final Program program;
    final Graph g;
    final Set<Node> active;
    final Map<Node, Node> tangents;
    /** Each forward loop's tangent loop, and where its tangents are among the carried values. */
    final Map<Node, Node> tangentLoops = new HashMap<>();
    final Map<Node, Map<Integer, Integer>> tangentSlots = new HashMap<>();

    Walk(Program program, Set<Node> active, Map<Node, Node> tangents) {
      this.program = program;
      this.g = program.graph();
      this.active = active;
      this.tangents = tangents;
    }

    void run(List<Node> order) {
      for (Node n : order) {
        if (!(n instanceof Node.Apply a) || !active.contains(n)) {
          if (n instanceof Node.Apply loop && loop.op().loop() != null) {
            tangentLoop(loop);
          }
          continue;
        }
        if (a.shape().kind() == Kind.INT) {
          continue;
        }
        if (ControlFlow.isTapeRead(a)) {
          // What the forward loop recorded moves as that loop's tangent loop records it.
          Node loop = tangentLoops.get(a.arg(0));
          Integer slot = loop == null ? null : tangentSlots.get(a.arg(0)).get(a.flags());
          if (slot != null) {
            tangents.put(n, g.applyShapedFlagged(ControlFlow.TAPE_READ, List.of(loop, a.arg(1)),
                slot, a.shape()));
          }
          continue;
        }
        if (ControlFlow.isLoopResult(a)) {
          Node loop = tangentLoops.get(a.arg(0));
          Integer slot = loop == null ? null : tangentSlots.get(a.arg(0)).get(a.flags());
          if (slot != null) {
            tangents.put(n, ControlFlow.result(g, loop, slot, a.shape()));
          }
          continue;
        }
        List<Node> argTangents = new ArrayList<>();
        for (int i = 0; i < a.args().size(); i++) {
          Node t = tangents.get(a.arg(i));
          if (t != null && !a.op().differentiableIn(i)) {
            throw new CompileError(a.origin(), Message.NOT_DIFFERENTIABLE_ARGUMENT,
                a.origin() == null ? a.op().name() : a.origin().source(),
                "argument " + (i + 1), ReverseMode.dependsOn(program, a.arg(i)));
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
    }

    /**
     * The loop carrying each value of {@code loop} and, for the active ones, its tangent: its
     * body is a copy of the forward body with the tangents computed beside it.
     */
    void tangentLoop(Node.Apply loop) {
      LoopSpec spec = loop.op().loop();
      List<Integer> moving = new ArrayList<>();
      for (int k = 0; k < spec.carried(); k++) {
        if (active.contains(spec.param(loop, k))) {
          moving.add(k);
        }
      }
      if (moving.isEmpty()) {
        return;
      }
      Regions regions = Regions.of(g);
      Node.Param index = g.param(spec.index(loop).name(), spec.index(loop).shape());
      Map<Node, Node> copy = new HashMap<>();
      copy.put(spec.index(loop), index);
      List<Node.Param> params = new ArrayList<>();
      List<Node> inits = new ArrayList<>();
      for (int k = 0; k < spec.carried(); k++) {
        Node.Param p = spec.param(loop, k);
        Node.Param primal = g.param(p.name(), p.shape());
        copy.put(p, primal);
        params.add(primal);
        inits.add(spec.init(loop, k));
        if (active.contains(p)) {
          active.add(primal);
        }
      }
      Map<Integer, Integer> slots = new HashMap<>();
      for (int k : moving) {
        Node.Param p = spec.param(loop, k);
        Node.Param tangent = g.param("dot_" + p.name(), p.shape());
        tangents.put(copy.get(p), tangent);
        slots.put(k, params.size());
        params.add(tangent);
        Node t = tangents.get(spec.init(loop, k));
        inits.add(t != null ? t : zeros(p));
      }
      List<Node> body = Copies.body(g, regions, loop, copy, active);
      run(Copies.direct(g, body));
      List<Node> results = new ArrayList<>();
      for (int k = 0; k < spec.carried(); k++) {
        Node r = spec.result(loop, k);
        results.add(copy.getOrDefault(r, r));
      }
      for (int k : moving) {
        Node r = copy.getOrDefault(spec.result(loop, k), spec.result(loop, k));
        Node t = tangents.get(r);
        results.add(t != null ? t : zeros(spec.param(loop, k)));
      }
      Node condition = spec.conditional()
          ? copy.getOrDefault(spec.condition(loop), spec.condition(loop)) : null;
      Node tangentLoop = g.apply(ControlFlow.loop(spec.carrying(params.size())), loop.origin(), 0,
          LoopSpec.args(LoopSpec.start(loop), LoopSpec.end(loop), LoopSpec.step(loop), inits,
              results, index, params, condition));
      tangentLoops.put(loop, tangentLoop);
      tangentSlots.put(loop, slots);
    }

    Node zeros(Node like) {
      return Arithmetic.zeros(g, like);
    }
  }
}
