package dev.matgrad.processor.random;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.matgrad.Matrix;
import dev.matgrad.processor.DifferentiableProcessor;
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
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A randomized differential test of the processor: random programs of {@link ProgramGenerator}
 * are compiled in-process with the processor, and for each method the generated code is compared
 * with the forward method it was derived from:
 *
 * <ul>
 *   <li>scalar methods: {@code fGrad}'s value equals f's, and its gradient equals central finite
 *       differences of f, entry by entry;
 *   <li>vector- and matrix-valued methods: the dot-product test ⟨VJP(u), v⟩ = ⟨u, J v⟩ with J v
 *       by central differences, {@code fJacobian} against finite differences entry by entry, and
 *       its columns against {@code fVjp} of unit vectors.
 * </ul>
 *
 * <p>Gradient arrays are pre-filled with NaN (outputs must be overwritten, never accumulated) and
 * inputs must come back unchanged. Each program must compile without errors, without matgrad
 * warnings other than {@code zero-gradient}, with generated code free of {@code -Xlint:all}
 * warnings, and within {@code matgrad.random.timeout} seconds (30). The number of programs and
 * the seed are set with the system properties {@code matgrad.random.count} (60) and {@code
 * matgrad.random.seed}; {@code matgrad.random.first} starts at another program index, so that a
 * failing program is rerun alone with {@code -Dmatgrad.random.first=i
 * -Dmatgrad.random.count=1}. A failure message has the full program source, the failing method,
 * the dims and the inputs; it is also printed to stdout.
 */
class RandomProgramsTest {
  static final long DEFAULT_SEED = 20240917L;
  static final int DEFAULT_COUNT = 60;
  /** How long one program may take to compile (matgrad.random.timeout, seconds). */
  static final int TIMEOUT_SECONDS = Integer.getInteger("matgrad.random.timeout", 30);
  /** Input draws (dims, values) per method. */
  static final int TRIALS = 2;

  /** Relative tolerance against finite differences, and the absolute floor (times the scale). */
  static final double RTOL = 1e-6;
  static final double ATOL = 1e-8;
  /** Tolerance of fGrad's value against f's, and of fJacobian against fVjp (same math). */
  static final double VALUE_RTOL = 1e-12;
  static final double EXACT_RTOL = 1e-10;

  private static final AtomicInteger PROGRAMS = new AtomicInteger();
  private static final AtomicInteger METHODS = new AtomicInteger();
  private static final AtomicInteger CHECKS = new AtomicInteger();
  private static final AtomicInteger FAILED = new AtomicInteger();

  @TestFactory
  Stream<DynamicTest> randomPrograms() {
    long seed = Long.getLong("matgrad.random.seed", DEFAULT_SEED);
    int count = Integer.getInteger("matgrad.random.count", DEFAULT_COUNT);
    int first = Integer.getInteger("matgrad.random.first", 0);
    System.out.println("RandomProgramsTest: seed " + seed + ", count " + count
        + (first == 0 ? "" : ", first " + first)
        + " (set -Dmatgrad.random.seed, -Dmatgrad.random.count, -Dmatgrad.random.first)");
    return IntStream.range(first, first + count).mapToObj(i ->
        dynamicTest("program " + i + " of seed " + seed, () -> checkProgram(seed, i)));
  }

  @AfterAll
  static void summary() {
    System.out.println("RandomProgramsTest: " + PROGRAMS + " programs, " + METHODS
        + " methods, " + CHECKS + " method checks; " + FAILED + " programs failed");
  }

