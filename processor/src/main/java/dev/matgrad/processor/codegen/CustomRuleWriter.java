package dev.matgrad.processor.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes the generated methods of a method with a {@code @CustomVjp} rule: matgrad does not read
 * its body, so fGrad, fVjp and fJacobian call the method itself for the value and the user's
 * rule for the vector-Jacobian product.
 */
public final class CustomRuleWriter {
  private static final ClassName DERIVATION = ClassName.get("dev.matgrad", "Derivation");
  private static final TypeName DOUBLE_ARRAY = TypeName.get(double[].class);

  /**
   * The method with the rule.
   *
   * @param owner the user's class
   * @param paramTypes the parameters' types as written: double, int, double[] or Matrix
   * @param wrt the wrt parameters' indices
   * @param scalar whether the method returns double
   */
  public record Rule(ClassName owner, String method, String rule, List<String> paramNames,
      List<String> paramTypes, List<Integer> wrt, boolean scalar) {}

  private final Rule r;
  private final Set<String> taken = new HashSet<>();

  private CustomRuleWriter(Rule rule) {
    this.r = rule;
    taken.addAll(rule.paramNames());
  }

  /** The generated methods, each with its Workspace overload. */
  public static List<MethodSpec> methods(Rule rule) {
    return new CustomRuleWriter(rule).all();
  }

  /** The generated signatures, for clash detection (as {@link GradientsWriter#signatures}). */
  public static List<String> signatures(Rule rule) {
    String params = String.join(",", rule.paramTypes());
    String outputs = ",double[]".repeat(rule.wrt().size());
    return rule.scalar() ? List.of(rule.method() + "Grad(" + params + outputs + ")")
        : List.of(rule.method() + "Vjp(" + params + ",double[]" + outputs + ")",
            rule.method() + "Jacobian(" + params + outputs + ")");
  }

  private String unique(String base) {
    String name = base;
    for (int k = 2; taken.contains(name); k++) {
      name = base + "_" + k;
    }
    taken.add(name);
    return name;
  }

  private List<MethodSpec> all() {
    List<String> grads = new ArrayList<>();
    List<String> jacs = new ArrayList<>();
    for (int w : r.wrt()) {
      grads.add(unique("grad_" + r.paramNames().get(w)));
    }
    for (int w : r.wrt()) {
      jacs.add(unique("jac_" + r.paramNames().get(w)));
    }
    String gradOut = unique("gradOut");
    String workspace = unique("workspace");
    List<MethodSpec> out = new ArrayList<>();
    if (r.scalar()) {
      CodeBlock body = CodeBlock.builder()
          .add(checks(grads, "Grad", false))
          .addStatement("double value = $T.$L($L)", r.owner(), r.method(), args())
          .addStatement("$T.$L($L, 1.0, $L)", r.owner(), r.rule(), args(), String.join(", ", grads))
          .addStatement("return value").build();
      out.addAll(pair("Grad", TypeName.DOUBLE, grads, null, body, workspace,
          doc("Value and gradient of {@link $T#$L} from its {@code @CustomVjp} rule {@link $T#$L}:"
              + " returns f and writes $L.\n", GradientsWriter.gradientOutputs(
                  r.wrt().stream().map(w -> r.paramNames().get(w)).toList(), grads))));
      return out;
    }
    // gradOut's length is the result's size, which only the method's own result tells.
    CodeBlock vjp = CodeBlock.builder()
        .addStatement("$T.requireNonNull($L, $S)", Objects.class, gradOut, gradOut)
        .add(checks(grads, "Vjp", false))
        .add(resultSize())
        .beginControlFlow("if ($L.length != m)", gradOut)
        .addStatement("throw new $T($S + $L.length + $S + m)", IllegalArgumentException.class,
            r.method() + "Vjp: " + gradOut + " has length ", gradOut,
            " but needs the size of " + r.method() + "'s result, ")
        .endControlFlow()
        .addStatement("$T.$L($L, $L, $L)", r.owner(), r.rule(), args(), gradOut,
            String.join(", ", grads)).build();
    out.addAll(pair("Vjp", TypeName.VOID, grads, gradOut, vjp, workspace,
        doc("Vector-Jacobian product of {@link $T#$L} from its {@code @CustomVjp} rule {@link $T#$L}:"
            + " grad_w[i] = Σ_j ∂f_j/∂w_i · gradOut[j].\n")));
    // The Jacobian, column j from the rule with gradOut = e_j; m from the method's own result.
    CodeBlock.Builder jac = CodeBlock.builder().add(checks(jacs, "Jacobian", true));
    jac.addStatement("double[] unit = $L.buffer(0, m)", workspace);
    jac.addStatement("$T.fill(unit, 0, m, 0.0)", Arrays.class);
    List<String> columns = new ArrayList<>();
    for (int k = 0; k < r.wrt().size(); k++) {
      String column = "column" + k;
      jac.addStatement("double[] $L = new double[$L]", column, size(r.wrt().get(k)));
      columns.add(column);
    }
    jac.beginControlFlow("for (int j = 0; j < m; j++)");
    jac.addStatement("unit[j] = 1.0");
    jac.addStatement("$T.$L($L, $T.copyOf(unit, m), $L)", r.owner(), r.rule(), args(), Arrays.class,
        String.join(", ", columns));
    for (int k = 0; k < r.wrt().size(); k++) {
      jac.beginControlFlow("for (int i = 0; i < $L.length; i++)", columns.get(k));
      jac.addStatement("$L[i * m + j] = $L[i]", jacs.get(k), columns.get(k));
      jac.endControlFlow();
    }
    jac.addStatement("unit[j] = 0.0");
    jac.endControlFlow();
    out.addAll(pair("Jacobian", TypeName.VOID, jacs, null, jac.build(), workspace,
        doc("Jacobian of {@link $T#$L} from its {@code @CustomVjp} rule {@link $T#$L}, one rule call"
            + " per output: jac_w[i·m + j] = ∂f_j/∂w_i.\n")));
    return out;
  }

