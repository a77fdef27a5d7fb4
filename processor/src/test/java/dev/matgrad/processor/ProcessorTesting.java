package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.matgrad.Matrix;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import javax.annotation.processing.ProcessingEnvironment;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/** Shared helpers of the processor tests: sources, compilations and diagnostic assertions. */
public final class ProcessorTesting {
  private ProcessorTesting() {}

  /** The imports every test class starts with (what a user of the API.md example writes). */
  static final String IMPORTS = """
      import dev.matgrad.CustomVjp;
      import dev.matgrad.Differentiable;
      import dev.matgrad.Matrix;
      import static dev.matgrad.Ops.*;
      """;

  /** Every tag of the catalogue, e.g. {@code matgrad:control-flow}. */
  static final Set<String> CATALOGUED_TAGS =
      Arrays.stream(Message.values()).map(Message::tag).collect(Collectors.toUnmodifiableSet());

  // ---- sources ----------------------------------------------------------------------------------

  /** {@code p.C} with the usual imports around the given members. */
  static JavaFileObject classC(String members) {
    return type("p.C", members);
  }

  /** A top-level {@code public final class} with the usual imports around the given members. */
  static JavaFileObject type(String qualifiedName, String members) {
    int dot = qualifiedName.lastIndexOf('.');
    String pkg = dot < 0 ? "" : "package " + qualifiedName.substring(0, dot) + ";\n\n";
    String simple = qualifiedName.substring(dot + 1);
    return JavaFileObjects.forSourceString(qualifiedName,
        pkg + IMPORTS + "\npublic final class " + simple + " {\n" + members.indent(2) + "}\n");
  }

  /** A source file written out in full. */
  static JavaFileObject file(String qualifiedName, String text) {
    return JavaFileObjects.forSourceString(qualifiedName, text);
  }

  // ---- compiling --------------------------------------------------------------------------------

  /** javac with the matgrad processor, as a user's build runs it. */
  static Compiler withProcessor() {
    return Compiler.javac().withProcessors(new DifferentiableProcessor());
  }

  static Compilation compile(JavaFileObject... files) {
    return withProcessor().compile(files);
  }

  /** A compilation and the text of the sources matgrad generated in it, also when it failed. */
  record Recorded(Compilation compilation, Map<String, String> sources) {
    /** The generated source of {@code qualifiedName}, failing the test when there is none. */
    String source(String qualifiedName) {
      String text = sources.get(qualifiedName);
      if (text == null) {
        fail(qualifiedName + " was not generated; generated: " + sources.keySet()
            + "; diagnostics: " + messages(compilation));
      }
      return text;
    }
  }

  /** Compiles with the processor, which sees the environment {@code wrap} makes; records output. */
  static Recorded compileRecording(UnaryOperator<ProcessingEnvironment> wrap,
      JavaFileObject... files) {
    RecordingProcessor processor = new RecordingProcessor(wrap);
    Compilation compilation = Compiler.javac().withProcessors(processor).compile(files);
    return new Recorded(compilation, processor.generatedSources());
  }

  static Recorded compileRecording(JavaFileObject... files) {
    return compileRecording(UnaryOperator.identity(), files);
  }

  /** javac without any annotation processor and with only the runtime on the class path. */
  static Compiler plainJavacWithRuntime(String... options) {
    List<String> all = new java.util.ArrayList<>(List.of("-proc:none"));
    all.addAll(List.of(options));
    return Compiler.javac().withOptions(all).withClasspath(List.of(runtimeClasspath()));
  }

