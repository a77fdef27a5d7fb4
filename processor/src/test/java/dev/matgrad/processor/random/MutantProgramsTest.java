package dev.matgrad.processor.random;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.matgrad.processor.Message;
import dev.matgrad.processor.random.Mutator.Mutant;
import dev.matgrad.processor.random.ProgramChecker.Options;
import dev.matgrad.processor.random.ProgramChecker.Outcome;
import dev.matgrad.processor.random.ProgramChecker.Problem;
import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.matgrad.processor.random.ProgramGenerator.Program;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The robustness fuzzer: programs of the differential fuzzer ({@link RandomProgramsTest}) are
 * mutated ({@link Mutator}) into unsupported, ill-typed or oddly written ones and compiled with
 * the processor. Whatever the mutant, the result must be one of:
 *
 * <ul>
 *   <li>generated code that compiles and passes every differential check of {@link
 *       ProgramChecker} (the mutant was valid, or became valid as matgrad grew);
 *   <li>a failed compilation whose errors are matgrad's catalogued, tagged ones ({@code
 *       [matgrad:…]}, never {@code matgrad:internal}) and javac's own errors on the user's code
 *       (an ill-typed mutant);
 * </ul>
 *
 * never a javac crash (unless javac without the processor crashes too: its own limits), an
 * exception escaping the processor, a processor message without its tag, an error or warning in
 * generated code, or a timeout. The forward method of a mutant that compiles may throw or
 * overflow (a literal {@code 1e400}): that mutant is not checked further. Nor is one whose
 * generated methods reject the inputs with their shape check: a mutation can tie two dimensions
 * together in code that never runs (a call in a loop of zero trips), which the forward method
 * never notices but matgrad, checking the shapes of the whole method at entry, does.
 *
 * <p>System properties (all optional), as the differential fuzzer's under {@code
 * matgrad.robust.}: {@code seed} (printed first; by default the differential fuzzer's fixed seed, {@code time}
 * for a new one), {@code count} (200) and
 * {@code first} (0), {@code threads} (2), {@code timeout} (seconds per compilation, 30), {@code
 * shrink} (seconds spent shrinking one failure, 60; 0: none) for at most {@code shrinkFailures}
 * (3) failures, {@code progress} (mutants between progress lines). A failing mutant is shrunk
 * with its mutations kept and written to {@code target/robust-failures/}.
 */
class MutantProgramsTest {
  static final String PREFIX = "matgrad.robust.";
  static final int DEFAULT_COUNT = 200;
  static final Path FAILURES = Path.of("target", "robust-failures");
  private static final String INTERNAL = "[" + Message.INTERNAL_ERROR.tag() + "]";
  private static final Set<String> TAGS = Arrays.stream(Message.values())
      .map(m -> "[" + m.tag() + "]").collect(Collectors.toUnmodifiableSet());

  /** What became of a mutant. */
  enum Result {
    /** Compiled, and the generated code passed the differential checks. */
    ACCEPTED,
    /** Compiled, but its forward method throws or is not finite: nothing to check. */
    INVALID_AT_RUN_TIME,
    /** matgrad reported the derivative too large for one JVM method (by design). */
    TOO_LARGE,
    /** Rejected with at least one matgrad error (and maybe javac's own). */
    REJECTED_BY_MATGRAD,
    /** Rejected by javac's errors alone (matgrad found nothing wrong before javac did). */
    REJECTED_BY_JAVAC,
    FAILED
  }

  private static final Map<Result, AtomicInteger> RESULTS = new ConcurrentHashMap<>();
  /** Mutation kind → result → count. */
  private static final Map<String, Map<Result, AtomicInteger>> BY_KIND = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> TAGS_SEEN = new ConcurrentHashMap<>();
  private static final List<String> FAILED = Collections.synchronizedList(new ArrayList<>());
  private static final AtomicInteger SHRUNK = new AtomicInteger();
  private static ExecutorService pool;
  private static long seed;
  private static long started;

  static int intProperty(String name, int otherwise) {
    return RandomProgramsTest.intProperty(PREFIX, name, otherwise);
  }

  static String rerun(long seed, int first, int count) {
    return "mvn test -pl processor -am -Dtest=MutantProgramsTest "
        + "-Dsurefire.failIfNoSpecifiedTests=false -D" + PREFIX + "seed=" + seed
        + (first == 0 && count == DEFAULT_COUNT ? ""
            : " -D" + PREFIX + "first=" + first + " -D" + PREFIX + "count=" + count);
  }

