package dev.matgrad.processor.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.passes.JacobianClosedForm;
import dev.matgrad.processor.passes.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/** Writes the {@code XGradients} class of one user class from its differentiated programs. */
public final class GradientsWriter {
  private static final ClassName DERIVATION = ClassName.get("dev.matgrad", "Derivation");

  private GradientsWriter() {}

  /** The simple name of the generated class: {@code Outer_InnerGradients} for a nested class. */
  public static String className(String packageName, String qualifiedOwner) {
    String relative = packageName.isEmpty() ? qualifiedOwner
        : qualifiedOwner.substring(packageName.length() + 1);
    return relative.replace('.', '_') + "Gradients";
  }

  /** The generated method signatures of a method, for clash detection: name and parameter types. */
  public static List<String> signatures(MethodSource source, List<String> wrt, boolean scalar,
      boolean hessian) {
    return signatures(source, wrt, scalar, hessian, true);
  }

  /** As above; without fJvp where {@code jvp} is false (a method calling a @CustomVjp rule). */
  public static List<String> signatures(MethodSource source, List<String> wrt, boolean scalar,
      boolean hessian, boolean jvp) {
    if (!jvp) {
      String params = String.join(",", source.parameters().stream().map(MethodSource.Parameter::type).toList());
      String outputs = ",double[]".repeat(wrt.size());
      return scalar ? List.of(source.name() + "Grad(" + params + outputs + ")")
          : List.of(source.name() + "Vjp(" + params + ",double[]" + outputs + ")",
              source.name() + "Jacobian(" + params + outputs + ")");
    }
    String params = String.join(",", source.parameters().stream().map(MethodSource.Parameter::type).toList());
    String outputs = ",double[]".repeat(wrt.size());
    if (scalar && hessian) {
      return List.of(source.name() + "Grad(" + params + outputs + ")",
          source.name() + "Jvp(" + params + outputs + ")",
          source.name() + "Hvp(" + params + outputs + outputs + ")",
          source.name() + "Hessian(" + params + ",double[])");
    }
    if (scalar) {
      return List.of(source.name() + "Grad(" + params + outputs + ")",
          source.name() + "Jvp(" + params + outputs + ")");
    }
    return List.of(source.name() + "Vjp(" + params + ",double[]" + outputs + ")",
        source.name() + "Jacobian(" + params + outputs + ")",
        source.name() + "Jvp(" + params + outputs + ",double[])");
  }

  /** The java.lang classes generated code refers to by simple name. */
  public static final Set<String> JAVA_LANG_NAMES = Set.of("Math", "Double", "System",
      "IllegalArgumentException", "NullPointerException", "Object", "String");

  /** The generated class: every program's methods (see {@link #methods}), in source order. */
  public static JavaFile write(String packageName, String qualifiedOwner, Element origin,
      List<MethodSpec> methods, boolean javaLangShadowed) {
    String name = className(packageName, qualifiedOwner);
    TypeSpec.Builder type = TypeSpec.classBuilder(name)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addOriginatingElement(origin)
        .addJavadoc("Gradients of the {@code @Differentiable} methods of {@link $L}, derived at compile\n"
            + "time by matgrad. Arrays are flat and row-major; outputs are overwritten.\n", qualifiedOwner)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    // Helper methods (erf, say) come once, however many methods call them.
    Set<String> added = new java.util.HashSet<>();
    for (MethodSpec m : methods) {
      if (added.add(m.toString())) {
        type.addMethod(m);
      }
    }
    // Where the user's package has a class named like one of java.lang's (Math, say), the
    // java.lang classes are imported explicitly, which shadows the package's.
    return JavaFile.builder(packageName, type.build()).skipJavaLangImports(!javaLangShadowed)
        .indent("  ").build();
  }

