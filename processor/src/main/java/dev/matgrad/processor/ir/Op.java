package dev.matgrad.processor.ir;

import dev.matgrad.processor.ast.Origin;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;

/**
 * A primitive of the matrix-level IR. Each op declares, as separate parts (the way JAX registers
 * a primitive's JVP, transpose and lowering): its identity and the Java overloads that denote it,
 * its shape rule, its derivative rules, its lowering to loops, its matrix notation, and the
 * properties passes ask about (elementwise, linear, accumulating). Passes never match ops by
 * name: they ask these.
 *
 * <p>Derivative rules build IR from other ops, never Java text, so every derivative can itself
 * be simplified and differentiated again. Each op has a vector-Jacobian rule ({@link VjpRule},
 * reverse mode) and a Jacobian-vector rule ({@link JvpRule}, forward mode); the table (in
 * {@code dev.matgrad.processor.ops}) builds both rules of an elementwise op from its partial
 * derivatives, stated once.
 */
public final class Op {

  /** The shape of the result, recording any dimension equalities the op needs. */
  @FunctionalInterface
  public interface ShapeRule {
    Shape apply(Graph g, List<Node> args, int flags, Origin origin);
  }

  /**
   * Reverse mode: one contribution per argument to its adjoint, built in {@code g} from the node,
   * its arguments and the adjoint {@code grad} of its result; null where the argument is not
   * differentiable. A scalar argument broadcast over an array result may receive an array: the
   * reverse-mode pass sums it.
   */
  @FunctionalInterface
  public interface VjpRule {
    List<Node> apply(Graph g, Node.Apply n, Node grad);
  }

  /**
   * Forward mode: the tangent of the result from the tangents of the arguments (null for an
   * argument that does not depend on the differentiated inputs).
   */
  @FunctionalInterface
  public interface JvpRule {
    Node apply(Graph g, Node.Apply n, List<Node> tangents);
  }

  /**
   * The partial derivatives ∂y/∂a_k of an elementwise op as IR (null where a_k has none): y's
   * derivative is Σ_k ȧ_k ⊙ ∂y/∂a_k, entry by entry.
   */
  @FunctionalInterface
  public interface PartialsRule {
    List<Node> apply(Graph g, Node.Apply n);
  }

  /** Writes the loops computing {@code n} through the emitter. */
  @FunctionalInterface
  public interface Lowering {
    void emit(Emitter e, Node.Apply n);
  }

  /** The Java expression of one element of an elementwise op, from its arguments' elements. */
  @FunctionalInterface
  public interface Formula {
    String apply(Emitter e, String[] args);
  }

  /** The matrix notation of {@code n} given its arguments' notation. */
  @FunctionalInterface
  public interface NotationRule {
    String print(String[] args, Node.Apply n);
  }

  /**
   * An algebraic rewrite of a node whose arguments were already rewritten ({@code args}, in the
   * new graph): returns the replacement, or null to keep the op.
   */
  @FunctionalInterface
  public interface Rewrite {
    Node apply(Rewriter r, Node.Apply n, List<Node> args, int flags);
  }

  /** What a rewrite may ask of the simplifier. */
  public interface Rewriter {
    /** The graph being built. */
    Graph graph();

    /** How many needed nodes read {@code original} (a node of the graph being rewritten). */
    int uses(Node original);
  }

  /** How an op's arguments relate to its result's shape. */
  public enum Category {
    /** Same-shape arrays, scalars broadcast, one formula per element. */
    ELEMENTWISE,
    /** Sums an array to a scalar. */
    REDUCTION,
    OTHER
  }

  private final String name;
  private final Category category;
  private final List<Signature> signatures;
  private final ShapeRule shapeRule;
  private final VjpRule vjp;
  private final JvpRule jvp;
  private final PartialsRule partials;
  private final boolean zeroSafePartials;
  private final Lowering lowering;
  private final Formula formula;
  private final int[] repeatedArgs;
  private final NotationRule notation;
  private final Rewrite rewrite;
  private final DoubleBinaryOperator fold;
  private final boolean keepsInts;
  private final boolean linear;
  private final boolean accumulates;
  private final boolean spreadsScalar;
  private final int[] constantArgs;
  private final Double scaleFactor;
  private final LoopSpec loop;
  private final boolean writesInto;
  private final boolean runsOnce;
  private final int readsRecordOf;
  private final Op addsInto;
  private final java.util.function.Predicate<Node.Apply> mayThrow;
  private final Map<Integer, java.util.function.BiFunction<Graph, Node, Node>> standIns;
  private final UserCall userCall;
  private final Lowering atEntry;