  @TestFactory
  Stream<DynamicTest> mutants() {
    seed = RandomProgramsTest.seed(PREFIX);
    int count = intProperty("count", DEFAULT_COUNT);
    int first = intProperty("first", 0);
    int threads = Math.max(1, intProperty("threads",
        Math.min(2, Runtime.getRuntime().availableProcessors())));
    int progress = intProperty("progress", Math.max(50, count / 20));
    System.out.println("=== robustness fuzz: seed " + seed + ", mutants " + first + ".."
        + (first + count - 1) + " on " + threads + " thread(s) ===\n=== rerun this run: "
        + rerun(seed, first, count) + " ===");
    started = System.nanoTime();
    pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "robust-fuzz");
      t.setDaemon(true);
      return t;
    });
    List<Future<String>> results = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      int index = i;
      results.add(pool.submit(() -> runSafely(seed, index)));
    }
    AtomicInteger done = new AtomicInteger();
    return IntStream.range(0, count).mapToObj(k -> dynamicTest(
        "mutant " + (first + k) + " of seed " + seed, () -> {
          String failure;
          try {
            failure = results.get(k).get();
          } finally {
            int n = done.incrementAndGet();
            if (n % progress == 0 || n == count) {
              double seconds = (System.nanoTime() - started) / 1e9;
              System.out.printf(Locale.ROOT, "robust: %d/%d mutants, %d failed; %s elapsed%n",
                  n, count, FAILED.size(), RandomProgramsTest.duration(seconds));
            }
          }
          if (failure != null) {
            fail(failure);
          }
        }));
  }

  @AfterAll
  static void summary() {
    if (pool != null) {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    int total = RESULTS.values().stream().mapToInt(AtomicInteger::get).sum();
    StringBuilder b = new StringBuilder();
    b.append("=== robustness fuzz summary: seed ").append(seed).append(": ").append(total)
        .append(" mutants in ").append(RandomProgramsTest.duration(seconds))
        .append(String.format(Locale.ROOT, " (%.2f s/mutant): ", seconds / Math.max(1, total)));
    for (Result r : Result.values()) {
      b.append(r.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(' ')
          .append(count(RESULTS, r)).append(r == Result.FAILED ? " ===\n" : ", ");
    }
    synchronized (FAILED) {
      FAILED.forEach(f -> b.append("  failed: ").append(f).append('\n'));
    }
    b.append("  by mutation (accepted/invalid at run time/too large/matgrad/javac/failed):\n");
    new TreeMap<>(BY_KIND).forEach((kind, counts) -> {
      b.append("    ").append(kind).append(": ");
      b.append(String.join("/", Arrays.stream(Result.values())
          .map(r -> String.valueOf(count(counts, r))).toList())).append('\n');
    });
    b.append("  matgrad tags reported: ").append(new TreeMap<>(TAGS_SEEN)).append('\n');
    System.out.print(b);
    try {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "robust-summary.txt"), b.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int count(Map<Result, AtomicInteger> counts, Result r) {
    AtomicInteger n = counts.get(r);
    return n == null ? 0 : n.get();
  }

  /** The mutant i of a seed: program i of the differential fuzzer's seed, mutated. */
  static Mutant mutant(long seed, int index) {
    ProgramModel model = ProgramModel.parse(RandomProgramsTest.generate(seed, index).text());
    return Mutator.mutate(model, new Random(RandomProgramsTest.programSeed(seed, index) ^ 0xB0BL));
  }

  /** Runs mutant index; the failure report, or null. A throwing harness is a failure too. */
  static String runSafely(long seed, int index) {
    String header = "mutant " + index + " of seed " + seed + " (rerun it alone: "
        + rerun(seed, index, 1) + ")";
    try {
      return run(seed, index, header);
    } catch (RuntimeException | Error e) {
      FAILED.add(header + ": harness");
      record(List.of("harness"), Result.FAILED);
      return header + ": the test itself threw " + ProgramChecker.stackTrace(e);
    }
  }

  private static String run(long seed, int index, String header) {
    Mutant mutant = mutant(seed, index);
    int timeout = intProperty("timeout", 30);
    Outcome outcome = ProgramChecker.check(mutant.program(),
        RandomProgramsTest.inputSeed(seed, index), new Options(1, timeout, null, null));
    Result result = classify(outcome);
    if (result == Result.FAILED && violation(outcome).kind().startsWith("crash ")
        && javacAloneCrashes(mutant.program())) {
      // javac's own limit (say, its recursion over a very deep expression), not the processor's
      result = Result.REJECTED_BY_JAVAC;
    }
    record(mutant.mutations(), result);
    for (Problem p : outcome.problems()) {
      if (p.kind().startsWith("compile error [matgrad:")) {
        TAGS_SEEN.computeIfAbsent(p.kind().substring("compile error ".length()),
            k -> new AtomicInteger()).incrementAndGet();
      }
    }
    if (result != Result.FAILED) {
      return null;
    }
    String signature = violation(outcome).kind();
    FAILED.add(header + ": " + signature + " after " + mutant.mutations());
    StringBuilder report = new StringBuilder(outcome.report(header, mutant.program()));
    report.insert(0, "\nmutations: " + mutant.mutations());
    report.append(shrinkAndWrite(seed, index, mutant, signature, timeout));
    System.out.println(report);
    return report.toString();
  }

  /** Whether javac without the processor also crashes on the program, on a thread alike. */
  static boolean javacAloneCrashes(Program program) {
    List<JavaFileObject> files = program.sources().stream()
        .map(s -> JavaFileObjects.forSourceString(s.qualifiedName(), s.text())).toList();
    FutureTask<Compilation> task = new FutureTask<>(() -> Compiler.javac().compile(files));
    Thread worker = new Thread(task, "javac alone");
    worker.setDaemon(true);
    worker.start();
    try {
      task.get(intProperty("timeout", 30), TimeUnit.SECONDS);
      return false;
    } catch (ExecutionException crashed) {
      return true;
    } catch (InterruptedException | TimeoutException e) {
      return false;
    }
  }

  private static void record(List<String> mutations, Result result) {
    RESULTS.computeIfAbsent(result, r -> new AtomicInteger()).incrementAndGet();
    for (String kind : mutations.stream().map(Mutator::kindOf).distinct().toList()) {
      BY_KIND.computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
          .computeIfAbsent(result, r -> new AtomicInteger()).incrementAndGet();
    }
  }

  static Result classify(Outcome outcome) {
    if (!outcome.failed()) {
      return outcome.skipped() != null ? Result.TOO_LARGE : Result.ACCEPTED;
    }
    if (violation(outcome) != null) {
      return Result.FAILED;
    }
    if (outcome.problems().stream()
        .allMatch(p -> p.kind().equals(ProgramChecker.HARNESS) || rejectedShapes(p))) {
      return Result.INVALID_AT_RUN_TIME;
    }
    return outcome.problems().stream().anyMatch(p -> p.kind().startsWith("compile error [matgrad:"))
        ? Result.REJECTED_BY_MATGRAD : Result.REJECTED_BY_JAVAC;
  }

  /**
   * The first problem that breaks the property, or null: allowed are catalogued matgrad errors
   * other than internal, javac's own errors on the user's sources, and a forward method that
   * throws; nothing else (crashes, timeouts, untagged processor messages, errors or warnings in
   * generated code, wrong derivatives).
   */
  static Problem violation(Outcome outcome) {
    boolean harness = outcome.problems().stream()
        .anyMatch(p -> p.kind().equals(ProgramChecker.HARNESS));
    for (Problem p : outcome.problems()) {
      String kind = p.kind();
      boolean matgradError = kind.startsWith("compile error [matgrad:")
          && TAGS.contains(kind.substring("compile error ".length()))
          && !kind.endsWith(INTERNAL);
      // a processor message without its tag is compiler.err.proc.messager to javac
      boolean javacError = kind.startsWith("compile error javac:compiler.err.")
          && !kind.equals("compile error javac:compiler.err.proc.messager");
      if (!matgradError && !javacError && !(harness && kind.equals(ProgramChecker.HARNESS))
          && !rejectedShapes(p)) {
        return p;
      }
    }
    return null;
  }

  /** A generated method's entry shape check rejected the inputs ("m: … needs …, but …"). */
  static boolean rejectedShapes(Problem p) {
    return p.kind().equals("threw IllegalArgumentException")
        && SHAPE_CHECK.matcher(p.text()).find();
  }

  private static final java.util.regex.Pattern SHAPE_CHECK = java.util.regex.Pattern.compile(
      "threw java\\.lang\\.IllegalArgumentException: \\w+: .+ needs .+, but ");

  /** Shrinks a failing mutant (its mutations kept) and writes it; the text for the report. */
  private static String shrinkAndWrite(long seed, int index, Mutant mutant, String signature,
      int timeout) {
    String name = "seed" + seed + "-mutant" + index;
    try {
      Files.createDirectories(FAILURES);
      Path original = FAILURES.resolve(name + "-original.java").toAbsolutePath();
      Files.writeString(original, "// " + signature + " after " + mutant.mutations() + "\n"
          + mutant.program().text());
      int budget = intProperty("shrink", 60);
      if (budget <= 0 || SHRUNK.incrementAndGet() > intProperty("shrinkFailures", 3)) {
        return "--- not shrunk; written to " + original + "\n";
      }
      long inputs = RandomProgramsTest.inputSeed(seed, index);
      Options options = new Options(1, Math.min(timeout, 10), null, null);
      Shrinker.Test same = c -> {
        Problem v = violation(ProgramChecker.check(mutant.withModel(c).program(), inputs, options));
        return v != null && v.kind().equals(signature);
      };
      Shrinker.Result r = new Shrinker(same, budget * 1000L, 3000).shrink(mutant.model());
      String text = "// " + signature + " after " + mutant.mutations() + "\n"
          + mutant.withModel(r.program()).program().text();
      Path file = FAILURES.resolve(name + ".java").toAbsolutePath();
      Files.writeString(file, text);
      return "--- shrunk (" + r.tried() + " candidates tried) to (written to " + file + ") ---\n"
          + text + "--- end of shrunk mutant ---\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