  /**
   * A method's generated methods: fGrad, or fVjp and fJacobian, from its reverse-mode program
   * {@code p}; fJvp from its forward-mode program {@code tangent}; each with its Workspace
   * overload. Where the user's package shadows java.lang's classes, the code refers to them
   * qualified.
   */
  public static List<MethodSpec> methods(Program p, Program tangent, Program hessian,
      boolean javaLangShadowed) {
    List<MethodSpec> out = new ArrayList<>();
    Set<String> helpers = new java.util.TreeSet<>();
    List<MethodWriter.Mode> modes = p.scalarValued() ? List.of(MethodWriter.Mode.GRAD)
        : List.of(MethodWriter.Mode.VJP, MethodWriter.Mode.JACOBIAN);
    Program closedJacobian = p.scalarValued() ? null : closedForm(p, false);
    for (MethodWriter.Mode mode : modes) {
      Program of = p;
      if (mode == MethodWriter.Mode.JACOBIAN && closedJacobian != null) {
        of = closedJacobian;
        mode = MethodWriter.Mode.CLOSED_JACOBIAN;
      }
      List<String> notation = notation(of, mode);
      AnnotationSpec derivation = derivation(of, notation);
      String doc = javadoc(of, mode, notation);
      out.add(new MethodWriter(of, mode, false, javaLangShadowed).write(doc, derivation));
      out.add(written(new MethodWriter(of, mode, true, javaLangShadowed), helpers)
          .write(workspaceJavadoc(of, mode), derivation));
    }
    if (tangent == null) {
      // It calls a @CustomVjp rule: reverse mode only (no fJvp, no Jacobian by forward sweeps).
      out.addAll(Helpers.methods(helpers, javaLangShadowed));
      return out;
    }
    if (!p.scalarValued() && closedJacobian == null) {
      out.add(written(new MethodWriter(tangent, MethodWriter.Mode.JACOBIAN_BY_FORWARD_SWEEPS, true,
          javaLangShadowed), helpers).write("The Jacobian of {@link #" + p.source().name()
              + "Jacobian} by forward sweeps, one per input entry (row i of jac_w is the"
              + " derivative along e_i):\nthat method calls it when the inputs are fewer than"
              + " the outputs.\n", derivation(p, notation(p, MethodWriter.Mode.JACOBIAN))));
    }
    List<String> notation = notation(tangent, MethodWriter.Mode.JVP);
    AnnotationSpec derivation = derivation(tangent, notation);
    out.add(new MethodWriter(tangent, MethodWriter.Mode.JVP, false, javaLangShadowed)
        .write(javadoc(tangent, MethodWriter.Mode.JVP, notation), derivation));
    out.add(written(new MethodWriter(tangent, MethodWriter.Mode.JVP, true, javaLangShadowed),
        helpers).write(workspaceJavadoc(tangent, MethodWriter.Mode.JVP), derivation));
    Program closedHessian = hessian == null ? null : closedForm(p, true);
    for (MethodWriter.Mode mode : hessian == null ? List.<MethodWriter.Mode>of()
        : List.of(MethodWriter.Mode.HVP, MethodWriter.Mode.HESSIAN)) {
      Program of = hessian;
      if (mode == MethodWriter.Mode.HESSIAN && closedHessian != null) {
        of = closedHessian;
        mode = MethodWriter.Mode.CLOSED_HESSIAN;
      }
      List<String> lines = notation(of, mode);
      AnnotationSpec second = derivation(of, lines);
      out.add(new MethodWriter(of, mode, false, javaLangShadowed)
          .write(javadoc(of, mode, lines), second));
      out.add(written(new MethodWriter(of, mode, true, javaLangShadowed), helpers)
          .write(workspaceJavadoc(of, mode), second));
    }
    out.addAll(Helpers.methods(helpers, javaLangShadowed));
    return out;
  }

