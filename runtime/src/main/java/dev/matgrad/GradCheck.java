package dev.matgrad;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Checks the methods matgrad generated for one {@code @Differentiable} method against central
 * finite differences of the method itself, at a point you choose: what you call in your own unit
 * tests, like JAX's {@code check_grads} or PyTorch's {@code gradcheck}.
 *
 * <pre>{@code
 * @Test
 * void firstLayerLossGradient() {
 *   GradCheck.of(Losses.class, "firstLayerLoss").check(A, B, x, c);
 * }
 * }</pre>
 *
 * <p>{@link #check} finds every generated method derived from the named method in the generated
 * class ({@code LossesGradients}), calls each (the {@link Workspace} overloads twice, so that the
 * second call runs on reused buffers) and compares it with central differences of the original
 * method: {@code fGrad} entry by entry and its returned value; {@code fVjp} entry by entry for a
 * random adjoint u and by the dot-product test ⟨Jᵀu, v⟩ = ⟨u, J v⟩; {@code fJacobian} entry by
 * entry; {@code fJvp} against the difference quotient along a random direction; {@code fHvp} and
 * {@code fHessian} against central differences of {@code fGrad}. An entry passes when
 * |generated − numeric| ≤ tolerance · max(1, |generated|, |numeric|): relative above magnitude 1,
 * absolute below. A failure is an {@link AssertionError} that names the generated method, the
 * parameter, the entry, both values and the error.
 *
 * <p>The arguments are the original method's, in its order; array arguments are perturbed in
 * place during the check and restored exactly afterwards. The parameters differentiated with
 * respect to are read from the {@link Derivation} on the generated methods; they are matched to
 * the method's parameters by name when the class was compiled with {@code -parameters}, otherwise
 * they must be all its {@code double}, {@code double[]} and {@code Matrix} parameters (the
 * {@code @Differentiable} default).
 */
public final class GradCheck {
  /** The default tolerance: central differences at the default step are good to about 1e-9. */
  public static final double DEFAULT_TOLERANCE = 1e-6;

  /** The default relative step of the central differences, h = step · max(1, |w|). */
  public static final double DEFAULT_STEP = 1e-6;

  /** The kinds of generated method, by the suffix of their name. */
  public enum Kind {
    /** {@code double fGrad(params…, grad_w…)}. */
    GRAD("Grad"),
    /** {@code void fVjp(params…, gradOut, grad_w…)}. */
    VJP("Vjp"),
    /** {@code void fJacobian(params…, jac_w…)}. */
    JACOBIAN("Jacobian"),
    /** {@code double fJvp(params…, dir_w…)} or {@code void fJvp(params…, dir_w…, jvpOut)}. */
    JVP("Jvp"),
    /** {@code void fHvp(params…, dir_w…, hvp_w…)}. */
    HVP("Hvp"),
    /** {@code void fHessian(params…, hess)}. */
    HESSIAN("Hessian");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }

    /** The suffix of the generated method's name: {@code "Grad"}, {@code "Vjp"}, …. */
    public String suffix() {
      return suffix;
    }
  }

  /**
   * The outcome for one generated method.
   *
   * @param method the generated method
   * @param kind what it computes
   * @param workspace whether it is the {@link Workspace} overload
   * @param error the largest error over its entries (see the class comment)
   * @param failure null if every entry is within the tolerance, else what failed and where
   */
  public record Result(Method method, Kind kind, boolean workspace, double error, String failure) {
    /** Whether every entry is within the tolerance. */
    public boolean passed() {
      return failure == null;
    }

    /** {@code LossesGradients.firstLayerLossGrad}, with " (Workspace)" for the overload. */
    public String label() {
      return method.getDeclaringClass().getSimpleName() + "." + method.getName()
          + (workspace ? " (Workspace)" : "");
    }
  }

  private final Class<?> model;
  private final String name;
  private final List<Method> generated;
  private final List<String> wrt;
  private final double tolerance;
  private final double step;
  private final long seed;

  private GradCheck(Class<?> model, String name, List<Method> generated, List<String> wrt,
      double tolerance, double step, long seed) {
    this.model = model;
    this.name = name;
    this.generated = generated;
    this.wrt = wrt;
    this.tolerance = tolerance;
    this.step = step;
    this.seed = seed;
  }

  /**
   * The generated methods of {@code model}'s method {@code method}, found in the class the
   * processor generated for {@code model} ({@code p.C} → {@code p.CGradients}, nested
   * {@code p.Outer.Inner} → {@code p.Outer_InnerGradients}).
   *
   * @throws IllegalArgumentException if there is no such generated class or method
   */
  public static GradCheck of(Class<?> model, String method) {
    Class<?> gradients = gradientsOf(model);
    List<Method> found = new ArrayList<>();
    List<String> wrt = null;
    for (Method m : gradients.getDeclaredMethods()) {
      if (!Modifier.isPublic(m.getModifiers()) || !Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      Derivation derivation = m.getAnnotation(Derivation.class);
      boolean derived = derivation != null
          ? derivation.method().equals(method)
          : kindOf(m.getName(), method) != null;
      if (derived && kindOf(m.getName(), method) != null) {
        found.add(m);
        if (derivation != null && wrt == null) {
          wrt = List.of(derivation.wrt());
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException(gradients.getName() + " has no method derived from "
          + model.getSimpleName() + "." + method + " (is it annotated @Differentiable?)");
    }
    found.sort(Comparator.comparing(Method::getName).thenComparing(Method::getParameterCount));
    return new GradCheck(model, method, List.copyOf(found), wrt, DEFAULT_TOLERANCE, DEFAULT_STEP,
        1);
  }

  /** The same check with another tolerance (default {@value #DEFAULT_TOLERANCE}). */
  public GradCheck tolerance(double tolerance) {
    if (!(tolerance > 0)) {
      throw new IllegalArgumentException("tolerance must be positive, but was " + tolerance);
    }
    return new GradCheck(model, name, generated, wrt, tolerance, step, seed);
  }

  /** The same check with another relative step h (default {@value #DEFAULT_STEP}). */
  public GradCheck step(double step) {
    if (!(step > 0)) {
      throw new IllegalArgumentException("step must be positive, but was " + step);
    }
    return new GradCheck(model, name, generated, wrt, tolerance, step, seed);
  }

  /** The same check with another seed for the random adjoints and directions (default 1). */
  public GradCheck seed(long seed) {
    return new GradCheck(model, name, generated, wrt, tolerance, step, seed);
  }

  /** The generated methods this check calls, ordered by name. */
  public List<Method> methods() {
    return generated;
  }

  /** The tolerance entries are held to. */
  public double tolerance() {
    return tolerance;
  }

  /**
   * Checks every generated method at {@code args} (the original method's arguments) and returns
   * the results.
   *
   * @throws AssertionError for the first method that fails, naming the entry, both values and
   *     the error
   * @throws IllegalArgumentException if the arguments do not fit the method
   */
  public List<Result> check(Object... args) {
    List<Result> results = measure(args);
    for (Result r : results) {
      if (!r.passed()) {
        throw new AssertionError(r.label() + ": " + r.failure());
      }
    }
    return results;
  }

  /** Like {@link #check}, but returns failures as results instead of throwing. */
  public List<Result> measure(Object... args) {
    List<Result> results = new ArrayList<>();
    for (Method m : generated) {
      results.add(new MethodCheck(m, args).run());
    }
    return results;
  }

  // ---- one generated method -----------------------------------------------------------------

  /** Everything one generated method's check needs: the original, the wrt positions, sizes. */
  private final class MethodCheck {
    private final Method method;
    private final Method forward;
    private final Kind kind;
    private final boolean workspace;
    private final Object[] args;
    private final int[] wrtIndex;
    private final String[] wrtName;
    private final int outputs;
    private final boolean scalarOutput;
    private final Random random = new Random(seed);
    private double worst;
    private String failure;

    MethodCheck(Method method, Object[] args) {
      this.method = method;
      this.kind = kindOf(method.getName(), name);
      Class<?>[] types = method.getParameterTypes();
      this.workspace = types.length > 0 && types[types.length - 1] == Workspace.class;
      this.forward = forwardOf(method);
      this.args = args.clone();
      checkArguments();
      int count = wrtCount(types.length - (workspace ? 1 : 0));
      this.wrtIndex = wrtIndices(count);
      this.wrtName = new String[count];
      List<String> names = parameterNames(forward);
      for (int k = 0; k < count; k++) {
        wrtName[k] = wrt != null && wrt.size() == count ? wrt.get(k) : names.get(wrtIndex[k]);
      }
      Object value = invokeForward(this.args);
      this.scalarOutput = value instanceof Double;
      this.outputs = flat(value).length;
    }

    private void checkArguments() {
      Class<?>[] types = forward.getParameterTypes();
      if (args.length != types.length) {
        throw new IllegalArgumentException(model.getSimpleName() + "." + name + " takes "
            + types.length + " arguments, but " + args.length + " were given");
      }
      for (int i = 0; i < types.length; i++) {
        Class<?> boxed = types[i] == double.class ? Double.class
            : types[i] == int.class ? Integer.class : types[i];
        if (!boxed.isInstance(args[i])) {
          throw new IllegalArgumentException("argument " + (i + 1) + " of " + name + " must be a "
              + types[i].getSimpleName() + ", but was "
              + (args[i] == null ? "null" : args[i].getClass().getSimpleName()));
        }
      }
    }

    /** How many wrt parameters the generated method's trailing arrays stand for. */
    private int wrtCount(int end) {
      int extra = end - forward.getParameterCount();
      return switch (kind) {
        case GRAD, JACOBIAN -> extra;
        case VJP -> extra - 1;
        case JVP -> method.getReturnType() == double.class ? extra : extra - 1;
        case HVP -> extra / 2;
        case HESSIAN -> wrt != null ? wrt.size() : differentiable().size();
      };
    }

    Result run() {
      try {
        switch (kind) {
          case GRAD -> checkGrad();
          case VJP -> checkVjp();
          case JACOBIAN -> checkJacobian();
          case JVP -> checkJvp();
          case HVP -> checkHvp();
          case HESSIAN -> checkHessian();
        }
      } catch (AssertionError e) {
        failure = e.getMessage();
      }
      return new Result(method, kind, workspace, worst, failure);
    }

    private void checkGrad() {
      double[][] grads = arraysFor(1);
      Object value = call(grads);
      compare("the returned value", (Double) invokeForward(args), (Double) value);
      for (int k = 0; k < grads.length; k++) {
        double[] numeric = numericGradient(k, new double[] {1});
        compareEntries("∂f/∂" + wrtName[k], k, 1, grads[k], numeric);
      }
    }

    private void checkVjp() {
      double[] u = randomVector(outputs);
      double[][] grads = arraysFor(1);
      call(prepend(u, grads));
      for (int k = 0; k < grads.length; k++) {
        compareEntries("(∂f/∂" + wrtName[k] + ") u", k, 1, grads[k], numericGradient(k, u));
      }
      // The dot-product test: ⟨Jᵀu, v⟩ from the generated method, ⟨u, J v⟩ from f along v.
      double[][] v = randomDirections();
      double generatedDot = 0;
      for (int k = 0; k < grads.length; k++) {
        generatedDot += dot(grads[k], v[k]);
      }
      compare("the dot-product test ⟨Jᵀu, v⟩ = ⟨u, J v⟩", dot(u, directional(v)), generatedDot);
    }

    private void checkJacobian() {
      double[][] jacobians = arraysFor(outputs);
      call(jacobians);
      for (int k = 0; k < jacobians.length; k++) {
        double[] numeric = new double[jacobians[k].length];
        int size = numeric.length / Math.max(outputs, 1);
        double[] unit = new double[outputs];
        for (int j = 0; j < outputs; j++) {
          unit[j] = 1;
          double[] column = numericGradient(k, unit);
          unit[j] = 0;
          for (int i = 0; i < size; i++) {
            numeric[i * outputs + j] = column[i];
          }
        }
        compareEntries("∂f/∂" + wrtName[k], k, outputs, jacobians[k], numeric);
      }
    }

    private void checkJvp() {
      double[][] directions = randomDirections();
      double[] numeric = directional(directions);
      if (scalarOutput) {
        Object value = call(directions);
        compare("(∂f/∂θ) · direction", numeric[0], (Double) value);
      } else {
        double[] out = new double[outputs];
        call(append(directions, out));
        for (int j = 0; j < outputs; j++) {
          compare("output " + j + " of J · direction", numeric[j], out[j]);
        }
      }
    }

    private void checkHvp() {
      double[][] directions = randomDirections();
      double[][] hvp = arraysFor(1);
      call(append(directions, hvp));
      double[][] numeric = gradientDifference(directions);
      for (int k = 0; k < hvp.length; k++) {
        compareEntries("(H · direction) for " + wrtName[k], k, 1, hvp[k], numeric[k]);
      }
    }

    private void checkHessian() {
      int[] sizes = new int[wrtIndex.length];
      int total = 0;
      for (int k = 0; k < sizes.length; k++) {
        sizes[k] = flat(args[wrtIndex[k]]).length;
        total += sizes[k];
      }
      double[] hess = new double[total * total];
      call(new Object[] {hess});
      for (int b = 0, k = 0, i = 0; b < total; b++, i++) {
        if (i == sizes[k]) {
          k++;
          i = 0;
        }
        double[][] unit = new double[sizes.length][];
        for (int q = 0; q < sizes.length; q++) {
          unit[q] = new double[sizes[q]];
        }
        unit[k][i] = 1;
        double[][] column = gradientDifference(unit);
        for (int a = 0, ka = 0, ia = 0; a < total; a++, ia++) {
          if (ia == sizes[ka]) {
            ka++;
            ia = 0;
          }
          compare("∂²f/∂" + entry(wrtIndex[ka], ia) + " ∂" + entry(wrtIndex[k], i)
              + " (hess[" + (a * total + b) + "])", column[ka][ia], hess[a * total + b]);
        }
      }
    }

    // ---- numerics ---------------------------------------------------------------------------

    /** Central differences of ⟨weights, f⟩ in each entry of wrt parameter k. */
    private double[] numericGradient(int k, double[] weights) {
      int p = wrtIndex[k];
      double[] w = flat(args[p]);
      double[] result = new double[w.length];
      for (int i = 0; i < w.length; i++) {
        double saved = w[i];
        double h = step * Math.max(1, Math.abs(saved));
        double up = dot(weights, flat(invokeForward(set(p, w, i, saved + h))));
        double down = dot(weights, flat(invokeForward(set(p, w, i, saved - h))));
        set(p, w, i, saved);
        result[i] = (up - down) / (2 * h);
      }
      return result;
    }

    /** J · v by one central difference of f along the direction v (one array per wrt). */
    private double[] directional(double[][] v) {
      double h = step * directionScale();
      double[] up = flat(invokeForward(shifted(v, h))).clone();
      double[] down = flat(invokeForward(shifted(v, -h))).clone();
      restore();
      double[] result = new double[outputs];
      for (int j = 0; j < outputs; j++) {
        result[j] = (up[j] - down[j]) / (2 * h);
      }
      return result;
    }

    /** H · v as the central difference of the generated gradient {@code fGrad} along v. */
    private double[][] gradientDifference(double[][] v) {
      Method grad = generated.stream()
          .filter(m -> kindOf(m.getName(), name) == Kind.GRAD
              && m.getParameterCount() == forward.getParameterCount() + wrtIndex.length)
          .findFirst()
          .orElseThrow(() -> new AssertionError("checking " + method.getName() + " needs "
              + name + "Grad, which was not generated"));
      double h = step * directionScale();
      double[][] up = gradientAt(grad, shifted(v, h));
      double[][] down = gradientAt(grad, shifted(v, -h));
      restore();
      double[][] result = new double[v.length][];
      for (int k = 0; k < v.length; k++) {
        result[k] = new double[v[k].length];
        for (int i = 0; i < v[k].length; i++) {
          result[k][i] = (up[k][i] - down[k][i]) / (2 * h);
        }
      }
      return result;
    }

    private double[][] gradientAt(Method grad, Object[] point) {
      double[][] grads = arraysFor(1);
      Object[] call = Arrays.copyOf(point, point.length + grads.length);
      System.arraycopy(grads, 0, call, point.length, grads.length);
      invoke(grad, call);
      return grads;
    }

    private double directionScale() {
      double largest = 1;
      for (int p : wrtIndex) {
        for (double value : flat(args[p])) {
          largest = Math.max(largest, Math.abs(value));
        }
      }
      return largest;
    }

    /** The arguments moved by t·v; arrays are changed in place, see {@link #restore}. */
    private final List<double[]> saved = new ArrayList<>();

    private Object[] shifted(double[][] v, double t) {
      restore();
      Object[] point = args.clone();
      for (int k = 0; k < wrtIndex.length; k++) {
        int p = wrtIndex[k];
        if (args[p] instanceof Double d) {
          point[p] = d + t * v[k][0];
        } else {
          double[] w = flat(args[p]);
          saved.add(w);
          saved.add(w.clone());
          for (int i = 0; i < w.length; i++) {
            w[i] += t * v[k][i];
          }
        }
      }
      return point;
    }

    private void restore() {
      for (int s = 0; s < saved.size(); s += 2) {
        System.arraycopy(saved.get(s + 1), 0, saved.get(s), 0, saved.get(s).length);
      }
      saved.clear();
    }

    /** The arguments with entry i of parameter p set to value (arrays in place). */
    private Object[] set(int p, double[] w, int i, double value) {
      if (args[p] instanceof Double) {
        Object[] point = args.clone();
        point[p] = value;
        return point;
      }
      w[i] = value;
      return args;
    }

    // ---- calls and comparisons --------------------------------------------------------------

    /** One fresh array per wrt parameter, of its flat size times {@code times}. */
    private double[][] arraysFor(int times) {
      double[][] arrays = new double[wrtIndex.length][];
      for (int k = 0; k < arrays.length; k++) {
        arrays[k] = new double[flat(args[wrtIndex[k]]).length * times];
      }
      return arrays;
    }

    private double[][] randomDirections() {
      double[][] v = arraysFor(1);
      for (double[] d : v) {
        for (int i = 0; i < d.length; i++) {
          d[i] = random.nextGaussian();
        }
      }
      return v;
    }

    private double[] randomVector(int n) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = random.nextGaussian();
      }
      return v;
    }

    /** Calls the generated method with the arguments, then {@code outputs} (twice with a workspace). */
    private Object call(Object[] outputs) {
      Object[] call = Arrays.copyOf(args, args.length + outputs.length + (workspace ? 1 : 0));
      System.arraycopy(outputs, 0, call, args.length, outputs.length);
      if (workspace) {
        call[call.length - 1] = new Workspace();
        // The first call leaves its buffers behind; the checked second one runs on them.
        invoke(method, call);
      }
      return invoke(method, call);
    }

    private void compareEntries(String what, int k, int outputsPerEntry, double[] generatedValues,
        double[] numeric) {
      for (int e = 0; e < numeric.length; e++) {
        String where = outputsPerEntry == 1
            ? entry(wrtIndex[k], e)
            : entry(wrtIndex[k], e / outputsPerEntry) + ", output " + (e % outputsPerEntry);
        compare(what + " at " + where, numeric[e], generatedValues[e]);
      }
    }

    private void compare(String what, double numeric, double generatedValue) {
      double error = Math.abs(generatedValue - numeric)
          / Math.max(1, Math.max(Math.abs(generatedValue), Math.abs(numeric)));
      if (Double.isNaN(error)) {
        error = Double.POSITIVE_INFINITY;
      }
      worst = Math.max(worst, error);
      if (error > tolerance && failure == null) {
        failure = String.format(Locale.ROOT,
            "%s: generated %.10g, central difference %.10g, error %.2e > tolerance %.1e",
            what, generatedValue, numeric, error, tolerance);
      }
    }

    /** {@code A[1,2] (entry 5)}, {@code x[3]}, or the name of a scalar. */
    private String entry(int p, int i) {
      String param = wrtNameOf(p);
      Object value = args[p];
      if (value instanceof Matrix m) {
        return String.format(Locale.ROOT, "%s[%d,%d] (entry %d of %d×%d)", param, i / m.cols(),
            i % m.cols(), i, m.rows(), m.cols());
      }
      return value instanceof double[] ? param + "[" + i + "]" : param;
    }

    private String wrtNameOf(int p) {
      for (int k = 0; k < wrtIndex.length; k++) {
        if (wrtIndex[k] == p) {
          return wrtName[k];
        }
      }
      return "argument " + (p + 1);
    }

    private Object invokeForward(Object[] point) {
      return invoke(forward, point);
    }

    /** The positions of the wrt parameters among the original method's parameters. */
    private int[] wrtIndices(int count) {
      List<String> names = parameterNames(forward);
      List<Integer> candidates = differentiable();
      if (wrt != null && (names.isEmpty() || !names.get(0).equals("arg0"))) {
        int[] indices = new int[wrt.size()];
        for (int k = 0; k < indices.length; k++) {
          indices[k] = -1;
          for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(wrt.get(k))) {
              indices[k] = i;
            }
          }
          if (indices[k] < 0) {
            throw new IllegalStateException(name + " has no parameter " + wrt.get(k));
          }
        }
        return indices;
      }
      if (candidates.size() == count) {
        return candidates.stream().mapToInt(Integer::intValue).toArray();
      }
      throw new IllegalStateException(model.getSimpleName() + "." + name + " is differentiated"
          + " with respect to " + (wrt == null ? count + " of its parameters" : wrt)
          + ", but its parameter names are not in the class file: compile "
          + model.getSimpleName() + " with javac's -parameters or -g option");
    }

    private List<Integer> differentiable() {
      List<Integer> found = new ArrayList<>();
      Class<?>[] types = forward.getParameterTypes();
      for (int i = 0; i < types.length; i++) {
        if (types[i] == double.class || types[i] == double[].class || types[i] == Matrix.class) {
          found.add(i);
        }
      }
      return found;
    }

    /** The original method: the one named {@code name} whose parameters begin the generated one's. */
    private Method forwardOf(Method m) {
      Class<?>[] types = m.getParameterTypes();
      Method best = null;
      for (Method candidate : model.getDeclaredMethods()) {
        Class<?>[] own = candidate.getParameterTypes();
        if (candidate.getName().equals(name) && own.length <= types.length
            && Arrays.equals(own, Arrays.copyOf(types, own.length))
            && (best == null || own.length > best.getParameterCount())) {
          best = candidate;
        }
      }
      if (best == null) {
        throw new IllegalArgumentException("no method " + name + " in " + model.getName()
            + " matches " + m);
      }
      best.setAccessible(true);
      return best;
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * The method's parameter names: from the MethodParameters attribute ({@code -parameters}), else
   * from the debug information ({@code -g}, Maven's default), else {@code arg0, arg1, …}.
   */
  static List<String> parameterNames(Method m) {
    Parameter[] params = m.getParameters();
    List<String> names = new ArrayList<>();
    for (Parameter p : params) {
      names.add(p.getName());
    }
    if (params.length == 0 || params[0].isNamePresent()) {
      return names;
    }
    List<String> fromDebugInfo = ClassFileNames.of(m);
    return fromDebugInfo != null ? fromDebugInfo : names;
  }

  private static Class<?> gradientsOf(Class<?> model) {
    String pkg = model.getPackageName();
    String simple = model.getName().substring(pkg.isEmpty() ? 0 : pkg.length() + 1);
    String generated = (pkg.isEmpty() ? "" : pkg + ".") + simple.replace('$', '_') + "Gradients";
    try {
      return Class.forName(generated, true, model.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(generated + " does not exist: was " + model.getSimpleName()
          + " compiled with the matgrad processor?", e);
    }
  }

  /** The kind of {@code methodName} if it is {@code method} followed by a kind's suffix. */
  private static Kind kindOf(String methodName, String method) {
    for (Kind kind : Kind.values()) {
      if (methodName.equals(method + kind.suffix)) {
        return kind;
      }
    }
    return null;
  }

  private static Object invoke(Method m, Object[] args) {
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot call " + m + ": " + e.getMessage(), e);
    }
  }

  private static Object[] prepend(double[] first, double[][] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private static Object[] append(double[][] first, Object... rest) {
    Object[] all = Arrays.copyOf(first, first.length + rest.length, Object[].class);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** A value as the flat array the generated code uses: the backing array itself, not a copy. */
  private static double[] flat(Object value) {
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
}
