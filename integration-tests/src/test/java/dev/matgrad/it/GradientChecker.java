package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.matgrad.Derivation;
import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Checks the code that the processor generated for one {@code @Differentiable} method against
 * central finite differences of the method itself, through reflection and nothing but API.md.
 *
 * <pre>{@code
 * GradientChecker.Result r = GradientChecker.of(Losses.class, "firstLayerLoss").wrt(0).check(A, B, x, c);
 * double[] gradA = r.grad(0);
 * }</pre>
 *
 * <p>For a scalar {@code f} it calls {@code CGradients.fGrad}; for a vector- or matrix-valued one
 * {@code fVjp} and {@code fJacobian}. Every check runs with the output arrays pre-filled with NaN
 * (so a generated method that accumulates, or leaves an entry unwritten, fails) and again
 * pre-filled with other garbage (the two results must be identical, bit for bit). It also checks
 * the signature of each generated method, that the returned value equals {@code f}'s, that no
 * argument is modified, and a dot-product test ⟨∇, v⟩ = directional derivative along a random v
 * (for vector functions ⟨VJP(u), v⟩ = ⟨u, J v⟩). Arguments are {@link Double}, {@code double[]},
 * {@link Matrix} or {@link Integer}, in the order of f's parameters.
 */
final class GradientChecker {
  /** Relative tolerance against finite differences. */
  static final double FD_RTOL = 1e-6;
  /** Absolute floor against finite differences, multiplied by the problem's scale (≥ 1). */
  static final double FD_ATOL = 1e-8;
  /** Tolerances between two analytic results (value vs f, Jacobian column vs VJP). */
  static final double EXACT_RTOL = 1e-10;
  static final double EXACT_ATOL = 1e-12;

  private static final double GARBAGE = 7.25e3;

  private final Class<?> fixture;
  private final Method forward;
  private final Class<?> gradients;
  private int[] wrt;
  private double rtol = FD_RTOL;
  private double atol = FD_ATOL;

  private GradientChecker(Class<?> fixture, Method forward, Class<?> gradients) {
    this.fixture = fixture;
    this.forward = forward;
    this.gradients = gradients;
    this.wrt = defaultWrt(forward);
  }

  /** The checker for {@code fixture.name}, whose generated class must exist. */
  static GradientChecker of(Class<?> fixture, String name) {
    return new GradientChecker(fixture, uniqueMethod(fixture, name), gradientsClass(fixture));
  }

  /**
   * The indices (into f's parameter list) of the {@code wrt} parameters, in declaration order;
   * the default is every {@code double}, {@code double[]} and {@code Matrix} parameter, as in API.md.
   */
  GradientChecker wrt(int... parameterIndices) {
    for (int i = 0; i < parameterIndices.length; i++) {
      int p = parameterIndices[i];
      assertTrue(p >= 0 && p < forward.getParameterCount(), "no parameter " + p + " in " + forward);
      assertTrue(isDifferentiableType(forward.getParameterTypes()[p]), "parameter " + p + " of " + forward
          + " cannot be differentiated");
      assertTrue(i == 0 || parameterIndices[i - 1] < p, "wrt indices must be in declaration order");
    }
    this.wrt = parameterIndices.clone();
    return this;
  }

  /** Other finite-difference tolerances, for a badly conditioned function. */
  GradientChecker tolerance(double relative, double absolute) {
    this.rtol = relative;
    this.atol = absolute;
    return this;
  }

  Method forward() {
    return forward;
  }

  /** The name {@code CGradients} for {@code C}; {@code Outer_InnerGradients} for {@code Outer.Inner}. */
  static String gradientsClassName(Class<?> fixture) {
    String pkg = fixture.getPackageName();
    String binary = pkg.isEmpty() ? fixture.getName() : fixture.getName().substring(pkg.length() + 1);
    return (pkg.isEmpty() ? "" : pkg + ".") + binary.replace('$', '_') + "Gradients";
  }

