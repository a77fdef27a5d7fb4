package dev.matgrad.bench.compile;

import dev.matgrad.processor.DifferentiableProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.annotation.processing.Completion;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The processor's own cost: compiles a source set of {@code @Differentiable} methods
 * ({@link SourceSet}) with javac in this JVM, alternately without annotation processing and with
 * the matgrad processor, after warm-up rounds, and writes the medians as JSON.
 *
 * <p>Two figures per method: the extra javac wall time with the processor on (reading the trees,
 * deriving, writing and then compiling the generated classes: what a user's build pays), and the
 * time spent inside the processor's {@code init} and {@code process} alone.
 *
 * <p>Usage: {@code ProcessorCost OUTPUT.json [methods=200] [warmups=3] [rounds=7]}.
 */
public final class ProcessorCost {
  private ProcessorCost() {}

  public static void main(String[] args) throws IOException {
    Path output = Paths.get(args.length > 0 ? args[0] : "processor-cost.json");
    int methods = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;

    List<SourceSet.Unit> units = SourceSet.generate(methods, 20, 42L);
    int counted = SourceSet.countMethods(units);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no system Java compiler: run on a JDK, not a JRE");
    }
    Path work = Files.createTempDirectory("matgrad-processor-cost");
    try {
      List<Long> without = new ArrayList<>();
      List<Long> with = new ArrayList<>();
      List<Long> inside = new ArrayList<>();
      long generatedLines = 0;
      for (int round = 0; round < warmups + rounds; round++) {
        boolean measured = round >= warmups;
        long plain = compile(javac, units, work.resolve("plain" + round), null);
        TimedProcessor timed = new TimedProcessor(new DifferentiableProcessor());
        long processed = compile(javac, units, work.resolve("processed" + round), timed);
        System.err.printf(Locale.ROOT, "%s round %d: javac %.0f ms, with the processor %.0f ms (inside it %.0f ms)%n",
            measured ? "measured" : "warm-up", round + 1, plain / 1e6, processed / 1e6, timed.nanos / 1e6);
        generatedLines = countLines(work.resolve("processed" + round).resolve("generated"));
        if (measured) {
          without.add(plain);
          with.add(processed);
          inside.add(timed.nanos);
        }
        deleteTree(work.resolve("plain" + round));
        deleteTree(work.resolve("processed" + round));
      }
      double withoutMs = median(without) / 1e6;
      double withMs = median(with) / 1e6;
      double insideMs = median(inside) / 1e6;
      String json = String.format(Locale.ROOT,
          "{%n  \"methods\": %d,%n  \"classes\": %d,%n  \"warmups\": %d,%n  \"rounds\": %d,%n"
              + "  \"javacWithoutProcessorMs\": %.3f,%n  \"javacWithProcessorMs\": %.3f,%n"
              + "  \"insideProcessorMs\": %.3f,%n  \"extraMsPerMethod\": %.4f,%n  \"insideMsPerMethod\": %.4f,%n"
              + "  \"generatedLines\": %d,%n  \"jdk\": \"%s\"%n}%n",
          counted, units.size(), warmups, rounds, withoutMs, withMs, insideMs, (withMs - withoutMs) / counted,
          insideMs / counted, generatedLines,
          System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
      Files.createDirectories(output.toAbsolutePath().getParent());
      Files.writeString(output, json, StandardCharsets.UTF_8);
      System.out.print(json);
    } finally {
      deleteTree(work);
    }
  }

  /** Compiles the units into {@code out}; with {@code processor} null, annotation processing is off. */
  static long compile(JavaCompiler javac, List<SourceSet.Unit> units, Path out, Processor processor)
      throws IOException {
    Path classes = Files.createDirectories(out.resolve("classes"));
    Path sources = Files.createDirectories(out.resolve("generated"));
    List<JavaFileObject> files = new ArrayList<>();
    for (SourceSet.Unit u : units) {
      files.add(new Source("gen/" + u.className, u.source));
    }
    List<String> options = new ArrayList<>(Arrays.asList(
        "-d", classes.toString(), "-s", sources.toString(), "-encoding", "UTF-8",
        "-classpath", System.getProperty("java.class.path"), "-implicit:none"));
    if (processor == null) {
      options.add("-proc:none");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    long start = System.nanoTime();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavaCompiler.CompilationTask task = javac.getTask(null, fm, diagnostics, options, null, files);
      if (processor != null) {
        task.setProcessors(List.of(processor));
      }
      boolean ok = task.call();
      long elapsed = System.nanoTime() - start;
      if (!ok) {
        StringBuilder sb = new StringBuilder("the generated source set does not compile:\n");
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
          if (d.getKind() == Diagnostic.Kind.ERROR) {
            sb.append(d).append('\n');
          }
        }
        throw new IllegalStateException(sb.toString());
      }
      if (processor != null) {
        try (Stream<Path> generated = Files.walk(sources)) {
          long count = generated.filter(p -> p.toString().endsWith("Gradients.java")).count();
          if (count != units.size()) {
            throw new IllegalStateException("expected " + units.size() + " generated classes, found " + count);
          }
        }
      }
      return elapsed;
    }
  }

  static long countLines(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      long lines = 0;
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        try (Stream<String> l = Files.lines(p, StandardCharsets.UTF_8)) {
          lines += l.count();
        }
      }
      return lines;
    }
  }

  static double median(List<Long> values) {
    long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A source held in memory. */
  static final class Source extends SimpleJavaFileObject {
    private final String text;

    Source(String binaryPath, String text) {
      super(URI.create("string:///" + binaryPath + Kind.SOURCE.extension), Kind.SOURCE);
      this.text = text;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }

  /** Delegates to a processor and adds up the time spent in it. */
  static final class TimedProcessor implements Processor {
    private final Processor delegate;
    long nanos;

    TimedProcessor(Processor delegate) {
      this.delegate = delegate;
    }

    @Override
    public Set<String> getSupportedOptions() {
      return delegate.getSupportedOptions();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public void init(ProcessingEnvironment env) {
      long start = System.nanoTime();
      delegate.init(env);
      nanos += System.nanoTime() - start;
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      long start = System.nanoTime();
      try {
        return delegate.process(annotations, round);
      } finally {
        nanos += System.nanoTime() - start;
      }
    }

    @Override
    public Iterable<? extends Completion> getCompletions(Element element, AnnotationMirror annotation,
        ExecutableElement member, String userText) {
      return delegate.getCompletions(element, annotation, member, userText);
    }
  }
}