  /**
   * The op calls a user's method that has a {@code @CustomVjp} rule: its name as shown in
   * messages ({@code Model.clip}) and its parameters' names, for the errors about its arguments.
   */
  public record UserCall(String shown, List<String> parameterNames, String owner) {}

  private Op(Builder b) {
    this.name = b.name;
    this.category = b.category;
    this.signatures = b.signatures.stream().map(Signature::parse).toList();
    this.shapeRule = b.shapeRule;
    this.vjp = b.vjp;
    this.jvp = b.jvp;
    this.partials = b.partials;
    this.zeroSafePartials = b.zeroSafePartials;
    this.lowering = b.lowering;
    this.formula = b.formula;
    this.repeatedArgs = b.repeatedArgs;
    this.notation = b.notation;
    this.rewrite = b.rewrite;
    this.fold = b.fold;
    this.keepsInts = b.keepsInts;
    this.linear = b.linear;
    this.accumulates = b.accumulates;
    this.spreadsScalar = b.spreadsScalar;
    this.constantArgs = b.constantArgs;
    this.scaleFactor = b.scaleFactor;
    this.loop = b.loop;
    this.writesInto = b.writesInto;
    this.runsOnce = b.runsOnce;
    this.readsRecordOf = b.readsRecordOf;
    this.addsInto = b.addsInto;
    this.mayThrow = b.mayThrow;
    this.standIns = Map.copyOf(b.standIns);
    this.userCall = b.userCall;
    this.atEntry = b.atEntry;
  }

  /** Starts an op of the given category. */
  public static Builder builder(String name, Category category) {
    return new Builder(name, category);
  }

  /** Builds one op; each setter is one part of its entry in the table. */
  public static final class Builder {
    private final String name;
    private final Category category;
    private final List<String> signatures = new ArrayList<>();
    private ShapeRule shapeRule;
    private VjpRule vjp;
    private JvpRule jvp;
    private PartialsRule partials;
    private boolean zeroSafePartials;
    private Lowering lowering;
    private Formula formula;
    private int[] repeatedArgs = new int[0];
    private NotationRule notation;
    private Rewrite rewrite;
    private DoubleBinaryOperator fold;
    private boolean keepsInts;
    private boolean linear;
    private boolean accumulates;
    private boolean spreadsScalar;
    private int[] constantArgs = new int[0];
    private Double scaleFactor;
    private LoopSpec loop;
    private boolean writesInto;
    private boolean runsOnce;
    private int readsRecordOf = -1;
    private Op addsInto;
    private java.util.function.Predicate<Node.Apply> mayThrow = n -> false;
    private final Map<Integer, java.util.function.BiFunction<Graph, Node, Node>> standIns =
        new java.util.HashMap<>();
    private UserCall userCall;
    private Lowering atEntry;

    private Builder(String name, Category category) {
      this.name = name;
      this.category = category;
    }

    /** The Java overloads that denote the op, e.g. {@code "exp(double[])"}, {@code "Math.exp(double)"}. */
    public Builder signatures(String... javaOverloads) {
      signatures.addAll(Arrays.asList(javaOverloads));
      return this;
    }

    public Builder shape(ShapeRule rule) {
      this.shapeRule = rule;
      return this;
    }

    public Builder vjp(VjpRule rule) {
      this.vjp = rule;
      return this;
    }

    public Builder jvp(JvpRule rule) {
      this.jvp = rule;
      return this;
    }

    /**
     * The partial derivatives of an elementwise op, from which its derivative rules were built;
     * with {@code zeroSafe}, a zero tangent times an infinite partial counts as 0 (see
     * {@link #zeroSafePartials()}).
     */
    public Builder partials(boolean zeroSafe, PartialsRule rule) {
      this.partials = rule;
      this.zeroSafePartials = zeroSafe;
      return this;
    }

