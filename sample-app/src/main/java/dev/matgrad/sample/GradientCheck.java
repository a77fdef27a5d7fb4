package dev.matgrad.sample;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Checks a generated derivative against central finite differences of the method it was derived
 * from, at a random point: the error is the largest difference over all entries, relative to the
 * largest entry, ‖generated − numeric‖∞ / max(‖generated‖∞, ‖numeric‖∞).
 */
final class GradientCheck {
  /** Central differences at this step are accurate to about 1e-9 here; 1e-6 leaves a margin. */
  static final double TOLERANCE = 1e-6;
  private static final double STEP = 1e-6;

  /** Small arguments for every {@code @Differentiable} method of the app, by "Class.method". */
  private static final Map<String, Function<Random, Object[]>> ARGUMENTS = Map.ofEntries(
      Map.entry("DigitNetwork.crossEntropy", r -> new Object[] {matrix(4, 3, r), oneHot(4, 3, r)}),
      Map.entry("DigitNetwork.reluLogits", GradientCheck::logitsArguments),
      Map.entry("DigitNetwork.tanhLogits", GradientCheck::logitsArguments),
      Map.entry("DigitNetwork.sigmoidLogits", GradientCheck::logitsArguments),
      Map.entry("DigitNetwork.reluLoss", GradientCheck::lossArguments),
      Map.entry("DigitNetwork.tanhLoss", GradientCheck::lossArguments),
      Map.entry("DigitNetwork.sigmoidLoss", GradientCheck::lossArguments),
      Map.entry("SeedProblems.l1Norm", r -> new Object[] {vector(5, r)}),
      Map.entry("SeedProblems.squaredL2Norm", r -> new Object[] {vector(5, r)}),
      Map.entry("SeedProblems.pNorm", r -> new Object[] {vector(5, r), 3.0}),
      Map.entry("SeedProblems.linearMap", r -> new Object[] {matrix(4, 3, r), vector(4, r)}),
      Map.entry("SeedProblems.squaredNormOfLinearMap",
          r -> new Object[] {matrix(4, 3, r), vector(4, r)}),
      Map.entry("SeedProblems.sigmoidLayer",
          r -> new Object[] {matrix(4, 3, r), matrix(3, 2, r), vector(4, r)}),
      Map.entry("SeedProblems.squaredNormOfLinearMapWrtA",
          r -> new Object[] {matrix(4, 3, r), vector(4, r)}),
      Map.entry("SeedProblems.firstLayerLoss",
          r -> new Object[] {matrix(4, 3, r), matrix(3, 2, r), vector(4, r), vector(2, r)}));

  /** The outcome for one generated method; {@code problem} explains a failure to run at all. */
  record Outcome(GeneratedMethods.Generated generated, double error, String problem) {
    boolean passed() {
      return problem == null && error <= TOLERANCE;
    }
  }

  private GradientCheck() {}

  static List<Outcome> run(List<GeneratedMethods.Generated> methods, long seed) {
    List<Outcome> outcomes = new ArrayList<>();
    for (GeneratedMethods.Generated g : methods) {
      outcomes.add(check(g, new Random(seed)));
    }
    return outcomes;
  }

