package dev.matgrad.sample;

import dev.matgrad.Derivation;
import dev.matgrad.Workspace;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The gradient methods matgrad generated for the application's {@code @Differentiable} classes,
 * found by reflection: each is paired with the method it was derived from, through the
 * {@link Derivation} the processor puts on it (or, from a processor that does not record one yet,
 * through its name: {@code fGrad}, {@code fVjp}, {@code fJacobian}, {@code fJvp}).
 */
final class GeneratedMethods {
  /** The application's classes with {@code @Differentiable} methods. */
  static final List<Class<?>> MODEL_CLASSES = List.of(DigitNetwork.class, ConvNetwork.class,
      SeedProblems.class);

  private GeneratedMethods() {}

  enum Kind {
    /** {@code double fGrad(params…, grad_w…)}: value and gradient of a scalar function. */
    GRAD("Grad"),
    /** {@code void fVjp(params…, gradOut, grad_w…)}: a vector-Jacobian product. */
    VJP("Vjp"),
    /** {@code void fJacobian(params…, jac_w…)}: the whole Jacobian. */
    JACOBIAN("Jacobian"),
    /** {@code double fJvp(params…, dir_w…)} or {@code void fJvp(params…, dir_w…, jvpOut)}. */
    JVP("Jvp"),
    /** {@code void fHvp(params…, dir_w…, hvp_w…)}: a Hessian-vector product. */
    HVP("Hvp"),
    /** {@code void fHessian(params…, hess)}: the whole Hessian over all wrt parameters. */
    HESSIAN("Hessian");

    final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }
  }

  /**
   * One generated method.
   *
   * @param wrt the parameters it differentiates with respect to, in order
   * @param workspace whether it takes a trailing {@link Workspace}
   */
  record Generated(Method method, Method forward, Kind kind, List<String> wrt, boolean workspace,
      Optional<Derivation> derivation) {
    String label() {
      StringBuilder s = new StringBuilder(method.getDeclaringClass().getSimpleName())
          .append('.').append(method.getName());
      if (workspace) {
        s.append(" (Workspace)");
      }
      return s.toString();
    }
  }

  /** The generated class of a model class, {@code p.C} → {@code p.CGradients}. */
  static Class<?> gradientsOf(Class<?> model) {
    String name = model.getName();
    String generated = model.getPackageName() + "."
        + name.substring(model.getPackageName().length() + 1).replace('$', '_') + "Gradients";
    try {
      return Class.forName(generated, true, model.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(generated + " is missing: was " + model.getSimpleName()
          + " compiled with the matgrad processor?", e);
    }
  }

  /** Every public static method of every model class's generated class, in a stable order. */
  static List<Generated> all() {
    List<Generated> found = new ArrayList<>();
    for (Class<?> model : MODEL_CLASSES) {
      found.addAll(of(model));
    }
    return found;
  }

  static List<Generated> of(Class<?> model) {
    Class<?> gradients = gradientsOf(model);
    List<Method> methods = new ArrayList<>();
    for (Method m : gradients.getDeclaredMethods()) {
      // Every kind GradCheck checks: reverse mode, forward mode and second derivatives.
      boolean known = Arrays.stream(Kind.values()).anyMatch(k -> m.getName().endsWith(k.suffix));
      if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()) && known) {
        methods.add(m);
      }
    }
    methods.sort(Comparator.comparing(Method::getName)
        .thenComparing(m -> m.getParameterCount()));
    List<Generated> found = new ArrayList<>();
    for (Method m : methods) {
      found.add(describe(model, m));
    }
    return found;
  }

  /** The derivation recorded on {@code model}'s generated gradient of {@code method}, if any. */
  static Optional<Derivation> derivation(Class<?> model, String method) {
    for (Generated g : of(model)) {
      if (g.forward().getName().equals(method) && !g.workspace() && g.derivation().isPresent()) {
        return g.derivation();
      }
    }
    return Optional.empty();
  }

  private static Generated describe(Class<?> model, Method m) {
    Derivation derivation = m.getAnnotation(Derivation.class);
    Kind kind = kindOf(m);
    String forwardName = derivation != null
        ? derivation.method()
        : m.getName().substring(0, m.getName().length() - kind.suffix.length());
    Parameter[] params = m.getParameters();
    boolean workspace = params.length > 0 && params[params.length - 1].getType() == Workspace.class;
    Method forward = forwardOf(model, forwardName, m);
    int first = forward.getParameterCount() + (kind == Kind.VJP ? 1 : 0);
    int end = params.length - (workspace ? 1 : 0)
        - (kind == Kind.JVP && m.getReturnType() == void.class ? 1 : 0);
    List<String> wrt;
    if (derivation != null) {
      wrt = List.of(derivation.wrt());
    } else {
      wrt = new ArrayList<>();
      String prefix = kind == Kind.JACOBIAN ? "jac_" : kind == Kind.JVP ? "dir_" : "grad_";
      for (int i = first; i < end; i++) {
        wrt.add(params[i].getName().substring(prefix.length()));
      }
    }
    int arrays = kind == Kind.HVP ? 2 * wrt.size() : kind == Kind.HESSIAN ? 1 : wrt.size();
    if (arrays != end - first) {
      throw new IllegalStateException(m + ": " + (end - first) + " derivative arrays but wrt "
          + wrt);
    }
    return new Generated(m, forward, kind, List.copyOf(wrt), workspace,
        Optional.ofNullable(derivation));
  }

  private static Kind kindOf(Method m) {
    for (Kind kind : Kind.values()) {
      if (m.getName().endsWith(kind.suffix)) {
        return kind;
      }
    }
    throw new IllegalStateException("not a generated gradient method: " + m);
  }

  /** The model's method named {@code name} with the longest parameter list that begins {@code generated}'s. */
  private static Method forwardOf(Class<?> model, String name, Method generated) {
    Class<?>[] types = generated.getParameterTypes();
    Method best = null;
    for (Method candidate : model.getDeclaredMethods()) {
      Class<?>[] own = candidate.getParameterTypes();
      if (candidate.getName().equals(name) && own.length <= types.length
          && Arrays.equals(own, Arrays.copyOf(types, own.length))
          && (best == null || own.length > best.getParameterCount())) {
        best = candidate;
      }
    }
    if (best != null) {
      return best;
    }
    throw new IllegalStateException("no method " + name + " in " + model.getName()
        + " matches " + generated);
  }
}
