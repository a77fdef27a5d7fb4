package dev.matgrad.processor.passes;

import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The program with some nodes replaced by others that compute the same values (a loop by the
 * loop that also accumulates its adjoint), rewritten into a fresh graph: every node that reads a
 * replaced one reads its replacement. A replacement may have been built after the nodes that read
 * the original, so each node is written after what it reads, in the original order otherwise.
 */
final class Replacements {
  private Replacements() {}

  static Program apply(Program p, Map<Node, Node> replaced) {
    if (replaced.isEmpty()) {
      return p;
    }
    return new Copy(p.graph(), replaced).program(p);
  }

  private static final class Copy {
    final Graph from;
    final Graph to;
    final Map<Node, Node> replaced;
    final Map<Node, Node> mapped = new HashMap<>();

    Copy(Graph from, Map<Node, Node> replaced) {
      this.from = from;
      this.to = new Graph(from.dims());
      this.replaced = replaced;
    }

    /** What n stands for: its replacement, the replacement's, and so on. */
    Node resolved(Node n) {
      Node r = n;
      while (replaced.containsKey(r)) {
        r = replaced.get(r);
      }
      return r;
    }

    Program program(Program p) {
      for (Node n : needed(p.roots())) {
        copy(n);
      }
      List<Node.Param> params = p.params().stream().map(x -> (Node.Param) mapped.get(x)).toList();
      List<Node.Param> wrt = p.wrt().stream().map(x -> (Node.Param) mapped.get(x)).toList();
      Map<String, Node> gradients = new LinkedHashMap<>();
      p.gradients().forEach((k, v) -> gradients.put(k, v == null ? null : copy(v)));
      List<Node.Param> directions =
          p.directions().stream().map(x -> (Node.Param) mapped.get(x)).toList();
      return new Program(p.source(), to, params, wrt, copy(p.output()),
          p.seed() == null ? null : copy(p.seed()), gradients, directions,
          p.tangent() == null ? null : copy(p.tangent()));
    }

    /** What the roots are computed from, through the replacements, in the original order. */
    List<Node> needed(List<Node> roots) {
      java.util.Set<Node> seen = new java.util.HashSet<>();
      Deque<Node> todo = new ArrayDeque<>();
      for (Node root : roots) {
        if (root != null) {
          todo.push(resolved(root));
        }
      }
      while (!todo.isEmpty()) {
        Node n = todo.pop();
        if (seen.add(n) && n instanceof Node.Apply a) {
          a.args().forEach(arg -> todo.push(resolved(arg)));
        }
      }
      return from.nodes().stream().filter(seen::contains).toList();
    }

    /** The copy of n, its arguments copied first (without recursion: bodies can be long). */
    Node copy(Node root) {
      Deque<Node> todo = new ArrayDeque<>();
      todo.push(resolved(root));
      while (!todo.isEmpty()) {
        Node n = todo.peek();
        if (mapped.containsKey(n)) {
          todo.pop();
          continue;
        }
        boolean ready = true;
        if (n instanceof Node.Apply a) {
          // pushed in reverse so that arguments are copied in their order
          for (int i = a.args().size() - 1; i >= 0; i--) {
            Node arg = resolved(a.arg(i));
            if (!mapped.containsKey(arg)) {
              todo.push(arg);
              ready = false;
            }
          }
        }
        if (!ready) {
          continue;
        }
        todo.pop();
        Node m;
        if (n instanceof Node.Apply a) {
          List<Node> args = new ArrayList<>();
          for (Node arg : a.args()) {
            args.add(mapped.get(resolved(arg)));
          }
          m = to.copy(a, args);
        } else {
          m = to.copyLeaf(from, n);
        }
        to.inheritNames(from, n, m);
        mapped.put(n, m);
      }
      return mapped.get(resolved(root));
    }
  }
}