  static Outcome check(GeneratedMethods.Generated g, Random random) {
    String key = g.forward().getDeclaringClass().getSimpleName() + "." + g.forward().getName();
    Function<Random, Object[]> arguments = ARGUMENTS.get(key);
    if (arguments == null) {
      return new Outcome(g, Double.NaN, "no sample arguments for " + key
          + " (add them to GradientCheck.ARGUMENTS)");
    }
    try {
      return new Outcome(g, error(g, arguments.apply(random), random), null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
      return new Outcome(g, Double.NaN, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }

  private static double error(GeneratedMethods.Generated g, Object[] args, Random random)
      throws ReflectiveOperationException {
    Method forward = g.forward();
    int[] wrt = wrtIndices(forward, g.wrt());
    int outputs = flatten(forward.invoke(null, args)).length;
    double[] gradOut = g.kind() == GeneratedMethods.Kind.VJP ? vector(outputs, random) : null;

    // The generated method's results, one flat array per wrt parameter.
    double[][] generated = new double[wrt.length][];
    List<Object> call = new ArrayList<>(List.of(args));
    if (gradOut != null) {
      call.add(gradOut);
    }
    for (int k = 0; k < wrt.length; k++) {
      int size = flatten(args[wrt[k]]).length;
      generated[k] = new double[g.kind() == GeneratedMethods.Kind.JACOBIAN ? size * outputs : size];
      call.add(generated[k]);
    }
    if (g.workspace()) {
      Workspace workspace = new Workspace();
      call.add(workspace);
      // Twice: the second call runs on the buffers the first one left behind.
      g.method().invoke(null, call.toArray());
    }
    g.method().invoke(null, call.toArray());

    double worstDifference = 0;
    double largest = 0;
    for (int k = 0; k < wrt.length; k++) {
      double[] numeric = numeric(forward, args, wrt[k], gradOut, g.kind(), outputs);
      for (int i = 0; i < numeric.length; i++) {
        worstDifference = Math.max(worstDifference, Math.abs(numeric[i] - generated[k][i]));
        largest = Math.max(largest, Math.max(Math.abs(numeric[i]), Math.abs(generated[k][i])));
      }
    }
    return largest == 0 ? worstDifference : worstDifference / largest;
  }

  /**
   * Central differences of the forward method in parameter {@code index}, laid out as the
   * generated method lays them out: a gradient (scalar f), ∑ⱼ gradOutⱼ ∂fⱼ/∂wᵢ (VJP), or
   * ∂fⱼ/∂wᵢ at i·m + j (Jacobian).
   */
  private static double[] numeric(Method forward, Object[] args, int index, double[] gradOut,
      GeneratedMethods.Kind kind, int outputs) throws ReflectiveOperationException {
    boolean scalar = args[index] instanceof Double;
    double[] w = scalar ? new double[] {(Double) args[index]} : flatten(args[index]);
    double[] result = new double[kind == GeneratedMethods.Kind.JACOBIAN ? w.length * outputs : w.length];
    for (int i = 0; i < w.length; i++) {
      double saved = w[i];
      double h = STEP * Math.max(1, Math.abs(saved));
      w[i] = saved + h;
      double[] up = flatten(forward.invoke(null, withScalar(args, index, scalar, w[0])));
      w[i] = saved - h;
      double[] down = flatten(forward.invoke(null, withScalar(args, index, scalar, w[0])));
      w[i] = saved;
      for (int j = 0; j < outputs; j++) {
        double slope = (up[j] - down[j]) / (2 * h);
        switch (kind) {
          case GRAD -> result[i] = slope;
          case VJP -> result[i] += gradOut[j] * slope;
          case JACOBIAN -> result[i * outputs + j] = slope;
        }
      }
    }
    return result;
  }

  private static Object[] withScalar(Object[] args, int index, boolean scalar, double value) {
    if (!scalar) {
      return args;
    }
    Object[] copy = args.clone();
    copy[index] = value;
    return copy;
  }

  /** The positions of the wrt parameters among the forward method's parameters. */
  private static int[] wrtIndices(Method forward, List<String> wrt) {
    Parameter[] params = forward.getParameters();
    int[] indices = new int[wrt.size()];
    for (int k = 0; k < wrt.size(); k++) {
      indices[k] = -1;
      for (int i = 0; i < params.length; i++) {
        if (params[i].getName().equals(wrt.get(k))) {
          indices[k] = i;
        }
      }
      if (indices[k] < 0) {
        throw new IllegalStateException(forward.getName() + " has no parameter " + wrt.get(k)
            + " (compile with -parameters)");
      }
    }
    return indices;
  }

  /** A value as the flat array the generated code uses: the backing array itself, not a copy. */
  private static double[] flatten(Object value) {
    if (value instanceof Double d) {
      return new double[] {d};
    }
    if (value instanceof double[] v) {
      return v;
    }
    if (value instanceof Matrix m) {
      return m.data();
    }
    throw new IllegalArgumentException("not a double, double[] or Matrix: " + value);
  }

  private static Object[] logitsArguments(Random r) {
    return new Object[] {matrix(5, 4, r), vector(4, r), matrix(4, 3, r), vector(3, r),
        matrix(5, 2, r)};
  }

  private static Object[] lossArguments(Random r) {
    return new Object[] {matrix(5, 4, r), vector(4, r), matrix(4, 3, r), vector(3, r),
        matrix(5, 2, r), oneHot(3, 2, r), 0.01};
  }

  private static double[] vector(int n, Random random) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }

  private static Matrix matrix(int rows, int cols, Random random) {
    return new Matrix(rows, cols, vector(rows * cols, random));
  }

  /** rows×cols with a single 1 at a random row of each column. */
  private static Matrix oneHot(int rows, int cols, Random random) {
    Matrix m = Matrix.zeros(rows, cols);
    for (int j = 0; j < cols; j++) {
      m.data()[random.nextInt(rows) * cols + j] = 1.0;
    }
    return m;
  }
}
