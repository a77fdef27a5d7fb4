package dev.matgrad.processor.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each node of a graph lives: at the top of the method or in the body of a loop. A node is
 * in the innermost loop whose parameters (index or carried values) it is computed from; anything
 * else is computed outside, once (a loop-invariant value is hoisted). Loops nest the same way: a
 * loop is in the body of the innermost loop its node reads from.
 */
public final class Regions {
  private final Map<Node, Node.Apply> ownerOfParam = new HashMap<>();
  private final Map<Node, Set<Node.Apply>> free = new HashMap<>();
  private final Map<Node.Apply, Integer> depth = new HashMap<>();
  private final Map<Node, Node.Apply> region = new HashMap<>();
  private final List<Node> order;

  private Regions(List<Node> nodes) {
    this.order = List.copyOf(nodes);
    for (Node n : nodes) {
      if (n instanceof Node.Apply a && a.op().loop() != null) {
        for (int i = 0; i < a.args().size(); i++) {
          if (a.op().loop().isOwnParam(i)) {
            ownerOfParam.put(a.arg(i), a);
          }
        }
      }
    }
    for (Node n : nodes) {
      Set<Node.Apply> loops = new LinkedHashSet<>();
      if (n instanceof Node.Param && ownerOfParam.containsKey(n)) {
        loops.add(ownerOfParam.get(n));
      } else if (n instanceof Node.Apply a) {
        for (int i = 0; i < a.args().size(); i++) {
          if (a.op().readsRecordOf(i)) {
            continue; // read from the loop's record, after the loop
          }
          Set<Node.Apply> f = free.get(a.arg(i));
          if (f != null) {
            loops.addAll(f);
          }
        }
        loops.remove(a);
      }
      free.put(n, loops);
    }
    for (Node n : nodes) {
      region.put(n, innermost(free.get(n)));
    }
  }

  public static Regions of(Graph g) {
    return new Regions(g.nodes());
  }

  /** The loops a nodes of {@code nodes} (in topological order) live in. */
  public static Regions of(List<Node> nodes) {
    return new Regions(nodes);
  }

  private int depthOf(Node.Apply loop) {
    Integer d = depth.get(loop);
    if (d == null) {
      d = 1;
      for (Node.Apply outer : free.get(loop)) {
        d = Math.max(d, 1 + depthOf(outer));
      }
      depth.put(loop, d);
    }
    return d;
  }

  private Node.Apply innermost(Set<Node.Apply> loops) {
    Node.Apply best = null;
    for (Node.Apply l : loops) {
      if (best == null || depthOf(l) > depthOf(best)) {
        best = l;
      }
    }
    return best;
  }

  /** The innermost loop whose body n is in, or null at the top of the method. */
  public Node.Apply loopOf(Node n) {
    return region.get(n);
  }

  /** The loop n is a parameter of (index or carried value), or null. */
  public Node.Apply ownerOf(Node n) {
    return ownerOfParam.get(n);
  }

  /** Whether n is computed inside {@code loop}'s body, directly or in a nested loop. */
  public boolean inside(Node n, Node.Apply loop) {
    Set<Node.Apply> f = free.get(n);
    if (f == null) {
      return false;
    }
    for (Node.Apply l : f) {
      if (l == loop || (l != n && inside(l, loop))) {
        return true;
      }
    }
    return false;
  }

  /** The nodes directly in {@code loop}'s body (null: at the top), in order. */
  public List<Node> body(Node.Apply loop) {
    List<Node> out = new ArrayList<>();
    for (Node n : order) {
      if (region.get(n) == loop && (loop == null || ownerOfParam.get(n) != loop)) {
        out.add(n);
      }
    }
    return out;
  }
}
