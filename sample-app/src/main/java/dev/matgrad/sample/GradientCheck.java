package dev.matgrad.sample;

import dev.matgrad.GradCheck;
import dev.matgrad.Matrix;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks every generated derivative of the app with {@link GradCheck}, the runtime's checker
 * that users call in their own tests: each against central finite differences of the method it
 * was derived from, at a random point. An entry's error is |generated − numeric| / max(1,
 * |generated|, |numeric|); a method's is the largest over its entries.
 */
final class GradientCheck {
  static final double TOLERANCE = GradCheck.DEFAULT_TOLERANCE;

  /** Small arguments for every {@code @Differentiable} method of the app, by "Class.method". */
  private static final Map<String, Function<Random, Object[]>> ARGUMENTS = Map.ofEntries(
      Map.entry("DigitNetwork.crossEntropy", r -> new Object[] {matrix(4, 3, r), oneHot(4, 3, r)}),
      Map.entry("DigitNetwork.reluLogits", GradientCheck::logitsArguments),
      Map.entry("DigitNetwork.tanhLogits", GradientCheck::logitsArguments),
      Map.entry("DigitNetwork.sigmoidLogits", GradientCheck::logitsArguments),
      Map.entry("DigitNetwork.reluLoss", GradientCheck::lossArguments),
      Map.entry("DigitNetwork.tanhLoss", GradientCheck::lossArguments),
      Map.entry("DigitNetwork.sigmoidLoss", GradientCheck::lossArguments),
      Map.entry("ConvNetwork.logits", r -> convArguments(r, false)),
      Map.entry("ConvNetwork.loss", r -> convArguments(r, true)),
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

  /**
   * The outcome for one generated method.
   *
   * @param label the generated method, as {@code Class.method} with " (Workspace)" for the overload
   * @param from the method it was derived from and its wrt parameters
   * @param problem null, or what failed (the entry, both values, the error) or kept it from running
   */
  record Outcome(String label, String from, double error, String problem) {
    boolean passed() {
      return problem == null && error <= TOLERANCE;
    }
  }

  private GradientCheck() {}

  /** Checks the methods, grouped by the method they were derived from, in the order given. */
  static List<Outcome> run(List<GeneratedMethods.Generated> methods, long seed) {
    List<Outcome> outcomes = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    for (GeneratedMethods.Generated g : methods) {
      Class<?> model = g.forward().getDeclaringClass();
      String key = model.getSimpleName() + "." + g.forward().getName();
      if (done.add(key)) {
        outcomes.addAll(check(model, g.forward().getName(), key, from(g), new Random(seed), seed));
      }
    }
    return outcomes;
  }

  private static List<Outcome> check(Class<?> model, String method, String key, String from,
      Random random, long seed) {
    Function<Random, Object[]> arguments = ARGUMENTS.get(key);
    if (arguments == null) {
      return List.of(new Outcome(key, from, Double.NaN, "no sample arguments for " + key
          + " (add them to GradientCheck.ARGUMENTS)"));
    }
    GradCheck check = GradCheck.of(model, method).seed(seed);
    try {
      List<Outcome> outcomes = new ArrayList<>();
      for (GradCheck.Result r : check.measure(arguments.apply(random))) {
        outcomes.add(new Outcome(r.label(), from, r.error(), r.failure()));
      }
      return outcomes;
    } catch (RuntimeException e) {
      return List.of(new Outcome(key, from, Double.NaN,
          e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  private static String from(GeneratedMethods.Generated g) {
    return g.forward().getDeclaringClass().getSimpleName() + "." + g.forward().getName()
        + " wrt " + String.join(", ", g.wrt());
  }

  private static Object[] logitsArguments(Random r) {
    return new Object[] {matrix(5, 4, r), vector(4, r), matrix(4, 3, r), vector(3, r),
        matrix(5, 2, r)};
  }

  private static Object[] lossArguments(Random r) {
    return new Object[] {matrix(5, 4, r), vector(4, r), matrix(4, 3, r), vector(3, r),
        matrix(5, 2, r), oneHot(3, 2, r), 0.01};
  }

  /** Two filters, a hidden layer of 3, three classes, a batch of two random 8×8 images. */
  private static Object[] convArguments(Random r, boolean loss) {
    int filters = 2;
    int hidden = 3;
    Object[] logits = {matrix(filters, ConvNetwork.TAPS, r), vector(filters, r),
        matrix(ConvNetwork.POOLED * filters, hidden, r), vector(hidden, r), matrix(hidden, 3, r),
        vector(3, r), matrix(Digits.PIXELS, 2, r)};
    if (!loss) {
      return logits;
    }
    Object[] all = java.util.Arrays.copyOf(logits, logits.length + 2);
    all[logits.length] = oneHot(3, 2, r);
    all[logits.length + 1] = 0.01;
    return all;
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