  static Class<?> gradientsClass(Class<?> fixture) {
    String name = gradientsClassName(fixture);
    try {
      return Class.forName(name, true, fixture.getClassLoader());
    } catch (ClassNotFoundException e) {
      return fail("the processor generated no class " + name + " for " + fixture.getName());
    }
  }

  static Method uniqueMethod(Class<?> owner, String name) {
    Method found = null;
    for (Method m : owner.getDeclaredMethods()) {
      if (m.getName().equals(name) && !m.isSynthetic()) {
        if (found != null) {
          fail(owner.getName() + " has more than one method " + name);
        }
        found = m;
      }
    }
    if (found == null) {
      fail(owner.getName() + " has no method " + name + "; it has " + Arrays.toString(
          Arrays.stream(owner.getDeclaredMethods()).map(Method::getName).sorted().toArray()));
    }
    return found;
  }

  /** Calls the forward method. */
  Object invokeForward(Object... args) {
    return invoke(forward, args);
  }

  /** Runs every check that fits f's return type and returns the analytic results. */
  Result check(Object... args) {
    Class<?>[] types = forward.getParameterTypes();
    assertEquals(types.length, args.length, "argument count for " + forward);
    for (int p = 0; p < types.length; p++) {
      assertTrue(box(types[p]).isInstance(args[p]),
          "argument " + p + " of " + forward.getName() + " must be a " + types[p].getSimpleName());
    }
    Class<?> ret = forward.getReturnType();
    if (ret == double.class) {
      return checkScalar(args);
    }
    if (ret == double[].class || ret == Matrix.class) {
      return checkVectorValued(args);
    }
    return fail(forward + " returns " + ret + ", not double, double[] or Matrix");
  }

  /**
   * Only calls the generated {@code fGrad} (outputs pre-filled with NaN) and returns the gradients,
   * one per wrt parameter: for exact values where finite differences mean nothing (kinks).
   */
  double[][] grads(Object... args) {
    Method grad = generated(forward.getName() + "Grad", double.class, false);
    double[][] g = filledGrads(args, Double.NaN);
    invoke(grad, concat(args, g));
    return g;
  }

  /** Only calls the generated {@code fJacobian} (outputs pre-filled with NaN) and returns its results. */
  double[][] jacobians(Object... args) {
    Method jacobian = generated(forward.getName() + "Jacobian", void.class, false);
    int m = size(invoke(forward, deepCopy(args)));
    double[][] jac = filledJacobians(args, m, Double.NaN);
    invoke(jacobian, concat(args, jac));
    return jac;
  }

  // ---------------------------------------------------------------------------------- scalar f

