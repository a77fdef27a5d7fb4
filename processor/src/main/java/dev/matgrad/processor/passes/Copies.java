package dev.matgrad.processor.passes;

import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Regions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** Copies of a loop's body, for the loops the derivative passes build from it. */
final class Copies {
  private Copies() {}

  /**
   * Copies every node computed inside {@code loop} (nested loops included, with fresh
   * parameters), in order, reading {@code map}'s replacements for the loop's own parameters and
   * what is outside as it is. A copy of an active node is active. Returns the copies, in order.
   */
  static List<Node> body(Graph g, Regions regions, Node.Apply loop, Map<Node, Node> map,
      Set<Node> active) {
    return body(g, regions, loop, map, active, (a, args) -> null);
  }

  /**
   * As {@link #body(Graph, Regions, Node.Apply, Map, Set)}, but a node for which {@code instead}
   * (given the node and its copied arguments) gives a node stands for it in the copy.
   */
  static List<Node> body(Graph g, Regions regions, Node.Apply loop, Map<Node, Node> map,
      Set<Node> active, BiFunction<Node.Apply, List<Node>, Node> instead) {
    List<Node> copies = new ArrayList<>();
    for (Node n : new ArrayList<>(g.nodes())) {
      if (map.containsKey(n)) {
        continue;
      }
      Node owner = regions.ownerOf(n);
      Node copy;
      if (n instanceof Node.Param p && owner != null && regions.inside(owner, loop)) {
        copy = g.param(p.name(), p.shape());
      } else if (n instanceof Node.Apply a && regions.inside(n, loop)) {
        List<Node> args = new ArrayList<>();
        for (Node arg : a.args()) {
          args.add(map.getOrDefault(arg, arg));
        }
        Node standIn = instead.apply(a, args);
        copy = standIn != null ? standIn : g.copy(a, args);
      } else {
        continue;
      }
      g.inheritNames(g, n, copy);
      map.put(n, copy);
      copies.add(copy);
      if (active.contains(n)) {
        active.add(copy);
      }
    }
    return copies;
  }

  /** The copies not inside a loop nested in the copied body: the body's own nodes. */
  static List<Node> direct(Graph g, List<Node> copies) {
    Regions regions = Regions.of(g);
    return copies.stream().filter(n -> regions.loopOf(n) == null && regions.ownerOf(n) == null)
        .toList();
  }
}
