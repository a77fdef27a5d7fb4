package dev.matgrad.processor.random;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.matgrad.Derivation;
import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import dev.matgrad.processor.DifferentiableProcessor;
import dev.matgrad.processor.ProcessorTesting;
import dev.matgrad.processor.random.ProgramGenerator.Kind;
import dev.matgrad.processor.random.ProgramGenerator.Method;
import dev.matgrad.processor.random.ProgramGenerator.Param;
import dev.matgrad.processor.random.ProgramGenerator.Program;
import dev.matgrad.processor.random.ProgramGenerator.Type;
import dev.matgrad.processor.random.ProgramGenerator.Unit;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Compiles a program in-process with the processor and checks every generated method against
 * the forward method it was derived from:
 *
 * <ul>
 *   <li>scalar methods: {@code fGrad}'s value equals f's, and its gradient equals central finite
 *       differences of f, entry by entry;
 *   <li>vector- and matrix-valued methods: the dot-product test ⟨VJP(u), v⟩ = ⟨u, J v⟩ with J v
 *       by central differences, {@code fJacobian} against finite differences entry by entry, and
 *       its columns against {@code fVjp} of unit vectors;
 *   <li>where the processor generates overloads with a trailing {@link Workspace}: the same
 *       results as the plain overloads, with one workspace reused across the program's methods
 *       and shapes and its buffers filled with NaN before each call.
 * </ul>
 *
 * <p>Gradient arrays are pre-filled with NaN (outputs must be overwritten, never accumulated) and
 * inputs must come back unchanged. Each program must compile without errors, without matgrad
 * warnings other than {@code zero-gradient}, with generated code free of {@code -Xlint:all}
 * warnings and of {@code Ops} calls and {@code Matrix} allocations, within the timeout.
 *
 * <p>Every problem has a kind ({@code wrong gradient}, {@code compile error [matgrad:type]},
 * …); the kind of the first problem is the outcome's signature, what "fails the same way" means
 * to the shrinker.
 */
final class ProgramChecker {
  /** Relative tolerance against finite differences, and the absolute floor (times the scale). */
  static final double RTOL = 1e-6;
  static final double ATOL = 1e-8;
  /** Tolerance of fGrad's value against f's, of fJacobian against fVjp, of Workspace overloads. */
  static final double VALUE_RTOL = 1e-12;
  static final double EXACT_RTOL = 1e-10;

  /** A harness problem (the forward method fails): the program is invalid, not the processor. */
  static final String HARNESS = "harness";

  /** What to check: input draws per method, compile timeout, pinned dims, where to count ops. */
  record Options(int trials, int timeoutSeconds, int[] pinnedDims, OpCoverage coverage) {}

  record Problem(String kind, String text) {}

  /**
   * The problems found (empty: passed) and how much was checked; skipped says why a program
   * could not be checked although nothing is wrong (a derivative over the JVM's size limit for
   * one method, which the processor reports by design), else null.
   */
  record Outcome(List<Problem> problems, int methods, int checks, int workspaceChecks,
      String skipped) {
    Outcome(List<Problem> problems, int methods, int checks, int workspaceChecks) {
      this(problems, methods, checks, workspaceChecks, null);
    }

    /** The kind of the first problem, or null if the program passed. */
    String signature() {
      return problems.isEmpty() ? null : problems.get(0).kind();
    }

    boolean failed() {
      return !problems.isEmpty();
    }

    /** A failure report: what failed, each problem, and the program's source. */
    String report(String header, Program program) {
      StringBuilder b = new StringBuilder();
      b.append("\n=== random program failure: ").append(header).append(" — ")
          .append(signature()).append(" ===\n");
      for (Problem p : problems) {
        b.append("* ").append(p.text()).append('\n');
      }
      b.append("--- source of ").append(program.name()).append(" ---\n")
          .append(program.text()).append("--- end ---\n");
      return b.toString();
    }
  }

  private ProgramChecker() {}