  /** The seed of program i: a fixed mix of the run's seed and the index. */
  static long programSeed(long seed, int index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static void checkProgram(long seed, int index) throws Exception {
    long programSeed = programSeed(seed, index);
    Program program = new ProgramGenerator(new Random(programSeed)).generate("P" + index);
    PROGRAMS.incrementAndGet();
    String header = "program " + index + " of seed " + seed
        + " (rerun alone: -Dmatgrad.random.seed=" + seed + " -Dmatgrad.random.first=" + index
        + " -Dmatgrad.random.count=1)";
    List<String> problems = new ArrayList<>();
    String[] where = new String[1];
    Compilation compilation;
    try {
      compilation = compile(program, where);
    } catch (Exception e) {
      FAILED.incrementAndGet();
      throw new AssertionError(report(header, program, "javac or the processor crashed",
          List.of("threw " + stackTrace(e))), e);
    }
    if (compilation == null) {
      FAILED.incrementAndGet();
      fail(report(header, program, "the processor did not finish within " + TIMEOUT_SECONDS
          + " s", List.of("compilation timed out; the compiling thread was at\n    " + where[0])));
    }
    for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
      String message = d.getMessage(Locale.ROOT);
      boolean warning = d.getKind() == Diagnostic.Kind.WARNING
          || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING;
      // matgrad's own warnings other than zero-gradient; any -Xlint warning on generated code
      boolean unexpectedWarning = warning
          && (message.contains("matgrad:") && !message.startsWith("[matgrad:zero-gradient]")
              || d.getSource() != null && d.getSource().getName().contains("Gradients"));
      if (d.getKind() == Diagnostic.Kind.ERROR || unexpectedWarning) {
        problems.add(describe(d));
      }
    }
    if (compilation.status() != Compilation.Status.SUCCESS || !problems.isEmpty()) {
      FAILED.incrementAndGet();
      fail(report(header, program, "compilation: "
          + (compilation.status() == Compilation.Status.SUCCESS ? "unexpected diagnostics"
              : "FAILED"), problems));
    }
    ClassLoader loader = classLoader(compilation);
    Random inputs = new Random(programSeed ^ 0x5DEECE66DL);
    for (Unit unit : program.units()) {
      Class<?> user = Class.forName(unit.binaryName(), true, loader);
      Class<?> gradients = Class.forName(unit.gradientsName(), true, loader);
      for (Method m : unit.methods()) {
        METHODS.incrementAndGet();
        for (int trial = 0; trial < TRIALS; trial++) {
          CHECKS.incrementAndGet();
          MethodCheck check = null;
          String problem;
          try {
            check = new MethodCheck(program, m, user, gradients, inputs);
            problem = check.run();
          } catch (Throwable t) {
            problem = "threw " + stackTrace(t);
          }
          if (problem != null) {
            problems.add("method " + unit.binaryName() + "." + m.name() + " (trial " + trial
                + "): " + problem + (check == null ? "" : "\n  " + check.inputs()));
            break;
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      FAILED.incrementAndGet();
      fail(report(header, program, "wrong derivatives or a crash", problems));
    }
  }

  /**
   * Compiles the program with the processor in a worker thread; null if it takes longer than
   * {@link #TIMEOUT_SECONDS}. The worker is then stopped where the JDK still allows it (up to
   * JDK 19), else left to finish as a daemon thread.
   */
  private static Compilation compile(Program program, String[] where) throws Exception {
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
      return task.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
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

  private static String report(String header, Program program, String what,
      List<String> problems) {
    StringBuilder b = new StringBuilder();
    b.append("\n=== random program failure: ").append(header).append(" — ").append(what)
        .append(" ===\n");
    for (String p : problems) {
      b.append("* ").append(p).append('\n');
    }
    b.append("--- source of ").append(program.name()).append(" ---\n")
        .append(program.text()).append("--- end ---\n");
    String text = b.toString();
    System.out.println(text);
    return text;
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

  private static String stackTrace(Throwable t) {
    Throwable cause = t instanceof InvocationTargetException ite && ite.getCause() != null
        ? ite.getCause() : t;
    StringWriter w = new StringWriter();
    cause.printStackTrace(new PrintWriter(w));
    List<String> lines = w.toString().lines().limit(12).toList();
    return String.join("\n    ", lines);
  }

  /** A class loader over the class files a compilation wrote (user classes and generated ones). */
  static ClassLoader classLoader(Compilation compilation) {
    return new ClassLoader(RandomProgramsTest.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        int dot = name.lastIndexOf('.');
        String pkg = dot < 0 ? "" : name.substring(0, dot);
        Optional<JavaFileObject> file = compilation.generatedFile(StandardLocation.CLASS_OUTPUT,
            pkg, name.substring(dot + 1) + ".class");
        if (file.isEmpty()) {
          throw new ClassNotFoundException(name);
        }
        try (InputStream in = file.get().openInputStream()) {
          byte[] bytes = in.readAllBytes();
          return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
      }
    };
  }

  // ---- one method -------------------------------------------------------------------------------

  /** The checks of one method on one draw of dims and inputs. */
  static final class MethodCheck {
    private final Method method;
    private final java.lang.reflect.Method forwardMethod;
    private final java.lang.reflect.Method gradMethod;
    private final java.lang.reflect.Method vjpMethod;
    private final java.lang.reflect.Method jacobianMethod;
    private final int[] dims;
    /** Values of each parameter (flat; length 1 for double); null for int parameters. */
    private final double[][] values;
    private final int[] ints;
    private final Random random;

    MethodCheck(Program program, Method method, Class<?> user, Class<?> gradients, Random random)
        throws NoSuchMethodException {
      this.method = method;
      this.random = random;
      List<Param> params = method.params();
      Class<?>[] types = params.stream().map(p -> javaClass(p.type())).toArray(Class<?>[]::new);
      forwardMethod = user.getDeclaredMethod(method.name(), types);
      forwardMethod.setAccessible(true);
      int k = method.wrt().size();
      if (method.result().kind() == Kind.SCALAR) {
        gradMethod = gradients.getMethod(method.name() + "Grad", append(types, 0, k));
        vjpMethod = null;
        jacobianMethod = null;
      } else {
        gradMethod = null;
        vjpMethod = gradients.getMethod(method.name() + "Vjp", append(types, 1, k));
        jacobianMethod = gradients.getMethod(method.name() + "Jacobian", append(types, 0, k));
      }
      dims = new int[program.dims()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = 1 + new int[] {0, 1, 1, 2, 2, 2, 3, 3}[random.nextInt(8)];
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
      double h = 1e-6 * Math.max(1, max);
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

    private String inputsChanged(Object[] args) {
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
          return "the generated method modified its input " + method.params().get(i).name()
              + ": " + Arrays.toString(values[i]) + " became " + Arrays.toString(now);
        }
      }
      return null;
    }

    /** Runs the checks; a description of the first problem, or null. */
    String run() throws ReflectiveOperationException {
      double[] value = f(values);
      for (double v : value) {
        if (!Double.isFinite(v)) {
          return "HARNESS: the forward method's value is not finite: " + Arrays.toString(value);
        }
      }
      int[] wrt = wrtIndices();
      return method.result().kind() == Kind.SCALAR ? scalar(value[0], wrt) : valued(value, wrt);
    }

    private String scalar(double value, int[] wrt) throws ReflectiveOperationException {
      double[][] grads = nanOutputs(wrt, 1);
      Object[] args = args(values);
      Object[] all = Arrays.copyOf(args, args.length + wrt.length);
      System.arraycopy(grads, 0, all, args.length, wrt.length);
      double got = (Double) gradMethod.invoke(null, all);
      String changed = inputsChanged(args);
      if (changed != null) {
        return changed;
      }
      if (!close(value, got, VALUE_RTOL, VALUE_RTOL)) {
        return "WRONG VALUE: " + method.name() + "Grad returned " + got + " but "
            + method.name() + " is " + value;
      }
      double scale = Math.max(1, Math.max(Math.abs(value), maxAbs(grads)));
      for (int w = 0; w < wrt.length; w++) {
        int p = wrt[w];
        String name = method.params().get(p).name();
        for (int i = 0; i < values[p].length; i++) {
          double fd = centralDifference(p, unit(values[p].length, i))[0];
          if (!close(fd, grads[w][i], RTOL, ATOL * scale)) {
            return "WRONG GRADIENT: ∂" + method.name() + "/∂" + name + "[" + i + "]: central "
                + "differences give " + fd + " but " + method.name() + "Grad wrote "
                + grads[w][i] + " (value " + value + "); all of grad_" + name + " = "
                + Arrays.toString(grads[w]);
          }
        }
      }
      return null;
    }

    private String valued(double[] value, int[] wrt) throws ReflectiveOperationException {
      int m = value.length;
      int expected = size(method.result());
      if (m != expected) {
        return "HARNESS: the result has " + m + " entries but its type " + method.result()
            + " has " + expected;
      }
      // 1. the dot-product test ⟨VJP(u), v⟩ = ⟨u, J v⟩, one wrt parameter at a time
      double[] u = randomVector(m);
      double[][] vjpGrads = vjp(u, wrt);
      if (vjpGrads == null) {
        return vjpProblem;
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
          return "WRONG VJP (dot-product test) for " + method.params().get(p).name()
              + ": ⟨" + method.name() + "Vjp(u), v⟩ = " + left + " but ⟨u, J v⟩ = " + right
              + " by central differences; u = " + Arrays.toString(u) + ", v = "
              + Arrays.toString(v) + ", VJP = " + Arrays.toString(vjpGrads[w]);
        }
      }
      // 2. the Jacobian against finite differences, entry by entry
      double[][] jac = nanOutputs(wrt, m);
      Object[] args = args(values);
      Object[] all = Arrays.copyOf(args, args.length + wrt.length);
      System.arraycopy(jac, 0, all, args.length, wrt.length);
      jacobianMethod.invoke(null, all);
      String changed = inputsChanged(args);
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
              return "WRONG JACOBIAN: ∂" + method.name() + "[" + j + "]/∂" + name + "[" + i
                  + "]: central differences give " + fd[j] + " but " + method.name()
                  + "Jacobian wrote jac_" + name + "[" + (i * m + j) + "] = " + jac[w][i * m + j]
                  + "; value = " + Arrays.toString(value);
            }
          }
        }
      }
      // 3. the Jacobian's columns against VJPs of unit vectors
      for (int j = 0; j < m; j++) {
        double[][] g = vjp(unit(m, j), wrt);
        if (g == null) {
          return vjpProblem;
        }
        for (int w = 0; w < wrt.length; w++) {
          String name = method.params().get(wrt[w]).name();
          for (int i = 0; i < g[w].length; i++) {
            if (!close(jac[w][i * m + j], g[w][i], EXACT_RTOL, EXACT_RTOL * scale)) {
              return "JACOBIAN ≠ VJP: jac_" + name + "[" + (i * m + j) + "] = "
                  + jac[w][i * m + j] + " but " + method.name() + "Vjp(e_" + j + ") wrote grad_"
                  + name + "[" + i + "] = " + g[w][i];
            }
          }
        }
      }
      return null;
    }

    private String vjpProblem;

    /** fVjp(u): the gradients, or null (with {@link #vjpProblem} set) if it changed inputs. */
    private double[][] vjp(double[] u, int[] wrt) throws ReflectiveOperationException {
      double[][] grads = nanOutputs(wrt, 1);
      Object[] args = args(values);
      Object[] all = Arrays.copyOf(args, args.length + 1 + wrt.length);
      double[] gradOut = u.clone();
      all[args.length] = gradOut;
      System.arraycopy(grads, 0, all, args.length + 1, wrt.length);
      vjpMethod.invoke(null, all);
      vjpProblem = inputsChanged(args);
      if (vjpProblem == null && !Arrays.equals(gradOut, u)) {
        vjpProblem = "the generated " + method.name() + "Vjp modified gradOut";
      }
      return vjpProblem == null ? grads : null;
    }
  }
}
