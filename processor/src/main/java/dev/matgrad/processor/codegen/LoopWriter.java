package dev.matgrad.processor.codegen;

import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.LoopSpec;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Regions;
import dev.matgrad.processor.ops.ControlFlow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Writes the nodes of a region in order, each loop as a Java {@code for} loop around its body:
 * the carried values live in locals (arrays in workspace buffers) declared before it and
 * assigned at the end of each iteration. A forward loop whose reverse loop reads its carried
 * values records them at the start of each iteration on a tape (a workspace buffer, one record
 * per iteration); the reverse loop runs the same indices backwards and reads the records back.
 */
final class LoopWriter {
  private final Lowering lower;
  private final Set<Node> used;
  private final Regions regions;
  /** Writes one plain node (through the lowering, unless it is fused or read as a scalar). */
  private final BiConsumer<Node.Apply, String> emitOne;

  LoopWriter(Lowering lower, Set<Node> used, Regions regions,
      BiConsumer<Node.Apply, String> emitOne) {
    this.lower = lower;
    this.used = used;
    this.regions = regions;
    this.emitOne = emitOne;
    for (Node n : lower.nodes()) {
      if (used.contains(n) && ControlFlow.isReplay(n)) {
        replayed.add(((Node.Apply) n).arg(0));
      }
    }
  }

  /** The calls that a recomputed loop nest replays (see ControlFlow#REPLAY), in order. */
  private final Set<Node> replayed = new LinkedHashSet<>();

  /** Writes the used top-level nodes that {@code include} accepts, loops with their bodies. */
  void write(List<Node> nodes, Predicate<Node> include, Map<Node, String> direct) {
    for (Node n : nodes) {
      if (used.contains(n) && n instanceof Node.Apply a && regions.loopOf(n) == null
          && include.test(n)) {
        writeNode(a, direct.get(n));
      }
    }
  }

  private void writeNode(Node.Apply a, String direct) {
    if (a.op().loop() != null) {
      writeLoop(a);
    } else if (!ControlFlow.isLoopResult(a) && !ControlFlow.isTrips(a)) {
      emitOne.accept(a, direct);
    }
  }

  private void writeLoop(Node.Apply loop) {
    LoopSpec spec = loop.op().loop();
    Emitter e = lower;
    if (regions.loopOf(loop) == null) {
      // before the loops it runs in, where its reverse loops see it too
      for (Node call : replayed) {
        if (regions.inside(call, loop)) {
          lower.declareStream(call);
        }
      }
    }
    List<String> vars = new ArrayList<>();
    for (int k = 0; k < spec.carried(); k++) {
      Node.Param p = spec.param(loop, k);
      Node init = spec.init(loop, k);
      if (p.shape().isArray() && takesStorage(loop, k)) {
        String var = lower.ref(init);
        vars.add(var);
        lower.bind(p, var);
        continue;
      }
      String var = lower.nameFor(p);
      vars.add(var);
      lower.bind(p, var);
      if (p.shape().isArray()) {
        e.add("double[] " + var + " = " + lower.newArray(e.size(p)));
        copy(var, init, e.size(p));
      } else {
        e.add((p.shape().kind() == Kind.INT ? "int " : "double ") + var + " = " + e.ref(init));
      }
    }
    String index = lower.nameFor(spec.index(loop));
    lower.bind(spec.index(loop), index);
    // The values a reverse loop reads back: recorded at the start of each iteration.
    TreeSet<Integer> carriedTaped = new TreeSet<>();
    Set<Node> bodyTaped = new LinkedHashSet<>();
    Set<Node> cursors = new LinkedHashSet<>();
    for (Node n : lower.nodes()) {
      if (!used.contains(n) || !(n instanceof Node.Apply a) || a.args().isEmpty() || a.arg(0) != loop
          && !(ControlFlow.isReplay(a) && a.arg(1) == loop)) {
        continue;
      }
      if (ControlFlow.isTapeRead(a)) {
        carriedTaped.add(a.flags());
      } else if (ControlFlow.isRecordRead(a)) {
        bodyTaped.add(a.arg(2));
      } else if (ControlFlow.isReplay(a)) {
        cursors.add(a.arg(0));
      }
    }
    Taped taped = new Taped(carriedTaped, bodyTaped, cursors);
    if (spec.conditional()) {
      writeWhile(loop, spec, vars, index, taped);
    } else {
      writeCounted(loop, spec, vars, index, taped);
    }
    for (Node n : used) {
      if (ControlFlow.isLoopResult(n) && ((Node.Apply) n).arg(0) == loop) {
        lower.bind(n, vars.get(((Node.Apply) n).flags()));
      }
    }
  }

