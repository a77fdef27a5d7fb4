package dev.matgrad.processor.random;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.matgrad.processor.random.ProgramChecker.Options;
import dev.matgrad.processor.random.ProgramChecker.Outcome;
import dev.matgrad.processor.random.ProgramChecker.Problem;
import dev.matgrad.processor.random.ProgramGenerator.Method;
import dev.matgrad.processor.random.ProgramGenerator.Program;
import dev.matgrad.processor.random.ProgramGenerator.Unit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential fuzzer of the processor: random programs of {@link ProgramGenerator} are
 * compiled in-process with the processor and every generated method is checked against finite
 * differences of the method it was derived from ({@link ProgramChecker}). A failing program is
 * shrunk ({@link Shrinker}) to a small one that fails the same way, printed and written to
 * {@code target/fuzz-failures/}, ready to be kept in {@code src/test/resources/fuzz-regressions/}
 * ({@link RegressionProgramsTest}).
 *
 * <p>System properties (all optional):
 *
 * <ul>
 *   <li>{@code matgrad.fuzz.seed}: the run's seed, printed first; by default {@value
 *       #DEFAULT_SEED} (so that CI is reproducible), {@code time} for a new one each run;
 *   <li>{@code matgrad.fuzz.count} (200) and {@code matgrad.fuzz.first} (0): which programs of
 *       the seed to run, so that {@code -Dmatgrad.fuzz.first=i -Dmatgrad.fuzz.count=1} reruns
 *       program i alone;
 *   <li>{@code matgrad.fuzz.threads}: programs checked at once (2, or 1 on one core);
 *   <li>{@code matgrad.fuzz.timeout}: seconds a compilation may take (30);
 *   <li>{@code matgrad.fuzz.shrink}: seconds spent shrinking one failure (120; 0: no shrinking),
 *       for at most {@code matgrad.fuzz.shrinkFailures} failures a run (3);
 *   <li>{@code matgrad.fuzz.progress}: programs between progress lines (count / 20, at least 50).
 * </ul>
 */
class RandomProgramsTest {
  static final String PREFIX = "matgrad.fuzz.";
  /** The seed of a run that names none: its 200 programs pass on the current processor. */
  static final long DEFAULT_SEED = 838383;
  static final int DEFAULT_COUNT = 200;
  /** Input draws (dims, values) per method. */
  static final int TRIALS = 2;
  /** Input draws per method while shrinking: a smaller program draws other values. */
  static final int SHRINK_TRIALS = 4;
  static final Path FAILURES = Path.of("target", "fuzz-failures");

  private static final AtomicInteger PROGRAMS = new AtomicInteger();
  private static final AtomicInteger METHODS = new AtomicInteger();
  private static final AtomicInteger CHECKS = new AtomicInteger();
  private static final AtomicInteger WORKSPACE_CHECKS = new AtomicInteger();
  private static final AtomicInteger SHRUNK = new AtomicInteger();
  private static final List<String> SKIPPED = Collections.synchronizedList(new ArrayList<>());
  private static final List<String> FAILED = Collections.synchronizedList(new ArrayList<>());
  private static final OpCoverage COVERAGE = new OpCoverage();
  private static ExecutorService pool;
  private static long seed;
  private static long started;

  static long seed() {
    return seed(PREFIX);
  }

  /**
   * The seed property under a prefix ({@code matgrad.fuzz.}, {@code matgrad.robust.}): a fixed
   * seed by default, so that CI is reproducible; {@code time} draws a new one.
   */
  static long seed(String prefix) {
    String s = System.getProperty(prefix + "seed");
    return s == null || s.isBlank() ? DEFAULT_SEED
        : s.trim().equals("time") ? System.currentTimeMillis() : Long.parseLong(s.trim());
  }

  static int intProperty(String name, int otherwise) {
    return intProperty(PREFIX, name, otherwise);
  }

