package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.compileRecording;
import static dev.matgrad.processor.ProcessorTesting.file;
import static dev.matgrad.processor.ProcessorTesting.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * What build tools rely on besides the generated code: the originating element of each generated
 * file (IDEs map generated files back to their sources with it) and the processor's Gradle
 * incremental-processing declaration.
 */
class BuildToolContractTest {

  /** Records the originating elements passed with each generated source file. */
  static final class OriginRecordingFiler implements Filer {
    private final Filer filer;
    final Map<String, List<Element>> origins = new LinkedHashMap<>();

    OriginRecordingFiler(Filer filer) {
      this.filer = filer;
    }

    @Override
    public JavaFileObject createSourceFile(CharSequence name, Element... originatingElements)
        throws IOException {
      origins.put(name.toString(), List.of(originatingElements));
      return filer.createSourceFile(name, originatingElements);
    }

    @Override
    public JavaFileObject createClassFile(CharSequence name, Element... originatingElements)
        throws IOException {
      origins.put(name.toString(), List.of(originatingElements));
      return filer.createClassFile(name, originatingElements);
    }

    @Override
    public FileObject createResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
        CharSequence relativeName, Element... originatingElements) throws IOException {
      origins.put(relativeName.toString(), List.of(originatingElements));
      return filer.createResource(location, moduleAndPkg, relativeName, originatingElements);
    }

    @Override
    public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
        CharSequence relativeName) throws IOException {
      return filer.getResource(location, moduleAndPkg, relativeName);
    }
  }

  @Test
  void everyGeneratedFileHasOneOriginatingElementTheClassItWasGeneratedFor() {
    List<OriginRecordingFiler> filers = new ArrayList<>();
    JavaFileObject layers = type("p.Layers", """
        @Differentiable
        public static double act(double v) {
          return Math.tanh(v);
        }
        """);
    JavaFileObject model = type("q.Model", """
        @Differentiable
        static double model(double x) {
          return p.Layers.act(x) * 2.0;
        }

        @Differentiable
        static double other(double x) {
          return x * x;
        }
        """);
    JavaFileObject nested = file("p.Outer", """
        package p;

        import dev.matgrad.Differentiable;

        public final class Outer {
          public static final class Inner {
            @Differentiable
            public static double f(double x) {
              return x * x;
            }
          }
        }
        """);
    ProcessorTesting.Recorded r = compileRecording(env -> new ForwardingEnvironment(env) {
      @Override
      public Filer getFiler() {
        OriginRecordingFiler f = new OriginRecordingFiler(super.getFiler());
        filers.add(f);
        return f;
      }
    }, layers, model, nested);
    assertThat(r.compilation()).succeeded();
    Map<String, List<Element>> origins = new LinkedHashMap<>();
    filers.forEach(f -> origins.putAll(f.origins));
    Map<String, String> expectedOrigin = Map.of("p.LayersGradients", "p.Layers",
        "q.ModelGradients", "q.Model", "p.Outer_InnerGradients", "p.Outer.Inner");
    assertEquals(expectedOrigin.keySet(), origins.keySet());
    origins.forEach((generated, elements) -> {
      assertEquals(1, elements.size(), () -> generated + " has originating elements " + elements);
      Element origin = elements.get(0);
      assertEquals(ElementKind.CLASS, origin.getKind(), generated + "'s originating element");
      assertEquals(expectedOrigin.get(generated), ((TypeElement) origin).getQualifiedName().toString(),
          "the originating element of " + generated + " (not a callee's class)");
    });
  }

  /**
   * matgrad declares no Gradle incremental category, on purpose: Gradle then recompiles the whole
   * source set when one file changes, which is what matgrad needs. Both categories would break
   * builds. An "isolating" processor sees only the changed files' sources, so a caller in
   * another, unchanged class compiled alone finds its callee's body missing (matgrad inlines
   * callees from their source). An "aggregating" one is handed every unchanged annotated class
   * again, but from its class file (Gradle reprocesses, it does not recompile), where no method
   * body can be read, while the generated classes are deleted and must be regenerated. Nor can
   * "dynamic" choose better at run time. Adding the file would make every incremental Gradle
   * build of a project using matgrad fail.
   */
  @Test
  void declaresNoGradleIncrementalCategory() throws IOException {
    String processorClasses = DifferentiableProcessor.class.getProtectionDomain().getCodeSource()
        .getLocation().toString();
    List<URL> declarations = Collections.list(DifferentiableProcessor.class.getClassLoader()
        .getResources("META-INF/gradle/incremental.annotation.processors"));
    assertFalse(declarations.stream().anyMatch(u -> u.toString().startsWith(processorClasses)
            || u.toString().contains("matgrad-processor")),
        () -> "matgrad must not declare a Gradle incremental category: " + declarations);
    assertTrue(new DifferentiableProcessor().getSupportedOptions().stream()
        .noneMatch(o -> o.startsWith("org.gradle.annotation.processing.")));
  }

  /**
   * The processor is registered for javac's service loader, as API.md promises for a processor on
   * the class path.
   */
  @Test
  void isRegisteredAsAService() throws IOException {
    String processorClasses = DifferentiableProcessor.class.getProtectionDomain().getCodeSource()
        .getLocation().toString();
    List<URL> services = Collections.list(DifferentiableProcessor.class.getClassLoader()
        .getResources("META-INF/services/javax.annotation.processing.Processor"));
    URL ours = services.stream().filter(u -> u.toString().startsWith(processorClasses)).findFirst()
        .orElseThrow(() -> new AssertionError("no service file under " + processorClasses));
    try (var in = ours.openStream()) {
      assertEquals(List.of(DifferentiableProcessor.class.getName()),
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
              .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
    }
  }
}
