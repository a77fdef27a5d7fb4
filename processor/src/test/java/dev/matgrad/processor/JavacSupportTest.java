package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.assertError;
import static dev.matgrad.processor.ProcessorTesting.classC;
import static dev.matgrad.processor.ProcessorTesting.compileRecording;
import static dev.matgrad.processor.ProcessorTesting.message;
import static dev.matgrad.processor.ProcessorTesting.tagged;
import static dev.matgrad.processor.ProcessorTesting.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.matgrad.processor.ProcessorTesting.Recorded;
import dev.matgrad.processor.javac.JavacSupport;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor needs javac's Tree API. Build tools hand processors wrapped environments
 * (IntelliJ a dynamic proxy, Gradle a forwarding class); {@link JavacSupport#connect} finds javac's
 * inside them, and where there is none the processor reports {@code no-tree-api} instead of
 * failing.
 */
class JavacSupportTest {

  // ---- wrapped environments ---------------------------------------------------------------------

  /** IntelliJ style: a dynamic proxy whose handler keeps the real environment in a field. */
  static final class DelegatingHandler implements InvocationHandler {
    private final ProcessingEnvironment delegate;

    DelegatingHandler(ProcessingEnvironment delegate) {
      this.delegate = delegate;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      return forward(delegate, method, args);
    }
  }

  /** A proxy that hides the real environment (kept as an Object, not a ProcessingEnvironment). */
  static final class OpaqueHandler implements InvocationHandler {
    private final Object target;

    OpaqueHandler(ProcessingEnvironment target) {
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      return forward(target, method, args);
    }
  }

  private static Object forward(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  static ProcessingEnvironment proxy(InvocationHandler handler) {
    return (ProcessingEnvironment) Proxy.newProxyInstance(JavacSupportTest.class.getClassLoader(),
        new Class<?>[] {ProcessingEnvironment.class}, handler);
  }

  /** A Gradle-style environment whose Filer cannot write anything. */
  static final class FullDiskEnvironment extends ForwardingEnvironment {
    FullDiskEnvironment(ProcessingEnvironment delegate) {
      super(delegate);
    }

    @Override
    public Filer getFiler() {
      return new Filer() {
        @Override
        public JavaFileObject createSourceFile(CharSequence name, Element... originatingElements)
            throws IOException {
          throw new IOException("disk full");
        }

        @Override
        public JavaFileObject createClassFile(CharSequence name, Element... originatingElements)
            throws IOException {
          throw new IOException("disk full");
        }

        @Override
        public FileObject createResource(JavaFileManager.Location location,
            CharSequence moduleAndPkg, CharSequence relativeName, Element... originatingElements)
            throws IOException {
          throw new IOException("disk full");
        }

        @Override
        public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
            CharSequence relativeName) throws IOException {
          throw new IOException("disk full");
        }
      };
    }
  }

  /** Records, inside a real javac run, whether connect finds javac behind each wrapping. */
  static final class ConnectProbe extends AbstractProcessor {
    final Map<String, Boolean> connected = new LinkedHashMap<>();

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!connected.isEmpty()) {
        return false;
      }
      ProcessingEnvironment javac = processingEnv;
      ForwardingEnvironment cycleA = new ForwardingEnvironment(null);
      ForwardingEnvironment cycleB = new ForwardingEnvironment(cycleA);
      cycleA.delegate = cycleB;
      record("javac's own environment", javac);
      record("a proxy that hides it", proxy(new OpaqueHandler(javac)));
      record("an IntelliJ-style proxy", proxy(new DelegatingHandler(javac)));
      record("a Gradle-style wrapper", new ForwardingEnvironment(javac));
      record("a proxy around a Gradle-style wrapper",
          proxy(new DelegatingHandler(new ForwardingEnvironment(javac))));
      record("a Gradle-style wrapper around a proxy that hides it",
          new ForwardingEnvironment(proxy(new OpaqueHandler(javac))));
      record("a wrapper of nothing", new ForwardingEnvironment(null));
      record("two wrappers of each other", cycleA);
      return false;
    }

    private void record(String what, ProcessingEnvironment env) {
      connected.put(what, JavacSupport.connect(env).isPresent());
    }
  }

  // ---- tests ------------------------------------------------------------------------------------

  @Test
  void connectFindsJavacBehindWrappersAndOnlyThere() {
    ConnectProbe probe = new ConnectProbe();
    assertThat(Compiler.javac().withProcessors(probe).compile(classC("""
        static double unused(double x) {
          return x;
        }
        """))).succeeded();
    Map<String, Boolean> expected = new LinkedHashMap<>();
    expected.put("javac's own environment", true);
    expected.put("a proxy that hides it", false);
    expected.put("an IntelliJ-style proxy", true);
    expected.put("a Gradle-style wrapper", true);
    expected.put("a proxy around a Gradle-style wrapper", true);
    expected.put("a Gradle-style wrapper around a proxy that hides it", false);
    expected.put("a wrapper of nothing", false);
    expected.put("two wrappers of each other", false);
    assertEquals(expected, probe.connected);
  }


  private static final String GOOD_AND_BAD = """
      @Differentiable
      static double good(double x) {
        return x * x;
      }

      @Differentiable
      static double bad(double x) {
        return x > 0.0 ? x : -x;
      }
      """;

  @Test
  void withoutTheTreeApiTheProcessorSaysSoOnce() {
    Recorded r = compileRecording(env -> proxy(new OpaqueHandler(env)),
        classC(GOOD_AND_BAD),
        type("p.D", """
            @Differentiable
            static double other(double x) {
              return 2.0 * x;
            }
            """));
    Compilation c = r.compilation();
    assertThat(c).failed();
    assertThat(c).hadErrorContaining(
        "[matgrad:no-tree-api] matgrad reads method bodies with the javac Tree API");
    assertEquals(1, tagged(c, "no-tree-api").size(), () -> ProcessorTesting.messages(c).toString());
    String text = message(tagged(c, "no-tree-api").get(0));
    assertTrue(text.contains("$Proxy"), () -> "should name the environment's class: " + text);
    assertEquals(1, c.diagnostics().size(), () -> ProcessorTesting.messages(c).toString());
    assertTrue(r.sources().isEmpty(), () -> r.sources().keySet().toString());
  }

  @Test
  void behindAnIntelliJStyleProxyEverythingWorks() {
    JavaFileObject src = classC(GOOD_AND_BAD);
    Recorded r = compileRecording(env -> proxy(new DelegatingHandler(env)), src);
    assertError(r.compilation(), "control-flow", src, "return x > 0.0 ? x : -x;",
        "the conditional operator");
    assertTrue(r.source("p.CGradients").contains("goodGrad"));
  }

  @Test
  void behindAGradleStyleWrapperEverythingWorks() {
    JavaFileObject src = classC(GOOD_AND_BAD);
    Recorded r = compileRecording(ForwardingEnvironment::new, src);
    assertError(r.compilation(), "control-flow", src, "return x > 0.0 ? x : -x;",
        "the conditional operator");
    assertTrue(r.source("p.CGradients").contains("goodGrad"));
  }

  @Test
  void failureToWriteTheGeneratedFileIsAnInternalErrorOnTheClass() {
    JavaFileObject src = classC("""
        @Differentiable
        static double square(double x) {
          return x * x;
        }
        """);
    Compilation c = compileRecording(FullDiskEnvironment::new, src).compilation();
    assertError(c, "internal", src, "public final class C", "CGradients", "disk full");
    assertEquals(1, tagged(c, "internal").size());
  }
}
