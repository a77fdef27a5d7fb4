package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.LoopSpec;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Conditions, choices and loops. A condition is an int, 0 or 1, and is never differentiated. A
 * branch is a choice between the values each side computes ({@link #SELECT}); a loop is a region
 * (see {@link LoopSpec}) whose derivatives the reverse- and forward-mode passes build as loops.
 */
public final class ControlFlow {
  private ControlFlow() {}

  /** {@code c ? a : b} for a condition c, elementwise when a and b are arrays. */
  public static final Op SELECT = Op.builder("SELECT", Op.Category.ELEMENTWISE)
      .shape((g, args, flags, origin) -> Rules.elementwiseShape(g, args.subList(1, 3), origin, true))
      .formula((e, a) -> "(" + a[0] + " != 0 ? " + a[1] + " : " + a[2] + ")")
      .notation((a, n) -> "(" + a[0] + " ? " + a[1] + " : " + a[2] + ")")
      // The side not taken gets exactly 0, whatever the other side's value (an ∞ stays out).
      .vjp((g, n, grad) -> Arrays.asList(null,
          select(g, n.arg(0), grad, zero(g, grad)), select(g, n.arg(0), zero(g, grad), grad)))
      .jvp((g, n, t) -> t.get(1) == null && t.get(2) == null ? null
          : select(g, n.arg(0), t.get(1) == null ? zero(g, t.get(2)) : t.get(1),
              t.get(2) == null ? zero(g, t.get(1)) : t.get(2)))
      .keepsInts()
      .constantArgs(0)
      .build();

  public static Node select(Graph g, Node condition, Node a, Node b) {
    return g.apply(SELECT, null, condition, a, b);
  }

  /** Whether n is exactly zero: the constant 0 or its broadcast. */
  private static boolean isZero(Node n) {
    if (Rules.isConstant(n, 0.0)) {
      return true;
    }
    return n instanceof Node.Apply a && a.op() == Arithmetic.BROADCAST && Rules.isConstant(a.arg(0), 0.0);
  }

  /**
   * A part of a vjp whose adjoint a branch chooses (SELECT(c, ḡ, 0), SELECT(c, 0, ḡ), nested for
   * else-if chains), chosen the same way: exactly 0 where the adjoint is (the part is linear in
   * it), whatever NaN or ∞ the side not taken computed for its partial derivatives there. The
   * part itself where the adjoint is not chosen, where the part is the adjoint (a sum's), and for
   * a sparse part (an element read's, which multiplies by nothing).
   */
  public static Node chosenLike(Graph g, Node adjoint, Node part) {
    Node taken = takenWhen(g, adjoint);
    if (taken == null || part == adjoint || part instanceof Node.Const
        || (part instanceof Node.Apply p && (p.op().addsInto() != null
            || (p.op() == SELECT && p.arg(0) == taken)))) {
      return part;
    }
    return select(g, taken, part, zero(g, part));
  }

  /** The condition outside which a chosen adjoint is exactly 0, or null if it is not chosen. */
  private static Node takenWhen(Graph g, Node adjoint) {
    if (!(adjoint instanceof Node.Apply s) || s.op() != SELECT || !s.arg(0).shape().isScalar()) {
      return null;
    }
    boolean zeroWhenFalse = isZero(s.arg(2));
    if (zeroWhenFalse == isZero(s.arg(1))) {
      return null;
    }
    Node here = zeroWhenFalse ? s.arg(0) : g.apply(NOT, null, s.arg(0));
    Node inner = takenWhen(g, zeroWhenFalse ? s.arg(1) : s.arg(2));
    return inner == null || inner == here ? here : g.apply(AND, null, here, inner);
  }

  private static Node zero(Graph g, Node like) {
    return like.shape().isScalar() ? g.constant(0.0) : Rules.zerosLike(g, like);
  }

  /** A comparison of ints or doubles, as Java evaluates it (NaN compares false but for !=). */
  public static Op comparison(String operator) {
    return switch (operator) {
      case "<" -> LESS;
      case "<=" -> LESS_EQUAL;
      case ">" -> GREATER;
      case ">=" -> GREATER_EQUAL;
      case "==" -> EQUAL;
      case "!=" -> NOT_EQUAL;
      default -> throw new IllegalArgumentException(operator);
    };
  }

  public static final Op LESS = compare("LESS", "<");
  public static final Op LESS_EQUAL = compare("LESS_EQUAL", "<=");
  public static final Op GREATER = compare("GREATER", ">");
  public static final Op GREATER_EQUAL = compare("GREATER_EQUAL", ">=");
  public static final Op EQUAL = compare("EQUAL", "==");
  public static final Op NOT_EQUAL = compare("NOT_EQUAL", "!=");

  private static Op compare(String name, String operator) {
    return Op.builder(name, Op.Category.OTHER)
        .shape((g, args, flags, origin) -> Shape.integer(g.dims()))
        .lower((e, n) -> e.add(e.declare(n) + " = " + e.ref(n.arg(0)) + " " + operator + " "
            + e.ref(n.arg(1)) + " ? 1 : 0"))
        .notation((a, n) -> "[" + a[0] + " " + operator + " " + a[1] + "]")
        .build();
  }

  /** a && b on conditions (b is computed either way: what may throw in it is guarded). */
  public static final Op AND = logical("AND", "&&");

  public static final Op OR = logical("OR", "||");

  private static Op logical(String name, String operator) {
    return Op.builder(name, Op.Category.OTHER)
        .shape((g, args, flags, origin) -> Shape.integer(g.dims()))
        .lower((e, n) -> e.add(e.declare(n) + " = " + e.ref(n.arg(0)) + " != 0 " + operator + " "
            + e.ref(n.arg(1)) + " != 0 ? 1 : 0"))
        .notation((a, n) -> a[0] + " " + operator + " " + a[1])
        .build();
  }

  public static final Op NOT = Op.builder("NOT", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> Shape.integer(g.dims()))
      .lower((e, n) -> e.add(e.declare(n) + " = " + e.ref(n.arg(0)) + " != 0 ? 0 : 1"))
      .notation((a, n) -> "!" + a[0])
      .build();

  /** A new loop op; each loop node has its own (loops are never shared). */
  public static Op loop(LoopSpec spec) {
    return Op.builder(spec.reversed() ? "REVERSE_LOOP" : "LOOP", Op.Category.OTHER)
        .shape((g, args, flags, origin) -> Shape.integer(g.dims()))
        .lower((e, n) -> {
          throw new IllegalStateException("a loop is written by the code generator");
        })
        .notation((a, n) -> {
          // A reverse loop shows the adjoints it starts from (what makes two of them differ).
          List<String> seeds = new java.util.ArrayList<>();
          for (int k = 0; spec.reversed() && k < spec.carried(); k++) {
            if (!isZero(n.arg(LoopSpec.initArgument(k)))) {
              seeds.add(spec.param(n, k).name() + " = " + a[LoopSpec.initArgument(k)]);
            }
          }
          return spec.header() + (seeds.isEmpty() ? "" : " from " + String.join(", ", seeds));
        })
        .loop(spec)
        .build();
  }

  /**
   * The value carried k (the flags) of a loop, after its last iteration. Its notation names the
   * value and its loop, {@code s after for (int i = 0; i < n; i++)}; a reverse loop's,
   * {@code dx by the reverse of for (…)}; an adjoint a loop accumulates as it runs,
   * {@code dx accumulated in for (…)}: the loop's body is in the "where" lines.
   */
  public static final Op LOOP_RESULT = Op.builder("LOOP_RESULT", Op.Category.OTHER)
      .lower((e, n) -> {
        throw new IllegalStateException("a loop's result is bound by the code generator");
      })
      .notation((a, n) -> {
        Node.Apply loop = (Node.Apply) n.arg(0);
        LoopSpec spec = loop.op().loop();
        String carried = spec.param(loop, n.flags()).name();
        // (in parentheses where it names what it starts from, so that a sum of two reads as one)
        if (spec.accumulates(n.flags())) {
          return "(" + carried + " accumulated in " + spec.header() + ")";
        }
        return spec.reversed() ? (a[0].equals(spec.header()) ? "" : "(") + carried
            + " by the reverse of " + a[0] + (a[0].equals(spec.header()) ? "" : ")")
            : carried + " after " + spec.header();
      })
      .build();

  public static Node result(Graph g, Node loop, int k, Shape shape) {
    return g.applyShapedFlagged(LOOP_RESULT, List.of(loop), k, shape);
  }

  /** How many iterations a while loop (argument 0) ran: its reverse loop runs as many. */
  public static final Op TRIPS = Op.builder("TRIPS", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> Shape.integer(g.dims()))
      .lower((e, n) -> {
        throw new IllegalStateException("a while loop's trip count is bound by the code generator");
      })
      .notation((a, n) -> "trips(" + a[0] + ")")
      .build();

  public static Node trips(Graph g, Node loop) {
    return g.apply(TRIPS, null, 0, List.of(loop));
  }

  /** Whether n counts the iterations of the while loop n.arg(0). */
  public static boolean isTrips(Node n) {
    return n instanceof Node.Apply a && a.op() == TRIPS;
  }

  /**
   * In a reverse loop, the value carried k (the flags) of a forward loop (argument 0) at the start
   * of the same iteration (argument 1 is the reverse loop's index): the forward loop records it.
   */
  public static final Op TAPE_READ = Op.builder("TAPE_READ", Op.Category.OTHER)
      .lower((e, n) -> e.readTape(n))
      .notation((a, n) -> "tape(" + a[0] + ")")
      .build();

  /**
   * In a reverse loop, the value a node of a forward loop's body (argument 2) had in the same
   * iteration (argument 0 is the loop, argument 1 the reverse loop's index): the forward loop
   * records it, for a value that is read back rather than recomputed (Op#runsOnce).
   */
  public static final Op RECORD_READ = Op.builder("RECORD_READ", Op.Category.OTHER)
      .lower((e, n) -> e.readTape(n))
      .notation((a, n) -> "recorded(" + a[2] + ")")
      .readsRecordOf(2)
      .build();

  /** The value {@code value} of {@code loop}'s body had in the iteration {@code index} reverses. */
  public static Node recordRead(Graph g, Node loop, Node index, Node value) {
    return g.applyShapedFlagged(RECORD_READ, List.of(loop, index, value), 0, value.shape());
  }

  /**
   * In a copy of a loop nest that a reverse loop recomputes, the value a call that runs once
   * (argument 0, Op#runsOnce) returned in the same forward iteration: what the call recorded as
   * it ran, read from the position the forward loop (argument 1) noted at the start of the
   * iteration the reverse loop's index (argument 2) reverses, in the order the call ran. The
   * other arguments are the copied call's, which place the read where the call would be and give
   * its adjoint through the call's rule (see {@link #asCall}).
   */
  public static final Op REPLAY = Op.builder("REPLAY", Op.Category.OTHER)
      .lower((e, n) -> e.replay(n))
      .notation((a, n) -> "replayed(" + a[0] + ")")
      .readsRecordOf(0)
      .runsOnce()
      .build();

  /** A replay of {@code call} with copied arguments {@code args} (see {@link #REPLAY}). */
  public static Node replay(Graph g, Node.Apply call, Node loop, Node index, List<Node> args) {
    List<Node> all = new java.util.ArrayList<>(List.of(call, loop, index));
    all.addAll(args);
    return g.applyShapedFlagged(REPLAY, all, 0, call.shape());
  }

  /** Whether n replays what a call recorded (see {@link #REPLAY}). */
  public static boolean isReplay(Node n) {
    return n instanceof Node.Apply a && a.op() == REPLAY;
  }

  /**
   * The call that node {@code n} runs or replays, with arguments {@code args} (n's own, or their
   * copies; a replay's after its first three): the node whose rule gives n's adjoint.
   */
  public static Node.Apply asCall(Graph g, Node.Apply n, List<Node> args) {
    return isReplay(n) ? (Node.Apply) g.copy((Node.Apply) n.arg(0), args.subList(3, args.size()))
        : (Node.Apply) g.copy(n, args);
  }

  /** The call a node that runs once runs or replays. */
  public static Node.Apply callOf(Node.Apply n) {
    return isReplay(n) ? (Node.Apply) n.arg(0) : n;
  }

  /** {@link #ADD_AT}'s flag: the value is subtracted. */
  public static final int SUBTRACTS = 1;

  /**
   * acc with v added at flat index i: {@code acc[i] += v} (a one-hot added in), into acc's own
   * storage where nothing else reads acc (an accumulator a loop carries), else into a copy. With
   * flags {@link #SUBTRACTS}, acc with v subtracted there ({@code acc[i] -= v}): the adjoint of
   * {@code x[i] - y[j]} read by j adds −ḡ, and simplifying folds that negation in.
   */
  public static final Op ADD_AT = Op.builder("ADD_AT", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> args.get(0).shape())
      .lower((e, n) -> {
        if (!e.writesInPlace(n)) {
          String j = e.fresh("j");
          e.open(dev.matgrad.processor.ir.Emitter.loop(j, e.size(n)));
          e.add(e.ref(n) + "[" + j + "] = " + e.at(n.arg(0), j));
          e.close();
        }
        String write = e.ref(n) + "[" + e.ref(n.arg(2)) + "] " + (n.flags() == SUBTRACTS ? "-=" : "+=")
            + " " + e.ref(n.arg(1));
        if (n.args().size() > 3) {
          e.open("if (" + e.ref(n.arg(3)) + " != 0)");
          e.add(write);
          e.close();
        } else {
          e.add(write);
        }
      })
      .notation((a, n) -> a[0] + (n.flags() == SUBTRACTS ? " − " : " + ") + Notation.paren(a[1])
          + " e_" + a[2])
      .vjp((g, n, grad) -> {
        Node entry = g.apply(Elements.ELEMENT, null, 0,
            n.args().size() > 3 ? List.of(grad, n.arg(2), n.arg(3)) : List.of(grad, n.arg(2)));
        return Arrays.asList(grad,
            n.flags() == SUBTRACTS ? g.apply(Arithmetic.NEG, null, entry) : entry, null, null);
      })
      .jvp((g, n, t) -> {
        if (t.get(0) == null && t.get(1) == null) {
          return null;
        }
        List<Node> args = new java.util.ArrayList<>(n.args());
        args.set(0, t.get(0) != null ? t.get(0) : Rules.zerosLike(g, n));
        args.set(1, t.get(1) != null ? t.get(1) : g.constant(0.0));
        return g.apply(ControlFlow.ADD_AT, null, n.flags(), args);
      })
      .rewrite((r, n, args, flags) -> {
        // acc + (−v) e_i is acc − v e_i
        if (args.get(1) instanceof Node.Apply negated && negated.op() == Arithmetic.NEG) {
          List<Node> folded = new java.util.ArrayList<>(args);
          folded.set(1, negated.arg(0));
          return r.graph().apply(ControlFlow.ADD_AT, null, flags ^ SUBTRACTS, folded);
        }
        return null;
      })
      .writesInto()
      .constantArgs(2, 3)
      .build();

  /** Whether n reads carried value n.flags() of the loop n.arg(0) after the loop. */
  public static boolean isLoopResult(Node n) {
    return n instanceof Node.Apply a && a.op() == LOOP_RESULT;
  }

  /** Whether n reads, in a reverse loop, what the forward loop n.arg(0) recorded. */
  public static boolean isTapeRead(Node n) {
    return n instanceof Node.Apply a && a.op() == TAPE_READ;
  }

  /** Whether n reads, in a reverse loop, the value n.arg(2) of the forward loop n.arg(0)'s body. */
  public static boolean isRecordRead(Node n) {
    return n instanceof Node.Apply a && a.op() == RECORD_READ;
  }
}