  /** Compiles and checks program; inputs are drawn from a Random of inputSeed. */
  static Outcome check(Program program, long inputSeed, Options options) {
    List<Problem> problems = new ArrayList<>();
    String[] where = new String[1];
    Compilation compilation;
    try {
      compilation = compile(program, where, options.timeoutSeconds());
    } catch (Exception e) {
      problems.add(new Problem("crash " + rootCause(e).getClass().getSimpleName(),
          "javac or the processor crashed: threw " + stackTrace(e)));
      return new Outcome(problems, 0, 0, 0);
    }
    if (compilation == null) {
      problems.add(new Problem("timeout", "the processor did not finish within "
          + options.timeoutSeconds() + " s; the compiling thread was at\n    " + where[0]));
      return new Outcome(problems, 0, 0, 0);
    }
    for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
      String message = d.getMessage(Locale.ROOT);
      boolean warning = d.getKind() == Diagnostic.Kind.WARNING
          || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING;
      boolean inGenerated = d.getSource() != null && d.getSource().getName().contains("Gradients");
      // matgrad's own warnings other than zero-gradient; any -Xlint warning on generated code
      boolean unexpectedWarning = warning
          && (message.contains("matgrad:") && !message.startsWith("[matgrad:zero-gradient]")
              || inGenerated);
      if (d.getKind() == Diagnostic.Kind.ERROR || unexpectedWarning) {
        String kind = (warning ? "warning " : "compile error ")
            + (inGenerated ? "in generated code " : "") + tag(d);
        problems.add(new Problem(kind, describe(d)));
      }
    }
    if (!problems.isEmpty()
        && problems.stream().allMatch(p -> p.kind().equals("compile error " + TOO_LARGE))) {
      return new Outcome(List.of(), 0, 0, 0, problems.get(0).text());
    }
    if (compilation.status() != Compilation.Status.SUCCESS || !problems.isEmpty()) {
      if (problems.isEmpty()) {
        problems.add(new Problem("compile error", "compilation failed without an error"));
      }
      return new Outcome(problems, 0, 0, 0);
    }
    ClassLoader loader = ProcessorTesting.classLoader(compilation);
    contract(program, compilation, options.coverage(), problems);
    Random inputs = new Random(inputSeed);
    Workspace workspace = new Workspace();
    int methods = 0;
    int checks = 0;
    int workspaceChecks = 0;
    for (Unit unit : program.units()) {
      Class<?> user;
      Class<?> gradients;
      try {
        user = Class.forName(unit.binaryName(), true, loader);
        gradients = Class.forName(unit.gradientsName(), true, loader);
      } catch (ClassNotFoundException e) {
        problems.add(new Problem("missing class", "class " + e.getMessage()
            + " was not generated"));
        continue;
      }
      for (Method m : unit.methods()) {
        methods++;
        for (int trial = 0; trial < options.trials(); trial++) {
          checks++;
          MethodCheck check = null;
          Problem problem;
          try {
            check = new MethodCheck(program, m, user, gradients, inputs, options.pinnedDims(),
                workspace);
            problem = check.run();
            if (problem != null && branches(program, m) && !problem.kind().equals(HARNESS)) {
              // A perturbation of central differences may flip a data-dependent branch (a
              // kink): the same inputs nudged by far more than the step must fail too.
              check.nudge(inputs);
              if (check.run() == null || check.jumps(inputs) || check.stepSensitive()
                  || check.flipsWithRounding(inputs) || check.stepsAtTheScaleOfTheDifferences(inputs)) {
                // (or the method's value jumps right there: a condition decided by rounding,
                // such as two equal sums compared, which no nudge moves away from)
                problem = null;
                KINKS.incrementAndGet();
              }
            }
            workspaceChecks += check.workspaceChecks;
          } catch (NoSuchMethodException e) {
            problem = new Problem("missing method", "no generated method " + e.getMessage());
          } catch (Throwable t) {
            problem = new Problem("threw " + rootCause(t).getClass().getSimpleName(),
                "threw " + stackTrace(t));
          }
          if (problem != null) {
            problems.add(new Problem(problem.kind(), "method " + unit.binaryName() + "."
                + m.name() + " (trial " + trial + "): " + problem.text()
                + (check == null ? "" : "\n  " + check.inputs())));
            break;
          }
        }
      }
    }
    return new Outcome(problems, methods, checks, workspaceChecks);
  }

  /** A gradient this small means values at the edge of double's range (see hvp). */
  private static final double NEGLIGIBLE_GRADIENT = 1e-100;

  /** HVP checks skipped because the program's values were at the edge of double's range. */
  static final java.util.concurrent.atomic.AtomicInteger AT_THE_EDGE_OF_RANGE =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Failures at a branch's kink that a nudge of the inputs made pass (for reports). */
  static final java.util.concurrent.atomic.AtomicInteger KINKS =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Whether a method has data-dependent branches (if, ?:, a while loop's condition). */
  /**
   * Whether m may branch on data: its own text, or that of any method of the program (m may call
   * it, inlined, and its branches are then m's).
   */
  static boolean branches(Program program, Method m) {
    return branches(m.text()) || program.units().stream().flatMap(u -> u.methods().stream())
        .anyMatch(other -> branches(other.text()));
  }

  private static boolean branches(String text) {
    return text.contains("if (") || text.contains(" ? ") || text.contains("while (");
  }

  /** The processor's error for a derivative over the JVM's 64 KB limit for one method. */
  static final String TOO_LARGE = "[matgrad:too-large]";

  private static final Pattern TAG = Pattern.compile("^\\[(matgrad:[\\w-]+)]");

  private static String tag(Diagnostic<? extends JavaFileObject> d) {
    Matcher m = TAG.matcher(d.getMessage(Locale.ROOT));
    return m.find() ? "[" + m.group(1) + "]" : "javac:" + d.getCode();
  }

  /**
   * Whether a method with a @CustomVjp rule takes a Matrix: a call of it wraps a computed
   * argument in a Matrix (no copy of its data; README "Calling a method that has a rule").
   */
  private static boolean callsMatrixRule(Program program) {
    return program.sources().stream().anyMatch(s -> s.text().matches(
        "(?s).*@CustomVjp\\([^)]*\\)\\s+public static \\S+ \\w+\\(Matrix .*"));
  }

  /**
   * The generated classes call no Ops method and allocate no Matrix (but the wrapper of a
   * Matrix argument of a method with a @CustomVjp rule); records the user classes'
   * Ops and Math calls in coverage.
   */
  private static void contract(Program program, Compilation compilation, OpCoverage coverage,
      List<Problem> problems) {
    for (JavaFileObject f : compilation.generatedFiles()) {
      if (f.getKind() != JavaFileObject.Kind.CLASS) {
        continue;
      }
      byte[] bytes;
      try (InputStream in = f.openInputStream()) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (f.getName().endsWith("Gradients.class")) {
        for (OpCoverage.MethodRef r : OpCoverage.methodRefs(bytes)) {
          if (r.owner().equals("dev/matgrad/Ops")) {
            problems.add(new Problem("generated code calls Ops", f.getName() + " calls Ops."
                + r.signature()));
          } else if (r.owner().equals("dev/matgrad/Matrix")
              && Arrays.asList("<init>", "of", "zeros").contains(r.name())
              && !(r.name().equals("<init>") && callsMatrixRule(program))) {
            problems.add(new Problem("generated code allocates a Matrix", f.getName()
                + " calls Matrix." + r.name()));
          }
        }
      } else if (coverage != null) {
        coverage.recordClass(bytes);
      }
    }
  }

  /**
   * Compiles the program with the processor in a worker thread; null if it takes longer than
   * the timeout. The worker is then stopped where the JDK still allows it (up to JDK 19), else
   * left to finish as a daemon thread.
   */
  static Compilation compile(Program program, String[] where, int timeoutSeconds)
      throws Exception {
    List<JavaFileObject> files = program.sources().stream()
        .map(s -> JavaFileObjects.forSourceString(s.qualifiedName(), s.text())).toList();
    FutureTask<Compilation> task = new FutureTask<>(() -> Compiler.javac()
        .withOptions("-Xlint:all")
        .withProcessors(new DifferentiableProcessor())
        .compile(files));
    Thread worker = new Thread(task, "compile " + program.name());
    worker.setDaemon(true);
    worker.start();
    try {
      return task.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      where[0] = String.join("\n    ", Arrays.stream(worker.getStackTrace())
          .filter(f -> f.getClassName().startsWith("dev.matgrad.processor"))
          .map(StackTraceElement::toString).distinct().limit(8).toList());
      task.cancel(true);
      try {
        Thread.class.getMethod("stop").invoke(worker);
      } catch (ReflectiveOperationException | UnsupportedOperationException ignored) {
        // JDK 20 and later: the thread cannot be stopped; it ends with the test JVM
      }
      return null;
    }
  }

  /** Whether a compilation that times out can be stopped (Thread.stop works up to JDK 19). */
  static boolean canStopCompilations() {
    return Runtime.version().feature() < 20;
  }

  /** A diagnostic with its place, and the lines around it when it is in generated code. */
  private static String describe(Diagnostic<? extends JavaFileObject> d) {
    String where = d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber();
    StringBuilder b = new StringBuilder(d.getKind() + " " + where + ": ")
        .append(d.getMessage(Locale.ROOT));
    if (d.getSource() != null && d.getSource().getName().contains("Gradients")) {
      try {
        List<String> lines = d.getSource().getCharContent(true).toString().lines().toList();
        int line = (int) d.getLineNumber();
        for (int i = Math.max(1, line - 3); i <= Math.min(lines.size(), line + 3); i++) {
          b.append("\n    ").append(i == line ? ">> " : "   ").append(lines.get(i - 1));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return b.toString();
  }

  private static Throwable rootCause(Throwable t) {
    return t instanceof InvocationTargetException ite && ite.getCause() != null
        ? ite.getCause() : t;
  }

  static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    rootCause(t).printStackTrace(new PrintWriter(w));
    List<String> lines = w.toString().lines().limit(12).toList();
    return String.join("\n    ", lines);
  }

  // ---- one method -------------------------------------------------------------------------------

  /** The checks of one method on one draw of dims and inputs. */
  static final class MethodCheck {
    private final Method method;
    private final java.lang.reflect.Method forwardMethod;
    private final java.lang.reflect.Method gradMethod;
    private final java.lang.reflect.Method vjpMethod;
    private final java.lang.reflect.Method jacobianMethod;
    /** The overloads with a trailing Workspace, or null where the processor generates none. */
    private final java.lang.reflect.Method gradWorkspace;
    private final java.lang.reflect.Method vjpWorkspace;
    private final java.lang.reflect.Method jacobianWorkspace;
    /** fHvp and fHessian, for methods with hessian = true (null otherwise). */
    private final java.lang.reflect.Method hvpMethod;
    private final java.lang.reflect.Method hessianMethod;
    /** fJvp and its Workspace overload (null for a method calling a @CustomVjp method). */
    private final java.lang.reflect.Method jvpMethod;
    private final java.lang.reflect.Method jvpWorkspace;
    private final Workspace workspace;
    private final int[] dims;
    /** Values of each parameter (flat; length 1 for double); null for int parameters. */
    private final double[][] values;
    private final int[] ints;
    private final Random random;
    int workspaceChecks;

    MethodCheck(Program program, Method method, Class<?> user, Class<?> gradients, Random random,
        int[] pinnedDims, Workspace workspace) throws NoSuchMethodException {
      this.method = method;
      this.random = random;
      this.workspace = workspace;
      List<Param> params = method.params();
      Class<?>[] types = params.stream().map(p -> javaClass(p.type())).toArray(Class<?>[]::new);
      forwardMethod = user.getDeclaredMethod(method.name(), types);
      forwardMethod.setAccessible(true);
      int k = method.wrt().size();
      if (method.result().kind() == Kind.SCALAR) {
        gradMethod = gradients.getMethod(method.name() + "Grad", append(types, 0, k));
        gradWorkspace = optional(gradients, method.name() + "Grad", append(types, 0, k));
        vjpMethod = null;
        jacobianMethod = null;
        vjpWorkspace = null;
        jacobianWorkspace = null;
      } else {
        gradMethod = null;
        gradWorkspace = null;
        vjpMethod = gradients.getMethod(method.name() + "Vjp", append(types, 1, k));
        jacobianMethod = gradients.getMethod(method.name() + "Jacobian", append(types, 0, k));
        vjpWorkspace = optional(gradients, method.name() + "Vjp", append(types, 1, k));
        jacobianWorkspace = optional(gradients, method.name() + "Jacobian", append(types, 0, k));
      }
      // Only a method marked hessian = true has them: an overload's fHvp can have the very
      // parameter types this method's would have, and is not this method's.
      boolean second = method.result().kind() == Kind.SCALAR
          && method.text().contains("hessian = true");
      hvpMethod = second
          ? plainOrNull(gradients, method.name() + "Hvp", append(types, 0, 2 * k)) : null;
      hessianMethod = second
          ? plainOrNull(gradients, method.name() + "Hessian", append(types, 0, 1)) : null;
      int jvpArrays = k + (method.result().kind() == Kind.SCALAR ? 0 : 1);
      // A method that calls a @CustomVjp method has no fJvp (its @Derivation says so); any other has.
      java.lang.reflect.Method reverse = gradMethod != null ? gradMethod : vjpMethod;
      dev.matgrad.Derivation derivation = reverse.getAnnotation(dev.matgrad.Derivation.class);
      boolean usesRule = derivation != null
          && String.join(" ", derivation.notation()).contains("@CustomVjp");
      jvpMethod = usesRule ? null
          : gradients.getMethod(method.name() + "Jvp", append(types, 0, jvpArrays));
      jvpWorkspace = usesRule ? null
          : optional(gradients, method.name() + "Jvp", append(types, 0, jvpArrays));
      dims = new int[program.dims()];
      // in a large program one symbol is above MAX_DIM (all of them would make checks slow)
      int large = program.maxDim() > ProgramGenerator.MAX_DIM ? random.nextInt(dims.length) : -1;
      for (int i = 0; i < dims.length; i++) {
        dims[i] = i == large
            ? ProgramGenerator.MAX_DIM + 1
                + random.nextInt(program.maxDim() - ProgramGenerator.MAX_DIM)
            : 1 + new int[] {0, 1, 1, 2, 2, 2, 3, 3}[random.nextInt(8)];
        if (pinnedDims != null && i < pinnedDims.length) {
          dims[i] = pinnedDims[i];
        }
      }
      values = new double[params.size()][];
      ints = new int[params.size()];
      for (int i = 0; i < params.size(); i++) {
        Type t = params.get(i).type();
        if (t.kind() == Kind.INT) {
          ints[i] = 1 + random.nextInt(ProgramGenerator.MAX_INT);
        } else {
          values[i] = new double[size(t)];
          for (int j = 0; j < values[i].length; j++) {
            values[i][j] = 2 * random.nextDouble() - 1;
          }
        }
      }
    }

    private static java.lang.reflect.Method optional(Class<?> gradients, String name,
        Class<?>[] types) {
      Class<?>[] withWorkspace = Arrays.copyOf(types, types.length + 1);
      withWorkspace[types.length] = Workspace.class;
      try {
        return gradients.getMethod(name, withWorkspace);
      } catch (NoSuchMethodException e) {
        return null;
      }
    }

    private static java.lang.reflect.Method plainOrNull(Class<?> gradients, String name,
        Class<?>[] types) {
      try {
        return gradients.getMethod(name, types);
      } catch (NoSuchMethodException e) {
        return null;
      }
    }

    private static Class<?>[] append(Class<?>[] types, int gradOut, int outputs) {
      Class<?>[] all = Arrays.copyOf(types, types.length + gradOut + outputs);
      Arrays.fill(all, types.length, all.length, double[].class);
      return all;
    }

    private static Class<?> javaClass(Type t) {
      return switch (t.kind()) {
        case SCALAR -> double.class;
        case VECTOR -> double[].class;
        case MATRIX -> Matrix.class;
        case INT -> int.class;
      };
    }

    private int size(Type t) {
      return switch (t.kind()) {
        case SCALAR -> 1;
        case VECTOR -> dims[t.rows()];
        case MATRIX -> dims[t.rows()] * dims[t.cols()];
        case INT -> 0;
      };
    }

    /** The dims and inputs, for the failure message. */
    String inputs() {
      StringBuilder b = new StringBuilder("dims:");
      for (int i = 0; i < dims.length; i++) {
        b.append(" d").append(i).append('=').append(dims[i]);
      }
      b.append("; inputs:");
      for (int i = 0; i < values.length; i++) {
        Param p = method.params().get(i);
        b.append("\n    ").append(p.name()).append(" ");
        switch (p.type().kind()) {
          case INT -> b.append("= ").append(ints[i]);
          case SCALAR -> b.append("= ").append(values[i][0]);
          case VECTOR -> b.append("(length ").append(values[i].length).append(") = ")
              .append(Arrays.toString(values[i]));
          case MATRIX -> b.append("(").append(dims[p.type().rows()]).append("×")
              .append(dims[p.type().cols()]).append(", row-major) = ")
              .append(Arrays.toString(values[i]));
        }
      }
      return b.toString();
    }

    private Object[] args(double[][] vals) {
      Object[] args = new Object[vals.length];
      for (int i = 0; i < vals.length; i++) {
        Type t = method.params().get(i).type();
        args[i] = switch (t.kind()) {
          case INT -> ints[i];
          case SCALAR -> vals[i][0];
          case VECTOR -> vals[i].clone();
          case MATRIX -> new Matrix(dims[t.rows()], dims[t.cols()], vals[i].clone());
        };
      }
      return args;
    }

    /** f at the given values, flattened (length 1 for a double). */
    private double[] f(double[][] vals) throws ReflectiveOperationException {
      Object r = forwardMethod.invoke(null, args(vals));
      if (r instanceof Double d) {
        return new double[] {d};
      }
      if (r instanceof double[] a) {
        return a;
      }
      return ((Matrix) r).data();
    }

    /** f at the values with parameter p moved by h·direction. */
    private double[] shifted(int p, double[] direction, double h)
        throws ReflectiveOperationException {
      double[][] vals = values.clone();
      vals[p] = values[p].clone();
      for (int j = 0; j < direction.length; j++) {
        vals[p][j] += h * direction[j];
      }
      return f(vals);
    }

    /** The central difference of f along direction for parameter p, flattened. */
    private double[] centralDifference(int p, double[] direction)
        throws ReflectiveOperationException {
      double max = 0;
      for (int j = 0; j < direction.length; j++) {
        if (direction[j] != 0) {
          max = Math.max(max, Math.abs(values[p][j]));
        }
      }
      double h = step * Math.max(1, max);
      double[] plus = shifted(p, direction, h);
      double[] minus = shifted(p, direction, -h);
      double[] d = new double[plus.length];
      for (int j = 0; j < d.length; j++) {
        d[j] = (plus[j] - minus[j]) / (2 * h);
      }
      return d;
    }

    private double[] unit(int n, int i) {
      double[] e = new double[n];
      e[i] = 1;
      return e;
    }

    private double[] randomVector(int n) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = 2 * random.nextDouble() - 1;
      }
      return v;
    }

    private int[] wrtIndices() {
      return method.wrt().stream().mapToInt(w -> method.params().indexOf(w)).toArray();
    }

    private double[][] nanOutputs(int[] wrt, int m) {
      double[][] out = new double[wrt.length][];
      for (int i = 0; i < wrt.length; i++) {
        out[i] = new double[values[wrt[i]].length * m];
        Arrays.fill(out[i], Double.NaN);
      }
      return out;
    }

    private static boolean close(double expected, double got, double rtol, double floor) {
      return Math.abs(expected - got) <= rtol * Math.max(Math.abs(expected), Math.abs(got)) + floor;
    }

    private static double maxAbs(double[]... arrays) {
      double m = 0;
      for (double[] a : arrays) {
        for (double x : a) {
          m = Math.max(m, Math.abs(x));
        }
      }
      return m;
    }

    private Problem inputsChanged(Object[] args) {
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null) {
          continue;
        }
        double[] now = switch (method.params().get(i).type().kind()) {
          case SCALAR -> new double[] {(Double) args[i]};
          case VECTOR -> (double[]) args[i];
          default -> ((Matrix) args[i]).data();
        };
        if (!Arrays.equals(now, values[i])) {
          return new Problem("input modified", "the generated method modified its input "
              + method.params().get(i).name() + ": " + Arrays.toString(values[i]) + " became "
              + Arrays.toString(now));
        }
      }
      return null;
    }

    /**
     * Whether the method's value jumps near the inputs: central differences along a random
     * direction that do not shrink with the step (a smooth function's shrink in proportion).
     * A condition decided by rounding flips at random with the step, so one direction may miss
     * it: several are tried, then each input entry alone (a tie such as norm2(x)² against
     * dot(x, x) may flip along one entry's axis only).
     */
    boolean jumps(Random r) throws ReflectiveOperationException {
      for (int k = 0; k < 6; k++) {
        if (jumpsAlong(randomDirection(r))) {
          return true;
        }
      }
      for (double[][] dir : axisDirections(64)) {
        if (jumpsAlong(dir)) {
          return true;
        }
      }
      return false;
    }

    /** The unit directions along the first {@code limit} input entries, one entry each. */
    private List<double[][]> axisDirections(int limit) {
      List<double[][]> dirs = new ArrayList<>();
      for (int i = 0; i < values.length; i++) {
        for (int j = 0; values[i] != null && j < values[i].length && dirs.size() < limit; j++) {
          double[][] dir = new double[values.length][];
          for (int k = 0; k < values.length; k++) {
            dir[k] = values[k] == null ? null : new double[values[k].length];
          }
          dir[i][j] = 1;
          dirs.add(dir);
        }
      }
      return dirs;
    }

    /** The inputs moved by h · dir. */
    private double[][] moved(double[][] dir, double h) {
      double[][] out = new double[values.length][];
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          out[i] = values[i].clone();
          for (int j = 0; j < out[i].length; j++) {
            out[i][j] += h * dir[i][j];
          }
        }
      }
      return out;
    }

    /**
     * Whether a condition decided by rounding flips right here: moves of the inputs by about
     * 1e-13 of their size change a smooth function's value by about that much, a flipped branch's
     * by its jump (at least 1e-9 of the value's size here).
     */
    boolean flipsWithRounding(Random r) throws ReflectiveOperationException {
      double[] base = f(values);
      double size = Math.max(1, maxAbs(base));
      for (int k = 0; k < 12; k++) {
        double[][] dir = randomDirection(r);
        for (int i = 0; i < values.length; i++) {
          for (int j = 0; values[i] != null && j < values[i].length; j++) {
            dir[i][j] *= Math.max(1, Math.abs(values[i][j]));
          }
        }
        double[] at = f(moved(dir, 1e-13));
        for (int j = 0; j < at.length; j++) {
          if (Math.abs(at[j] - base[j]) > 1e-9 * size) {
            return true;
          }
        }
      }
      return false;
    }

    /**
     * Whether the value steps at the central differences' own scale: one side of x ± h·d differing
     * from the other by more than a smooth function's h²·f'' (at least 1e-9 of the value's size,
     * and 1e-3 of either side's change), along random directions and each input entry. A
     * condition decided by rounding flips with a step of that size.
     */
    boolean stepsAtTheScaleOfTheDifferences(Random r) throws ReflectiveOperationException {
      double[] base = f(values);
      double size = Math.max(1, maxAbs(base));
      double max = 0;
      for (double[] v : values) {
        if (v != null) {
          max = Math.max(max, maxAbs(v));
        }
      }
      double h = 1e-6 * Math.max(1, max);
      List<double[][]> dirs = new ArrayList<>();
      for (int k = 0; k < 20; k++) {
        dirs.add(randomDirection(r));
      }
      dirs.addAll(axisDirections(64));
      for (double[][] dir : dirs) {
        double[] a = f(moved(dir, h));
        double[] b = f(moved(dir, -h));
        for (int j = 0; j < base.length; j++) {
          double up = a[j] - base[j];
          double down = base[j] - b[j];
          double asymmetry = Math.abs(up - down);
          if (asymmetry > 1e-9 * size && asymmetry > 1e-3 * Math.max(Math.abs(up), Math.abs(down))) {
            return true;
          }
        }
      }
      return false;
    }

    private double[][] randomDirection(Random r) {
      double[][] dir = new double[values.length][];
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          dir[i] = new double[values[i].length];
          for (int j = 0; j < dir[i].length; j++) {
            dir[i][j] = 2 * r.nextDouble() - 1;
          }
        }
      }
      return dir;
    }

    private boolean jumpsAlong(double[][] dir) throws ReflectiveOperationException {
      double wide = spread(dir, 1e-6);
      double narrow = spread(dir, 1e-9);
      return wide > 0 && narrow > 0.1 * wide;
    }

    private double spread(double[][] dir, double h) throws ReflectiveOperationException {
      double[] a = f(moved(dir, h));
      double[] b = f(moved(dir, -h));
      double most = 0;
      for (int k = 0; k < a.length; k++) {
        most = Math.max(most, Math.abs(a[k] - b[k]));
      }
      return most;
    }

    /** The relative step of central differences (see stepSensitive). */
    double step = 1e-6;

    /**
     * Whether the failure goes away with a step ten times larger or smaller: a smooth function's
     * central differences agree across steps, so a derivative that matches them at one step is
     * right, and the other step crossed a condition decided by rounding (pow(norm2(x), 2) >
     * sumSq(x), s > log(exp(s))), which flips with the step, not with the inputs.
     */
    boolean stepSensitive() throws ReflectiveOperationException {
      try {
        for (double other : new double[] {1e-5, 1e-7}) {
          step = other;
          if (run() == null) {
            return true;
          }
        }
        return false;
      } finally {
        step = 1e-6;
      }
    }

    /** Moves every input by up to 1e-3 (central differences step 1e-6). */
    void nudge(Random r) {
      for (double[] v : values) {
        if (v != null) {
          for (int j = 0; j < v.length; j++) {
            v[j] += 1e-3 * (2 * r.nextDouble() - 1);
          }
        }
      }
    }

    Problem run() throws ReflectiveOperationException {
      double[] value;
      try {
        value = f(values);
      } catch (InvocationTargetException e) {
        return new Problem(HARNESS, "the forward method threw " + stackTrace(e));
      }
      for (double v : value) {
        if (!Double.isFinite(v)) {
          return new Problem(HARNESS, "the forward method's value is not finite: "
              + Arrays.toString(value));
        }
      }
      for (java.lang.reflect.Method g : new java.lang.reflect.Method[] {gradMethod, vjpMethod,
          jacobianMethod, gradWorkspace, vjpWorkspace, jacobianWorkspace, jvpMethod, jvpWorkspace}) {
        String mismatch = g == null ? null : derivationMismatch(g, method);
        if (mismatch != null) {
          return new Problem("wrong @Derivation", mismatch);
        }
      }
      int[] wrt = wrtIndices();
      Problem reverse = method.result().kind() == Kind.SCALAR ? scalar(value[0], wrt)
          : valued(value, wrt);
      if (reverse != null) {
        return reverse;
      }
      Problem forward = jvp(value, wrt);
      return forward != null || hvpMethod == null ? forward : hvp(value[0], wrt);
    }

    /** θ's entries for the wrt parameters, concatenated. */
    private int thetaSize(int[] wrt) {
      int n = 0;
      for (int p : wrt) {
        n += values[p].length;
      }
      return n;
    }

    /** fGrad's gradients, concatenated, at the values with θ moved by h·dir. */
    private double[] gradientAt(int[] wrt, double[] dir, double h)
        throws ReflectiveOperationException {
      double[][] vals = values.clone();
      int offset = 0;
      for (int p : wrt) {
        vals[p] = values[p].clone();
        for (int j = 0; j < vals[p].length; j++) {
          vals[p][j] += h * dir[offset++];
        }
      }
      double[][] grads = nanOutputs(wrt, 1);
      invoke(gradMethod, args(vals), grads, null);
      return java.util.Arrays.stream(grads).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    /** fHvp along dir (θ's order), concatenated. */
    private double[] callHvp(int[] wrt, double[] dir) throws ReflectiveOperationException {
      Object[] outputs = new Object[2 * wrt.length];
      int offset = 0;
      for (int w = 0; w < wrt.length; w++) {
        int n = values[wrt[w]].length;
        outputs[w] = Arrays.copyOfRange(dir, offset, offset + n);
        double[] out = new double[n];
        Arrays.fill(out, Double.NaN);
        outputs[wrt.length + w] = out;
        offset += n;
      }
      invoke(hvpMethod, args(values), outputs, null);
      double[] all = new double[offset];
      offset = 0;
      for (int w = 0; w < wrt.length; w++) {
        double[] out = (double[]) outputs[wrt.length + w];
        System.arraycopy(out, 0, all, offset, out.length);
        offset += out.length;
      }
      return all;
    }

    /**
     * For hessian = true: fHvp along a random direction against central differences of the
     * generated gradient, and one row of fHessian against fHvp of that unit direction.
     */
    private Problem hvp(double value, int[] wrt) throws ReflectiveOperationException {
      int n = thetaSize(wrt);
      double[] dir = randomVector(n);
      double[] got = callHvp(wrt, dir);
      double max = 0;
      for (int p : wrt) {
        max = Math.max(max, maxAbs(values[p]));
      }
      double h = step * Math.max(1, max);
      double[] plus = gradientAt(wrt, dir, h);
      double[] minus = gradientAt(wrt, dir, -h);
      double[] fd = new double[n];
      for (int i = 0; i < n; i++) {
        fd[i] = (plus[i] - minus[i]) / (2 * h);
      }
      double scale = Math.max(1, Math.max(Math.abs(value), Math.max(maxAbs(fd), maxAbs(plus))));
      if (Math.max(maxAbs(plus), maxAbs(minus)) < NEGLIGIBLE_GRADIENT
          && Arrays.stream(got).anyMatch(v -> !Double.isFinite(v))) {
        // The gradient is below 1e-100 here: the program's values are at the edge of double's
        // range (repeated squaring), where second derivatives of quotients overflow (a/b² with
        // b² below 1e-308); not a wrong rule. Counted, not checked.
        AT_THE_EDGE_OF_RANGE.incrementAndGet();
        return null;
      }
      for (int i = 0; i < n; i++) {
        if (!close(fd[i], got[i], RTOL, ATOL * scale)) {
          return new Problem("wrong hvp", method.name() + "Hvp along a random direction: θ[" + i
              + "] is " + got[i] + " but central differences of " + method.name() + "Grad give "
              + fd[i] + "; all: " + Arrays.toString(got) + " vs " + Arrays.toString(fd));
        }
      }
      int row = random.nextInt(n);
      double[] hess = new double[n * n];
      Arrays.fill(hess, Double.NaN);
      invoke(hessianMethod, args(values), new Object[] {hess}, null);
      double[] unit = new double[n];
      unit[row] = 1;
      double[] column = callHvp(wrt, unit);
      for (int b = 0; b < n; b++) {
        if (!close(column[b], hess[row * n + b], EXACT_RTOL, EXACT_RTOL * scale)) {
          return new Problem("wrong hessian", method.name() + "Hessian row " + row + " entry " + b
              + " is " + hess[row * n + b] + " but " + method.name() + "Hvp(e_" + row + ") gives "
              + column[b]);
        }
      }
      return null;
    }

    /**
     * fJvp along a random direction for one wrt parameter at a time (the others zero): against
     * the central difference of f along it; the Workspace overload must agree.
     */
    private Problem jvp(double[] value, int[] wrt) throws ReflectiveOperationException {
      if (jvpMethod == null) {
        return null;
      }
      boolean scalarResult = method.result().kind() == Kind.SCALAR;
      for (int w = 0; w < wrt.length; w++) {
        double[][] dirs = new double[wrt.length][];
        for (int k = 0; k < wrt.length; k++) {
          dirs[k] = new double[values[wrt[k]].length];
        }
        dirs[w] = randomVector(dirs[w].length);
        double[] fd = centralDifference(wrt[w], dirs[w]);
        double[] got = callJvp(jvpMethod, dirs, value.length, scalarResult, null);
        if (got == null) {
          return new Problem("input modified", method.name() + "Jvp modified an input or a direction");
        }
        double scale = Math.max(1, Math.max(maxAbs(value), maxAbs(fd)));
        String name = method.params().get(wrt[w]).name();
        for (int j = 0; j < fd.length; j++) {
          if (!close(fd[j], got[j], RTOL, ATOL * scale)) {
            return new Problem("wrong jvp", method.name() + "Jvp along a random dir_" + name
                + ": output " + j + " is " + got[j] + " but central differences give " + fd[j]
                + "; all: " + Arrays.toString(got) + " vs " + Arrays.toString(fd));
          }
        }
        if (jvpWorkspace != null) {
          workspaceChecks++;
          double[] again = callJvp(jvpWorkspace, dirs, value.length, scalarResult, workspace);
          for (int j = 0; again != null && j < got.length; j++) {
            if (!close(got[j], again[j], EXACT_RTOL, EXACT_RTOL * scale)) {
              return new Problem("workspace ≠ plain", method.name() + "Jvp(…, Workspace) gave "
                  + Arrays.toString(again) + " but " + method.name() + "Jvp gave "
                  + Arrays.toString(got));
            }
          }
        }
      }
      return null;
    }

    /** fJvp's derivative along dirs (flattened); null if it changed an input or a direction. */
    private double[] callJvp(java.lang.reflect.Method jvp, double[][] dirs, int m,
        boolean scalarResult, Workspace ws) throws ReflectiveOperationException {
      Object[] args = args(values);
      Object[] outputs = new Object[dirs.length + (scalarResult ? 0 : 1)];
      for (int k = 0; k < dirs.length; k++) {
        outputs[k] = dirs[k].clone();
      }
      double[] out = new double[m];
      Arrays.fill(out, Double.NaN);
      if (!scalarResult) {
        outputs[dirs.length] = out;
      }
      Object returned = invoke(jvp, args, outputs, ws);
      if (inputsChanged(args) != null) {
        return null;
      }
      for (int k = 0; k < dirs.length; k++) {
        if (!Arrays.equals((double[]) outputs[k], dirs[k])) {
          return null;
        }
      }
      return scalarResult ? new double[] {(Double) returned} : out;
    }

    /** Invokes a generated method with args, then the outputs, then the workspace if given. */
    private Object invoke(java.lang.reflect.Method m, Object[] args, Object[] outputs,
        Workspace ws) throws ReflectiveOperationException {
      Object[] all = Arrays.copyOf(args, args.length + outputs.length + (ws == null ? 0 : 1));
      System.arraycopy(outputs, 0, all, args.length, outputs.length);
      if (ws != null) {
        poison(ws);
        all[all.length - 1] = ws;
      }
      return m.invoke(null, all);
    }

    /** Fills the workspace's buffers with NaN: generated code must write before it reads. */
    private static void poison(Workspace ws) {
      for (int slot = 0; slot < 1024; slot++) {
        Arrays.fill(ws.buffer(slot, 0), Double.NaN);
      }
    }

    private Problem scalar(double value, int[] wrt) throws ReflectiveOperationException {
      double[][] grads = nanOutputs(wrt, 1);
      Object[] args = args(values);
      double got = (Double) invoke(gradMethod, args, grads, null);
      Problem changed = inputsChanged(args);
      if (changed != null) {
        return changed;
      }
      if (!close(value, got, VALUE_RTOL, VALUE_RTOL)) {
        return new Problem("wrong value", method.name() + "Grad returned " + got + " but "
            + method.name() + " is " + value);
      }
      double scale = Math.max(1, Math.max(Math.abs(value), maxAbs(grads)));
      for (int w = 0; w < wrt.length; w++) {
        int p = wrt[w];
        String name = method.params().get(p).name();
        for (int i = 0; i < values[p].length; i++) {
          double fd = centralDifference(p, unit(values[p].length, i))[0];
          if (!close(fd, grads[w][i], RTOL, ATOL * scale)) {
            return new Problem("wrong gradient", "∂" + method.name() + "/∂" + name + "[" + i
                + "]: central differences give " + fd + " but " + method.name() + "Grad wrote "
                + grads[w][i] + " (value " + value + "); all of grad_" + name + " = "
                + Arrays.toString(grads[w]));
          }
        }
      }
      if (gradWorkspace != null) {
        workspaceChecks++;
        double[][] again = nanOutputs(wrt, 1);
        Object[] args2 = args(values);
        double got2 = (Double) invoke(gradWorkspace, args2, again, workspace);
        Problem c2 = inputsChanged(args2);
        if (c2 != null) {
          return c2;
        }
        if (!close(got, got2, EXACT_RTOL, EXACT_RTOL * scale)) {
          return new Problem("workspace ≠ plain", method.name() + "Grad(…, Workspace) returned "
              + got2 + " but " + method.name() + "Grad returned " + got);
        }
        Problem p = sameArrays("Grad", grads, again, wrt, scale);
        if (p != null) {
          return p;
        }
      }
      return null;
    }

    private Problem sameArrays(String what, double[][] plain, double[][] withWorkspace,
        int[] wrt, double scale) {
      for (int w = 0; w < wrt.length; w++) {
        for (int i = 0; i < plain[w].length; i++) {
          if (!close(plain[w][i], withWorkspace[w][i], EXACT_RTOL, EXACT_RTOL * scale)) {
            String name = method.params().get(wrt[w]).name();
            return new Problem("workspace ≠ plain", method.name() + what + "(…, Workspace) wrote "
                + withWorkspace[w][i] + " at [" + i + "] of its output for " + name + " but "
                + method.name() + what + " wrote " + plain[w][i] + "; all: "
                + Arrays.toString(withWorkspace[w]) + " vs " + Arrays.toString(plain[w]));
          }
        }
      }
      return null;
    }

    private Problem valued(double[] value, int[] wrt) throws ReflectiveOperationException {
      int m = value.length;
      int expected = size(method.result());
      if (m != expected) {
        return new Problem(HARNESS, "the result has " + m + " entries but its type "
            + method.result() + " has " + expected);
      }
      // 1. the dot-product test ⟨VJP(u), v⟩ = ⟨u, J v⟩, one wrt parameter at a time
      double[] u = randomVector(m);
      double[][] vjpGrads = new double[wrt.length][];
      Problem vp = vjp(vjpMethod, u, wrt, vjpGrads, null);
      if (vp != null) {
        return vp;
      }
      for (int w = 0; w < wrt.length; w++) {
        int p = wrt[w];
        double[] v = randomVector(values[p].length);
        double[] jv = centralDifference(p, v);
        double left = 0;
        double leftScale = 0;
        for (int i = 0; i < v.length; i++) {
          left += vjpGrads[w][i] * v[i];
          leftScale += Math.abs(vjpGrads[w][i] * v[i]);
        }
        double right = 0;
        double rightScale = 0;
        for (int j = 0; j < m; j++) {
          right += u[j] * jv[j];
          rightScale += Math.abs(u[j] * jv[j]);
        }
        double scale = Math.max(1, Math.max(Math.max(leftScale, rightScale), maxAbs(value)));
        if (!close(right, left, RTOL, ATOL * scale)) {
          return new Problem("wrong vjp", "dot-product test for "
              + method.params().get(p).name() + ": ⟨" + method.name() + "Vjp(u), v⟩ = " + left
              + " but ⟨u, J v⟩ = " + right + " by central differences; u = "
              + Arrays.toString(u) + ", v = " + Arrays.toString(v) + ", VJP = "
              + Arrays.toString(vjpGrads[w]));
        }
      }
      // 2. the Jacobian against finite differences, entry by entry
      double[][] jac = nanOutputs(wrt, m);
      Object[] args = args(values);
      invoke(jacobianMethod, args, jac, null);
      Problem changed = inputsChanged(args);
      if (changed != null) {
        return changed;
      }
      double scale = Math.max(1, Math.max(maxAbs(value), maxAbs(jac)));
      for (int w = 0; w < wrt.length; w++) {
        int p = wrt[w];
        String name = method.params().get(p).name();
        for (int i = 0; i < values[p].length; i++) {
          double[] fd = centralDifference(p, unit(values[p].length, i));
          for (int j = 0; j < m; j++) {
            if (!close(fd[j], jac[w][i * m + j], RTOL, ATOL * scale)) {
              return new Problem("wrong jacobian", "∂" + method.name() + "[" + j + "]/∂" + name
                  + "[" + i + "]: central differences give " + fd[j] + " but " + method.name()
                  + "Jacobian wrote jac_" + name + "[" + (i * m + j) + "] = " + jac[w][i * m + j]
                  + "; value = " + Arrays.toString(value));
            }
          }
        }
      }
      // 3. the Jacobian's columns against VJPs of unit vectors
      for (int j = 0; j < m; j++) {
        double[][] g = new double[wrt.length][];
        Problem gp = vjp(vjpMethod, unit(m, j), wrt, g, null);
        if (gp != null) {
          return gp;
        }
        for (int w = 0; w < wrt.length; w++) {
          String name = method.params().get(wrt[w]).name();
          for (int i = 0; i < g[w].length; i++) {
            if (!close(jac[w][i * m + j], g[w][i], EXACT_RTOL, EXACT_RTOL * scale)) {
              return new Problem("jacobian ≠ vjp", "jac_" + name + "[" + (i * m + j) + "] = "
                  + jac[w][i * m + j] + " but " + method.name() + "Vjp(e_" + j
                  + ") wrote grad_" + name + "[" + i + "] = " + g[w][i]);
            }
          }
        }
      }
      // 4. the Workspace overloads against the plain ones
      if (vjpWorkspace != null) {
        workspaceChecks++;
        double[][] again = new double[wrt.length][];
        Problem wp = vjp(vjpWorkspace, u, wrt, again, workspace);
        if (wp != null) {
          return wp;
        }
        Problem p = sameArrays("Vjp", vjpGrads, again, wrt, scale);
        if (p != null) {
          return p;
        }
      }
      if (jacobianWorkspace != null) {
        workspaceChecks++;
        double[][] again = nanOutputs(wrt, m);
        Object[] args2 = args(values);
        invoke(jacobianWorkspace, args2, again, workspace);
        Problem c2 = inputsChanged(args2);
        if (c2 != null) {
          return c2;
        }
        Problem p = sameArrays("Jacobian", jac, again, wrt, scale);
        if (p != null) {
          return p;
        }
      }
      return null;
    }

    /** fVjp(u) into grads; a problem if it changed its inputs or gradOut. */
    private Problem vjp(java.lang.reflect.Method vjp, double[] u, int[] wrt, double[][] grads,
        Workspace ws) throws ReflectiveOperationException {
      double[][] out = nanOutputs(wrt, 1);
      Object[] args = args(values);
      double[] gradOut = u.clone();
      Object[] outputs = new Object[1 + wrt.length];
      outputs[0] = gradOut;
      System.arraycopy(out, 0, outputs, 1, wrt.length);
      invoke(vjp, args, outputs, ws);
      Problem changed = inputsChanged(args);
      if (changed != null) {
        return changed;
      }
      if (!Arrays.equals(gradOut, u)) {
        return new Problem("gradOut modified", "the generated " + vjp.getName()
            + " modified gradOut");
      }
      System.arraycopy(out, 0, grads, 0, wrt.length);
      return null;
    }
  }

  /** The @Derivation of a generated method names its source method and wrt parameters. */
  static String derivationMismatch(java.lang.reflect.Method generated, Method source) {
    Derivation d = generated.getAnnotation(Derivation.class);
    if (d == null) {
      return null;
    }
    List<String> wrt = source.wrt().stream().map(Param::name).toList();
    if (!d.method().equals(source.name()) || !Arrays.asList(d.wrt()).equals(wrt)) {
      return generated.getName() + " has @Derivation(method = " + d.method() + ", wrt = "
          + Arrays.toString(d.wrt()) + ") but was derived from " + source.name() + " wrt " + wrt;
    }
    return null;
  }
}