    public Builder lower(Lowering rule) {
      this.lowering = rule;
      return this;
    }

    /** The per-element Java expression; {@code repeated} lists arguments it reads more than once. */
    public Builder formula(Formula rule, int... repeated) {
      this.formula = rule;
      this.repeatedArgs = repeated.clone();
      return this;
    }

    public Builder notation(NotationRule rule) {
      this.notation = rule;
      return this;
    }

    public Builder rewrite(Rewrite rule) {
      this.rewrite = rule;
      return this;
    }

    /** The op on two (or, ignoring the second, one) double constants, for constant folding. */
    public Builder fold(DoubleBinaryOperator scalar) {
      this.fold = scalar;
      return this;
    }

    /** Int operands give an int (Java's + − * / % on ints). */
    public Builder keepsInts() {
      this.keepsInts = true;
      return this;
    }

    /** Linear in each argument: a scalar factor of an argument can be written in front. */
    public Builder linear() {
      this.linear = true;
      return this;
    }

    /** A reduction that reads each element of its argument once, so the argument can be fused. */
    public Builder accumulates() {
      this.accumulates = true;
      return this;
    }

    /** A scalar spread over an array shape: elementwise readers read the scalar itself. */
    public Builder spreadsScalar() {
      this.spreadsScalar = true;
      return this;
    }

    /**
     * Arguments the op is not differentiable in (an exponent of a p-norm, an index): one that
     * depends on a differentiated parameter is a compile error.
     */
    public Builder constantArgs(int... indices) {
      this.constantArgs = indices.clone();
      return this;
    }

    /** The op multiplies its one argument by this constant (negation: −1), for the notation. */
    public Builder scalesBy(double factor) {
      this.scaleFactor = factor;
      return this;
    }

    /** A counted loop (its body is the sub-graph between its parameters and results). */
    public Builder loop(LoopSpec spec) {
      this.loop = spec;
      return this;
    }

    /**
     * The result is the first argument with some entries replaced: the code generator writes it
     * into the argument's storage where nothing reads the argument afterwards.
     */
    public Builder writesInto() {
      this.writesInto = true;
      return this;
    }

    /**
     * The op runs code with effects of its own (a user's method, which may count, log or draw):
     * it runs as often as the user's code runs it, so a reverse loop does not recompute it but
     * reads back the value its forward loop recorded.
     */
    public Builder runsOnce() {
      this.runsOnce = true;
      return this;
    }

    /**
     * Argument {@code arg} is a value computed in a forward loop's body, of which the node reads
     * the record that loop keeps, not the value itself: the node is not placed in that loop.
     */
    public Builder readsRecordOf(int arg) {
      this.readsRecordOf = arg;
      return this;
    }

    /**
     * {@code acc + this} is {@code scatter(acc, this op's arguments...)}: a sparse array (one
     * non-zero entry) added into an accumulator without being filled in (O(1), not O(n)).
     */
    public Builder addsInto(Op scatter) {
      this.addsInto = scatter;
      return this;
    }

    /**
     * The lowering may throw at run time (an index out of range, a division of ints by zero, a
     * singular matrix) for the nodes the predicate accepts: such a node is not computed for a
     * branch not taken.
     */
    public Builder mayThrow(java.util.function.Predicate<Node.Apply> when) {
      this.mayThrow = when;
      return this;
    }

    public Builder mayThrow() {
      return mayThrow(n -> true);
    }

    /**
     * In a branch, where the branch is not taken, argument {@code arg} is replaced by the value
     * {@code standIn} builds from it (the identity for a matrix to factor, index 0 for a row),
     * with which the op cannot throw: the branch's nodes are computed either way and chosen
     * afterwards. An op that may throw and has stand-ins for the arguments that make it throw
     * may be written in a branch.
     */
    public Builder standIn(int arg, java.util.function.BiFunction<Graph, Node, Node> standIn) {
      this.standIns.put(arg, standIn);
      return this;
    }

    /**
     * The op runs a user's method (or its {@code @CustomVjp} rule), which has no forward-mode
     * rule: a program with such an op gets no fJvp (see {@link #userCall()}).
     */
    public Builder callsUserMethod(UserCall call) {
      this.userCall = call;
      return this;
    }

