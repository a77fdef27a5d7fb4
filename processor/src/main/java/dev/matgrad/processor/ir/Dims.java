package dev.matgrad.processor.ir;

import java.util.ArrayList;
import java.util.List;

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

  public Dim create(String param, Dim.Role role) {
    Dim d = new Dim(all.size(), param, role);
    all.add(d);
    return d;
  }

  /** The representative of d's class: ONE if 1 is in it, else the parameter dimension seen first. */
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
    boolean aFirst = ra.role() == Dim.Role.ONE
        || (rb.role() != Dim.Role.ONE && ra.id() < rb.id());
    if (aFirst) {
      rb.parent = ra;
    } else {
      ra.parent = rb;
    }
  }

  public List<Check> checks() {
    return List.copyOf(checks);
  }
}