  /**
   * A Javadoc whose format names the method and its rule ({@code $T#$L} twice), then any
   * further {@code $L} arguments.
   */
  private CodeBlock doc(String format, Object... more) {
    List<Object> args = new ArrayList<>(List.of(r.owner(), r.method(), r.owner(), r.rule()));
    args.addAll(List.of(more));
    return CodeBlock.of(format, args.toArray());
  }

  /** The method and its Workspace overload (the code is in the overload). */
  private List<MethodSpec> pair(String suffix, TypeName returns, List<String> outputs,
      String gradOut, CodeBlock body, String workspace, CodeBlock doc) {
    String name = r.method() + suffix;
    AnnotationSpec.Builder derivation = AnnotationSpec.builder(DERIVATION)
        .addMember("method", "$S", r.method());
    if (r.wrt().isEmpty()) {
      derivation.addMember("wrt", "{}");
    }
    r.wrt().forEach(w -> derivation.addMember("wrt", "$S", r.paramNames().get(w)));
    derivation.addMember("notation", "$S", "f = " + r.method() + "(…), not read by matgrad");
    derivation.addMember("notation", "$S", "(∂f/∂w) ḡ = " + r.rule() + "(…, ḡ), the @CustomVjp rule");
    List<MethodSpec> pair = new ArrayList<>();
    for (boolean withWorkspace : new boolean[] {false, true}) {
      MethodSpec.Builder m = MethodSpec.methodBuilder(name)
          .addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(returns)
          .addAnnotation(derivation.build());
      List<String> arguments = new ArrayList<>();
      for (int p = 0; p < r.paramNames().size(); p++) {
        m.addParameter(MethodWriter.typeOf(r.paramTypes().get(p)), r.paramNames().get(p));
        arguments.add(r.paramNames().get(p));
      }
      if (gradOut != null) {
        m.addParameter(DOUBLE_ARRAY, gradOut);
        arguments.add(gradOut);
      }
      outputs.forEach(o -> m.addParameter(DOUBLE_ARRAY, o));
      arguments.addAll(outputs);
      if (withWorkspace) {
        m.addJavadoc("Same as {@link #$L} without the workspace, which holds its scratch arrays.\n",
            name);
        m.addParameter(MethodWriter.WORKSPACE, workspace);
        m.addStatement("$T.requireNonNull($L, $S)", Objects.class, workspace, workspace);
        m.addCode(body);
      } else {
        m.addJavadoc(doc);
        m.addStatement((returns == TypeName.VOID ? "" : "return ") + "$L($L, new $T())", name,
            String.join(", ", arguments), MethodWriter.WORKSPACE);
      }
      pair.add(m.build());
    }
    return pair;
  }

  private String args() {
    return String.join(", ", r.paramNames());
  }

  /** size(w) as an int expression of the parameter. */
  private String size(int p) {
    String name = r.paramNames().get(p);
    return switch (r.paramTypes().get(p)) {
      case "double" -> "1";
      case "double[]" -> name + ".length";
      default -> name + ".rows() * " + name + ".cols()";
    };
  }

  /** {@code int m}: the flat size of the method's result, from calling it. */
  private CodeBlock resultSize() {
    return CodeBlock.builder()
        .addStatement("Object result = $T.$L($L)", r.owner(), r.method(), args())
        .addStatement("int m = result instanceof double[] v ? v.length : (($T) result).rows() * (($T) result).cols()",
            MethodWriter.MATRIX, MethodWriter.MATRIX)
        .build();
  }

  /** Null checks and the outputs' lengths (for a Jacobian: m from the method's result first). */
  private CodeBlock checks(List<String> outputs, String suffix, boolean jacobian) {
    CodeBlock.Builder b = CodeBlock.builder();
    for (int p = 0; p < r.paramNames().size(); p++) {
      String t = r.paramTypes().get(p);
      if (!t.equals("double") && !t.equals("int")) {
        b.addStatement("$T.requireNonNull($L, $S)", Objects.class, r.paramNames().get(p),
            r.paramNames().get(p));
      }
    }
    outputs.forEach(o -> b.addStatement("$T.requireNonNull($L, $S)", Objects.class, o, o));
    if (jacobian) {
      b.add(resultSize());
    }
    for (int k = 0; k < r.wrt().size(); k++) {
      int p = r.wrt().get(k);
      String need = jacobian ? "(long) " + size(p) + " * m" : size(p);
      b.beginControlFlow("if ($L.length != $L)", outputs.get(k), need);
      b.addStatement("throw new $T($S + $L.length + $S + ($L))", IllegalArgumentException.class,
          r.method() + suffix + ": " + outputs.get(k) + " has length ", outputs.get(k),
          " but needs size(" + r.paramNames().get(p) + ")" + (jacobian ? "·m" : "") + " = ", need);
      b.endControlFlow();
    }
    return b.build();
  }
}
