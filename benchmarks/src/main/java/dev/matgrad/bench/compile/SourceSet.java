package dev.matgrad.bench.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic but realistic source set of {@code @Differentiable} methods: regressions, losses,
 * MLP layers, quadratic forms, likelihoods, norms, vector- and matrix-valued maps, scalar formulas
 * and methods that call other methods (inlined by the processor), with activations, constants and
 * locals drawn from a seeded random generator so that no two bodies are alike.
 */
public final class SourceSet {
  /** One compilation unit: a class in package {@code gen} and its source text. */
  public static final class Unit {
    public final String className;
    public final String source;

    Unit(String className, String source) {
      this.className = className;
      this.source = source;
    }
  }

  private static final String[] ACTIVATIONS = {"sigmoid", "tanh", "relu", "softplus", "exp"};
  private static final int TEMPLATES = 16;

  private SourceSet() {}

  /** Exactly {@code methods} {@code @Differentiable} methods, about {@code perClass} to a class. */
  public static List<Unit> generate(int methods, int perClass, long seed) {
    Random r = new Random(seed);
    List<Unit> units = new ArrayList<>();
    int count = 0;
    int slot = 0;
    while (count < methods) {
      String name = "Model" + units.size();
      StringBuilder s = new StringBuilder();
      s.append("package gen;\n\n")
          .append("import dev.matgrad.Differentiable;\n")
          .append("import dev.matgrad.Matrix;\n")
          .append("import static dev.matgrad.Ops.*;\n\n")
          .append("public final class ").append(name).append(" {\n");
      int inClass = 0;
      while (inClass < perClass && count < methods) {
        String text = method(slot, r);
        int added = occurrences(text);
        if (count + added > methods) {
          // a template with a callee would overshoot: take the next one
          slot++;
          continue;
        }
        s.append(text).append('\n');
        count += added;
        inClass += added;
        slot++;
      }
      s.append("}\n");
      units.add(new Unit(name, s.toString()));
    }
    return units;
  }

  private static int occurrences(String text) {
    return text.split("@Differentiable", -1).length - 1;
  }

  /** The number of {@code @Differentiable} methods in the units. */
  public static int countMethods(List<Unit> units) {
    int n = 0;
    for (Unit u : units) {
      n += occurrences(u.source);
    }
    return n;
  }