  private Result checkScalar(Object[] args) {
    String f = forward.getName();
    Method grad = generated(f + "Grad", double.class, false);
    Object[] before = deepCopy(args);
    double value = (Double) invoke(forward, deepCopy(args));

    double[][] g = filledGrads(args, Double.NaN);
    double returned = (Double) invoke(grad, concat(args, g));
    assertArgumentsUnchanged(before, args, grad);
    Close.assertClose(f + "Grad's returned value vs " + f, value, returned, EXACT_RTOL,
        EXACT_ATOL * Math.max(1, Math.abs(value)));

    double[][] again = filledGrads(args, GARBAGE);
    double returnedAgain = (Double) invoke(grad, concat(args, again));
    assertEquals(returned, returnedAgain, 0.0, f + "Grad returned a different value on a second call");
    assertEquals(returned, (Double) checkWorkspaceOverload(grad, args, g), 0.0,
        f + "Grad with a Workspace returned a different value");
    for (int k = 0; k < wrt.length; k++) {
      assertArrayEquals(g[k], again[k], 0.0, f + "Grad: " + gradName(k)
          + " differs between a call with outputs pre-filled with NaN and one pre-filled with "
          + GARBAGE + " (outputs must be overwritten, never accumulated)");
    }

    for (int k = 0; k < wrt.length; k++) {
      double[] fd = finiteDifferenceJacobian(args, k, 1);
      double scale = Math.max(1, Math.max(Math.abs(value), Close.maxAbs(fd)));
      Close.assertAllClose(f + "Grad: " + gradName(k) + " vs central finite differences of " + f,
          fd, g[k], rtol, atol * scale, entryName(args, k));
    }

    // Dot-product test: ⟨∇f, v⟩ equals the directional derivative of f along a random v.
    double[][] v = randomDirection(args);
    double lhs = 0;
    for (int k = 0; k < wrt.length; k++) {
      lhs += dot(g[k], v[k]);
    }
    double h = directionalStep(args);
    double plus = (Double) invoke(forward, displaced(args, v, h));
    double minus = (Double) invoke(forward, displaced(args, v, -h));
    double rhs = (plus - minus) / (2 * h);
    Close.assertClose(f + "Grad: ⟨∇f, v⟩ vs directional finite difference along a random v", rhs, lhs,
        rtol, atol * Math.max(1, Math.abs(value)) * Math.max(1, norm1(v)));

    // Forward mode along the same v: ⟨∇f, v⟩ from reverse mode, and the finite difference.
    Method jvp = generatedJvp(grad);
    if (jvp != null) {
      double[][] vBefore = deepCopyRows(v);
      double derivative = (Double) invoke(jvp, concat(args, v));
      assertArgumentsUnchanged(before, args, jvp);
      for (int k = 0; k < wrt.length; k++) {
        assertArrayEquals(vBefore[k], v[k], 0.0, f + "Jvp modified its direction " + k);
      }
      double scale = Math.max(1, Math.abs(value)) * Math.max(1, norm1(v));
      Close.assertClose(f + "Jvp along a random v vs ⟨∇f, v⟩ from " + f + "Grad", lhs, derivative,
          1e-9, 1e-11 * scale * Math.max(1, Math.abs(lhs)));
      Close.assertClose(f + "Jvp along a random v vs the directional finite difference", rhs,
          derivative, rtol, atol * scale);
      Object withWorkspace = invokeWorkspaceOverload(jvp, concat(args, v));
      assertEquals(derivative, (Double) withWorkspace, 0.0,
          f + "Jvp with a (reused) Workspace differs from the overload without one");
    }
    return new Result(value, new double[] {value}, 1, g, false);
  }

  // ------------------------------------------------------------------- vector- and matrix-valued f

  private Result checkVectorValued(Object[] args) {
    String f = forward.getName();
    Method vjp = generated(f + "Vjp", void.class, true);
    Method jacobian = generated(f + "Jacobian", void.class, false);
    Object[] before = deepCopy(args);
    double[] out = flatten(invoke(forward, deepCopy(args)));
    int m = out.length;
    double outScale = Math.max(1, Close.maxAbs(out));
    Random random = new Random(0x5eed ^ f.hashCode());

    // One VJP with a random cotangent, against finite differences.
    double[] u = new double[m];
    for (int j = 0; j < m; j++) {
      u[j] = -1 + 2 * random.nextDouble();
    }
    double[] uBefore = u.clone();
    double[][] g = filledGrads(args, Double.NaN);
    invoke(vjp, concat(concat(args, new Object[] {u}), g));
    assertArgumentsUnchanged(before, args, vjp);
    assertArrayEquals(uBefore, u, 0.0, f + "Vjp modified gradOut");
    double[][] again = filledGrads(args, GARBAGE);
    invoke(vjp, concat(concat(args, new Object[] {u}), again));
    checkWorkspaceOverload(vjp, concat(args, new Object[] {u}), g);
    for (int k = 0; k < wrt.length; k++) {
      assertArrayEquals(g[k], again[k], 0.0, f + "Vjp: " + gradName(k)
          + " differs between a call with outputs pre-filled with NaN and one pre-filled with "
          + GARBAGE + " (outputs must be overwritten, never accumulated)");
    }

    double[][] fdJac = new double[wrt.length][];
    for (int k = 0; k < wrt.length; k++) {
      fdJac[k] = finiteDifferenceJacobian(args, k, m);
      int n = fdJac[k].length / m;
      double[] fdVjp = new double[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          fdVjp[i] += fdJac[k][i * m + j] * u[j];
        }
      }
      Close.assertAllClose(f + "Vjp: " + gradName(k) + " (random gradOut) vs finite differences",
          fdVjp, g[k], rtol, atol * Math.max(outScale, Close.maxAbs(fdVjp)) * Math.max(1, norm1(u)),
          entryName(args, k));
    }