  /**
   * What a forward loop records each iteration: carried values by slot, values of its body, and
   * where each replayed call's record stands at the iteration's start.
   */
  private record Taped(TreeSet<Integer> carried, Set<Node> body, Set<Node> cursors) {
    boolean isEmpty() {
      return carried.isEmpty() && body.isEmpty() && cursors.isEmpty();
    }
  }

  private void writeCounted(Node.Apply loop, LoopSpec spec, List<String> vars, String index,
      Taped taped) {
    Emitter e = lower;
    String start = e.ref(LoopSpec.start(loop));
    String end = e.ref(LoopSpec.end(loop));
    String step = e.ref(LoopSpec.step(loop));
    String counter = null;
    String trips = null;
    if (spec.reversed() || !taped.isEmpty()) {
      trips = lower.local("trips");
      e.add("int " + trips + " = " + tripCount(spec, start, end, step));
    }
    Tape tape = taped.isEmpty() ? null : tape(loop, spec, taped, "(" + trips + ")");
    lower.code().add("// $L\n", spec.reversed() ? "the adjoint of " + spec.header()
        + ", its indices backwards" : spec.header());
    if (spec.reversed()) {
      counter = lower.local("k");
      e.open("for (int " + counter + " = " + trips + " - 1; " + counter + " >= 0; " + counter + "--)");
      String stride = step.equals("1") ? counter : counter + " * " + step;
      e.add("int " + index + " = " + (start.equals("0") ? stride : start + " + " + stride));
    } else if (tape != null) {
      counter = lower.local("k");
      e.open("for (int " + index + " = " + start + ", " + counter + " = 0; " + index + " "
          + spec.comparison() + " " + end + "; " + update(index, step) + ", " + counter + "++)");
    } else {
      e.open("for (int " + index + " = " + start + "; " + index + " " + spec.comparison() + " "
          + end + "; " + update(index, step) + ")");
    }
    if (counter != null) {
      lower.counter(spec.index(loop), counter);
    }
    if (tape != null) {
      push(loop, spec, vars, taped.carried(), tape, counter);
      for (Node call : taped.cursors()) {
        noteCursor(tape, counter, call, lower.stream(call).cursor());
      }
    }
    if (spec.reversed()) {
      rewind(loop);
    }
    String recordAt = counter;
    writeBody(loop, n -> true, n -> {
      if (taped.body().contains(n)) {
        record(n, tape, recordAt);
      }
    });
    update(loop, spec, vars);
    e.close();
  }

  /**
   * A while loop: its index counts the iterations (after the loop, how many ran, which its
   * reverse loop reads); the condition is computed first in each iteration; the tape, if any,
   * starts small and doubles when full (a workspace keeps the grown buffer for the next call).
   */
  private void writeWhile(Node.Apply loop, LoopSpec spec, List<String> vars, String index,
      Taped taped) {
    Emitter e = lower;
    e.add("int " + index + " = 0");
    Tape tape = taped.isEmpty() ? null : tape(loop, spec, taped, "16");
    lower.code().add("// $L\n", spec.header());
    e.open("for (;; " + index + "++)");
    lower.counter(spec.index(loop), index);
    // where each replayed call's record stands before the condition runs it
    Map<Node, String> atStart = new LinkedHashMap<>();
    for (Node call : taped.cursors()) {
      String start = lower.local("start");
      e.add("int " + start + " = " + lower.stream(call).cursor());
      atStart.put(call, start);
    }
    Node condition = spec.condition(loop);
    Set<Node> test = Graph.reachable(List.of(condition));
    writeBody(loop, test::contains, n -> {});
    e.open("if (" + e.ref(condition) + " == 0)");
    e.add("break");
    e.close();
    if (tape != null) {
      lower.growWhenFull(tape.array(), tape.slot(), "(" + index + " + 1) * " + tape.width(),
          index + " * " + tape.width(), tape.width());
      push(loop, spec, vars, taped.carried(), tape, index);
      atStart.forEach((call, start) -> noteCursor(tape, index, call, start));
      // the condition's values recorded once the record has room
      for (Node n : taped.body()) {
        if (test.contains(n)) {
          record(n, tape, index);
        }
      }
    }
    writeBody(loop, n -> !test.contains(n), n -> {
      if (taped.body().contains(n)) {
        record(n, tape, index);
      }
    });
    update(loop, spec, vars);
    e.close();
    for (Node n : used) {
      if (ControlFlow.isTrips(n) && ((Node.Apply) n).arg(0) == loop) {
        lower.bind(n, index);
      }
    }
  }

