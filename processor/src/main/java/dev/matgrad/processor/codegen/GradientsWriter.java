package dev.matgrad.processor.codegen;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.passes.Program;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/** Writes the {@code XGradients} class of one user class from its differentiated programs. */
public final class GradientsWriter {
  private GradientsWriter() {}

  /** The simple name of the generated class: {@code Outer_InnerGradients} for a nested class. */
  public static String className(String packageName, String qualifiedOwner) {
    String relative = packageName.isEmpty() ? qualifiedOwner
        : qualifiedOwner.substring(packageName.length() + 1);
    return relative.replace('.', '_') + "Gradients";
  }

  /** The generated method signatures of a method, for clash detection: name and parameter types. */
  public static List<String> signatures(MethodSource source, List<String> wrt, boolean scalar) {
    String params = String.join(",", source.parameters().stream().map(MethodSource.Parameter::type).toList());
    String outputs = ",double[]".repeat(wrt.size());
    if (scalar) {
      return List.of(source.name() + "Grad(" + params + outputs + ")");
    }
    return List.of(source.name() + "Vjp(" + params + ",double[]" + outputs + ")",
        source.name() + "Jacobian(" + params + outputs + ")");
  }

  /** One generated method (fGrad, or fVjp and fJacobian) per program, in source order. */
  public static JavaFile write(String packageName, String qualifiedOwner, Element origin,
      List<Program> programs) {
    String name = className(packageName, qualifiedOwner);
    TypeSpec.Builder type = TypeSpec.classBuilder(name)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addOriginatingElement(origin)
        .addJavadoc("Gradients of the {@code @Differentiable} methods of {@link $L}, derived at compile\n"
            + "time by matgrad. Arrays are flat and row-major; outputs are overwritten.\n", qualifiedOwner)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (Program p : programs) {
      for (MethodSpec m : methods(p)) {
        type.addMethod(m);
      }
    }
    return JavaFile.builder(packageName, type.build()).skipJavaLangImports(true).indent("  ").build();
  }

  static List<MethodSpec> methods(Program p) {
    List<MethodSpec> out = new ArrayList<>();
    if (p.scalarValued()) {
      out.add(new MethodWriter(p, MethodWriter.Mode.GRAD).write(javadoc(p, MethodWriter.Mode.GRAD)));
    } else {
      out.add(new MethodWriter(p, MethodWriter.Mode.VJP).write(javadoc(p, MethodWriter.Mode.VJP)));
      out.add(new MethodWriter(p, MethodWriter.Mode.JACOBIAN)
          .write(javadoc(p, MethodWriter.Mode.JACOBIAN)));
    }
    return out;
  }

  private static String javadoc(Program p, MethodWriter.Mode mode) {
    MethodSource s = p.source();
    GradientDoc doc = new GradientDoc(p);
    StringBuilder b = new StringBuilder();
    String f = s.name();
    String sig = f + "(" + String.join(", ", s.parameters().stream().map(MethodSource.Parameter::name).toList()) + ")";
    switch (mode) {
      case GRAD -> b.append("Value and gradient of {@link ").append(s.owner()).append("#").append(f)
          .append("}: returns f = ").append(sig).append(" and writes ∂f/∂w into {@code grad_w}.\n");
      case VJP -> b.append("Vector-Jacobian product of {@link ").append(s.owner()).append("#").append(f)
          .append("}: writes grad_w[i] = Σ_j ∂f_j/∂w_i · gradOut[j] (one backpropagation step).\n");
      case JACOBIAN -> b.append("Jacobian of {@link ").append(s.owner()).append("#").append(f)
          .append("}: writes jac_w[i·m + j] = ∂f_j/∂w_i, the size(w)×m Jacobian (m = number of outputs).\n");
    }
    b.append("\n<pre>\n");
    String result = GradientDoc.escape(doc.print(p.output()));
    b.append("f = ").append(result).append('\n');
    for (Node.Param w : p.wrt()) {
      Node g = p.gradients().get(w.name());
      String lhs = switch (mode) {
        case GRAD -> "∇_" + w.name() + " f";
        case VJP -> "(∂f/∂" + w.name() + ") ḡ";
        case JACOBIAN -> "column j of ∂f/∂" + w.name() + " = (∂f/∂" + w.name() + ") e_j, with ḡ = e_j:\n   ";
      };
      b.append(lhs).append(" = ").append(g == null ? "0" : GradientDoc.escape(doc.print(g))).append('\n');
    }
    List<String> where = doc.whereLines();
    if (!where.isEmpty()) {
      b.append("where\n");
      for (String line : where) {
        b.append("  ").append(GradientDoc.escape(line)).append('\n');
      }
    }
    b.append("</pre>\n\n");
    for (MethodSource.Parameter param : s.parameters()) {
      b.append("@param ").append(param.name()).append(' ').append(param.type()).append(" input\n");
    }
    if (mode == MethodWriter.Mode.VJP) {
      b.append("@param gradOut the adjoint ḡ of the result, one entry per output (row-major)\n");
    }
    for (Node.Param w : p.wrt()) {
      String out = (mode == MethodWriter.Mode.JACOBIAN ? "jac_" : "grad_") + w.name();
      b.append("@param ").append(out).append(" output, overwritten: ")
          .append(mode == MethodWriter.Mode.JACOBIAN ? "size(" + w.name() + ")·m entries"
              : "∂/∂" + w.name() + ", size(" + w.name() + ") entries").append('\n');
    }
    if (mode == MethodWriter.Mode.GRAD) {
      b.append("@return the value of ").append(f).append('\n');
    }
    b.append("@throws IllegalArgumentException if a shape does not fit or an output array has the\n"
        + "    wrong length (before anything is written)\n");
    return b.toString();
  }
}
