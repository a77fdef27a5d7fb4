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
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor needs javac's Tree API. Build tools hand processors wrapped environments
 * (Gradle's incremental processing a forwarding class with a {@code delegate} field, IntelliJ a
 * dynamic proxy whose handler captured the environment); {@link JavacSupport#connect} finds
 * javac's inside them, also nested, and where there is none (another compiler, or a class path
 * without {@code com.sun.source}) the processor reports {@code no-tree-api} once, generates
 * nothing and does not fail otherwise.
 */
class JavacSupportTest {

  // ---- wrapped environments ---------------------------------------------------------------------

  /**
   * IntelliJ's shape (its {@code APIWrappers.wrap}): a proxy whose anonymous handler captured the
   * environment as a type variable, so the handler's field is declared as an {@code Object}.
   */
  static <T> T intelliJStyle(Class<T> type, T delegateTo) {
    return type.cast(Proxy.newProxyInstance(JavacSupportTest.class.getClassLoader(),
        new Class<?>[] {type}, new InvocationHandler() {
          @Override
          public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            return forward(delegateTo, method, args);
          }
        }));
  }

  static ProcessingEnvironment intelliJStyle(ProcessingEnvironment env) {
    return intelliJStyle(ProcessingEnvironment.class, env);
  }

  /** A proxy whose handler keeps the environment in a field of its own type. */
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

  /**
   * What another compiler's environment (Eclipse's, say) is to matgrad: working elements, types,
   * messager and filer, but no javac environment anywhere inside it.
   */
  static final class OtherCompilerEnvironment implements ProcessingEnvironment {
    private final Map<String, String> options;
    private final Messager messager;
    private final Filer filer;
    private final Elements elements;
    private final Types types;
    private final SourceVersion sourceVersion;
    private final Locale locale;

    OtherCompilerEnvironment(ProcessingEnvironment javac) {
      options = javac.getOptions();
      messager = javac.getMessager();
      filer = javac.getFiler();
      elements = javac.getElementUtils();
      types = javac.getTypeUtils();
      sourceVersion = javac.getSourceVersion();
      locale = javac.getLocale();
    }

    @Override
    public Map<String, String> getOptions() {
      return options;
    }

    @Override
    public Messager getMessager() {
      return messager;
    }

    @Override
    public Filer getFiler() {
      return filer;
    }

    @Override
    public Elements getElementUtils() {
      return elements;
    }

    @Override
    public Types getTypeUtils() {
      return types;
    }

    @Override
    public SourceVersion getSourceVersion() {
      return sourceVersion;
    }

    @Override
    public Locale getLocale() {
      return locale;
    }
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
      record("a Gradle-style wrapper", new ForwardingEnvironment(javac));
      record("an IntelliJ-style proxy", intelliJStyle(javac));
      record("a proxy whose handler holds it in a typed field", proxy(new DelegatingHandler(javac)));
      record("an IntelliJ-style proxy around a Gradle-style wrapper",
          intelliJStyle(new ForwardingEnvironment(javac)));
      record("a Gradle-style wrapper around an IntelliJ-style proxy",
          new ForwardingEnvironment(intelliJStyle(javac)));
      record("four wrappers deep", new ForwardingEnvironment(intelliJStyle(
          new ForwardingEnvironment(proxy(new DelegatingHandler(javac))))));
      record("another compiler's environment", new OtherCompilerEnvironment(javac));
      record("a Gradle-style wrapper around another compiler's",
          new ForwardingEnvironment(new OtherCompilerEnvironment(javac)));
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
    expected.put("a Gradle-style wrapper", true);
    expected.put("an IntelliJ-style proxy", true);
    expected.put("a proxy whose handler holds it in a typed field", true);
    expected.put("an IntelliJ-style proxy around a Gradle-style wrapper", true);
    expected.put("a Gradle-style wrapper around an IntelliJ-style proxy", true);
    expected.put("four wrappers deep", true);
    expected.put("another compiler's environment", false);
    expected.put("a Gradle-style wrapper around another compiler's", false);
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
        double y = x;
        halving: while (y > 1.0) {
          y = y / 2.0;
        }
        return y;
      }
      """;

  @Test
  void underAnotherCompilerTheProcessorSaysSoOnce() {
    Recorded r = compileRecording(OtherCompilerEnvironment::new,
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
    assertTrue(text.contains(OtherCompilerEnvironment.class.getName()),
        () -> "should name the environment's class: " + text);
    assertEquals(1, c.diagnostics().size(), () -> ProcessorTesting.messages(c).toString());
    assertTrue(r.sources().isEmpty(), () -> r.sources().keySet().toString());
  }

  @Test
  void behindAnIntelliJStyleProxyEverythingWorks() {
    JavaFileObject src = classC(GOOD_AND_BAD);
    Recorded r = compileRecording(JavacSupportTest::intelliJStyle, src);
    assertError(r.compilation(), "control-flow", src, "halving: while (y > 1.0) {",
        "a labeled statement");
    assertTrue(r.source("p.CGradients").contains("goodGrad"));
  }

  @Test
  void behindAGradleStyleWrapperEverythingWorks() {
    JavaFileObject src = classC(GOOD_AND_BAD);
    Recorded r = compileRecording(ForwardingEnvironment::new, src);
    assertError(r.compilation(), "control-flow", src, "halving: while (y > 1.0) {",
        "a labeled statement");
    assertTrue(r.source("p.CGradients").contains("goodGrad"));
  }

  @Test
  void behindNestedWrappersEverythingWorks() {
    JavaFileObject src = classC(GOOD_AND_BAD);
    Recorded r = compileRecording(
        env -> new ForwardingEnvironment(intelliJStyle(new ForwardingEnvironment(env))), src);
    assertError(r.compilation(), "control-flow", src, "halving: while (y > 1.0) {",
        "a labeled statement");
    assertTrue(r.source("p.CGradients").contains("goodGrad"));
  }

  /**
   * A compiler whose processor class path has no {@code com.sun.source} at all: the processor is
   * loaded where those classes cannot be found, and must still report no-tree-api, not crash or
   * report an internal error.
   */
  @Test
  void withoutTheTreeApiClassesTheProcessorSaysSoOnce() throws Exception {
    URL processorClasses = DifferentiableProcessor.class.getProtectionDomain().getCodeSource()
        .getLocation();
    ClassLoader hidingTreeApi = new ClassLoader(JavacSupportTest.class.getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith("com.sun.source.") || name.startsWith("dev.matgrad.processor.")) {
          throw new ClassNotFoundException(name);
        }
        return super.loadClass(name, resolve);
      }
    };
    try (URLClassLoader loader = new URLClassLoader(new URL[] {processorClasses}, hidingTreeApi)) {
      Processor isolated = (Processor) loader.loadClass(DifferentiableProcessor.class.getName())
          .getDeclaredConstructor().newInstance();
      List<String> created = new ArrayList<>();
      Compilation c = Compiler.javac().withProcessors(new AbstractProcessor() {
        @Override
        public Set<String> getSupportedAnnotationTypes() {
          return isolated.getSupportedAnnotationTypes();
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
          return isolated.getSupportedSourceVersion();
        }

        @Override
        public synchronized void init(ProcessingEnvironment env) {
          super.init(env);
          isolated.init(new ForwardingEnvironment(env) {
            @Override
            public Filer getFiler() {
              return new FilerRecordingNames(env.getFiler(), created);
            }
          });
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
          return isolated.process(annotations, round);
        }
      }).compile(classC(GOOD_AND_BAD));
      assertThat(c).failed();
      assertEquals(List.of("[matgrad:no-tree-api]"), ProcessorTesting.matgradDiagnostics(c).stream()
          .map(d -> message(d).substring(0, message(d).indexOf(']') + 1)).toList(),
          () -> ProcessorTesting.messages(c).toString());
      assertEquals(1, c.diagnostics().size(), () -> ProcessorTesting.messages(c).toString());
      assertEquals(List.of(), created);
    }
  }

  /** Forwards to a Filer and notes the name of every source file created. */
  static final class FilerRecordingNames implements Filer {
    private final Filer filer;
    private final List<String> names;

    FilerRecordingNames(Filer filer, List<String> names) {
      this.filer = filer;
      this.names = names;
    }

    @Override
    public JavaFileObject createSourceFile(CharSequence name, Element... originatingElements)
        throws IOException {
      names.add(name.toString());
      return filer.createSourceFile(name, originatingElements);
    }

    @Override
    public JavaFileObject createClassFile(CharSequence name, Element... originatingElements)
        throws IOException {
      names.add(name.toString());
      return filer.createClassFile(name, originatingElements);
    }

    @Override
    public FileObject createResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
        CharSequence relativeName, Element... originatingElements) throws IOException {
      names.add(relativeName.toString());
      return filer.createResource(location, moduleAndPkg, relativeName, originatingElements);
    }

    @Override
    public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
        CharSequence relativeName) throws IOException {
      return filer.getResource(location, moduleAndPkg, relativeName);
    }
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