  /**
   * The closed form of fJacobian (or, with {@code hessian}, of fHessian) from the reverse-mode
   * program, or null where the pass declines and the sweeps are written. The pass is meant to
   * decline whatever it does not cover; should it fail on a graph anyway, the sweeps are written
   * too, so that a gap in it never stops the method from being generated.
   */
  private static Program closedForm(Program p, boolean hessian) {
    try {
      return hessian ? JacobianClosedForm.hessian(p) : JacobianClosedForm.jacobian(p);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The writer, whose helpers are added to {@code helpers} once it has written its method. */
  private static HelperCollector written(MethodWriter writer, Set<String> helpers) {
    return new HelperCollector(writer, helpers);
  }

  /** Writes a method and records the helpers its code calls. */
  private record HelperCollector(MethodWriter writer, Set<String> helpers) {
    MethodSpec write(String javadoc, AnnotationSpec derivation) {
      MethodSpec m = writer.write(javadoc, derivation);
      helpers.addAll(writer.helpers());
      return m;
    }
  }

  /**
   * About how many bytes of bytecode a method body compiles to, at most: 0.55 bytes per character
   * once string literals, comments and runs of blanks are dropped (measured on generated code:
   * 0.32 to 0.49 typically; dense scalar arithmetic, as in a Hessian of many scalar steps, reached
   * 0.53). javac rejects methods over 64 KB: an overestimate only makes the error earlier.
   */
  public static int estimatedBytecode(MethodSpec method) {
    String code = method.code().toString()
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("//[^\n]*", "")
        .replaceAll("\\s+", " ");
    return code.length() * 11 / 20;
  }

  /** {@code @Derivation(method = "f", wrt = {"A"}, notation = {...})}: the Javadoc's formulas at run time. */
  private static AnnotationSpec derivation(Program p, List<String> notation) {
    AnnotationSpec.Builder a = AnnotationSpec.builder(DERIVATION)
        .addMember("method", "$S", p.source().name());
    if (p.wrt().isEmpty()) {
      a.addMember("wrt", "{}");
    }
    p.wrt().forEach(w -> a.addMember("wrt", "$S", w.name()));
    notation.forEach(line -> a.addMember("notation", "$S", line));
    return a.build();
  }

  /** The derivation in matrix notation, one line each: f, each gradient, then "where" lines. */
  private static List<String> notation(Program p, MethodWriter.Mode mode) {
    GradientDoc doc = new GradientDoc(p);
    List<String> lines = new ArrayList<>();
    lines.add("f = " + doc.print(p.output()));
    if (mode == MethodWriter.Mode.JVP) {
      // The directions are the inputs' tangents: ḟ = Σ_w (∂f/∂w) dir_w.
      lines.add("ḟ = " + (p.tangent() == null ? "0" : doc.print(p.tangent())));
    }
    for (Node.Param w : mode == MethodWriter.Mode.JVP ? List.<Node.Param>of() : p.wrt()) {
      Node g = p.gradients().get(w.name());
      String derivative = g == null ? "0" : doc.print(g);
      switch (mode) {
        case GRAD -> lines.add("∇_" + w.name() + " f = " + derivative);
        case VJP -> lines.add("(∂f/∂" + w.name() + ") ḡ = " + derivative);
        case JACOBIAN -> {
          // ∂f/∂x as a matrix when both are vectors and the product reads M ḡ.
          boolean vectors = w.shape().kind() == Kind.VECTOR && p.output().shape().kind() == Kind.VECTOR;
          String jacobian = vectors && g != null ? doc.jacobian(g) : null;
          if (jacobian != null) {
            lines.add("∂f/∂" + w.name() + " = " + jacobian);
          } else {
            lines.add("column j of ∂f/∂" + w.name() + " = (∂f/∂" + w.name() + ") e_j, with ḡ = e_j:");
            lines.add("    = " + derivative);
          }
        }
        case CLOSED_JACOBIAN -> lines.add("∂f/∂" + w.name() + " = " + derivative);
        case CLOSED_HESSIAN -> lines.add("∇²_" + w.name() + " f = " + derivative);
        case HVP -> lines.add("(∇²f dir)_" + w.name() + " = " + derivative);
        case HESSIAN -> {
          lines.add("row a of ∇²f, block " + w.name() + " = (∇²f e_a)_" + w.name() + ", with dir = e_a:");
          lines.add("    = " + derivative);
        }
        case JVP, JACOBIAN_BY_FORWARD_SWEEPS ->
            throw new IllegalStateException("no per-parameter lines for " + mode);
      }
    }
    List<String> rules = dev.matgrad.processor.ops.CustomCalls.callees(p.graph());
    if (!rules.isEmpty()) {
      lines.add("with the @CustomVjp rule" + (rules.size() > 1 ? "s" : "") + " of "
          + String.join(", ", rules) + " (no fJvp)");
    }
    List<String> where = doc.whereLines();
    if (!where.isEmpty()) {
      lines.add("where");
      where.forEach(line -> lines.add("  " + line));
    }
    return lines;
  }

  private static String workspaceJavadoc(Program p, MethodWriter.Mode mode) {
    String f = MethodWriter.methodName(p.source(), mode);
    return "Same as {@link #" + f + "} without the workspace, but takes its scratch arrays from\n"
        + "{@code workspace}: after the first call with given shapes, a call allocates nothing.\n"
        + "A workspace may serve several methods; it is not thread-safe (one per thread).\n\n"
        + "@see #" + f + "\n";
  }

  /** "∂f/∂A into {@code grad_A} and ∂f/∂x into {@code grad_x}": each gradient and its output. */
  static String gradientOutputs(List<String> wrt, List<String> outputs) {
    List<String> each = new ArrayList<>();
    for (int k = 0; k < wrt.size(); k++) {
      each.add("∂f/∂" + wrt.get(k) + " into {@code " + outputs.get(k) + "}");
    }
    if (each.size() <= 1) {
      return each.isEmpty() ? "no gradient (no parameter is differentiated)" : each.get(0);
    }
    return String.join(", ", each.subList(0, each.size() - 1)) + " and " + each.get(each.size() - 1);
  }

  private static String javadoc(Program p, MethodWriter.Mode mode, List<String> notation) {
    MethodSource s = p.source();
    StringBuilder b = new StringBuilder();
    String f = s.name();
    String sig = f + "(" + String.join(", ", s.parameters().stream().map(MethodSource.Parameter::name).toList()) + ")";
    switch (mode) {
      case GRAD -> b.append("Value and gradient of {@link ").append(s.owner()).append("#").append(f)
          .append("}: returns f = ").append(sig).append(" and writes ")
          .append(gradientOutputs(p.wrt().stream().map(Node.Param::name).toList(),
              p.wrt().stream().map(w -> "grad_" + w.name()).toList())).append(".\n");
      case VJP -> b.append("Vector-Jacobian product of {@link ").append(s.owner()).append("#").append(f)
          .append("}: writes grad_w[i] = Σ_j ∂f_j/∂w_i · gradOut[j] (one backpropagation step).\n");
      case JACOBIAN -> b.append("Jacobian of {@link ").append(s.owner()).append("#").append(f)
          .append("}: writes jac_w[i·m + j] = ∂f_j/∂w_i, the size(w)×m Jacobian (m = number of outputs).\n");
      case HVP -> b.append("Hessian-vector product (forward over reverse mode) of {@link ")
          .append(s.owner()).append("#").append(f).append("}: writes hvp_w = Σ_v (∂²f/∂w∂v) · dir_v,")
          .append(" the Hessian over all wrt parameters jointly times the direction.\n");
      case HESSIAN -> b.append("Hessian of {@link ").append(s.owner()).append("#").append(f)
          .append("}: writes hess[a·N + b] = ∂²f/∂θ_a∂θ_b, θ the wrt parameters flattened and")
          .append(" concatenated in declaration order (N entries), one Hessian-vector product per row.\n");
      case CLOSED_HESSIAN -> b.append("Hessian of {@link ").append(s.owner()).append("#").append(f)
          .append("}: writes hess[a·N + b] = ∂²f/∂θ_a∂θ_b, θ the wrt parameters flattened and")
          .append(" concatenated in declaration order (N entries), computed as one matrix expression")
          .append(" (its closed form, below), not one Hessian-vector product per row.\n");
      case CLOSED_JACOBIAN -> b.append("Jacobian of {@link ").append(s.owner()).append("#").append(f)
          .append("}: writes jac_w[i·m + j] = ∂f_j/∂w_i, the size(w)×m Jacobian (m = number of outputs),")
          .append(" computed as one matrix expression (its closed form, below), not one sweep per row.\n");
      case JVP -> b.append("Jacobian-vector product (forward mode) of {@link ").append(s.owner())
          .append("#").append(f).append(p.scalarValued()
              ? "}: returns Σ_w ⟨∂f/∂w, dir_w⟩, the derivative of f along the directions.\n"
              : "}: writes jvpOut[j] = Σ_w Σ_i ∂f_j/∂w_i · dir_w[i], the derivative of f along the directions.\n");
    }
    b.append("\n<pre>\n");
    notation.forEach(line -> b.append(GradientDoc.escape(line)).append('\n'));
    b.append("</pre>\n\n");
    for (MethodSource.Parameter param : s.parameters()) {
      b.append("@param ").append(param.name()).append(' ').append(param.type()).append(" input\n");
    }
    if (mode == MethodWriter.Mode.VJP) {
      b.append("@param gradOut the adjoint ḡ of the result, one entry per output (row-major)\n");
    }
    for (Node.Param w : p.wrt()) {
      if (mode == MethodWriter.Mode.HVP) {
        b.append("@param dir_").append(w.name()).append(" the direction's entries for ")
            .append(w.name()).append(", size(").append(w.name()).append(") entries\n");
      }
    }
    for (Node.Param w : p.wrt()) {
      if (mode == MethodWriter.Mode.HESSIAN || mode == MethodWriter.Mode.CLOSED_HESSIAN) {
        continue;
      }
      if (mode == MethodWriter.Mode.HVP) {
        b.append("@param hvp_").append(w.name()).append(" output, overwritten: the product's entries for ")
            .append(w.name()).append(", size(").append(w.name()).append(") entries\n");
        continue;
      }
      if (mode == MethodWriter.Mode.JVP) {
        b.append("@param dir_").append(w.name()).append(" the direction of ").append(w.name())
            .append(", size(").append(w.name()).append(") entries\n");
        continue;
      }
      boolean jacobian = mode == MethodWriter.Mode.JACOBIAN
          || mode == MethodWriter.Mode.CLOSED_JACOBIAN;
      String out = (jacobian ? "jac_" : "grad_") + w.name();
      b.append("@param ").append(out).append(" output, overwritten: ")
          .append(jacobian ? "size(" + w.name() + ")·m entries"
              : "∂/∂" + w.name() + ", size(" + w.name() + ") entries").append('\n');
    }
    if (mode == MethodWriter.Mode.HESSIAN || mode == MethodWriter.Mode.CLOSED_HESSIAN) {
      b.append("@param hess output, overwritten: N·N entries, row-major\n");
    }
    if (mode == MethodWriter.Mode.JVP && !p.scalarValued()) {
      b.append("@param jvpOut output, overwritten: the derivative of each output entry (row-major)\n");
    }
    if (mode == MethodWriter.Mode.GRAD) {
      b.append("@return the value of ").append(f).append('\n');
    }
    if (mode == MethodWriter.Mode.JVP && p.scalarValued()) {
      b.append("@return the directional derivative of ").append(f).append('\n');
    }
    b.append("@throws IllegalArgumentException if a shape does not fit or an output array has the\n"
        + "    wrong length (before anything is written)\n");
    return b.toString();
  }
}