    // Dot-product test: ⟨VJP(u), v⟩ = ⟨u, J v⟩ with J v by central differences along v.
    double[][] v = randomDirection(args);
    double lhs = 0;
    for (int k = 0; k < wrt.length; k++) {
      lhs += dot(g[k], v[k]);
    }
    double h = directionalStep(args);
    double[] plus = flatten(invoke(forward, displaced(args, v, h)));
    double[] minus = flatten(invoke(forward, displaced(args, v, -h)));
    double rhs = 0;
    for (int j = 0; j < m; j++) {
      rhs += u[j] * (plus[j] - minus[j]) / (2 * h);
    }
    Close.assertClose(f + "Vjp: dot-product test ⟨VJP(u), v⟩ vs ⟨u, J v⟩ (J v by central differences)",
        rhs, lhs, rtol, atol * outScale * Math.max(1, norm1(u)) * Math.max(1, norm1(v)));

    // The full Jacobian: overwritten, repeatable, equal to VJPs with unit cotangents and to FD.
    double[][] jac = filledJacobians(args, m, Double.NaN);
    invoke(jacobian, concat(args, jac));
    assertArgumentsUnchanged(before, args, jacobian);
    double[][] jacAgain = filledJacobians(args, m, GARBAGE);
    invoke(jacobian, concat(args, jacAgain));
    checkWorkspaceOverload(jacobian, args, jac);
    for (int k = 0; k < wrt.length; k++) {
      assertArrayEquals(jac[k], jacAgain[k], 0.0, f + "Jacobian: " + jacName(k)
          + " differs between a call with outputs pre-filled with NaN and one pre-filled with "
          + GARBAGE + " (outputs must be overwritten, never accumulated)");
    }
    for (int j = 0; j < m; j++) {
      double[] unit = new double[m];
      unit[j] = 1.0;
      double[][] column = filledGrads(args, Double.NaN);
      invoke(vjp, concat(concat(args, new Object[] {unit}), column));
      for (int k = 0; k < wrt.length; k++) {
        int n = column[k].length;
        double[] fromJac = new double[n];
        for (int i = 0; i < n; i++) {
          fromJac[i] = jac[k][i * m + j];
        }
        double scale = Math.max(1, Close.maxAbs(column[k]));
        Close.assertAllClose(f + "Jacobian: column " + j + " of " + jacName(k) + " (entries [i*" + m + " + "
            + j + "]) vs " + f + "Vjp with gradOut = e_" + j, column[k], fromJac, EXACT_RTOL,
            EXACT_ATOL * scale, entryName(args, k));
      }
    }
    for (int k = 0; k < wrt.length; k++) {
      final int mm = m;
      IntFunction<String> at = index -> "(input " + index / mm + ", output " + index % mm + ")";
      Close.assertAllClose(f + "Jacobian: " + jacName(k) + " vs central finite differences, jac[i*m + j] = ∂f_j/∂w_i",
          fdJac[k], jac[k], rtol, atol * Math.max(outScale, Close.maxAbs(fdJac[k])), at);
    }