  /** A forward loop's tape: {@code records} records of the taped values. */
  private Tape tape(Node.Apply loop, LoopSpec spec, Taped taped, String records) {
    StringBuilder w = new StringBuilder();
    Map<Integer, String> offsets = new LinkedHashMap<>();
    for (int k : taped.carried()) {
      offsets.put(k, w.length() == 0 ? "0" : w.toString());
      append(w, spec.param(loop, k));
    }
    Map<Node, String> bodyOffsets = new LinkedHashMap<>();
    for (Node n : taped.body()) {
      bodyOffsets.put(n, w.length() == 0 ? "0" : w.toString());
      append(w, n);
    }
    Map<Node, String> cursorOffsets = new LinkedHashMap<>();
    for (Node call : taped.cursors()) {
      cursorOffsets.put(call, w.length() == 0 ? "0" : w.toString());
      w.append(w.length() == 0 ? "1" : " + 1");
    }
    String width = lower.local("width");
    lower.add("int " + width + " = " + w);
    String array = lower.local("tape");
    int slot = lower.newSlot();
    lower.add("double[] " + array + " = " + lower.buffer(slot, records + " * " + width));
    Tape tape = new Tape(array, width, offsets, bodyOffsets, cursorOffsets, slot);
    lower.tape(loop, new Lowering.Tape(array, width, offsets, bodyOffsets, cursorOffsets));
    return tape;
  }

  /** Adds the width of value {@code n} to a record's width. */
  private void append(StringBuilder width, Node n) {
    width.append(width.length() == 0 ? "" : " + ")
        .append(n.shape().isArray() ? "(" + lower.size(n) + ")" : "1");
  }

  private record Tape(String array, String width, Map<Integer, String> offsets,
      Map<Node, String> bodyOffsets, Map<Node, String> cursorOffsets, int slot) {}

  /** Records the taped carried values at the start of iteration {@code counter}. */
  private void push(Node.Apply loop, LoopSpec spec, List<String> vars, TreeSet<Integer> taped,
      Tape tape, String counter) {
    for (int k : taped) {
      store(tape, counter + " * " + tape.width() + " + " + tape.offsets().get(k),
          spec.param(loop, k), vars.get(k));
    }
  }

  /** Writes {@code value}, of {@code n}'s shape, into the tape from position {@code at}. */
  private void store(Tape tape, String at, Node n, String value) {
    if (n.shape().isArray()) {
      String j = lower.local("j");
      lower.open(Emitter.loop(j, lower.size(n)));
      lower.add(tape.array() + "[" + at + " + " + j + "] = " + value + "[" + j + "]");
      lower.close();
    } else {
      lower.add(tape.array() + "[" + at + "] = " + value);
    }
  }

  /**
   * Writes the body's own nodes (not those of nested loops' bodies) that {@code which} takes,
   * calling {@code written} after each.
   */
  private void writeBody(Node.Apply loop, Predicate<Node> which, Consumer<Node> written) {
    for (Node n : lower.nodes()) {
      if (used.contains(n) && n instanceof Node.Apply a && regions.loopOf(n) == loop
          && regions.ownerOf(n) == null && which.test(n)) {
        writeNode(a, null);
        if (replayed.contains(n)) {
          lower.recordRun(n);
        }
        written.accept(n);
      }
    }
  }

  /**
   * At the start of an iteration of reverse loop {@code reverse}: each call it replays reads its
   * record from where the forward iteration it reverses started.
   */
  private void rewind(Node.Apply reverse) {
    Node index = reverse.op().loop().index(reverse);
    Set<Node> done = new java.util.HashSet<>();
    for (Node n : lower.nodes()) {
      if (used.contains(n) && ControlFlow.isReplay(n) && ((Node.Apply) n).arg(2) == index
          && done.add(((Node.Apply) n).arg(0))) {
        Node.Apply replay = (Node.Apply) n;
        lower.rewind(replay.arg(1), index, replay.arg(0));
      }
    }
  }

  /** Notes in iteration {@code counter}'s record where replayed call {@code call}'s record stood. */
  private void noteCursor(Tape tape, String counter, Node call, String position) {
    lower.add(tape.array() + "[" + counter + " * " + tape.width() + " + "
        + tape.cursorOffsets().get(call) + "] = " + position);
  }

  /** Records body value {@code n} in iteration {@code counter}'s record, as soon as it is computed. */
  private void record(Node n, Tape tape, String counter) {
    store(tape, counter + " * " + tape.width() + " + " + tape.bodyOffsets().get(n), n,
        lower.ref(n));
  }

