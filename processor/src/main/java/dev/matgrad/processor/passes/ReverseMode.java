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
import dev.matgrad.processor.ops.Reductions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse mode at the matrix level: walks the forward nodes from the output back to the
 * parameters, applying each op's adjoint rule from the op table. A value used several times
 * (fan-out) gets the sum of its contributions. Only values that depend on a wrt parameter are
 * visited, so constants cost nothing.
 *
 * <p>A loop is reversed by a loop running its indices backwards. Its body is the adjoint of a
 * copy of the forward body: the copy recomputes, from the index and from what the forward loop
 * recorded on its tape (the carried values at the start of each iteration, only those the
 * adjoint reads), the forward values the adjoint rules need. The reverse loop carries the
 * adjoints of the carried values backwards and accumulates the adjoints of the values the body
 * reads from outside (an element read adds into one entry, O(1)). An accumulator loop (each
 * carried value with an adjoint updated as s + terms not reading it) is not reversed: the loop
 * that replaces it accumulates its adjoint as it runs (see {@code Walk#preaccumulate}).
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
    Regions regions = Regions.of(g);
    Node seedNode = seed == null ? g.constant(1.0) : g.param(seed, forward.output().shape());
    Map<Node, Node> replaced = new HashMap<>();
    Walk top = new Walk(forward, active, new HashSet<>(regions.body(null)), false, replaced);
    if (active.contains(forward.output())) {
      top.contribute(forward.output(), seedNode);
    }
    top.run(regions.body(null));
    Map<String, Node> gradients = new LinkedHashMap<>();
    for (Node.Param w : forward.wrt()) {
      gradients.put(w.name(), top.adjoints.get(w));
    }
    // The loops that preaccumulated their adjoints compute the forward values too.
    return Replacements.apply(forward.withGradients(seedNode, gradients), replaced);
  }

  /** The reverse sweep over the nodes of one region (the method, or a loop body's copy). */
  private static final class Walk {
    final Program program;
    final Graph g;
    final Set<Node> active;
    /** The nodes of this region: contributions to anything else are accumulated for the caller. */
    final Set<Node> local;
    final Map<Node, List<Node>> contributions = new HashMap<>();
    final Map<Node, List<Node>> captured = new LinkedHashMap<>();
    final Map<Node, Node> adjoints = new HashMap<>();
    /** For each loop whose results have adjoints: the adjoint of each result. */
    final Map<Node, Map<Integer, Node>> loopSeeds = new HashMap<>();
    /**
     * In a reverse loop's body (null at the top): the loop's accumulator parameter for each value
     * read from outside the body, made when first needed.
     */
    final Map<Node, Node.Param> accumulators;
    /**
     * The accumulators that nested reverse loops have added into so far: a nested loop starts
     * from the running total instead of zeros, so that its own accumulator takes the enclosing
     * one's storage and no array of the size of the outside value is zeroed and added each
     * iteration.
     */
    final Map<Node, Node> running = new HashMap<>();
    /** Each loop that preaccumulated its adjoint, and the loop that replaces it. */
    final Map<Node, Node> replaced;
    /** In a reverse loop's body: each value read back from the forward loop's record, and the node whose rule its adjoint goes through. */
    final Map<Node, Node.Apply> readBack = new HashMap<>();

    Walk(Program program, Set<Node> active, Set<Node> local, boolean loopBody,
        Map<Node, Node> replaced) {
      this.program = program;
      this.replaced = replaced;
      this.g = program.graph();
      this.active = active;
      this.local = local;
      this.accumulators = loopBody ? new LinkedHashMap<>() : null;
    }

    /** The accumulator of outside value {@code c} in this loop body's walk. */
    Node.Param accumulator(Node c) {
      return accumulators.computeIfAbsent(c, x -> {
        String name = g.variableNameOf(x);
        return g.param(name == null ? "acc" : "d" + name, x.shape());
      });
    }

    /** Whether a nested reverse loop's accumulator of {@code c} continues this walk's total. */
    boolean threads(Node c) {
      return accumulators != null && !local.contains(c);
    }

    void contribute(Node target, Node part) {
      // A scalar broadcast over an array result collects the sum of its elementwise parts.
      if (target.shape().isScalar() && part.shape().isArray()) {
        part = g.apply(Reductions.SUM, null, part);
      }
      (local.contains(target) ? contributions : captured)
          .computeIfAbsent(target, x -> new ArrayList<>()).add(part);
    }

    void run(List<Node> order) {
      // Ids are topological, so walking them downwards visits every use before its definition.
      for (int k = order.size() - 1; k >= 0; k--) {
        Node n = order.get(k);
        if (n instanceof Node.Apply loop && loop.op().loop() != null) {
          Map<Integer, Node> seeds = loopSeeds.get(loop);
          if (seeds != null) {
            reverseLoop(loop, seeds);
          }
          continue;
        }
        List<Node> parts = contributions.get(n);
        if (parts == null) {
          continue;
        }
        Node adjoint = sum(parts);
        String name = g.variableNameOf(n);
        if (name != null) {
          g.hint(adjoint, "d" + name);
        }
        adjoints.put(n, adjoint);
        if (!(n instanceof Node.Apply apply)) {
          continue;
        }
        if (ControlFlow.isLoopResult(apply)) {
          loopSeeds.computeIfAbsent(apply.arg(0), x -> new HashMap<>()).put(apply.flags(), adjoint);
          continue;
        }
        if (ControlFlow.isTapeRead(apply)) {
          continue;
        }
        // a value read back or replayed takes its adjoint from the call's rule
        apply = readBack.containsKey(apply) ? readBack.get(apply)
            : ControlFlow.isReplay(apply) ? ControlFlow.asCall(g, apply, apply.args()) : apply;
        for (int i = 0; i < apply.args().size(); i++) {
          if (active.contains(apply.arg(i)) && !apply.op().differentiableIn(i)
              && apply.op().userCall() != null) {
            var call = apply.op().userCall();
            String parameter = call.parameterNames().get(i);
            String on = dependsOn(program, apply.arg(i));
            if (on.isEmpty()) {
              // through a loop's carried values, which reachability does not follow
              on = String.join(", ", program.wrt().stream().map(Node.Param::name).toList());
            }
            throw new CompileError(apply.origin(), Message.CUSTOM_VJP_NOT_WRT,
                apply.origin() == null ? call.shown() : apply.origin().source(), parameter,
                call.shown(), on, parameter, call.shown(), parameter);
          }
          if (active.contains(apply.arg(i)) && !apply.op().differentiableIn(i)) {
            throw new CompileError(apply.origin(), Message.NOT_DIFFERENTIABLE_ARGUMENT,
                apply.origin() == null ? apply.op().name() : apply.origin().source(),
                "argument " + (i + 1), dependsOn(program, apply.arg(i)));
          }
        }
        List<Node> rule = apply.op().vjp(g, apply, adjoint);
        for (int i = 0; i < apply.args().size(); i++) {
          Node arg = apply.arg(i);
          Node part = rule.get(i);
          if (active.contains(arg) && part != null) {
            // (on a branch's side, the part is 0 where the branch is not taken)
            contribute(arg, ControlFlow.chosenLike(g, adjoint, part));
          }
        }
      }
    }

    /**
     * The sum of an adjoint's contributions. A sparse one (one entry, as an element read's) is
     * added into the others in place rather than filled into an array and added.
     */
    Node sum(List<Node> parts) {
      List<Node> ordered = new ArrayList<>();
      for (Node p : parts) {
        if (sparse(p)) {
          ordered.add(p);
        } else {
          ordered.add(0, p);
        }
      }
      Node total = ordered.get(0);
      for (int p = 1; p < ordered.size(); p++) {
        total = add(total, ordered.get(p));
      }
      return total;
    }

    private static boolean sparse(Node n) {
      return n instanceof Node.Apply a && a.op().addsInto() != null;
    }

    /** total + part; a sparse part is added into total (in place where nothing else reads it). */
    Node add(Node total, Node part) {
      if (sparse(part)) {
        List<Node> args = new ArrayList<>(List.of(total));
        args.addAll(((Node.Apply) part).args());
        return g.apply(((Node.Apply) part).op().addsInto(), null, 0, args);
      }
      return g.apply(Arithmetic.ADD, null, total, part);
    }

    /**
     * The reverse loop of {@code loop}, given the adjoints of its results: contributes the
     * adjoints of its initial values and of what its body reads from outside.
     */
    void reverseLoop(Node.Apply loop, Map<Integer, Node> seeds) {
      if (preaccumulate(loop, seeds)) {
        return;
      }
      LoopSpec spec = loop.op().loop();
      Regions regions = Regions.of(g);
      Node.Param index = g.param(spec.index(loop).name(), spec.index(loop).shape());
      Map<Node, Node> copy = new HashMap<>();
      copy.put(spec.index(loop), index);
      List<Integer> carried = new ArrayList<>();
      Map<Integer, Node> tapeReads = new HashMap<>();
      Set<Integer> useful = usefulSlots(loop, seeds);
      for (int k = 0; k < spec.carried(); k++) {
        Node.Param p = spec.param(loop, k);
        Node read = g.applyShapedFlagged(ControlFlow.TAPE_READ, List.of(loop, index), k,
            p.shape());
        g.inheritNames(g, p, read);
        copy.put(p, read);
        tapeReads.put(k, read);
        if (active.contains(p) && useful.contains(k)) {
          carried.add(k);
          active.add(read);
        }
      }
      // What runs once (a user's method) is not run again: directly in the body, its value is
      // read back from the forward loop's record, and its adjoint is its rule applied to the
      // copied arguments; in a loop nested in the body, which the copy runs again, each run
      // replays the next value it recorded.
      Map<Node, Node.Apply> readBack = new HashMap<>();
      List<Node> body = Copies.body(g, regions, loop, copy, active, (a, args) -> {
        if (!a.op().runsOnce()) {
          return null;
        }
        if (regions.loopOf(a) != loop) {
          List<Node> callArgs = ControlFlow.isReplay(a) ? args.subList(3, args.size()) : args;
          return ControlFlow.replay(g, ControlFlow.callOf(a), loop, index, callArgs);
        }
        Node read = ControlFlow.recordRead(g, loop, index, a);
        readBack.put(read, ControlFlow.asCall(g, a, args));
        return read;
      });
      Set<Node> bodyLocal = new HashSet<>(body);
      bodyLocal.addAll(tapeReads.values());
      Walk inner = new Walk(program, active, bodyLocal, true, replaced);
      inner.readBack.putAll(readBack);
      List<Node.Param> params = new ArrayList<>();
      List<Node> inits = new ArrayList<>();
      for (int k : carried) {
        Node.Param p = spec.param(loop, k);
        String name = g.variableNameOf(p);
        Node.Param adjoint = g.param((name == null ? "carried" : "d" + name), p.shape());
        params.add(adjoint);
        Node seed = seeds.get(k);
        inits.add(seed != null ? seed : zeros(p));
        Node result = copy.getOrDefault(spec.result(loop, k), spec.result(loop, k));
        if (active.contains(result)) {
          inner.contribute(result, adjoint);
        }
      }
      List<Node> ordered = new ArrayList<>(tapeReads.values());
      ordered.addAll(Copies.direct(g, body));
      inner.run(ordered);
      List<Node> results = new ArrayList<>();
      for (int k : carried) {
        Node a = inner.adjoints.get(tapeReads.get(k));
        results.add(a != null ? a : zeros(spec.param(loop, k)));
      }
      List<Node> outside = accumulate(inner, true, params, inits, results);
      LoopSpec reversed = new LoopSpec(params.size(), spec.comparison(), true, spec.header());
      // A while loop's reverse runs its recorded number of iterations, indices 0.. backwards.
      Node end = spec.conditional() ? ControlFlow.trips(g, loop) : LoopSpec.end(loop);
      Node reverse = g.apply(ControlFlow.loop(reversed), loop.origin(), 0, LoopSpec.args(
          LoopSpec.start(loop), end, LoopSpec.step(loop), inits, results, index, params));
      int slot = 0;
      for (int k : carried) {
        Node init = spec.init(loop, k);
        Node adjoint = ControlFlow.result(g, reverse, slot++, init.shape());
        if (active.contains(init)) {
          contribute(init, adjoint);
        }
      }
      for (Node c : outside) {
        Node result = ControlFlow.result(g, reverse, slot++, c.shape());
        if (threads(c)) {
          running.put(c, result);
        } else {
          contribute(c, result);
        }
      }
    }

    /**
     * The adjoints of values a loop body's walk {@code inner} read from outside the body,
     * accumulated over the iterations: a carried accumulator each (its parameter, initial value
     * and value after an iteration appended to the lists), those nested loops added into first
     * (their running totals), then the rest. Where {@code continueTotals}, an accumulator starts
     * from this walk's running total of the value (an enclosing loop's), else from zeros.
     * Returns the outside values, in the order of their accumulators.
     */
    private List<Node> accumulate(Walk inner, boolean continueTotals, List<Node.Param> params,
        List<Node> inits, List<Node> results) {
      Set<Node> outsideSet = new LinkedHashSet<>(inner.accumulators.keySet());
      outsideSet.addAll(inner.captured.keySet());
      List<Node> outside = new ArrayList<>(outsideSet);
      for (Node c : outside) {
        Node.Param acc = inner.accumulator(c);
        params.add(acc);
        inits.add(continueTotals && threads(c) ? running.getOrDefault(c, accumulator(c)) : zeros(c));
        Node total = inner.running.getOrDefault(c, acc);
        for (Node part : inner.captured.getOrDefault(c, List.of())) {
          total = add(total, part);
        }
        results.add(total);
      }
      return outside;
    }

    /**
     * Preaccumulates an accumulator loop. When every carried value with an adjoint is updated as
     * p + terms (or p − terms, on either side of a branch, or by an inner loop that continues the
     * sum), where the terms read no carried value, the adjoint of p is the same in every
     * iteration: its seed. The forward loop then also runs its body's adjoint from that seed and
     * adds what it gives the values it reads from outside into accumulators it carries: there is
     * no reverse loop, no tape and no recomputed body (the way a hand-written adjoint accumulates
     * value and gradient in one pass). A seed computed from the loop's own result (ds = 1 / s for
     * log(s)) is not known while the loop runs: with one carried value, its body's adjoint starts
     * from 1 and the accumulators are scaled by the seed afterwards. Returns false, replacing
     * nothing (the nodes it built are left unused), where the loop is not of that form.
     */
    boolean preaccumulate(Node.Apply loop, Map<Integer, Node> seeds) {
      LoopSpec spec = loop.op().loop();
      if (spec.conditional() || spec.reversed() || !usefulSlots(loop, seeds).equals(seeds.keySet())) {
        return false;
      }
      Map<Node, Integer> uses = usesOutsideLoopHeaders();
      Set<Node> carried = activeParams(loop);
      for (int k : seeds.keySet()) {
        Node.Param p = spec.param(loop, k);
        if (p.shape().kind() != Kind.SCALAR
            || !plusTerms(spec.result(loop, k), p, carried, uses)) {
          return false;
        }
      }
      boolean seedsKnown = seeds.values().stream().noneMatch(s -> reaches(s, loop));
      if (!seedsKnown && seeds.size() != 1) {
        return false;
      }
      // One seed at the top of the method scales the accumulated adjoint once, afterwards, where
      // the derivation shows it; in a loop's body a known seed is used as the body runs, so that
      // the accumulators continue the enclosing loop's totals.
      Node only = seeds.size() == 1 ? seeds.values().iterator().next() : null;
      boolean scaled = !seedsKnown || (only != null && accumulators == null
          && !(only instanceof Node.Const c && c.value() == 1.0));
      boolean seeded = !scaled;
      Regions regions = Regions.of(g);
      Node.Param index = g.param(spec.index(loop).name(), spec.index(loop).shape());
      Map<Node, Node> copy = new HashMap<>();
      copy.put(spec.index(loop), index);
      List<Node.Param> params = new ArrayList<>();
      for (int k = 0; k < spec.carried(); k++) {
        Node.Param p = spec.param(loop, k);
        Node.Param fresh = g.param(p.name(), p.shape());
        g.inheritNames(g, p, fresh);
        copy.put(p, fresh);
        params.add(fresh);
        if (active.contains(p)) {
          active.add(fresh);
        }
      }
      List<Node> body = Copies.body(g, regions, loop, copy, active);
      Set<Node> bodyLocal = new HashSet<>(body);
      bodyLocal.addAll(params);
      Walk inner = new Walk(program, active, bodyLocal, true, replaced);
      List<Node> inits = new ArrayList<>();
      List<Node> results = new ArrayList<>();
      for (int k = 0; k < spec.carried(); k++) {
        inits.add(spec.init(loop, k));
        results.add(copy.getOrDefault(spec.result(loop, k), spec.result(loop, k)));
        if (seeds.containsKey(k)) {
          inner.contribute(results.get(k), seeded ? seeds.get(k) : g.constant(1.0));
        }
      }
      inner.run(Copies.direct(g, body));
      // (a total scaled afterwards starts from zero)
      List<Node> outside = accumulate(inner, seeded, params, inits, results);
      Node fused = g.apply(ControlFlow.loop(spec.accumulating(params.size() - spec.carried())), loop.origin(), 0,
          LoopSpec.args(LoopSpec.start(loop), LoopSpec.end(loop), LoopSpec.step(loop), inits,
              results, index, params));
      if (reaches(fused, loop)) {
        // what it reads (a seed, a running total) is computed from this loop's forward values:
        // replacing the loop by one reading them would be circular
        return false;
      }
      replaced.put(loop, fused);
      for (int k : seeds.keySet()) {
        if (active.contains(spec.init(loop, k))) {
          contribute(spec.init(loop, k), seeds.get(k));
        }
      }
      Node scale = seeded ? null : only;
      int slot = spec.carried();
      for (Node c : outside) {
        Node total = ControlFlow.result(g, fused, slot++, c.shape());
        if (scale != null) {
          total = g.apply(Arithmetic.SAFE_MUL, null, scale, total);
        }
        if (threads(c)) {
          running.put(c, scale == null ? total
              : add(running.getOrDefault(c, accumulator(c)), total));
        } else {
          contribute(c, total);
        }
      }
      return true;
    }

    /**
     * Whether {@code n} is {@code p} plus terms that read none of {@code carried}, with p and
     * every value in between read only on the way to n: then n's adjoint is p's.
     */
    boolean plusTerms(Node n, Node p, Set<Node> carried, Map<Node, Integer> uses) {
      Map<Node, Integer> links = new HashMap<>();
      if (!chain(n, p, carried, links)) {
        return false;
      }
      links.put(p, links.getOrDefault(p, 0));
      for (Map.Entry<Node, Integer> link : links.entrySet()) {
        if (link.getKey() != n && !link.getValue().equals(uses.getOrDefault(link.getKey(), 0))) {
          return false;
        }
      }
      return true;
    }

    /** Follows n down to p, counting in {@code links} how often each value is read on the way. */
    private boolean chain(Node n, Node p, Set<Node> carried, Map<Node, Integer> links) {
      if (n == p) {
        return true;
      }
      if (!(n instanceof Node.Apply a) || !active.contains(n)) {
        return false;
      }
      if (a.op() == Arithmetic.ADD || a.op() == Arithmetic.SUB) {
        boolean first = reads(a.arg(0), Set.of(p));
        boolean second = reads(a.arg(1), Set.of(p));
        if (first == second || (second && a.op() == Arithmetic.SUB)) {
          return false;
        }
        Node link = first ? a.arg(0) : a.arg(1);
        links.merge(link, 1, Integer::sum);
        return !reads(first ? a.arg(1) : a.arg(0), carried) && chain(link, p, carried, links);
      }
      if (a.op() == ControlFlow.SELECT) {
        links.merge(a.arg(1), 1, Integer::sum);
        links.merge(a.arg(2), 1, Integer::sum);
        return !reads(a.arg(0), carried) && chain(a.arg(1), p, carried, links)
            && chain(a.arg(2), p, carried, links);
      }
      if (ControlFlow.isLoopResult(a)) {
        Node.Apply inner = (Node.Apply) a.arg(0);
        LoopSpec spec = inner.op().loop();
        int k = a.flags();
        if (spec.conditional() || spec.reversed()) {
          return false;
        }
        links.merge(inner, 1, Integer::sum);
        links.merge(spec.init(inner, k), 1, Integer::sum);
        links.merge(spec.result(inner, k), 0, Integer::sum);
        Set<Node> within = new HashSet<>(carried);
        within.addAll(activeParams(inner));
        Node.Param q = spec.param(inner, k);
        links.merge(q, 0, Integer::sum);
        return chain(spec.init(inner, k), p, carried, links)
            && chain(spec.result(inner, k), q, within, links);
      }
      return false;
    }

    /**
     * Whether {@code n} is computed from {@code target}, reading each replaced loop as the loop
     * that replaces it.
     */
    private boolean reaches(Node n, Node target) {
      Set<Node> seen = new HashSet<>();
      java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
      todo.push(n);
      while (!todo.isEmpty()) {
        Node m = todo.pop();
        if (m == target) {
          return true;
        }
        if (seen.add(m)) {
          if (replaced.containsKey(m)) {
            todo.push(replaced.get(m));
          }
          if (m instanceof Node.Apply a) {
            a.args().forEach(todo::push);
          }
        }
      }
      return false;
    }

    /** Whether n is computed from any of {@code params}. */
    private static boolean reads(Node n, Set<Node> params) {
      Set<Node> below = Graph.reachable(List.of(n));
      return params.stream().anyMatch(below::contains);
    }

    /** The carried values of {@code loop} that depend on a wrt parameter. */
    private Set<Node> activeParams(Node.Apply loop) {
      LoopSpec spec = loop.op().loop();
      Set<Node> params = new HashSet<>();
      for (int k = 0; k < spec.carried(); k++) {
        if (active.contains(spec.param(loop, k))) {
          params.add(spec.param(loop, k));
        }
      }
      return params;
    }

    /**
     * How many times each node is read, a loop's reads of its own parameters and body results
     * not counted (the loop itself is not a use of what it carries).
     */
    private Map<Node, Integer> usesOutsideLoopHeaders() {
      Map<Node, Integer> uses = new HashMap<>();
      for (Node n : g.nodes()) {
        if (n instanceof Node.Apply a) {
          LoopSpec spec = a.op().loop();
          for (int i = 0; i < a.args().size(); i++) {
            if (spec == null || !(spec.isOwnParam(i) || spec.isResult(i))) {
              uses.merge(a.arg(i), 1, Integer::sum);
            }
          }
        }
      }
      return uses;
    }

    /**
     * The carried values whose adjoint can be non-zero: those read after the loop (a seed), and
     * those their values after an iteration are computed from. A value carried for nothing (its
     * adjoint identically zero) gets no reverse sweep, so no 0 · ∞ of its overflowed forward
     * values can reach the others' adjoints.
     */
    Set<Integer> usefulSlots(Node.Apply loop, Map<Integer, Node> seeds) {
      LoopSpec spec = loop.op().loop();
      Set<Integer> useful = new HashSet<>(seeds.keySet());
      boolean grew = true;
      while (grew) {
        grew = false;
        for (int k : List.copyOf(useful)) {
          Set<Node> below = Graph.reachable(List.of(spec.result(loop, k)));
          for (int j = 0; j < spec.carried(); j++) {
            if (!useful.contains(j) && below.contains(spec.param(loop, j))) {
              useful.add(j);
              grew = true;
            }
          }
        }
      }
      return useful;
    }

    Node zeros(Node like) {
      return Arithmetic.zeros(g, like);
    }
  }

  /**
   * The nodes whose value depends on at least one wrt parameter. Ints (sizes, indices,
   * conditions) are never active: x.length depends on x's shape, not on its values. A value a
   * loop carries is active if its initial value or its value after an iteration is.
   */
  static Set<Node> activeNodes(Program p) {
    return activeNodes(p.graph(), p.wrt(), false);
  }

  /**
   * The nodes computed from {@code wrt}, a loop's values slot by slot (a value it carries is
   * computed from wrt if its initial value or its value after an iteration is); ints only where
   * {@code throughInts} (a size depends on an array's shape, not its values).
   */
  static Set<Node> activeNodes(Graph g, List<? extends Node> wrt, boolean throughInts) {
    Set<Node> sources = new HashSet<>(wrt);
    while (true) {
      Set<Node> active = new HashSet<>();
      for (Node n : g.nodes()) {
        if (sources.contains(n)) {
          active.add(n);
        } else if (n instanceof Node.Apply a && (throughInts || a.shape().kind() != Kind.INT)) {
          if (ControlFlow.isLoopResult(a) || ControlFlow.isTapeRead(a)) {
            // a loop's value after it, or as its reverse loop reads it back
            Node.Apply loop = (Node.Apply) a.arg(0);
            if (sources.contains(loop.op().loop().param(loop, a.flags()))) {
              active.add(n);
            }
          } else if (a.args().stream().anyMatch(active::contains)) {
            active.add(n);
          }
        }
      }
      boolean changed = false;
      for (Node n : g.nodes()) {
        if (n instanceof Node.Apply loop && loop.op().loop() != null) {
          LoopSpec spec = loop.op().loop();
          for (int k = 0; k < spec.carried(); k++) {
            Node.Param param = spec.param(loop, k);
            if ((throughInts || param.shape().kind() != Kind.INT) && !sources.contains(param)
                && (active.contains(spec.init(loop, k)) || active.contains(spec.result(loop, k)))) {
              sources.add(param);
              changed = true;
            }
          }
        }
      }
      if (!changed) {
        return active;
      }
    }
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
