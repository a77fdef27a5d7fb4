package dev.matgrad.processor.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Union-find over symbolic dimensions. Every equality an op's shape rule needs between two
 * different parameter dimensions is recorded as a {@link Check} that the generated code performs
 * before it writes anything.
 */
public final class Dims {
  /** A run-time requirement {@code left == right}, needed by the expression {@code context}. */
  public record Check(Dim left, Dim right, String context) {}

  private final List<Dim> all = new ArrayList<>();
  private final List<Check> checks = new ArrayList<>();
  private final Dim one;
  /** Sums and products already made, by their operands' representatives. */
  private final Map<List<Object>, Dim> composites = new HashMap<>();

  public Dims() {
    one = create(null, Dim.Role.ONE);
  }

  public Dim one() {
    return one;
  }

  private final java.util.Map<String, Dim> named = new java.util.HashMap<>();

  /** The dimension an int parameter's value or an int constant gives (one per parameter or value). */
  public Dim sized(String paramOrValue, Dim.Role role) {
    return named.computeIfAbsent(role + " " + paramOrValue, k -> create(paramOrValue, role));
  }

  private final Map<String, Dim> returned = new HashMap<>();

  /**
   * The size {@code shown} of a call's result, e.g. {@code firstK(x, k).length}: the same
   * dimension for every copy of that call (its arguments are the method's own, so the text names
   * one call).
   */
  public Dim returned(String shown) {
    return returned.computeIfAbsent(shown, k -> create(shown, Dim.Role.RETURNED));
  }

  public Dim create(String param, Dim.Role role) {
    Dim d = new Dim(all.size(), param, role);
    all.add(d);
    return d;
  }

  /** a + b (the length of concat(a, b), the columns of hstack(A, B)). */
  public Dim sum(Dim a, Dim b) {
    return composite(Dim.Role.SUM, a, b);
  }

  /** a · b (the rows and columns of kron(A, B)); a product with 1 is the other factor. */
  public Dim product(Dim a, Dim b) {
    if (find(a) == one) {
      return b;
    }
    return find(b) == one ? a : composite(Dim.Role.PRODUCT, a, b);
  }

  private Dim composite(Dim.Role role, Dim a, Dim b) {
    return composites.computeIfAbsent(List.of(role, find(a), find(b)), k -> {
      Dim d = new Dim(all.size(), null, role, a, b);
      all.add(d);
      return d;
    });
  }

  /**
   * The representative of d's class: ONE if 1 is in it, else the parameter dimension seen first,
   * else (a class of sums and products only) the one made first.
   */
  public Dim find(Dim d) {
    Dim root = d;
    while (root.parent != root) {
      root = root.parent;
    }
    while (d.parent != root) {
      Dim next = d.parent;
      d.parent = root;
      d = next;
    }
    return root;
  }

  /** Requires a == b; if not already known, records a check for the generated code. */
  public void unify(Dim a, Dim b, String context) {
    Dim ra = find(a);
    Dim rb = find(b);
    if (ra == rb) {
      return;
    }
    checks.add(new Check(ra, rb, context));
    boolean aFirst = rank(ra) < rank(rb) || (rank(ra) == rank(rb) && ra.id() < rb.id());
    if (aFirst) {
      rb.parent = ra;
    } else {
      ra.parent = rb;
    }
  }

  private static int rank(Dim d) {
    return d.role() == Dim.Role.ONE ? 0 : d.isComposite() ? 3 : d.role() == Dim.Role.RETURNED ? 2 : 1;
  }

  public List<Check> checks() {
    return List.copyOf(checks);
  }
}
