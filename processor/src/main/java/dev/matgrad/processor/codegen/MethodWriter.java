package dev.matgrad.processor.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ir.Dim;
import dev.matgrad.processor.ir.Dims;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Regions;
import dev.matgrad.processor.ops.ControlFlow;
import dev.matgrad.processor.passes.Program;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes one generated method ({@code fGrad}, {@code fVjp}, {@code fJacobian} or {@code fJvp}) of
 * a program.
 */
final class MethodWriter {
  static final ClassName MATRIX = ClassName.get("dev.matgrad", "Matrix");
  static final ClassName WORKSPACE = ClassName.get("dev.matgrad", "Workspace");
  private static final TypeName DOUBLE_ARRAY = TypeName.get(double[].class);

  /** Which method is being written. */
  enum Mode {
    GRAD("Grad", "grad_"), VJP("Vjp", "grad_"), JACOBIAN("Jacobian", "jac_"), JVP("Jvp", "dir_"),
    HVP("Hvp", "hvp_"), HESSIAN("Hessian", null),
    /** The Jacobian by forward sweeps: a private helper fJacobian calls when it is cheaper. */
    JACOBIAN_BY_FORWARD_SWEEPS("JacobianByForwardSweeps", "jac_"),
    /**
     * fJacobian from its closed form: a program whose gradients are the blocks ∂f/∂w as
     * matrices (see JacobianClosedForm), computed once and written into jac_w.
     */
    CLOSED_JACOBIAN("Jacobian", "jac_"),
    /** fHessian from its closed form: the program's one gradient is ∇²f as a matrix. */
    CLOSED_HESSIAN("Hessian", null);

    final String suffix;
    final String outputPrefix;

    Mode(String suffix, String outputPrefix) {
      this.suffix = suffix;
      this.outputPrefix = outputPrefix;
    }
  }

  private final Program program;
  private final Mode mode;
  /** Whether this is the overload taking a Workspace (the one with the code). */
  private final boolean withWorkspace;
  private final String workspace;
  private final MethodSource source;
  private final Lowering lower;
  private final Map<String, String> outputNames = new LinkedHashMap<>();
  /** The incoming adjoint's parameter: gradOut, unless the user has a parameter of that name. */
  private final String gradOut;
  /** A vector-valued JVP's output parameter: jvpOut, unless the user has a parameter of that name. */
  private final String jvpOut;
  /** The Hessian's output parameter. */
  private final String hess;
  /** An HVP's direction parameters, one per wrt parameter. */
  private final Map<String, String> directionNames = new LinkedHashMap<>();

  MethodWriter(Program program, Mode mode, boolean withWorkspace, boolean javaLangShadowed) {
    this.program = program;
    this.mode = mode;
    this.withWorkspace = withWorkspace;
    this.source = program.source();
    List<String> reserved = new ArrayList<>();
    for (Node.Param w : mode == Mode.HVP ? program.wrt() : List.<Node.Param>of()) {
      String name = uniqueOutputName("dir_" + w.name());
      directionNames.put(w.name(), name);
      reserved.add(name);
    }
    for (Node.Param w : mode.outputPrefix == null ? List.<Node.Param>of() : program.wrt()) {
      String name = uniqueOutputName(mode.outputPrefix + w.name());
      outputNames.put(w.name(), name);
      reserved.add(name);
    }
    this.hess = uniqueOutputName("hess");
    reserved.add(hess);
    this.gradOut = uniqueOutputName("gradOut");
    reserved.add(gradOut);
    this.jvpOut = uniqueOutputName("jvpOut");
    reserved.add(jvpOut);
    this.workspace = uniqueOutputName("workspace");
    reserved.add(workspace);
    this.lower = new Lowering(program, reserved, workspace, javaLangShadowed, source.name());
  }

