package dev.matgrad.processor.codegen;

import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Private static methods of the generated class that lowerings call for a scalar function with
 * no {@code java.lang.Math} counterpart: {@code erf}, {@code erfc} and {@code normalCdf}. They compute exactly
 * what the runtime's {@code Ops.erf}, {@code Ops.erfc} and {@code Ops.normalCdf} compute (W. J. Cody's rational
 * approximations, the same operations in the same order), so a generated gradient's value is
 * bit for bit the user's method's, without the generated code calling {@code Ops}.
 */
final class Helpers {
  private Helpers() {}

  /** The helpers lowerings may ask for (see Emitter#helper). */
  static final Set<String> NAMES = Set.of("erf", "erfc", "normalCdf");

  private static final double[] ERF_A = {3.16112374387056560e00, 1.13864154151050156e02,
      3.77485237685302021e02, 3.20937758913846947e03, 1.85777706184603153e-1};
  private static final double[] ERF_B = {2.36012909523441209e01, 2.44024637934444173e02,
      1.28261652607737228e03, 2.84423683343917062e03};
  private static final double[] ERFC_C = {5.64188496988670089e-1, 8.88314979438837594e00,
      6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02,
      1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
      2.15311535474403846e-8};
  private static final double[] ERFC_D = {1.57449261107098347e01, 1.17693950891312499e02,
      5.37181101862009858e02, 1.62138957456669019e03, 3.29079923573345963e03,
      4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03};
  private static final double[] ERFC_P = {3.05326634961232344e-1, 3.60344899949804439e-1,
      1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4,
      1.63153871373020978e-2};
  private static final double[] ERFC_Q = {2.56852019228982242e00, 1.87295284992346047e00,
      5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3};
  private static final String ERF_SMALL = "0.46875";
  private static final String ERF_TINY = "1.11e-16";
  private static final String INV_SQRT_PI = "5.6418958354775628695e-1";
  private static final String SQRT_HALF = "0.7071067811865476";
  private static final String ERFC_UNDERFLOW = "27.3";
  private static final String NORMAL_TAIL_UNDERFLOW = "38.6";