    // Forward mode along v: J v from the Jacobian, and central differences along v.
    Method jvp = generatedJvp(vjp);
    if (jvp != null) {
      double[] expectedJv = new double[m];
      for (int k = 0; k < wrt.length; k++) {
        int n = v[k].length;
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < m; j++) {
            expectedJv[j] += jac[k][i * m + j] * v[k][i];
          }
        }
      }
      double[] fdJv = new double[m];
      for (int j = 0; j < m; j++) {
        fdJv[j] = (plus[j] - minus[j]) / (2 * h);
      }
      double[] jvpOut = new double[m];
      Arrays.fill(jvpOut, Double.NaN);
      invoke(jvp, concat(concat(args, v), new Object[] {jvpOut}));
      assertArgumentsUnchanged(before, args, jvp);
      double scale = outScale * Math.max(1, norm1(v));
      Close.assertAllClose(f + "Jvp along a random v vs J v from " + f + "Jacobian", expectedJv,
          jvpOut, 1e-9, 1e-11 * scale * Math.max(1, Close.maxAbs(expectedJv)), j -> "output " + j);
      Close.assertAllClose(f + "Jvp along a random v vs central differences along v", fdJv, jvpOut,
          rtol, atol * scale, j -> "output " + j);
      double[] jvpWithWorkspace = new double[m];
      Arrays.fill(jvpWithWorkspace, GARBAGE);
      invokeWorkspaceOverload(jvp, concat(concat(args, v), new Object[] {jvpWithWorkspace}));
      assertArrayEquals(jvpOut, jvpWithWorkspace, 0.0,
          f + "Jvp with a (reused) Workspace differs from the overload without one");
    }
    return new Result(Double.NaN, out, m, jac, true);
  }

  // ----------------------------------------------------------------------------------- results

  /** The analytic results of one {@link #check}. */
  static final class Result {
    /** f's value (scalar f only; NaN otherwise). */
    final double value;
    /** f's output, flattened row-major. */
    final double[] output;
    /** m, the number of outputs (1 for a scalar f). */
    final int outputs;
    private final double[][] gradsOrJacobians;
    private final boolean vectorValued;

    Result(double value, double[] output, int outputs, double[][] gradsOrJacobians, boolean vectorValued) {
      this.value = value;
      this.output = output;
      this.outputs = outputs;
      this.gradsOrJacobians = gradsOrJacobians;
      this.vectorValued = vectorValued;
    }

    /** The gradient for the k-th wrt parameter (scalar f). */
    double[] grad(int k) {
      assertTrue(!vectorValued, "grad(k) is for a scalar function; use jacobian(k)");
      return gradsOrJacobians[k];
    }

    /** The Jacobian for the k-th wrt parameter, jac[i*m + j] = ∂f_j/∂w_i (vector-valued f). */
    double[] jacobian(int k) {
      assertTrue(vectorValued, "jacobian(k) is for a vector- or matrix-valued function");
      return gradsOrJacobians[k];
    }
  }

  // ---------------------------------------------------------------------------- generated methods

  private Method generated(String name, Class<?> returnType, boolean hasGradOut) {
    Method m = null;
    for (Method candidate : gradients.getDeclaredMethods()) {
      boolean workspaceOverload = candidate.getParameterCount() > 0
          && candidate.getParameterTypes()[candidate.getParameterCount() - 1] == Workspace.class;
      if (candidate.getName().equals(name) && !workspaceOverload) {
        if (m != null) {
          fail(gradients.getName() + " has more than one method " + name);
        }
        m = candidate;
      }
    }
    List<Class<?>> expected = new ArrayList<>(Arrays.asList(forward.getParameterTypes()));
    if (hasGradOut) {
      expected.add(double[].class);
    }
    for (int k = 0; k < wrt.length; k++) {
      expected.add(double[].class);
    }
    String wanted = "public static " + returnType.getSimpleName() + " " + name + "("
        + String.join(", ", expected.stream().map(Class::getSimpleName).toArray(String[]::new)) + ")";
    if (m == null) {
      fail(gradients.getName() + " has no method " + name + "; API.md requires " + wanted
          + "; it has " + Arrays.toString(Arrays.stream(gradients.getDeclaredMethods())
              .map(Method::getName).sorted().toArray()));
    }
    assertEquals(expected, Arrays.asList(m.getParameterTypes()),
        gradients.getSimpleName() + "." + name + ": parameter types; API.md requires " + wanted
            + " (wrt = parameters " + Arrays.toString(wrt) + " of " + forward.getName() + ")");
    assertEquals(returnType, m.getReturnType(), name + ": return type");
    assertTrue(Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()),
        name + " must be public static");
    return m;
  }

  /**
   * The generated {@code fJvp} beside {@code reverse} (fGrad or fVjp), its signature checked;
   * null for the hand-written stand-ins of the checker's self-test, which have none.
   */
  private Method generatedJvp(Method reverse) {
    String name = forward.getName() + "Jvp";
    boolean scalar = forward.getReturnType() == double.class;
    List<Class<?>> expected = new ArrayList<>(Arrays.asList(forward.getParameterTypes()));
    for (int k = 0; k < wrt.length; k++) {
      expected.add(double[].class);
    }
    if (!scalar) {
      expected.add(double[].class);
    }
    try {
      Method m = gradients.getMethod(name, expected.toArray(Class<?>[]::new));
      assertEquals(scalar ? double.class : void.class, m.getReturnType(), name + ": return type");
      return m;
    } catch (NoSuchMethodException e) {
      Derivation derivation = reverse.getAnnotation(Derivation.class);
      // Hand-written stand-ins have no fJvp, and neither have methods with a @CustomVjp rule.
      if (derivation == null || String.join(" ", derivation.notation()).contains("@CustomVjp")) {
        return null;
      }
      return fail(gradients.getName() + " has no " + name + expected.stream()
          .map(Class::getSimpleName).toList() + " as API.md requires");
    }
  }

  /** Calls the Workspace overload of a generated method with one (reused) workspace. */
  private Object invokeWorkspaceOverload(Method plain, Object[] inputs) {
    try {
      Class<?>[] types = Arrays.copyOf(plain.getParameterTypes(), plain.getParameterCount() + 1);
      types[types.length - 1] = Workspace.class;
      Method overload = gradients.getMethod(plain.getName(), types);
      return invoke(overload, concat(inputs, new Object[] {SHARED_WORKSPACE.get()}));
    } catch (NoSuchMethodException e) {
      return fail(gradients.getName() + " has no Workspace overload of " + plain.getName());
    }
  }

  private static double[][] deepCopyRows(double[][] rows) {
    double[][] copy = new double[rows.length][];
    for (int k = 0; k < rows.length; k++) {
      copy[k] = rows[k].clone();
    }
    return copy;
  }

  /**
   * One workspace per thread, shared by every check: buffers keep stale values from other
   * methods and shapes, which the Workspace overloads must never read.
   */
  private static final ThreadLocal<Workspace> SHARED_WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  /**
   * Calls the Workspace overload of {@code plain} with outputs pre-filled with garbage and
   * asserts it writes exactly what {@code expected} holds (the plain overload's results).
   */
  private Object checkWorkspaceOverload(Method plain, Object[] inputs, double[][] expected) {
    Derivation derivation = plain.getAnnotation(Derivation.class);
    if (derivation == null) {
      // Hand-written stand-ins (the checker's self-test) have neither the annotation nor the overload.
      return plain.getReturnType() == double.class ? invoke(plain, concat(inputs, expected)) : null;
    }
    assertEquals(forward.getName(), derivation.method(), plain + ": @Derivation.method");
    assertEquals(wrt.length, derivation.wrt().length, plain + ": @Derivation.wrt " + Arrays.toString(derivation.wrt()));
    Method overload;
    try {
      Class<?>[] types = Arrays.copyOf(plain.getParameterTypes(), plain.getParameterCount() + 1);
      types[types.length - 1] = Workspace.class;
      overload = gradients.getMethod(plain.getName(), types);
    } catch (NoSuchMethodException e) {
      return fail(gradients.getName() + " has no Workspace overload of " + plain.getName());
    }
    assertEquals(plain.getReturnType(), overload.getReturnType(), overload + ": return type");
    double[][] outputs = new double[expected.length][];
    for (int k = 0; k < expected.length; k++) {
      outputs[k] = new double[expected[k].length];
      Arrays.fill(outputs[k], GARBAGE);
    }
    Object returned = invoke(overload, concat(concat(inputs, outputs), new Object[] {SHARED_WORKSPACE.get()}));
    for (int k = 0; k < expected.length; k++) {
      assertArrayEquals(expected[k], outputs[k], 0.0, plain.getName()
          + " with a (reused) Workspace differs from the overload without one, output " + k);
    }
    return returned;
  }

  static Object invoke(Method m, Object[] args) {
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new AssertionError(m.getName() + " threw " + cause, cause);
    } catch (IllegalAccessException e) {
      throw new AssertionError("cannot call " + m, e);
    }
  }

  // ------------------------------------------------------------------------ finite differences

  /**
   * Central differences of f's flattened output (m entries) with respect to every entry i of the
   * k-th wrt parameter, laid out fd[i*m + j] = ∂f_j/∂w_i. The step is h = 1e-6·max(1, |w_i|), and
   * the divisor is the step as represented, (w_i + h) − (w_i − h).
   */
  private double[] finiteDifferenceJacobian(Object[] args, int k, int m) {
    int p = wrt[k];
    double[] w = flatten(args[p]);
    double[] fd = new double[w.length * m];
    for (int i = 0; i < w.length; i++) {
      double h = 1e-6 * Math.max(1, Math.abs(w[i]));
      double up = w[i] + h;
      double down = w[i] - h;
      Object[] plusArgs = deepCopy(args);
      plusArgs[p] = withEntry(args[p], i, up);
      Object[] minusArgs = deepCopy(args);
      minusArgs[p] = withEntry(args[p], i, down);
      double[] fPlus = flatten(invoke(forward, plusArgs));
      double[] fMinus = flatten(invoke(forward, minusArgs));
      for (int j = 0; j < m; j++) {
        fd[i * m + j] = (fPlus[j] - fMinus[j]) / (up - down);
      }
    }
    return fd;
  }

  private double[][] randomDirection(Object[] args) {
    Random random = new Random(0xd1ec7 ^ forward.getName().hashCode());
    double[][] v = new double[wrt.length][];
    for (int k = 0; k < wrt.length; k++) {
      v[k] = new double[size(args[wrt[k]])];
      for (int i = 0; i < v[k].length; i++) {
        v[k][i] = -1 + 2 * random.nextDouble();
      }
    }
    return v;
  }

  private double directionalStep(Object[] args) {
    double max = 1;
    for (int p : wrt) {
      max = Math.max(max, Close.maxAbs(flatten(args[p])));
    }
    return 1e-6 * max;
  }

  private Object[] displaced(Object[] args, double[][] v, double h) {
    Object[] out = deepCopy(args);
    for (int k = 0; k < wrt.length; k++) {
      double[] w = flatten(args[wrt[k]]);
      for (int i = 0; i < w.length; i++) {
        w[i] += h * v[k][i];
      }
      out[wrt[k]] = rebuild(args[wrt[k]], w);
    }
    return out;
  }

  // ------------------------------------------------------------------------- argument plumbing

  private static boolean isDifferentiableType(Class<?> t) {
    return t == double.class || t == double[].class || t == Matrix.class;
  }

  private static int[] defaultWrt(Method m) {
    Class<?>[] types = m.getParameterTypes();
    return java.util.stream.IntStream.range(0, types.length)
        .filter(p -> isDifferentiableType(types[p])).toArray();
  }

  private static Class<?> box(Class<?> t) {
    if (t == double.class) {
      return Double.class;
    }
    if (t == int.class) {
      return Integer.class;
    }
    return t;
  }

  /** The entries of a Double, double[] or Matrix, row-major, as a new array. */
  static double[] flatten(Object value) {
    if (value instanceof Double) {
      return new double[] {(Double) value};
    }
    if (value instanceof double[]) {
      return ((double[]) value).clone();
    }
    if (value instanceof Matrix) {
      return ((Matrix) value).data().clone();
    }
    throw new IllegalArgumentException("cannot flatten " + value);
  }

  static int size(Object value) {
    if (value instanceof Double) {
      return 1;
    }
    if (value instanceof double[]) {
      return ((double[]) value).length;
    }
    return ((Matrix) value).data().length;
  }

  private static Object rebuild(Object like, double[] entries) {
    if (like instanceof Double) {
      return entries[0];
    }
    if (like instanceof double[]) {
      return entries;
    }
    Matrix m = (Matrix) like;
    return new Matrix(m.rows(), m.cols(), entries);
  }

  private static Object withEntry(Object value, int i, double entry) {
    double[] e = flatten(value);
    e[i] = entry;
    return rebuild(value, e);
  }

  static Object deepCopy(Object value) {
    if (value instanceof double[]) {
      return ((double[]) value).clone();
    }
    if (value instanceof Matrix) {
      Matrix m = (Matrix) value;
      return new Matrix(m.rows(), m.cols(), m.data().clone());
    }
    return value; // Double and Integer are immutable
  }

  static Object[] deepCopy(Object[] args) {
    Object[] out = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      out[i] = deepCopy(args[i]);
    }
    return out;
  }

  private static Object[] concat(Object[] a, Object[] b) {
    Object[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private double[][] filledGrads(Object[] args, double fill) {
    double[][] g = new double[wrt.length][];
    for (int k = 0; k < wrt.length; k++) {
      g[k] = Inputs.filled(size(args[wrt[k]]), fill);
    }
    return g;
  }

  private double[][] filledJacobians(Object[] args, int m, double fill) {
    double[][] g = new double[wrt.length][];
    for (int k = 0; k < wrt.length; k++) {
      g[k] = Inputs.filled(size(args[wrt[k]]) * m, fill);
    }
    return g;
  }

  private void assertArgumentsUnchanged(Object[] before, Object[] args, Method by) {
    for (int p = 0; p < args.length; p++) {
      if (args[p] instanceof double[] || args[p] instanceof Matrix) {
        assertArrayEquals(flatten(before[p]), flatten(args[p]), 0.0,
            by.getName() + " modified its argument " + p + " (an input of " + forward.getName() + ")");
      }
    }
  }

  private String gradName(int k) {
    return "the gradient for parameter " + wrt[k] + " (" + forward.getParameterTypes()[wrt[k]].getSimpleName()
        + ", wrt #" + k + ")";
  }

  private String jacName(int k) {
    return "the Jacobian for parameter " + wrt[k] + " (wrt #" + k + ")";
  }

  /** "[5] = (1, 2) of a 3×4 Matrix" for a matrix parameter, "[5]" otherwise. */
  private IntFunction<String> entryName(Object[] args, int k) {
    Object w = args[wrt[k]];
    if (w instanceof Matrix) {
      Matrix mat = (Matrix) w;
      return i -> "[" + i + "] = (" + i / mat.cols() + ", " + i % mat.cols() + ") of a "
          + mat.rows() + "×" + mat.cols() + " Matrix";
    }
    return i -> "[" + i + "]";
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm1(double[] a) {
    double s = 0;
    for (double v : a) {
      s += Math.abs(v);
    }
    return s;
  }

  private static double norm1(double[][] a) {
    double s = 0;
    for (double[] row : a) {
      s += norm1(row);
    }
    return s;
  }

  @Override
  public String toString() {
    return fixture.getSimpleName() + "." + forward.getName();
  }
}
