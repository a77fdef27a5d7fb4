package dev.matgrad.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.matgrad.processor.ir.Dim;
import dev.matgrad.processor.ir.Dims;
import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.passes.Program;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lower pass: writes a program's nodes as Java statements over flat arrays, through each op's
 * lowering in the op table. It decides where values live (parameters, named locals, arrays
 * allocated once, or the caller's gradient arrays) and keeps local names unique and readable.
 */
final class Lowering implements Emitter {
  private final Program program;
  private final Dims dims;
  private final CodeBlock.Builder code = CodeBlock.builder();
  private final Set<String> methodNames = new HashSet<>();
  private final Set<String> nodeNames = new HashSet<>();
  private final Map<Node, String> vars = new HashMap<>();
  private final Map<Dim, String> dimVars = new HashMap<>();
  private final Set<Node> readAsScalar = new HashSet<>();
  /** Elementwise nodes computed inside their only consumer's loop instead of into an array. */
  private final Set<Node> fused = new HashSet<>();
  private int temporaries;
  /** The generated class's helper methods this code calls (see Emitter#helper). */
  private final Set<String> helpers = new java.util.TreeSet<>();
  /** The Workspace parameter that scratch arrays come from, and the next free buffer slot. */
  private final String workspace;
  private int slots;
  /** Whether the user's package has classes named like java.lang's: then they are qualified. */
  private final boolean javaLangShadowed;
  private final String methodName;
  /** What lowerings remembered (see Emitter#recall), one map per open block, innermost first. */
  private final java.util.Deque<Map<String, List<String>>> remembered = new java.util.ArrayDeque<>();

  /**
   * Simple names of classes the generated code refers to: a local or parameter of that name
   * would shadow them, so none is used as a variable name.
   */
  static final Set<String> CLASS_NAMES = Set.of("Math", "Objects", "Arrays", "System", "Double",
      "IllegalArgumentException", "IndexOutOfBoundsException", "Matrix", "Workspace", "Products");

  /** The variable of each user parameter in the generated method (renamed if it shadows a class). */
  private final Map<String, String> paramVars = new HashMap<>();

  Lowering(Program program, List<String> reserved, String workspace, boolean javaLangShadowed,
      String methodName) {
    this.program = program;
    this.methodName = methodName;
    remembered.push(new HashMap<>());
    this.workspace = workspace;
    this.javaLangShadowed = javaLangShadowed;
    this.dims = program.graph().dims();
    methodNames.addAll(reserved);
    methodNames.addAll(CLASS_NAMES);
    Set<String> roots = qualifierRoots(program);
    methodNames.addAll(roots);
    for (Node.Param p : program.params()) {
      methodNames.add(p.name());
    }
    for (Node.Param p : program.params()) {
      paramVars.put(p.name(), CLASS_NAMES.contains(p.name()) || roots.contains(p.name())
          ? local(p.name()) : p.name());
    }
    // A broadcast read only by elementwise ops is never filled into an array.
    Map<Node, Boolean> onlyElementwise = new HashMap<>();
    for (Node n : program.graph().nodes()) {
      if (n instanceof Node.Apply a) {
        for (Node arg : a.args()) {
          // a loop reads its initial values entry by entry, like an elementwise op
          onlyElementwise.merge(arg, a.op().isElementwise() || a.op().loop() != null,
              Boolean::logicalAnd);
        }
      }
    }
    for (Node n : program.graph().nodes()) {
      if (n instanceof Node.Apply a && a.op().spreadsScalar()
          && onlyElementwise.getOrDefault(n, true) && !program.gradients().containsValue(n)
          && n != program.output()) {
        readAsScalar.add(n);
      }
    }
  }

  /** How many fused nodes may nest in one expression, to keep generated lines readable. */
  private static final int MAX_FUSED_DEPTH = 4;

  /**
   * Chooses the elementwise nodes to fuse into their consumer (loop fusion): an elementwise node
   * read once, by an elementwise array node or an accumulating reduction, in the same region (the
   * Jacobian's loop body or outside it), is never stored: its consumer evaluates it per element
   * (into a local first where the consumer's formula reads it twice). Nodes in {@code keep}
   * (results, gradients, the seed) are always stored.
   */
  void planFusion(Set<Node> used, Set<Node> keep, java.util.function.BiPredicate<Node, Node> sameRegion) {
    List<Node> readers = program.graph().nodes().stream().filter(used::contains).toList();
    Map<Node, Integer> uses = Graph.uses(readers);
    Map<Node, Node.Apply> consumer = new HashMap<>();
    for (Node n : readers) {
      if (n instanceof Node.Apply a) {
        for (Node arg : a.args()) {
          consumer.put(arg, a);
        }
      }
    }
    Map<Node, Integer> depth = new HashMap<>();
    for (Node n : program.graph().nodes()) {
      if (!(n instanceof Node.Apply a) || !used.contains(n) || !storable(a) || keep.contains(n)
          || uses.getOrDefault(n, 0) != 1) {
        continue;
      }
      Node.Apply c = consumer.get(n);
      int d = 1 + a.args().stream().mapToInt(arg -> depth.getOrDefault(arg, 0)).max().orElse(0);
      boolean intoLoop = storable(c) || c.op().accumulates();
      if (intoLoop && sameRegion.test(n, c) && d <= MAX_FUSED_DEPTH) {
        fused.add(n);
        depth.put(n, d);
      }
    }
  }

  /** An elementwise array node with a formula, that is materialised unless fused. */
  private boolean storable(Node.Apply a) {
    return a.op().isFusible() && a.shape().isArray() && !readAsScalar.contains(a);
  }

  boolean isFused(Node n) {
    return fused.contains(n);
  }

  /**
   * The first names of the qualified names the generated code writes (dev.matgrad.Matrix,
   * java.util.Arrays, the classes of called methods with rules): a variable of such a name would
   * hide the package, so none is given one.
   */
  private static Set<String> qualifierRoots(Program program) {
    Set<String> roots = new HashSet<>(List.of("dev", "java"));
    String pkg = program.source().packageName();
    if (!pkg.isEmpty()) {
      roots.add(pkg.split("\\.")[0]);
    }
    for (Node n : program.graph().nodes()) {
      if (n instanceof Node.Apply a && a.op().userCall() != null) {
        roots.add(a.op().userCall().owner().split("\\.")[0]);
      }
    }
    return roots;
  }

  /** The program's nodes, in order. */
  List<Node> nodes() {
    return program.graph().nodes();
  }

  /** The generated method's variable for user parameter {@code name}. */
  String paramVar(String name) {
    return paramVars.get(name);
  }

  CodeBlock.Builder code() {
    return code;
  }

  /** Declares the int locals for every parameter dimension, e.g. {@code int A_rows = A.rows();}. */
  void declareDimensions() {
    for (Node.Param p : program.params()) {
      String v = paramVar(p.name());
      switch (p.shape().kind()) {
        case VECTOR -> dimVar(p.shape().rows(), v + ".length", p.name() + "_length");
        case MATRIX -> {
          dimVar(p.shape().rows(), v + ".rows()", p.name() + "_rows");
          dimVar(p.shape().cols(), v + ".cols()", p.name() + "_cols");
        }
        default -> { }
      }
    }
    // Then the calls whose results' sizes only they tell, with the method's own arguments.
    for (Node n : program.graph().nodes()) {
      if (n instanceof Node.Apply a && a.op().runsAtEntry()) {
        a.op().atEntry(this, a);
      }
    }
  }

  private void dimVar(Dim d, String expression, String hint) {
    String name = local(hint);
    dimVars.put(d, name);
    add("int " + name + " = " + expression);
  }

  /** The int local holding a parameter's own dimension (not its class representative). */
  String dimOf(Dim d) {
    if (d.isComposite()) {
      // From the operands' own sizes: equal to their representatives' once the checks passed.
      String l = dimOf(d.left());
      String r = dimOf(d.right());
      return l == null || r == null ? null
          : "(" + l + (d.role() == Dim.Role.SUM ? " + " : " * ") + r + ")";
    }
    return d.role() == Dim.Role.ONE ? "1" : d.role() == Dim.Role.CONSTANT ? d.param()
        : d.role() == Dim.Role.VALUE ? paramVar(d.param()) : dimVars.get(d);
  }

  /** Binds parameters to variables: arrays as they are, Matrix parameters through data(). */
  void bindParameters(Set<Node> used) {
    for (Node.Param p : program.params()) {
      if (p.shape().kind() == Kind.MATRIX && used.contains(p)) {
        String name = local(p.name() + "_data");
        add("double[] " + name + " = " + paramVar(p.name()) + ".data()");
        vars.put(p, name);
      } else {
        vars.put(p, paramVar(p.name()));
      }
    }
  }

  void bind(Node n, String variable) {
    vars.put(n, variable);
  }

  boolean readsAsScalar(Node n) {
    return readAsScalar.contains(n);
  }

  /** A variable name for node n: the user's local, the adjoint hint (dA), or t1, t2, .... */
  String nameFor(Node n) {
    String name = program.graph().variableNameOf(n);
    if (name != null) {
      return local(name);
    }
    do {
      name = "t" + (++temporaries);
    } while (methodNames.contains(name));
    return local(name);
  }

  /** Declares n's array storage, {@code double[] t = workspace.buffer(slot, size);}. */
  void allocate(Node n) {
    String name = nameFor(n);
    vars.put(n, name);
    add("double[] " + name + " = " + newArray(size(n)));
  }

  /**
   * Scratch storage of at least {@code size} doubles, from the workspace. Its contents are stale:
   * every lowering writes each entry before reading it (accumulators are filled with zeros first).
   */
  String newArray(String size) {
    return buffer(newSlot(), size);
  }

  /** A workspace slot of the method's own. */
  int newSlot() {
    return slots++;
  }

  /** Workspace buffer {@code slot}, at least {@code size} long. */
  String buffer(int slot, String size) {
    return workspace + ".buffer(" + slot + ", " + size + ")";
  }

  /**
   * Emits the statements computing n, after a comment with its matrix expression. Array storage,
   * if any, is allocated here unless it was bound or allocated before (hoisted, or an output).
   */
  void lower(Node.Apply n) {
    nodeNames.clear();
    if (inPlaceWrites.contains(n)) {
      // An accumulator updated where it is: the result is the argument's storage.
      vars.put(n, ref(n.arg(0)));
      comment(n);
      n.op().lower(this, n);
      return;
    }
    if (!vars.containsKey(n)) {
      vars.put(n, nameFor(n));
      if (n.shape().isArray()) {
        comment(n);
        add("double[] " + vars.get(n) + " = " + newArray(size(n)));
        n.op().lower(this, n);
        return;
      }
    }
    comment(n);
    n.op().lower(this, n);
  }

  private void comment(Node.Apply n) {
    String[] args = new String[n.args().size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = displayName(n.arg(i));
    }
    code.add("// $L = $L\n", ref(n), n.op().notation(args, n));
  }

  /** How a value is called in comments: parameters by their own name, constants by value. */
  private String displayName(Node n) {
    if (n instanceof Node.Apply loop && loop.op().loop() != null) {
      return "the loop " + loop.op().loop().header();
    }
    if (n instanceof Node.Param p) {
      return program.params().contains(p) ? p.name() : ref(p);
    }
    if (n instanceof Node.Const c) {
      double v = c.value();
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
    if (fused.contains(n)) {
      Node.Apply a = (Node.Apply) n;
      String[] args = new String[a.args().size()];
      for (int i = 0; i < args.length; i++) {
        args[i] = displayName(a.arg(i));
      }
      return a.op().notation(args, a);
    }
    return readAsScalar.contains(n) ? displayName(((Node.Apply) n).arg(0)) : ref(n);
  }

  // ---- Emitter ----------------------------------------------------------------------------------

  @Override
  public String ref(Node n) {
    if (n instanceof Node.Const c) {
      return literal(c);
    }
    if (readAsScalar.contains(n)) {
      return ref(((Node.Apply) n).arg(0));
    }
    String v = vars.get(n);
    if (v == null) {
      throw new IllegalStateException("no variable for node " + n.id() + " " + n);
    }
    return v;
  }

  @Override
  public String at(Node n, String index) {
    if (n.shape().isScalar() || readAsScalar.contains(n)) {
      return ref(n);
    }
    if (fused.contains(n)) {
      Node.Apply a = (Node.Apply) n;
      String[] args = new String[a.args().size()];
      for (int k = 0; k < args.length; k++) {
        // A fused argument read twice by the formula is computed once, into a local.
        args[k] = a.op().readsRepeatedly(k) ? element(a.arg(k), index) : at(a.arg(k), index);
      }
      return "(" + a.op().elementFormula(this, args) + ")";
    }
    return ref(n) + "[" + index + "]";
  }

  @Override
  public String element(Node n, String index) {
    if (!fused.contains(n)) {
      return at(n, index);
    }
    String named = program.graph().variableNameOf(n);
    String local = fresh(named != null ? named + "_i" : "x_i");
    add("double " + local + " = " + at(n, index));
    return local;
  }

  @Override
  public String rows(Node n) {
    return dimExpression(n.shape().rows());
  }

  @Override
  public String cols(Node n) {
    return dimExpression(n.shape().cols());
  }

  @Override
  public String size(Node n) {
    String r = rows(n);
    String c = cols(n);
    if (r.equals("1")) {
      return c;
    }
    return c.equals("1") ? r : r + " * " + c;
  }

  private String dimExpression(Dim d) {
    Dim root = dims.find(d);
    return dimOf(root);
  }

  @Override
  public String fresh(String hint) {
    String name = hint;
    for (int k = 2; methodNames.contains(name) || nodeNames.contains(name); k++) {
      name = hint + k;
    }
    nodeNames.add(name);
    return name;
  }

  @Override
  public String local(String hint) {
    StringBuilder valid = new StringBuilder();
    hint.codePoints().forEach(c -> valid.appendCodePoint(Character.isJavaIdentifierPart(c) ? c : '_'));
    String base = valid.length() > 0 && Character.isJavaIdentifierStart(valid.codePointAt(0))
        ? valid.toString() : "v" + valid;
    String name = base;
    for (int k = 2; methodNames.contains(name) || javax.lang.model.SourceVersion.isKeyword(name); k++) {
      name = base + "_" + k;
    }
    methodNames.add(name);
    return name;
  }

  @Override
  public String declare(Node n) {
    return (n.shape().kind() == Kind.INT ? "int " : "double ") + ref(n);
  }

  @Override
  public void add(String statement) {
    code.addStatement("$L", statement);
  }

  @Override
  public void open(String header) {
    code.beginControlFlow("$L", header);
    remembered.push(new HashMap<>());
  }

  @Override
  public List<String> recall(Node n, String what) {
    return recall(n.id() + " " + what);
  }

  @Override
  public void remember(Node n, String what, List<String> names) {
    remember(n.id() + " " + what, names);
  }

  @Override
  public List<String> recall(String key) {
    for (Map<String, List<String>> block : remembered) {
      if (block.containsKey(key)) {
        return block.get(key);
      }
    }
    return null;
  }

  @Override
  public void remember(String key, List<String> names) {
    remembered.peek().put(key, List.copyOf(names));
  }

  @Override
  public void declareSize(Dim d, String expression, String hint) {
    dimVar(d, expression, hint);
  }

  @Override
  public String math(String member) {
    return (javaLangShadowed ? "java.lang.Math." : "Math.") + member;
  }

  @Override
  public String helper(String name) {
    if (!Helpers.NAMES.contains(name)) {
      throw new IllegalArgumentException("no helper " + name);
    }
    helpers.add(name);
    return name;
  }

  /** The helpers the lowered code calls (see {@link #helper}). */
  Set<String> helpers() {
    return helpers;
  }

  @Override
  public String doubles(String member) {
    return (javaLangShadowed ? "java.lang.Double." : "Double.") + member;
  }

  @Override
  public String scratch(String size) {
    return newArray(size);
  }

  private final Set<Node> inPlaceWrites = new HashSet<>();

  /**
   * Chooses the writes (Op#writesInto) done in their array's own storage: an array the method
   * computed (not a parameter, not read as a scalar or fused), that no result keeps, and that no
   * other node reads after the write, nor in another loop body (which runs at its loop's place).
   * A loop reading it as its own carried value does not count: that is the storage itself. In a
   * method that repeats part of its code (a Jacobian's columns), the write and its array are in
   * the same part, so that a value computed once is never changed by a repetition.
   */
  void planInPlace(Set<Node> used, dev.matgrad.processor.ir.Regions regions, Set<Node> keep,
      java.util.function.BiPredicate<Node, Node> samePart) {
    Map<Node, List<Node.Apply>> readers = new HashMap<>();
    for (Node n : program.graph().nodes()) {
      if (used.contains(n) && n instanceof Node.Apply a) {
        for (int i = 0; i < a.args().size(); i++) {
          // a loop's own parameter is its storage; read as a result (a swap), it is a read
          boolean ownParam = a.op().loop() != null && a.op().loop().isOwnParam(i);
          if (!ownParam) {
            readers.computeIfAbsent(a.arg(i), x -> new java.util.ArrayList<>()).add(a);
          }
        }
      }
    }
    for (Node n : program.graph().nodes()) {
      if (!(used.contains(n) && n instanceof Node.Apply a && !fused.contains(a)
          && (a.op().writesInto() || updatesCarried(a, regions)))) {
        continue;
      }
      Node old = a.arg(0);
      boolean own = (old instanceof Node.Apply || regions.ownerOf(old) != null)
          && !readAsScalar.contains(old) && !fused.contains(old) && !keep.contains(old)
          && !program.params().contains(old) && samePart.test(a, old);
      if (!own) {
        continue;
      }
      boolean readLater = false;
      for (Node.Apply r : readers.getOrDefault(old, List.of())) {
        // A fused reader is evaluated where its consumer is, later than its own place.
        if (r != a && (r.id() > a.id() || fused.contains(r)
            || regions.loopOf(r) != regions.loopOf(a))) {
          readLater = true;
        }
      }
      if (!readLater) {
        inPlaceWrites.add(a);
      }
    }
  }

  /**
   * An elementwise array op whose first argument is a value its loop carries, of the same size
   * (an accumulator, {@code dW = dW + δ hᵀ}): each entry is read before it is written, so the
   * result may take the argument's storage.
   */
  private boolean updatesCarried(Node.Apply a, dev.matgrad.processor.ir.Regions regions) {
    Node old = a.args().isEmpty() ? null : a.arg(0);
    return a.op().isElementwise() && a.shape().isArray() && old != null
        && regions.ownerOf(old) != null && old.shape().isArray()
        && size(old).equals(size(a));
  }

  @Override
  public boolean writesInPlace(Node.Apply n) {
    return inPlaceWrites.contains(n);
  }

  /**
   * What a forward loop recorded: its tape array, one record's width and the offset of each
   * carried value (by slot), of each value of its body read back (by node) and of each replayed
   * call's position at the start of the iteration (by call).
   */
  record Tape(String array, String width, Map<Integer, String> offsets,
      Map<Node, String> bodyOffsets, Map<Node, String> cursorOffsets) {}

  /**
   * What a replayed call recorded as it ran, in order (a workspace buffer that doubles when
   * full), and the position of its next value: advanced by each run and each replay, set back
   * by a reverse loop at the start of each iteration to where the forward iteration started.
   */
  record Stream(String array, String cursor, int slot, String size) {}

  private final Map<Node, Stream> streams = new HashMap<>();

  /** Declares the record of replayed call {@code call}, once (before the loops it is in). */
  void declareStream(Node call) {
    if (streams.containsKey(call)) {
      return;
    }
    String size = call.shape().isArray() ? "(" + size(call) + ")" : "1";
    int slot = newSlot();
    String array = local("recorded");
    String cursor = local("position");
    add("double[] " + array + " = " + buffer(slot, "16 * " + size));
    add("int " + cursor + " = 0");
    streams.put(call, new Stream(array, cursor, slot, size));
  }

  /** The record of replayed call {@code call}. */
  Stream stream(Node call) {
    return streams.get(call);
  }

  /** Appends what replayed call {@code call} just returned to its record. */
  void recordRun(Node call) {
    Stream st = streams.get(call);
    growWhenFull(st.array(), st.slot(), st.cursor() + " + " + st.size(), st.cursor(), st.size());
    if (call.shape().isArray()) {
      String j = fresh("j");
      open(Emitter.loop(j, size(call)));
      add(st.array() + "[" + st.cursor() + " + " + j + "] = " + ref(call) + "[" + j + "]");
      close();
    } else {
      add(st.array() + "[" + st.cursor() + "] = " + ref(call));
    }
    add(st.cursor() + " += " + st.size());
  }

  /**
   * Sets the record of replayed call {@code call} back to where it stood at the start of the
   * iteration of forward loop {@code loop} that the reverse loop with index {@code index} is in.
   */
  void rewind(Node loop, Node index, Node call) {
    Tape tape = tapes.get(loop);
    add(streams.get(call).cursor() + " = (int) " + tape.array() + "[" + counters.get(index) + " * "
        + tape.width() + " + " + tape.cursorOffsets().get(call) + "]");
  }

  /**
   * Where workspace buffer {@code slot}, held in {@code array}, is shorter than {@code needed}:
   * replaces it by one of twice its length plus {@code more}, keeping its first {@code kept}
   * entries (the workspace keeps the grown buffer for the next call).
   */
  void growWhenFull(String array, int slot, String needed, String kept, String more) {
    open("if (" + needed + " > " + array + ".length)");
    String full = local("full");
    add("double[] " + full + " = " + array);
    add(array + " = " + buffer(slot, "2 * " + full + ".length + " + more));
    // qualified: a user class named System may shadow java.lang.System
    add("java.lang.System.arraycopy(" + full + ", 0, " + array + ", 0, " + kept + ")");
    close();
  }

  @Override
  public void replay(Node.Apply n) {
    Stream st = streams.get(n.arg(0));
    if (n.shape().isArray()) {
      String j = fresh("j");
      open(Emitter.loop(j, size(n)));
      add(ref(n) + "[" + j + "] = " + st.array() + "[" + st.cursor() + " + " + j + "]");
      close();
    } else {
      add(declare(n) + " = " + st.array() + "[" + st.cursor() + "]");
    }
    add(st.cursor() + " += " + st.size());
  }

  private final Map<Node, Tape> tapes = new HashMap<>();
  private final Map<Node, String> counters = new HashMap<>();

  /** Registers the tape a forward loop writes. */
  void tape(Node loop, Tape tape) {
    tapes.put(loop, tape);
  }

  /** Registers the iteration counter (0, 1, ... in forward order) of the loop with this index. */
  void counter(Node index, String counter) {
    counters.put(index, counter);
  }

  @Override
  public void readTape(Node.Apply n) {
    Tape tape = tapes.get(n.arg(0));
    String offset = n.op().readsRecordOf(2) ? tape.bodyOffsets().get(n.arg(2))
        : tape.offsets().get(n.flags());
    String at = counters.get(n.arg(1)) + " * " + tape.width() + " + " + offset;
    if (n.shape().isArray()) {
      String base = local("at");
      add("int " + base + " = " + at);
      String j = fresh("j");
      open(Emitter.loop(j, size(n)));
      add(ref(n) + "[" + j + "] = " + tape.array() + "[" + base + " + " + j + "]");
      close();
    } else {
      String read = tape.array() + "[" + at + "]";
      add(declare(n) + " = " + (n.shape().kind() == Kind.INT ? "(int) " + read : read));
    }
  }

  @Override
  public String parameterObject(Node n) {
    return n instanceof Node.Param p && program.params().contains(p) ? paramVar(p.name()) : null;
  }

  @Override
  public String methodName() {
    return methodName;
  }

  @Override
  public void close() {
    code.endControlFlow();
    remembered.pop();
  }

  @Override
  public void matmul(String m, String n, String k, String a, boolean transposeA, String b,
      boolean transposeB, String c, Runnable loops) {
    CodeBlock call = CodeBlock.of("$T.matmul($L, $L, $L, $L, $L, $L, $L, $L, false, $L)",
        ProductKernelCalls.PRODUCTS, m, n, k, a, transposeA, b, transposeB, c, workspace);
    switch (ProductKernelCalls.decide(m, n, k)) {
      case KERNEL -> code.addStatement(call);
      case LOOPS -> loops.run();
      case AT_RUN_TIME -> {
        code.beginControlFlow("if ($L)", ProductKernelCalls.largeEnough(m, n, k));
        code.addStatement(call);
        code.nextControlFlow("else");
        loops.run();
        code.endControlFlow();
      }
    }
  }

  /** Rows of a symmetric product's upper triangle computed per kernel call. */
  private static final int SYMMETRIC_ROW_BLOCK = 32;

  @Override
  public void symmetricMatmul(String m, String k, String a, boolean transposeA, String b,
      boolean transposeB, String c, Runnable loops) {
    Runnable kernel = () -> {
      String r0 = fresh("r0");
      String rows = fresh("rows");
      code.beginControlFlow("for (int $L = 0; $L < $L; $L += $L)", r0, r0, m, r0,
          SYMMETRIC_ROW_BLOCK);
      code.addStatement("int $L = $L($L, $L - $L)", rows, math("min"), SYMMETRIC_ROW_BLOCK,
          m, r0);
      // Rows r0.. of op(A) against columns r0.. of op(B), into C from (r0, r0).
      String pm = "(" + m + ")";
      String pk = "(" + k + ")";
      String aOffset = transposeA ? r0 : r0 + " * " + pk;
      String lda = transposeA ? m : k;
      String bOffset = transposeB ? r0 + " * " + pk : r0;
      String ldb = transposeB ? k : m;
      code.addStatement("$T.matmul($L, $L - $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L * $L + $L,"
          + " $L, false, $L)", ProductKernelCalls.PRODUCTS, rows, pm, r0, k, a, aOffset, lda,
          transposeA, b, bOffset, ldb, transposeB, c, r0, pm, r0, m, workspace);
      code.endControlFlow();
    };
    switch (ProductKernelCalls.decide(m, m, k)) {
      case KERNEL -> kernel.run();
      case LOOPS -> loops.run();
      case AT_RUN_TIME -> {
        code.beginControlFlow("if ($L)", ProductKernelCalls.largeEnough(m, m, k));
        kernel.run();
        code.nextControlFlow("else");
        loops.run();
        code.endControlFlow();
      }
    }
    // The lower triangle from the upper, whichever computed it: exactly symmetric.
    String i = fresh("i");
    String j = fresh("j");
    code.beginControlFlow("for (int $L = 1; $L < $L; $L++)", i, i, m, i);
    code.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, i, j);
    code.addStatement("$L[$L * ($L) + $L] = $L[$L * ($L) + $L]", c, i, m, j, c, j, m, i);
    code.endControlFlow();
    code.endControlFlow();
  }

  String literal(Node.Const c) {
    // Negative literals are parenthesised so that a formula's own minus never makes "--".
    if (c.shape().kind() == Kind.INT) {
      int v = (int) c.value();
      return v < 0 ? "(" + v + ")" : Integer.toString(v);
    }
    double v = c.value();
    if (Double.isNaN(v)) {
      return doubles("NaN");
    }
    if (Double.isInfinite(v)) {
      return doubles(v > 0 ? "POSITIVE_INFINITY" : "NEGATIVE_INFINITY");
    }
    return v < 0 || (v == 0 && 1 / v < 0) ? "(" + v + ")" : Double.toString(v);
  }
}