    /**
     * Code the generated method runs at its start for each node of this op, before its shape
     * checks: a call whose result's size only the call itself tells (see Dim.Role#RETURNED).
     */
    public Builder atEntry(Lowering rule) {
      this.atEntry = rule;
      return this;
    }

    public Op build() {
      return new Op(this);
    }
  }

  // ---- properties -------------------------------------------------------------------------------

  public String name() {
    return name;
  }

  public boolean isElementwise() {
    return category == Category.ELEMENTWISE;
  }

  public boolean isReduction() {
    return category == Category.REDUCTION;
  }

  /** Whether elementwise readers of this op read a scalar (the op spreads one over a shape). */
  public boolean spreadsScalar() {
    return spreadsScalar;
  }

  /**
   * Whether a use of this op can be computed inside its consumer's loop, as an expression of its
   * arguments' elements.
   */
  public boolean isFusible() {
    return category == Category.ELEMENTWISE && lowering == null && formula != null && !spreadsScalar;
  }

  /** Whether this op is a reduction whose argument can be fused into its loop. */
  public boolean accumulates() {
    return accumulates;
  }

  /** Whether the op is linear in each of its arguments (a scalar factor moves to the front). */
  public boolean isLinear() {
    return linear;
  }

  /** Whether this elementwise op keeps int arithmetic on int operands. */
  public boolean keepsInts() {
    return keepsInts;
  }

  /** True for ops whose shape is given by the caller (broadcasts, identities, one-hot vectors). */
  public boolean hasExplicitShape() {
    return shapeRule == null;
  }

  /** Whether the per-element formula reads argument {@code index} more than once. */
  public boolean readsRepeatedly(int index) {
    for (int r : repeatedArgs) {
      if (r == index) {
        return true;
      }
    }
    return false;
  }

  /** Whether the op can be differentiated in argument {@code index} (see Builder#constantArgs). */
  public boolean differentiableIn(int index) {
    for (int c : constantArgs) {
      if (c == index) {
        return false;
      }
    }
    return true;
  }

  /** The arguments' stand-ins where a branch is not taken, by argument (see Builder#standIn). */
  public Map<Integer, java.util.function.BiFunction<Graph, Node, Node>> standIns() {
    return standIns;
  }

  /** Whether computing n may throw at run time (see Builder#mayThrow). */
  public boolean mayThrow(Node.Apply n) {
    return mayThrow.test(n);
  }

  /** The user's method this op calls, or null (see Builder#callsUserMethod). */
  public UserCall userCall() {
    return userCall;
  }

  /** What the generated method runs for n at its start, or nothing (see Builder#atEntry). */
  public void atEntry(Emitter e, Node.Apply n) {
    if (atEntry != null) {
      atEntry.emit(e, n);
    }
  }

  /** Whether this op has code to run at the method's start (see Builder#atEntry). */
  public boolean runsAtEntry() {
    return atEntry != null;
  }

  /** The loop this op is, or null (see Builder#loop). */
  public LoopSpec loop() {
    return loop;
  }

  /** Whether the result is the first argument with entries replaced (see Builder#writesInto). */
  public boolean writesInto() {
    return writesInto;
  }

  /** Whether a reverse loop reads the op's value back rather than recompute it (see Builder#runsOnce). */
  public boolean runsOnce() {
    return runsOnce;
  }

  /** Whether argument {@code index} is only a value whose record the op reads (see Builder#readsRecordOf). */
  public boolean readsRecordOf(int index) {
    return readsRecordOf == index;
  }

  /** The op adding this one into an accumulator in place, or null (see Builder#addsInto). */
  public Op addsInto() {
    return addsInto;
  }

  /** The constant the op multiplies its one argument by, or null (see Builder#scalesBy). */
  public Double scaleFactor() {
    return scaleFactor;
  }

  /** Whether reverse mode can propagate through this op. */
  public boolean hasVjp() {
    return vjp != null;
  }

  /** Whether the op declares its partial derivatives (see Builder#partials). */
  public boolean hasPartials() {
    return partials != null;
  }

  /**
   * Whether the op's derivative rules multiply by its partials zero-safely: a zero tangent or
   * adjoint times an infinite partial (1/x at 0) gives 0, not NaN.
   */
  public boolean zeroSafePartials() {
    return zeroSafePartials;
  }