  static int intProperty(String prefix, String name, int otherwise) {
    String s = System.getProperty(prefix + name);
    return s == null || s.isBlank() ? otherwise : Integer.parseInt(s.trim());
  }

  /** The command that reruns the given programs of a seed. */
  static String rerun(long seed, int first, int count) {
    return "mvn test -pl processor -am -Dtest=RandomProgramsTest "
        + "-Dsurefire.failIfNoSpecifiedTests=false -D" + PREFIX + "seed=" + seed
        + (first == 0 && count == DEFAULT_COUNT ? ""
            : " -D" + PREFIX + "first=" + first + " -D" + PREFIX + "count=" + count);
  }

  @TestFactory
  Stream<DynamicTest> randomPrograms() {
    seed = seed();
    int count = intProperty("count", DEFAULT_COUNT);
    int first = intProperty("first", 0);
    int threads = Math.max(1, intProperty("threads",
        Math.min(2, Runtime.getRuntime().availableProcessors())));
    int progress = intProperty("progress", Math.max(50, count / 20));
    System.out.println("=== fuzz: seed " + seed + ", programs " + first + ".." + (first + count - 1)
        + " on " + threads + " thread(s) ===\n=== rerun this run: " + rerun(seed, first, count)
        + " ===");
    started = System.nanoTime();
    pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "fuzz");
      t.setDaemon(true);
      return t;
    });
    List<Future<Outcome>> results = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      int index = i;
      results.add(pool.submit(() -> runSafely(seed, index)));
    }
    AtomicInteger done = new AtomicInteger();
    return IntStream.range(0, count).mapToObj(k -> dynamicTest(
        "program " + (first + k) + " of seed " + seed, () -> {
          Outcome outcome;
          try {
            outcome = results.get(k).get();
          } finally {
            int n = done.incrementAndGet();
            if (n % progress == 0 || n == count) {
              progressLine(n, count);
            }
          }
          if (outcome.failed()) {
            fail(outcome.problems().get(0).text());
          }
          Assumptions.assumeTrue(outcome.skipped() == null, outcome.skipped());
        }));
  }

  private static void progressLine(int done, int count) {
    double seconds = (System.nanoTime() - started) / 1e9;
    double left = seconds / done * (count - done);
    System.out.printf(Locale.ROOT, "fuzz: %d/%d programs, %d methods, %d failed, %d kinks passed when nudged,"
        + " %d HVP checks at the edge of double's range; %s elapsed%s%n",
        done, count, METHODS.get(), FAILED.size(), ProgramChecker.KINKS.get(),
        ProgramChecker.AT_THE_EDGE_OF_RANGE.get(), duration(seconds),
        done < count ? ", about " + duration(left) + " left" : "");
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
  }

  @AfterAll
  static void summary() {
    if (pool != null) {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    StringBuilder b = new StringBuilder();
    b.append("=== fuzz summary: seed ").append(seed).append(": ").append(PROGRAMS)
        .append(" programs, ").append(METHODS).append(" methods, ").append(CHECKS)
        .append(" method checks, ").append(WORKSPACE_CHECKS).append(" Workspace overload checks in ")
        .append(duration(seconds)).append(String.format(Locale.ROOT, " (%.2f s/program)",
            seconds / Math.max(1, PROGRAMS.get())))
        .append("; ").append(FAILED.size()).append(" failed, ").append(SKIPPED.size())
        .append(" skipped ===\n");
    synchronized (FAILED) {
      for (String f : FAILED) {
        b.append("  failed: ").append(f).append('\n');
      }
    }
    synchronized (SKIPPED) {
      for (String f : SKIPPED) {
        b.append("  skipped: ").append(f).append('\n');
      }
    }
    b.append(COVERAGE.summary()).append('\n');
    System.out.print(b);
    try {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "fuzz-summary.txt"), b.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The seed of program i: a fixed mix of the run's seed and the index. */
  static long programSeed(long seed, int index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static Program generate(long seed, int index) {
    return new ProgramGenerator(new Random(programSeed(seed, index))).generate("P" + index);
  }

  static long inputSeed(long seed, int index) {
    return programSeed(seed, index) ^ 0x5DEECE66DL;
  }

  /** {@link #runProgram}, with a harness failure (and the rerun command) if it throws. */
  static Outcome runSafely(long seed, int index) {
    try {
      return runProgram(seed, index);
    } catch (RuntimeException | Error e) {
      FAILED.add("program " + index + ": harness");
      return new Outcome(List.of(new Problem(ProgramChecker.HARNESS, "program " + index
          + " of seed " + seed + " (rerun it alone: " + rerun(seed, index, 1) + "): the test "
          + "itself threw " + ProgramChecker.stackTrace(e))), 0, 0, 0);
    }
  }

  /** Generates, checks and, if it fails, shrinks program index of the seed. */
  static Outcome runProgram(long seed, int index) {
    Program program = generate(seed, index);
    PROGRAMS.incrementAndGet();
    String header = "program " + index + " of seed " + seed + " (rerun it alone: "
        + rerun(seed, index, 1) + ")";
    int timeout = intProperty("timeout", 30);
    ProgramModel model;
    try {
      model = ProgramModel.parse(program.text());
      String mismatch = sameUnits(program, model.toProgram());
      if (mismatch != null) {
        throw new IllegalStateException(mismatch);
      }
      COVERAGE.recordFeatures(model);
      if (program.text().contains("@CustomVjp")) {
        COVERAGE.feature("programs with @CustomVjp methods called by the others");
      }
    } catch (RuntimeException e) {
      // the shrinker and the regression files rely on reading programs back
      Outcome o = new Outcome(List.of(new Problem(ProgramChecker.HARNESS,
          "the program does not read back: " + ProgramChecker.stackTrace(e))), 0, 0, 0);
      return failed(header, program, o, "");
    }
    Outcome outcome = ProgramChecker.check(program, inputSeed(seed, index),
        new Options(TRIALS, timeout, null, COVERAGE));
    if (outcome.skipped() != null) {
      SKIPPED.add("program " + index + " (" + program.text().lines().count() + " lines): "
          + outcome.skipped().lines().findFirst().orElse(""));
    }
    METHODS.addAndGet(outcome.methods());
    CHECKS.addAndGet(outcome.checks());
    WORKSPACE_CHECKS.addAndGet(outcome.workspaceChecks());
    if (!outcome.failed()) {
      return outcome;
    }
    String shrunk = shrinkAndWrite(seed, index, model, outcome, timeout);
    return failed(header, program, outcome, shrunk);
  }

  private static Outcome failed(String header, Program program, Outcome outcome, String shrunk) {
    FAILED.add(header + ": " + outcome.signature());
    String report = outcome.report(header, program) + shrunk;
    System.out.println(report);
    return new Outcome(List.of(new Problem(outcome.signature(), report)), outcome.methods(),
        outcome.checks(), outcome.workspaceChecks());
  }

  /** Differences between the units of two programs (a read-back check), or null. */
  static String sameUnits(Program expected, Program got) {
    if (expected.units().size() != got.units().size()) {
      return "units: " + expected.units().size() + " written, " + got.units().size() + " read";
    }
    for (int u = 0; u < expected.units().size(); u++) {
      Unit a = expected.units().get(u);
      Unit b = got.units().get(u);
      if (!a.binaryName().equals(b.binaryName()) || !a.gradientsName().equals(b.gradientsName())
          || a.methods().size() != b.methods().size()) {
        return "unit " + a.binaryName() + " read as " + b.binaryName();
      }
      for (int m = 0; m < a.methods().size(); m++) {
        Method x = a.methods().get(m);
        Method y = b.methods().get(m);
        if (!x.name().equals(y.name()) || !x.params().equals(y.params())
            || !x.result().equals(y.result()) || !x.wrt().equals(y.wrt())) {
          return "method " + x.name() + " " + x.params() + " -> " + x.result() + " wrt "
              + x.wrt() + " read as " + y.name() + " " + y.params() + " -> " + y.result()
              + " wrt " + y.wrt();
        }
      }
    }
    if (expected.dims() < got.dims() || expected.maxDim() != got.maxDim()) {
      return "dims: " + expected.dims() + " up to " + expected.maxDim() + " written, "
          + got.dims() + " up to " + got.maxDim() + " read";
    }
    return null;
  }

  /**
   * Shrinks a failing program and writes it (and the original) to target/fuzz-failures; the
   * text to add to the failure report.
   */
  private static String shrinkAndWrite(long seed, int index, ProgramModel model, Outcome outcome,
      int timeout) {
    String name = "seed" + seed + "-program" + index;
    List<String> header = new ArrayList<>();
    header.add("// Fuzz failure: " + outcome.signature());
    header.add("// Found by: -D" + PREFIX + "seed=" + seed + " -D" + PREFIX + "first=" + index
        + " -D" + PREFIX + "count=1");
    StringBuilder out = new StringBuilder();
    Path original = FAILURES.resolve(name + "-original.java").toAbsolutePath();
    try {
      Files.createDirectories(FAILURES);
      List<String> h = new ArrayList<>(header);
      h.add("// " + firstLine(outcome));
      Files.writeString(original, model.withHeader(h).text());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int budget = intProperty("shrink", 120);
    boolean timeoutWithoutStop = outcome.signature().equals("timeout")
        && !ProgramChecker.canStopCompilations();
    if (budget <= 0 || timeoutWithoutStop
        || SHRUNK.incrementAndGet() > intProperty("shrinkFailures", 3)) {
      out.append("--- not shrunk")
          .append(timeoutWithoutStop ? " (a timeout: compilations cannot be stopped on JDK 20+,"
              + " shrink it on JDK 17)" : "")
          .append("; written to ").append(original).append('\n');
      return out.toString();
    }
    String signature = outcome.signature();
    long inputs = inputSeed(seed, index);
    // a candidate that still hangs after 10 s counts as the same timeout
    Options options = new Options(SHRINK_TRIALS, Math.min(timeout, 10), null, null);
    Shrinker.Test sameFailure = c -> signature.equals(
        ProgramChecker.check(c.toProgram(), inputs, withDims(options, c)).signature());
    if (!sameFailure.fails(model)) {
      out.append("--- not shrunk: the program read back does not fail the same way with ")
          .append(SHRINK_TRIALS).append(" draws; written to ").append(original).append('\n');
      return out.toString();
    }
    long t0 = System.nanoTime();
    Shrinker.Result r = new Shrinker(sameFailure, budget * 1000L, 5000).shrink(model);
    ProgramModel small = r.program();
    header.set(1, header.get(1) + String.format(Locale.ROOT, "; shrunk from %d to %d lines"
            + " (%d candidates tried, %d kept, %.0f s)", model.text().lines().count(),
        small.text().lines().count(), r.tried(), r.kept(), (System.nanoTime() - t0) / 1e9));
    header.add("// " + firstLine(ProgramChecker.check(small.toProgram(), inputs,
        withDims(options, small))));
    header.add("// To keep it: move it to processor/src/test/resources/fuzz-regressions/ and say"
        + " here what failed and why.");
    String text = small.withHeader(header).text();
    Path file = FAILURES.resolve(name + ".java").toAbsolutePath();
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.append("--- shrunk to (written to ").append(file).append(") ---\n")
        .append(text).append("--- end of shrunk program ---\n");
    return out.toString();
  }

  /** The first line of an outcome's first problem, cut at 300 characters. */
  private static String firstLine(Outcome o) {
    if (!o.failed()) {
      return "(passes now)";
    }
    String line = o.problems().get(0).text().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + " …" : line;
  }

  static Options withDims(Options o, ProgramModel p) {
    return new Options(o.trials(), o.timeoutSeconds(), p.pinnedDims(), o.coverage());
  }
}