  /** Where the matgrad runtime (dev.matgrad.Matrix, Ops, Differentiable) is loaded from. */
  static File runtimeClasspath() {
    try {
      return new File(Matrix.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The text of a generated source file, failing the test when it was not generated. */
  static String generatedSource(Compilation compilation, String qualifiedName) {
    Optional<JavaFileObject> file = compilation.generatedSourceFile(qualifiedName);
    if (file.isEmpty()) {
      fail(qualifiedName + " was not generated; generated: "
          + compilation.generatedSourceFiles().stream().map(JavaFileObject::getName).toList()
          + "; diagnostics: " + messages(compilation));
    }
    try {
      return file.get().getCharContent(true).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A class loader over the class files a compilation wrote (user classes and generated ones). */
  public static ClassLoader classLoader(Compilation compilation) {
    return new ClassLoader(ProcessorTesting.class.getClassLoader()) {
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

  // ---- diagnostics ------------------------------------------------------------------------------

  static String message(Diagnostic<? extends JavaFileObject> d) {
    return d.getMessage(Locale.ROOT);
  }

  /** Every diagnostic as "KIND line: message", for failure messages. */
  static List<String> messages(Compilation compilation) {
    return compilation.diagnostics().stream()
        .map(d -> d.getKind() + " " + d.getLineNumber() + ": " + message(d)).toList();
  }

  /** The diagnostics matgrad reported (those whose message starts with a matgrad tag). */
  static List<Diagnostic<? extends JavaFileObject>> matgradDiagnostics(Compilation compilation) {
    return compilation.diagnostics().stream().filter(d -> message(d).startsWith("[matgrad:"))
        .collect(Collectors.toList());
  }

  /** The matgrad diagnostics with the given tag (without {@code matgrad:}). */
  static List<Diagnostic<? extends JavaFileObject>> tagged(Compilation compilation, String tag) {
    return matgradDiagnostics(compilation).stream()
        .filter(d -> message(d).startsWith("[matgrad:" + tag + "] ")).toList();
  }

  /**
   * Asserts an ERROR tagged {@code [matgrad:tag]} in {@code file} on the one line containing
   * {@code lineText}, whose message mentions each of {@code mentions} (what was found).
   */
  static Diagnostic<? extends JavaFileObject> assertError(Compilation compilation, String tag,
      JavaFileObject file, String lineText, String... mentions) {
    assertThat(compilation).hadErrorContaining("[matgrad:" + tag + "] ").inFile(file)
        .onLineContaining(lineText);
    return assertMentions(compilation, Diagnostic.Kind.ERROR, tag, file, lineText, mentions);
  }

  /** As {@link #assertError}, for a WARNING. */
  static Diagnostic<? extends JavaFileObject> assertWarning(Compilation compilation, String tag,
      JavaFileObject file, String lineText, String... mentions) {
    assertThat(compilation).hadWarningContaining("[matgrad:" + tag + "] ").inFile(file)
        .onLineContaining(lineText);
    return assertMentions(compilation, Diagnostic.Kind.WARNING, tag, file, lineText, mentions);
  }

  private static Diagnostic<? extends JavaFileObject> assertMentions(Compilation compilation,
      Diagnostic.Kind kind, String tag, JavaFileObject file, String lineText, String... mentions) {
    long line = lineOf(file, lineText);
    List<Diagnostic<? extends JavaFileObject>> candidates = tagged(compilation, tag).stream()
        .filter(d -> d.getKind() == kind && d.getLineNumber() == line && d.getSource() != null
            && d.getSource().toUri().equals(file.toUri()))
        .toList();
    assertFalse(candidates.isEmpty(),
        () -> "no " + kind + " [matgrad:" + tag + "] on line " + line);
    Diagnostic<? extends JavaFileObject> d = candidates.get(0);
    String text = message(d);
    for (String mention : mentions) {
      assertTrue(text.contains(mention),
          () -> "the message should mention \"" + mention + "\" but was: " + text);
    }
    return d;
  }

  /** The 1-based number of the single line of {@code file} that contains {@code text}. */
  static long lineOf(JavaFileObject file, String text) {
    List<String> lines;
    try {
      lines = file.getCharContent(true).toString().lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long found = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        assertEquals(-1, found,
            () -> "\"" + text + "\" is on more than one line of " + file.getName());
        found = i + 1;
      }
    }
    assertTrue(found > 0, () -> "\"" + text + "\" is on no line of " + file.getName());
    return found;
  }

  /**
   * Asserts that matgrad only reported diagnostics of its catalogue and no internal error: every
   * message that mentions matgrad starts with a catalogued tag, and none is {@code internal}.
   */
  static void assertOnlyCataloguedDiagnostics(Compilation compilation) {
    for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
      String text = message(d);
      if (!text.contains("matgrad:")) {
        continue; // javac's own diagnostic
      }
      assertTrue(text.startsWith("[matgrad:") && text.indexOf(']') > 0,
          () -> "a matgrad message without its tag in front: " + text);
      String tag = text.substring(1, text.indexOf(']'));
      assertTrue(CATALOGUED_TAGS.contains(tag), () -> "an uncatalogued tag: " + text);
      assertFalse(tag.equals(Message.INTERNAL_ERROR.tag()),
          () -> "matgrad failed with an internal error on line " + d.getLineNumber() + ": " + text);
    }
  }
}