  private static String method(int i, Random r) {
    String act = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
    String act2 = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
    String k = String.valueOf(0.05 + r.nextInt(90) / 100.0);
    String m = "m" + i;
    switch (i % TEMPLATES) {
      case 0:
        return "  @Differentiable(wrt = \"w\")\n"
            + "  public static double " + m + "(Matrix X, double[] w, double[] y) {\n"
            + "    return sumSq(sub(matmul(X, w), y)) / X.rows() + " + k + " * sumSq(w);\n  }\n";
      case 1:
        return "  @Differentiable(wrt = \"w\")\n"
            + "  public static double " + m + "(Matrix X, double[] w, double[] y) {\n"
            + "    double[] z = matmul(X, w);\n"
            + "    return mean(sub(softplus(z), mul(y, z))) + " + k + " * norm2(w);\n  }\n";
      case 2:
        return "  @Differentiable(wrt = \"A\")\n"
            + "  public static double " + m + "(Matrix A, Matrix B, double[] x, double[] c) {\n"
            + "    double[] h = " + act + "(matmul(transpose(A), x));\n"
            + "    return sumSq(sub(matmul(transpose(B), h), c));\n  }\n";
      case 3:
        return "  @Differentiable(wrt = {\"W1\", \"b1\", \"W2\", \"b2\"})\n"
            + "  public static double " + m + "(Matrix W1, double[] b1, Matrix W2, double[] b2, Matrix X, Matrix Y, int batch) {\n"
            + "    Matrix hidden = " + act + "(addToEachColumn(matmul(W1, X), b1));\n"
            + "    Matrix logits = addToEachColumn(matmul(W2, hidden), b2);\n"
            + "    return -sum(mul(Y, logSoftmax(logits))) / batch;\n  }\n";
      case 4:
        return "  @Differentiable(wrt = \"X\")\n"
            + "  public static double " + m + "(Matrix X, Matrix A) {\n"
            + "    return trace(matmul(matmul(transpose(X), A), X)) + " + k + " * sumSq(X);\n  }\n";
      case 5:
        return "  @Differentiable(wrt = {\"mu\", \"sigma\"})\n"
            + "  public static double " + m + "(double[] x, double[] mu, double[] sigma) {\n"
            + "    double[] z = div(sub(x, mu), sigma);\n"
            + "    return 0.5 * sumSq(z) + sum(log(sigma)) + " + k + " * x.length;\n  }\n";
      case 6:
        return "  @Differentiable\n"
            + "  public static double " + m + "(double[] x, double[] y) {\n"
            + "    return norm2(sub(x, y)) + " + k + " * norm1(x) + logSumExp(" + act + "(y));\n  }\n";
      case 7:
        return "  @Differentiable(wrt = {\"W\", \"x\"})\n"
            + "  public static double[] " + m + "(Matrix W, double[] x, double[] b) {\n"
            + "    return " + act + "(add(matmul(W, x), b));\n  }\n";
      case 8:
        return "  @Differentiable\n"
            + "  public static double " + m + "(double a, double b, double c) {\n"
            + "    double u = Math.exp(" + k + " * a) * Math.sin(b) + Math.log(1.0 + a * a);\n"
            + "    double v = Math.tanh(u - c) / (1.0 + b * b);\n"
            + "    return u * v + Math.pow(Math.abs(c) + 1.0, " + k + ") - Math.sqrt(1.0 + v * v);\n  }\n";
      case 9:
        return "  @Differentiable(wrt = {\"K\", \"q\"})\n"
            + "  public static double " + m + "(Matrix K, Matrix V, double[] q) {\n"
            + "    double[] weights = softmax(scale(" + k + ", matmul(transpose(K), q)));\n"
            + "    return sumSq(matmul(V, weights));\n  }\n";
      case 10:
        return "  @Differentiable(wrt = \"A\")\n"
            + "  public static Matrix " + m + "(Matrix A, Matrix B) {\n"
            + "    return " + act + "(add(matmul(A, B), scale(" + k + ", A)));\n  }\n";
      case 11:
        return "  @Differentiable(wrt = \"x\")\n"
            + "  public static double " + m + "(Matrix A, double[] x, double[] b, double l1, double l2) {\n"
            + "    double[] r = sub(matmul(A, x), b);\n"
            + "    return mean(square(r)) + l1 * norm1(x) + l2 * sumSq(x);\n  }\n";
      case 12:
        return "  @Differentiable(wrt = {\"u\", \"v\"})\n"
            + "  public static double " + m + "(double[] u, double[] v, Matrix M) {\n"
            + "    return sum(mul(outer(u, v), M)) + " + k + " * dot(u, u) * dot(v, v);\n  }\n";
      case 13:
        return "  @Differentiable(wrt = {\"W\", \"b\"})\n"
            + "  public static double " + m + "(Matrix W, double[] b, double[] x, double[] y) {\n"
            + "    double[] z = matmul(W, x);\n"
            + "    z = add(z, b);\n"
            + "    z = " + act + "(z);\n"
            + "    double[] p = softmax(z);\n"
            + "    return -dot(y, log(p));\n  }\n";
      case 14:
        // Two methods: a layer, and a loss that calls it (the processor inlines the call).
        return "  @Differentiable\n"
            + "  public static double[] " + m + "Layer(Matrix W, double[] b, double[] x) {\n"
            + "    return " + act + "(add(matmul(W, x), b));\n  }\n\n"
            + "  @Differentiable(wrt = {\"W1\", \"W2\"})\n"
            + "  public static double " + m + "(Matrix W1, double[] b1, Matrix W2, double[] b2, double[] x, double[] y) {\n"
            + "    double[] h = " + m + "Layer(W1, b1, x);\n"
            + "    return sumSq(sub(" + act2 + "(add(matmul(W2, h), b2)), y));\n  }\n";
      default:
        return "  @Differentiable\n"
            + "  public static double " + m + "(Matrix X, Matrix Y) {\n"
            + "    Matrix d = sub(" + act + "(X), Y);\n"
            + "    return sumSq(d) + " + k + " * trace(matmul(transpose(X), Y));\n  }\n";
    }
  }
}