  private String uniqueOutputName(String base) {
    Set<String> taken = new HashSet<>();
    source.parameters().forEach(p -> taken.add(p.name()));
    taken.addAll(outputNames.values());
    taken.addAll(directionNames.values());
    if (gradOut != null) {
      taken.add(gradOut);
    }
    String name = base;
    for (int k = 2; taken.contains(name); k++) {
      name = base + "_" + k;
    }
    return name;
  }

  /** The generated class's helper methods the written code calls (after {@link #write}). */
  Set<String> helpers() {
    return lower.helpers();
  }

  static String methodName(MethodSource source, Mode mode) {
    return source.name() + mode.suffix;
  }

  MethodSpec write(String javadoc, AnnotationSpec derivation) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(methodName(source, mode))
        .addModifiers(mode == Mode.JACOBIAN_BY_FORWARD_SWEEPS ? Modifier.PRIVATE : Modifier.PUBLIC,
            Modifier.STATIC)
        .addJavadoc("$L", javadoc)
        .addAnnotation(derivation);
    List<String> arguments = new ArrayList<>();
    for (MethodSource.Parameter p : source.parameters()) {
      m.addParameter(typeOf(p.type()), lower.paramVar(p.name()));
      arguments.add(lower.paramVar(p.name()));
    }
    if (mode == Mode.VJP) {
      m.addParameter(DOUBLE_ARRAY, gradOut);
      arguments.add(gradOut);
    }
    directionNames.values().forEach(name -> m.addParameter(DOUBLE_ARRAY, name));
    arguments.addAll(directionNames.values());
    outputNames.values().forEach(name -> m.addParameter(DOUBLE_ARRAY, name));
    arguments.addAll(outputNames.values());
    if (mode == Mode.JVP && !program.scalarValued()) {
      m.addParameter(DOUBLE_ARRAY, jvpOut);
      arguments.add(jvpOut);
    }
    if (hessianOutput()) {
      m.addParameter(DOUBLE_ARRAY, hess);
      arguments.add(hess);
    }
    boolean returnsValue = returnsValue();
    m.returns(returnsValue ? TypeName.DOUBLE : TypeName.VOID);
    if (withWorkspace) {
      m.addParameter(WORKSPACE, workspace);
      m.addCode(body());
    } else {
      // The code lives in the Workspace overload; a fresh workspace per call keeps this reentrant.
      m.addStatement((returnsValue ? "return " : "") + "$L($L, new $T())",
          methodName(source, mode), String.join(", ", arguments), WORKSPACE);
    }
    return m.build();
  }

  /** Whether the method writes the Hessian into {@code hess}. */
  private boolean hessianOutput() {
    return mode == Mode.HESSIAN || mode == Mode.CLOSED_HESSIAN;
  }

  /**
   * A closed-form Jacobian or Hessian: each block's matrix expression computed once (its last
   * product straight into the caller's array where nothing else reads it), then copied into the
   * output where it was not. A block is size(w) × m (or N × N) row-major, the output's layout.
   */
  private void closedForm(CodeBlock.Builder code, Set<Node> used) {
    Set<Node> keep = new HashSet<>(program.gradients().values());
    lower.planFusion(used, keep, this::sameLoop);
    lower.planInPlace(used, regions, keep, (n, c) -> true);
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Node.Param w : program.wrt()) {
      outputs.put(w.name(), mode == Mode.CLOSED_HESSIAN ? hess : outputNames.get(w.name()));
    }
    Map<Node, String> direct = new HashMap<>();
    Map<Node, Integer> readers = Graph.uses(program.graph().nodes());
    for (Node.Param w : program.wrt()) {
      Node block = program.gradients().get(w.name());
      if (block instanceof Node.Apply a && a.shape().isArray() && !readers.containsKey(block)
          && !a.op().writesInto() && !direct.containsKey(block) && !lower.readsAsScalar(block)) {
        direct.put(block, outputs.get(w.name()));
      }
    }
    loops.write(program.graph().nodes(), n -> true, direct);
    for (Node.Param w : program.wrt()) {
      String out = outputs.get(w.name());
      Node block = program.gradients().get(w.name());
      if (block == null) {
        code.addStatement("$T.fill($L, 0.0)", Arrays.class, out);
      } else if (out.equals(direct.get(block))) {
        continue;
      } else if (block.shape().isScalar() || lower.readsAsScalar(block)) {
        code.addStatement("$T.fill($L, $L)", Arrays.class, out, lower.ref(block));
      } else {
        code.addStatement("$T.arraycopy($L, 0, $L, 0, $L.length)", System.class,
            lower.ref(block), out, out);
      }
    }
  }

  /** fGrad returns f's value and a scalar f's fJvp its directional derivative. */
  private boolean returnsValue() {
    return mode == Mode.GRAD || (mode == Mode.JVP && program.scalarValued());
  }

  static TypeName typeOf(String type) {
    return switch (type) {
      case "double" -> TypeName.DOUBLE;
      case "int" -> TypeName.INT;
      case "double[]" -> DOUBLE_ARRAY;
      default -> MATRIX;
    };
  }

  private CodeBlock body() {
    CodeBlock.Builder code = lower.code();
    for (MethodSource.Parameter p : source.parameters()) {
      if (!p.type().equals("double") && !p.type().equals("int")) {
        code.addStatement("$T.requireNonNull($L, $S)", Objects.class, lower.paramVar(p.name()),
            p.name());
      }
    }
    if (mode == Mode.VJP) {
      code.addStatement("$T.requireNonNull($L, $S)", Objects.class, gradOut, gradOut);
    }
    directionNames.values().forEach(n -> code.addStatement("$T.requireNonNull($L, $S)", Objects.class, n, n));
    outputNames.values().forEach(n -> code.addStatement("$T.requireNonNull($L, $S)", Objects.class, n, n));
    if (mode == Mode.JVP && !program.scalarValued()) {
      code.addStatement("$T.requireNonNull($L, $S)", Objects.class, jvpOut, jvpOut);
    }
    if (hessianOutput()) {
      code.addStatement("$T.requireNonNull($L, $S)", Objects.class, hess, hess);
    }
    code.addStatement("$T.requireNonNull($L, $S)", Objects.class, workspace, workspace);
    lower.declareDimensions();
    shapeChecks(code);
    outputChecks(code);

    Set<Node> used = usedNodes();
    lower.bindParameters(used);
    regions = Regions.of(program.graph());
    loops = new LoopWriter(lower, used, regions, this::emit);
    Node seed = program.seed();
    Set<Node> keep = new HashSet<>(program.gradients().values());
    keep.add(program.output());
    keep.add(seed);
    if (mode == Mode.JVP) {
      jvp(code, used);
    } else if (mode == Mode.JACOBIAN_BY_FORWARD_SWEEPS) {
      jacobianByForwardSweeps(code, used);
    } else if (mode == Mode.HESSIAN) {
      hessian(code, used);
    } else if (mode == Mode.CLOSED_JACOBIAN || mode == Mode.CLOSED_HESSIAN) {
      closedForm(code, used);
    } else if (mode == Mode.JACOBIAN) {
      Set<Node> reverse = dependsOnSeed(seed);
      lower.planFusion(used, keep, (n, c) -> sameLoop(n, c) && reverse.contains(n) == reverse.contains(c));
      lower.planInPlace(used, regions, keep, (n, c) -> reverse.contains(n) == reverse.contains(c));
      jacobian(code, used, reverse);
    } else {
      lower.planFusion(used, keep, this::sameLoop);
      lower.planInPlace(used, regions, keep, (n, c) -> true);
      if (mode == Mode.VJP) {
        lower.bind(seed, gradOut);
      }
      if (mode == Mode.HVP) {
        bindDirections(directionNames);
      }
      Map<Node, String> direct = directOutputs();
      loops.write(program.graph().nodes(), n -> true, direct);
      writeGradients(code, direct);
      if (mode == Mode.GRAD) {
        code.addStatement("return $L", lower.ref(program.output()));
      }
    }
    return code.build();
  }

  private Regions regions;
  private LoopWriter loops;

  /** Whether two nodes are computed in the same loop body (or both outside every loop). */
  private boolean sameLoop(Node a, Node b) {
    return regions.loopOf(a) == regions.loopOf(b);
  }

  /** Runtime checks that the parameters' shapes fit together, before anything is written. */
  private void shapeChecks(CodeBlock.Builder code) {
    Dims dims = program.graph().dims();
    Set<String> seen = new HashSet<>();
    for (Dims.Check check : dims.checks()) {
      String left = lower.dimOf(check.left());
      String right = lower.dimOf(check.right());
      if (left == null || right == null || !seen.add(left + "==" + right)) {
        continue;
      }
      code.beginControlFlow("if ($L != $L)", left, right);
      String needs = source.name() + ": " + check.context() + " needs " + check.left() + " == "
          + check.right();
      CodeBlock sizes = describeShapes(needs + ", but ", check.left(), check.right());
      code.addStatement("throw new $T($L)", IllegalArgumentException.class,
          sizes != null ? sizes : CodeBlock.of("$S", needs));
      code.endControlFlow();
    }
  }

  /**
   * {@code lead + "A is " + A_rows + "×" + A_cols + " and x has length " + x_length}: the
   * parameters and the returned results (firstK(x, k).length is 3) the dimensions are made of;
   * null if none.
   */
  private CodeBlock describeShapes(String lead, Dim... ds) {
    Set<String> params = new LinkedHashSet<>();
    Set<Dim> returned = new LinkedHashSet<>();
    for (Dim d : ds) {
      params.addAll(d.params());
      returned.addAll(d.returned());
    }
    List<String> labels = new ArrayList<>();
    List<CodeBlock> values = new ArrayList<>();
    for (String p : params) {
      labels.add(p + describeParamPrefix(p));
      values.add(describeParamValue(p));
    }
    for (Dim d : returned) {
      labels.add(d + " is ");
      values.add(CodeBlock.of("$L", lower.dimOf(d)));
    }
    if (labels.isEmpty()) {
      return null;
    }
    CodeBlock.Builder b = CodeBlock.builder();
    for (int k = 0; k < labels.size(); k++) {
      b.add(k == 0 ? "$S + $L" : " + $S + $L", (k == 0 ? lead : " and ") + labels.get(k),
          values.get(k));
    }
    return b.build();
  }

  private String describeParamPrefix(String param) {
    return kindOf(param) == Kind.MATRIX ? " is " : kindOf(param) == Kind.INT ? " is "
        : " has length ";
  }

  private CodeBlock describeParamValue(String param) {
    Node.Param p = paramNamed(param);
    if (p.shape().kind() == Kind.INT) {
      return CodeBlock.of("$L", lower.paramVar(param));
    }
    if (p.shape().kind() == Kind.MATRIX) {
      return CodeBlock.of("$L + $S + $L", lower.dimOf(p.shape().rows()), "×",
          lower.dimOf(p.shape().cols()));
    }
    return CodeBlock.of("$L", lower.dimOf(p.shape().rows()));
  }

  private Kind kindOf(String param) {
    return paramNamed(param).shape().kind();
  }

  private Node.Param paramNamed(String name) {
    return program.params().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  /** Checks the lengths of gradOut and of every output array. */
  private void outputChecks(CodeBlock.Builder code) {
    String m = lower.size(program.output());
    for (Node.Param w : program.wrt()) {
      String dir = directionNames.get(w.name());
      if (dir != null) {
        lengthCheck(code, w, dir, w.shape().isScalar() ? "1" : lower.size(w), " but needs size(");
      }
    }
    if (hessianOutput()) {
      String n = thetaSize();
      code.beginControlFlow("if ($L.length != (long) ($L) * ($L))", hess, n, n);
      code.addStatement("throw new $T($S + $L.length + $S + ($L) + $S)",
          IllegalArgumentException.class, methodName(source, mode) + ": " + hess + " has length ",
          hess, " but needs N·N entries, N = ", n, " (the number of entries of "
              + String.join(", ", program.wrt().stream().map(Node.Param::name).toList()) + ")");
      code.endControlFlow();
    }
    if (mode == Mode.JVP && !program.scalarValued()) {
      code.beginControlFlow("if ($L.length != $L)", jvpOut, m);
      code.addStatement("throw new $T($S + $L.length + $S + $L + $S)",
          IllegalArgumentException.class, source.name() + "Jvp: " + jvpOut + " has length ", jvpOut,
          " but the result of " + source.name() + " has ", m,
          " entries (" + program.output().shape().describe(program.graph().dims()) + ")");
      code.endControlFlow();
    }
    if (mode == Mode.VJP) {
      code.beginControlFlow("if ($L.length != $L)", gradOut, m);
      code.addStatement("throw new $T($S + $L.length + $S + $L + $S)",
          IllegalArgumentException.class, source.name() + "Vjp: gradOut has length ", gradOut,
          " but the result of " + source.name() + " has ", m,
          " entries (" + program.output().shape().describe(program.graph().dims()) + ")");
      code.endControlFlow();
    }
    for (Node.Param w : program.wrt()) {
      String out = outputNames.get(w.name());
      if (out == null) {
        continue;
      }
      String size = w.shape().isScalar() ? "1" : lower.size(w);
      boolean jacobian = mode == Mode.JACOBIAN || mode == Mode.JACOBIAN_BY_FORWARD_SWEEPS
          || mode == Mode.CLOSED_JACOBIAN;
      String need = jacobian ? "(long) " + size + " * " + m : size;
      code.beginControlFlow("if ($L.length != $L)", out, need);
      String what = jacobian
          ? " but needs size(" + w.name() + ")·m = " : " but needs size(" + w.name() + ") = ";
      CodeBlock message = CodeBlock.of("$S + $L.length + $S + ($L)",
          methodName(source, mode) + ": " + out + " has length ", out, what, need);
      if (!w.shape().isScalar()) {
        message = CodeBlock.of("$L + $S + $L + $S", message,
            " (" + w.name() + describeParamPrefix(w.name()), describeParamValue(w.name()), ")");
      }
      code.addStatement("throw new $T($L)", IllegalArgumentException.class, message);
      code.endControlFlow();
    }
  }

  /** Nodes the results need, parameters included. */
  private Set<Node> usedNodes() {
    if (mode == Mode.JVP || mode == Mode.JACOBIAN_BY_FORWARD_SWEEPS) {
      List<Node> roots = new ArrayList<>();
      roots.add(program.tangent());
      return Graph.reachable(roots);
    }
    List<Node> roots = new ArrayList<>(program.gradients().values());
    if (mode == Mode.GRAD) {
      roots.add(program.output());
    }
    return Graph.reachable(roots);
  }

  /**
   * Gradients that can be computed straight into the caller's array: arrays computed by the
   * reverse pass that nothing else reads.
   */
  private Map<Node, String> directOutputs() {
    Map<Node, String> direct = new HashMap<>();
    Map<Node, Integer> readers = Graph.uses(program.graph().nodes());
    for (Node.Param w : program.wrt()) {
      Node g = program.gradients().get(w.name());
      if (g instanceof Node.Apply a && a.shape().isArray() && !readers.containsKey(g)
          && !ControlFlow.isLoopResult(a) && !a.op().writesInto()
          && g != program.output() && !direct.containsKey(g) && !lower.readsAsScalar(g)) {
        direct.put(g, outputNames.get(w.name()));
      }
    }
    return direct;
  }

  private void emit(Node.Apply a, String directOutput) {
    if (lower.readsAsScalar(a) || lower.isFused(a)) {
      return;
    }
    if (directOutput != null) {
      lower.bind(a, directOutput);
    }
    lower.lower(a);
  }

  /** Copies (or fills) each gradient into its output array unless it was computed in place. */
  private void writeGradients(CodeBlock.Builder code, Map<Node, String> direct) {
    for (Node.Param w : program.wrt()) {
      String out = outputNames.get(w.name());
      Node g = program.gradients().get(w.name());
      if (g == null) {
        code.addStatement("$T.fill($L, 0.0)", Arrays.class, out);
      } else if (direct.get(g) != null && direct.get(g).equals(out)) {
        continue;
      } else if (w.shape().isScalar()) {
        code.addStatement("$L[0] = $L", out, lower.ref(g));
      } else if (g.shape().isScalar() || lower.readsAsScalar(g)) {
        code.addStatement("$T.fill($L, $L)", Arrays.class, out, lower.ref(g));
      } else {
        code.addStatement("$T.arraycopy($L, 0, $L, 0, $L.length)", System.class, lower.ref(g),
            out, out);
      }
    }
  }

  /**
   * The used nodes of {@code repeated}, in order, for a loop that computes them once per column
   * (of a Jacobian or a Hessian): their arrays are allocated here, before the loop.
   */
  private List<Node.Apply> allocateRepeated(Set<Node> used, Set<Node> repeated) {
    List<Node.Apply> nodes = new ArrayList<>();
    for (Node n : program.graph().nodes()) {
      if (used.contains(n) && n instanceof Node.Apply a && repeated.contains(outermost(n))) {
        nodes.add(a);
        if (a.shape().isArray() && !lower.readsAsScalar(a) && !lower.isFused(a)
            && !ControlFlow.isLoopResult(a) && !lower.writesInPlace(a)) {
          lower.allocate(a);
        }
      }
    }
    return nodes;
  }

  /** The top-level node n is computed in: itself, or the outermost loop around it. */
  private Node outermost(Node n) {
    Node at = n;
    for (Node loop = regions.loopOf(at); loop != null; loop = regions.loopOf(at)) {
      at = loop;
    }
    return at;
  }

  /** One output or direction array's length check, with the parameter's shape in the message. */
  private void lengthCheck(CodeBlock.Builder code, Node.Param w, String array, String need,
      String what) {
    code.beginControlFlow("if ($L.length != $L)", array, need);
    CodeBlock message = CodeBlock.of("$S + $L.length + $S + ($L)",
        methodName(source, mode) + ": " + array + " has length ", array,
        what + w.name() + ") = ", need);
    if (!w.shape().isScalar()) {
      message = CodeBlock.of("$L + $S + $L + $S", message,
          " (" + w.name() + describeParamPrefix(w.name()), describeParamValue(w.name()), ")");
    }
    code.addStatement("throw new $T($L)", IllegalArgumentException.class, message);
    code.endControlFlow();
  }

  /** N, the number of entries of all wrt parameters together, as an int expression. */
  private String thetaSize() {
    return String.join(" + ", program.wrt().stream()
        .map(w -> w.shape().isScalar() ? "1" : lower.size(w)).toList());
  }

  /** Binds the direction parameters as the inputs' tangents (a scalar's is entry 0 of its array). */
  private void bindDirections(Map<String, String> names) {
    for (int k = 0; k < program.wrt().size(); k++) {
      Node.Param w = program.wrt().get(k);
      String dir = names.get(w.name());
      lower.bind(program.directions().get(k), w.shape().isScalar() ? dir + "[0]" : dir);
    }
  }

  /**
   * The Hessian, one column per entry a of θ: the forward and reverse passes once, then the
   * tangent pass along the unit direction e_a, written into row a (the Hessian is symmetric).
   * The direction arrays come from the workspace, zero but for the 1 moved along.
   */
  private void hessian(CodeBlock.Builder code, Set<Node> used) {
    String n = lower.local("n");
    String row = lower.local("row");
    Set<Node> keep = new HashSet<>(program.gradients().values());
    sweepUnitDirections(code, used, keep, () -> {
      code.addStatement("int $L = $L", n, thetaSize());
      code.addStatement("int $L = 0", row);
    }, (along, i) -> {
      String col = lower.local("col");
      code.addStatement("int $L = $L++ * $L", col, row, n);
      for (Node.Param w : program.wrt()) {
        Node h = program.gradients().get(w.name());
        String size = w.shape().isScalar() ? "1" : lower.size(w);
        String j = lower.local("j");
        code.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, size, j);
        code.addStatement("$L[$L++] = $L", hess, col, h == null ? "0.0" : lower.at(h, j));
        code.endControlFlow();
      }
    });
  }

  /**
   * The Jacobian by forward sweeps, for when the inputs are fewer than the outputs: row i of
   * jac_w (the derivatives of every output by w_i) is the tangent along e_i.
   */
  private void jacobianByForwardSweeps(CodeBlock.Builder code, Set<Node> used) {
    Node t = program.tangent();
    String m = lower.size(program.output());
    sweepUnitDirections(code, used, t == null ? Set.of() : Set.of(t), () -> { }, (along, i) -> {
      String j = lower.local("j");
      code.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, m, j);
      code.addStatement("$L[$L * $L + $L] = $L", outputNames.get(along.name()), i, m, j,
          t == null ? "0.0" : lower.at(t, j));
      code.endControlFlow();
    });
  }

  /** Writes the results of one unit-direction sweep: along which parameter, at which index. */
  @FunctionalInterface
  private interface SweepRow {
    void write(Node.Param along, String index);
  }

  /**
   * One forward (tangent) sweep per entry of θ: the part of the program that does not depend
   * on the directions once, then, for each entry, the direction e_i (arrays from the workspace,
   * zero but for the 1 moved along) and the tangent part, whose results {@code row} writes.
   */
  private void sweepUnitDirections(CodeBlock.Builder code, Set<Node> used, Set<Node> keep,
      Runnable beforeLoop, SweepRow row) {
    Set<Node> tangentPart = program.graph().dependents(program.directions(), true);
    lower.planFusion(used, keep,
        (n, c) -> sameLoop(n, c) && tangentPart.contains(n) == tangentPart.contains(c));
    lower.planInPlace(used, regions, keep,
        (n, c) -> tangentPart.contains(n) == tangentPart.contains(c));
    Map<String, String> dirs = new LinkedHashMap<>();
    for (Node.Param w : program.wrt()) {
      String dir = lower.local("dir_" + w.name());
      String size = w.shape().isScalar() ? "1" : lower.size(w);
      code.addStatement("double[] $L = $L", dir, lower.newArray(size));
      code.addStatement("$T.fill($L, 0, $L, 0.0)", Arrays.class, dir, size);
      dirs.put(w.name(), dir);
    }
    bindDirections(dirs);
    loops.write(program.graph().nodes(), n -> !tangentPart.contains(n), Map.of());
    allocateRepeated(used, tangentPart);
    beforeLoop.run();
    for (Node.Param along : program.wrt()) {
      String dir = dirs.get(along.name());
      String i = lower.local("i");
      // Through the lowering, which scopes what lowerings remember (Emitter#recall) to blocks.
      lower.open("for (int " + i + " = 0; " + i + " < "
          + (along.shape().isScalar() ? "1" : lower.size(along)) + "; " + i + "++)");
      code.addStatement("$L[$L] = 1.0", dir, i);
      loops.write(program.graph().nodes(), tangentPart::contains, Map.of());
      row.write(along, i);
      code.addStatement("$L[$L] = 0.0", dir, i);
      lower.close();
    }
  }


  /**
   * The Jacobian-vector product: the directions bound as the inputs' tangents (a scalar's is
   * entry 0 of its array), then the tangent computation, written into jvpOut or returned.
   */
  private void jvp(CodeBlock.Builder code, Set<Node> used) {
    bindDirections(outputNames);
    Node t = program.tangent();
    lower.planFusion(used, t == null ? Set.of() : Set.of(t), this::sameLoop);
    lower.planInPlace(used, regions, t == null ? Set.of() : Set.of(t), (n, c) -> true);
    boolean direct = !program.scalarValued() && t instanceof Node.Apply
        && !Graph.uses(program.graph().nodes()).containsKey(t) && !lower.readsAsScalar(t)
        && t.shape().isArray() && !ControlFlow.isLoopResult(t)
        && !((Node.Apply) t).op().writesInto();
    Map<Node, String> directOut = new HashMap<>();
    if (direct) {
      directOut.put(t, jvpOut);
    }
    loops.write(program.graph().nodes(), n -> true, directOut);
    if (program.scalarValued()) {
      code.addStatement("return $L", t == null ? "0.0" : lower.ref(t));
    } else if (t == null) {
      code.addStatement("$T.fill($L, 0.0)", Arrays.class, jvpOut);
    } else if (t.shape().isScalar() || lower.readsAsScalar(t)) {
      code.addStatement("$T.fill($L, $L)", Arrays.class, jvpOut, lower.ref(t));
    } else if (!direct) {
      code.addStatement("$T.arraycopy($L, 0, $L, 0, $L.length)", System.class, lower.ref(t),
          jvpOut, jvpOut);
    }
  }

  /**
   * The Jacobian, one column per output entry j: the forward pass once, then the reverse pass
   * seeded with e_j. Reverse-pass arrays are allocated once, before the loop.
   */
  /** The seed and every node computed from it: the Jacobian's per-column part. */
  private Set<Node> dependsOnSeed(Node seed) {
    return program.graph().dependents(List.of(seed), true);
  }

  private void jacobian(CodeBlock.Builder code, Set<Node> used, Set<Node> dependsOnSeed) {
    // Fewer inputs than outputs: one forward sweep per input beats one reverse sweep per output.
    List<String> arguments = new ArrayList<>();
    source.parameters().forEach(p -> arguments.add(lower.paramVar(p.name())));
    arguments.addAll(outputNames.values());
    arguments.add(workspace);
    if (!dev.matgrad.processor.ops.CustomCalls.in(program.graph())) {
      // (a method calling a @CustomVjp rule has no forward mode)
      code.beginControlFlow("if ($L < $L)", thetaSize(), lower.size(program.output()));
      code.addStatement("$L($L)", methodName(source, Mode.JACOBIAN_BY_FORWARD_SWEEPS),
          String.join(", ", arguments));
      code.addStatement("return");
      code.endControlFlow();
    }
    Node seed = program.seed();
    loops.write(program.graph().nodes(), n -> !dependsOnSeed.contains(n), Map.of());
    String m = lower.size(program.output());
    String seedVar = lower.local("seed");
    code.addStatement("double[] $L = $L", seedVar, lower.newArray(m));
    code.addStatement("$T.fill($L, 0, $L, 0.0)", Arrays.class, seedVar, m);
    lower.bind(seed, seedVar);
    for (Node.Param w : program.wrt()) {
      if (program.gradients().get(w.name()) == null) {
        code.addStatement("$T.fill($L, 0.0)", Arrays.class, outputNames.get(w.name()));
      }
    }
    // Allocate the reverse pass's arrays here, then lower its statements into the loop body.
    allocateRepeated(used, dependsOnSeed);
    String j = lower.local("j");
    lower.open("for (int " + j + " = 0; " + j + " < " + m + "; " + j + "++)");
    code.addStatement("$L[$L] = 1.0", seedVar, j);
    loops.write(program.graph().nodes(), dependsOnSeed::contains, Map.of());
    for (Node.Param w : program.wrt()) {
      Node g = program.gradients().get(w.name());
      if (g == null) {
        continue;
      }
      String out = outputNames.get(w.name());
      String size = w.shape().isScalar() ? "1" : lower.size(w);
      String i = lower.local("i");
      code.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, size, i);
      code.addStatement("$L[$L * $L + $L] = $L", out, i, m, j, lower.at(g, i));
      code.endControlFlow();
    }
    code.addStatement("$L[$L] = 0.0", seedVar, j);
    lower.close();
  }
}