  /** The partial derivatives ∂n/∂a_k of an elementwise node (see {@link PartialsRule}). */
  public List<Node> partials(Graph g, Node.Apply n) {
    if (partials == null) {
      throw new IllegalStateException(name + " declares no partial derivatives");
    }
    return partials.apply(g, n);
  }

  /** Whether forward mode can propagate through this op. */
  public boolean hasJvp() {
    return jvp != null;
  }

  /** The Java overloads that denote this op. */
  public List<Signature> signatures() {
    return signatures;
  }

  // ---- rules ------------------------------------------------------------------------------------

  public Shape shape(Graph g, List<Node> args, int flags, Origin origin) {
    return shapeRule.apply(g, args, flags, origin);
  }

  /** The contributions to the arguments' adjoints (see {@link VjpRule}). */
  public List<Node> vjp(Graph g, Node.Apply n, Node grad) {
    if (vjp == null) {
      throw new IllegalStateException(name + " has no reverse-mode rule");
    }
    return vjp.apply(g, n, grad);
  }

  /** The tangent of the result (see {@link JvpRule}); null if every tangent is null. */
  public Node jvp(Graph g, Node.Apply n, List<Node> tangents) {
    if (tangents.stream().allMatch(t -> t == null)) {
      return null;
    }
    if (jvp == null) {
      throw new IllegalStateException(name + " has no forward-mode rule");
    }
    return jvp.apply(g, n, tangents);
  }

  public void lower(Emitter e, Node.Apply n) {
    if (lowering != null) {
      lowering.emit(e, n);
      return;
    }
    String[] elementArgs = new String[n.args().size()];
    if (n.shape().isScalar()) {
      for (int k = 0; k < elementArgs.length; k++) {
        elementArgs[k] = e.ref(n.arg(k));
      }
      e.add(e.declare(n) + " = " + formula.apply(e, elementArgs));
      return;
    }
    String i = e.fresh("i");
    e.open(Emitter.loop(i, e.size(n)));
    for (int k = 0; k < elementArgs.length; k++) {
      elementArgs[k] = readsRepeatedly(k) ? e.element(n.arg(k), i) : e.at(n.arg(k), i);
    }
    e.add(e.ref(n) + "[" + i + "] = " + formula.apply(e, elementArgs));
    e.close();
  }

  /** The per-element Java expression of an elementwise node, given its arguments' elements. */
  public String elementFormula(Emitter e, String[] args) {
    return formula.apply(e, args);
  }

  public String notation(String[] args, Node.Apply n) {
    return notation.print(args, n);
  }

  /** This op's own algebraic rewrite of n, or null. */
  public Node rewrite(Rewriter r, Node.Apply n, List<Node> args, int flags) {
    return rewrite == null ? null : rewrite.apply(r, n, args, flags);
  }

  /** Whether the op can be evaluated on double constants at compile time. */
  public boolean folds() {
    return fold != null;
  }

  public double fold(double a, double b) {
    return fold.applyAsDouble(a, b);
  }

  @Override
  public String toString() {
    return name;
  }

  /** A Java overload that denotes an op: {@code name(kinds...)}, name possibly "Math.exp". */
  public record Signature(String method, List<Kind> params) {
    static Signature parse(String text) {
      int open = text.indexOf('(');
      String inside = text.substring(open + 1, text.length() - 1);
      List<Kind> kinds = inside.isEmpty() ? List.of()
          : Arrays.stream(inside.split(",")).map(t -> {
              Kind k = Kind.ofJavaType(t.trim());
              if (k == null) {
                throw new IllegalArgumentException("bad signature " + text);
              }
              return k;
            }).toList();
      return new Signature(text.substring(0, open), kinds);
    }

    /** Whether arguments of these kinds can call this overload (an int passes as a double). */
    public boolean accepts(List<Kind> args) {
      if (args.size() != params.size()) {
        return false;
      }
      for (int i = 0; i < args.size(); i++) {
        if (!params.get(i).accepts(args.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return method + "(" + String.join(", ", params.stream().map(Kind::javaType).toList()) + ")";
    }
  }
}