  /**
   * Whether carried array {@code k} of {@code loop} can live in its initial value's storage
   * rather than a copy of it (a nested reverse loop's accumulator continuing the enclosing
   * one's): the initial value is a value the enclosing loop carries, or the result of an
   * earlier loop in the same body, in storage of its own, and nothing reads it but this loop,
   * once, as that initial value. The value is then never read after being changed.
   */
  private boolean takesStorage(Node.Apply loop, int k) {
    LoopSpec spec = loop.op().loop();
    Node init = spec.init(loop, k);
    Node.Apply enclosing = regions.loopOf(loop);
    if (enclosing == null || lower.readsAsScalar(init) || lower.isFused(init)) {
      return false;
    }
    boolean carriedOutside = init instanceof Node.Param && regions.ownerOf(init) == enclosing;
    boolean earlierLoop = init instanceof Node.Apply a && ControlFlow.isLoopResult(a)
        && regions.loopOf(a.arg(0)) == enclosing && regions.loopOf(a) == enclosing;
    if (!carriedOutside && !earlierLoop) {
      return false;
    }
    // A while loop that stops after its condition's part keeps its carried values as they were,
    // so a loop in that part must not change them.
    if (enclosing.op().loop().conditional()
        && Graph.reachable(List.of(enclosing.op().loop().condition(enclosing))).contains(loop)) {
      return false;
    }
    int reads = 0;
    for (Node n : used) {
      if (n instanceof Node.Apply a) {
        for (int i = 0; i < a.args().size(); i++) {
          // a loop's own parameter is its storage, not a read of it (read as a result, it is)
          boolean ownParam = a.op().loop() != null && a.op().loop().isOwnParam(i);
          if (a.arg(i) == init && !ownParam) {
            reads++;
          }
        }
      }
    }
    return reads == 1;
  }

  /** var = value, entry by entry for arrays (a broadcast scalar fills). */
  private void copy(String var, Node value, String size) {
    String j = lower.local("j");
    lower.open(Emitter.loop(j, size));
    lower.add(var + "[" + j + "] = " + lower.at(value, j));
    lower.close();
  }

  /**
   * The carried values after an iteration. A result that is another carried value (a swap), or
   * that was computed in place in another carried value's storage (t2 = tanh(t2) then the swap
   * t1 = t2, t2 = t1), is read into a temporary first, so that no assignment sees one made
   * before it.
   */
  private void update(Node.Apply loop, LoopSpec spec, List<String> vars) {
    Map<Integer, String> saved = new LinkedHashMap<>();
    for (int k = 0; k < spec.carried(); k++) {
      Node r = spec.result(loop, k);
      Node.Apply owner = regions.ownerOf(r);
      // (or a result computed in place in another carried value's storage, which that value's
      // own update may overwrite first)
      boolean inOtherStorage = r instanceof Node.Apply && r.shape().isArray()
          && !lower.readsAsScalar(r) && !lower.isFused(r) && vars.contains(lower.ref(r))
          && !lower.ref(r).equals(vars.get(k));
      if ((owner == loop && r != spec.param(loop, k)) || inOtherStorage) {
        String t = lower.local("previous");
        if (r.shape().isArray()) {
          lower.add("double[] " + t + " = " + lower.newArray(lower.size(r)));
          copy(t, r, lower.size(r));
        } else {
          lower.add((r.shape().kind() == Kind.INT ? "int " : "double ") + t + " = " + lower.ref(r));
        }
        saved.put(k, t);
      }
    }
    for (int k = 0; k < spec.carried(); k++) {
      Node r = spec.result(loop, k);
      Node p = spec.param(loop, k);
      if (r == p) {
        continue;
      }
      String value = saved.get(k);
      if (p.shape().isArray()) {
        if (value != null) {
          String j = lower.local("j");
          lower.open(Emitter.loop(j, lower.size(p)));
          lower.add(vars.get(k) + "[" + j + "] = " + value + "[" + j + "]");
          lower.close();
        } else if (lower.readsAsScalar(r) || lower.isFused(r) || !lower.ref(r).equals(vars.get(k))) {
          copy(vars.get(k), r, lower.size(p));
        }
      } else {
        lower.add(vars.get(k) + " = " + (value != null ? value : lower.ref(r)));
      }
    }
  }

  /**
   * The number of iterations of {@code for (i = start; i cmp end; i += step)}, in long arithmetic
   * so that no bound near the int range overflows.
   */
  private static String update(String index, String step) {
    return switch (step) {
      case "1" -> index + "++";
      case "(-1)" -> index + "--";
      default -> index + " += " + step;
    };
  }

  private static String tripCount(LoopSpec spec, String start, String end, String step) {
    if (step.equals("1") && spec.comparison().equals("<")) {
      return end + " > " + start + " ? " + (start.equals("0") ? end : end + " - " + start) + " : 0";
    }
    boolean inclusive = spec.comparison().endsWith("=");
    String from = spec.ascending() ? start : end;
    String to = spec.ascending() ? end : start;
    String stride = spec.ascending() ? "(long) " + step : "-(long) " + step;
    return from + " " + (inclusive ? "<=" : "<") + " " + to + " ? (int) (((long) " + to + " - "
        + from + (inclusive ? "" : " - 1") + ") / (" + stride + ") + 1) : 0";
  }
}