  /** The helper methods {@code names} need, their own helpers included, in a fixed order. */
  static List<MethodSpec> methods(Set<String> names, boolean javaLangShadowed) {
    String math = javaLangShadowed ? "java.lang.Math" : "Math";
    String dbl = javaLangShadowed ? "java.lang.Double" : "Double";
    List<MethodSpec> out = new ArrayList<>();
    if (names.isEmpty()) {
      return out;
    }
    if (names.contains("erf")) {
      out.add(unary("erf", "erf x, computed as the runtime's erf computes it (Cody's approximations).",
          "if (" + dbl + ".isNaN(x)) {\n  return x;\n}\n"
              + "double y = " + math + ".abs(x);\n"
              + "if (y <= " + ERF_SMALL + ") {\n  return erfNearZero(x);\n}\n"
              + "double r = 1.0;\n"
              + "if (y < " + ERFC_UNDERFLOW + ") {\n"
              + "  double h = " + math + ".floor(16.0 * y) / 16.0;\n"
              + "  r = 1.0 - " + math + ".exp(-(h * h)) * " + math + ".exp(-((y - h) * (y + h)))"
              + " * erfcScaled(y);\n}\n"
              + "return x < 0 ? -r : r;\n"));
    }
    if (names.contains("erfc")) {
      out.add(unary("erfc", "erfc x, computed as the runtime's erfc computes it (its tail without 1 − erf x).",
          "if (" + dbl + ".isNaN(x)) {\n  return x;\n}\n"
              + "double y = " + math + ".abs(x);\n"
              + "if (y <= " + ERF_SMALL + ") {\n  return 1.0 - erfNearZero(x);\n}\n"
              + "double tail = 0.0;\n"
              + "if (y < " + ERFC_UNDERFLOW + ") {\n"
              + "  double h = " + math + ".floor(16.0 * y) / 16.0;\n"
              + "  tail = " + math + ".exp(-(h * h)) * " + math + ".exp(-((y - h) * (y + h)))"
              + " * erfcScaled(y);\n}\n"
              + "return x < 0 ? 2.0 - tail : tail;\n"));
    }
    if (names.contains("normalCdf")) {
      out.add(unary("normalCdf", "Φ(x), computed as the runtime's normalCdf computes it.",
          "if (" + dbl + ".isNaN(x)) {\n  return x;\n}\n"
              + "double y = " + math + ".abs(x);\n"
              + "double t = y * " + SQRT_HALF + ";\n"
              + "if (t <= " + ERF_SMALL + ") {\n  return 0.5 + 0.5 * erfNearZero(x * " + SQRT_HALF
              + ");\n}\n"
              + "double tail = 0.0;\n"
              + "if (y < " + NORMAL_TAIL_UNDERFLOW + ") {\n"
              + "  double h = " + math + ".floor(16.0 * y) / 16.0;\n"
              + "  tail = 0.5 * " + math + ".exp(-0.5 * (h * h)) * " + math
              + ".exp(-0.5 * ((y - h) * (y + h))) * erfcScaled(t);\n}\n"
              + "return x < 0 ? tail : 1.0 - tail;\n"));
    }
    StringBuilder near = new StringBuilder();
    near.append("double z = ").append(math).append(".abs(x) > ").append(ERF_TINY)
        .append(" ? x * x : 0.0;\n");
    near.append("double num = ").append(ERF_A[4]).append(" * z;\n");
    near.append("double den = z;\n");
    for (int i = 0; i < 3; i++) {
      near.append("num = (num + ").append(ERF_A[i]).append(") * z;\n");
      near.append("den = (den + ").append(ERF_B[i]).append(") * z;\n");
    }
    near.append("return x * (num + ").append(ERF_A[3]).append(") / (den + ").append(ERF_B[3])
        .append(");\n");
    out.add(unary("erfNearZero", "erf x for |x| ≤ 0.46875 (Cody's x·A(x²)/B(x²)).",
        near.toString()));
    StringBuilder scaled = new StringBuilder();
    scaled.append("if (x <= 4.0) {\n");
    scaled.append("  double num = ").append(ERFC_C[8]).append(" * x;\n");
    scaled.append("  double den = x;\n");
    for (int i = 0; i < 7; i++) {
      scaled.append("  num = (num + ").append(ERFC_C[i]).append(") * x;\n");
      scaled.append("  den = (den + ").append(ERFC_D[i]).append(") * x;\n");
    }
    scaled.append("  return (num + ").append(ERFC_C[7]).append(") / (den + ").append(ERFC_D[7])
        .append(");\n}\n");
    scaled.append("double z = 1.0 / (x * x);\n");
    scaled.append("double num = ").append(ERFC_P[5]).append(" * z;\n");
    scaled.append("double den = z;\n");
    for (int i = 0; i < 4; i++) {
      scaled.append("num = (num + ").append(ERFC_P[i]).append(") * z;\n");
      scaled.append("den = (den + ").append(ERFC_Q[i]).append(") * z;\n");
    }
    scaled.append("double r = z * (num + ").append(ERFC_P[4]).append(") / (den + ")
        .append(ERFC_Q[4]).append(");\n");
    scaled.append("return (").append(INV_SQRT_PI).append(" - r) / x;\n");
    out.add(unary("erfcScaled", "e^{x²}·erfc(x) for x > 0.46875 (Cody's rational functions).",
        scaled.toString()));
    return out;
  }

  private static MethodSpec unary(String name, String doc, String body) {
    return MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addJavadoc("$L\n", doc)
        .returns(TypeName.DOUBLE)
        .addParameter(TypeName.DOUBLE, "x")
        .addCode("$L", body)
        .build();
  }
}
