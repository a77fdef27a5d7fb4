package dev.matgrad.processor;

import java.io.FilterOutputStream;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;

/**
 * Runs the matgrad processor and records the text of every source file it generates.
 * compile-testing only hands out the generated files of a successful compilation; with this, tests
 * also see what was generated next to an error. The environment the processor sees can be wrapped
 * further (as IDEs and build tools do) by {@code wrap}.
 */
final class RecordingProcessor extends AbstractProcessor {
  private final Processor inner = new DifferentiableProcessor();
  private final UnaryOperator<ProcessingEnvironment> wrap;
  private final Map<String, StringWriter> sources = new LinkedHashMap<>();

  RecordingProcessor() {
    this(UnaryOperator.identity());
  }

  RecordingProcessor(UnaryOperator<ProcessingEnvironment> wrap) {
    this.wrap = wrap;
  }

  /** The generated sources by qualified class name. */
  Map<String, String> generatedSources() {
    Map<String, String> out = new LinkedHashMap<>();
    sources.forEach((name, text) -> out.put(name, text.toString()));
    return out;
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return inner.getSupportedAnnotationTypes();
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return inner.getSupportedSourceVersion();
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    inner.init(wrap.apply(new ForwardingEnvironment(env) {
      @Override
      public Filer getFiler() {
        return new RecordingFiler(super.getFiler());
      }
    }));
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    return inner.process(annotations, round);
  }

  private final class RecordingFiler implements Filer {
    private final Filer filer;

    RecordingFiler(Filer filer) {
      this.filer = filer;
    }

    @Override
    public JavaFileObject createSourceFile(CharSequence name, Element... originatingElements)
        throws IOException {
      StringWriter text = new StringWriter();
      JavaFileObject file = filer.createSourceFile(name, originatingElements);
      sources.put(name.toString(), text);
      return new ForwardingJavaFileObject<>(file) {
        @Override
        public Writer openWriter() throws IOException {
          return new FilterWriter(super.openWriter()) {
            @Override
            public void write(int c) throws IOException {
              super.write(c);
              text.write(c);
            }

            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
              super.write(cbuf, off, len);
              text.write(cbuf, off, len);
            }

            @Override
            public void write(String str, int off, int len) throws IOException {
              super.write(str, off, len);
              text.write(str, off, len);
            }
          };
        }

        @Override
        public OutputStream openOutputStream() throws IOException {
          java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
          return new FilterOutputStream(super.openOutputStream()) {
            @Override
            public void write(int b) throws IOException {
              super.write(b);
              bytes.write(b);
            }

            @Override
            public void close() throws IOException {
              super.close();
              text.write(bytes.toString(StandardCharsets.UTF_8));
            }
          };
        }
      };
    }

    @Override
    public JavaFileObject createClassFile(CharSequence name, Element... originatingElements)
        throws IOException {
      return filer.createClassFile(name, originatingElements);
    }

    @Override
    public FileObject createResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
        CharSequence relativeName, Element... originatingElements) throws IOException {
      return filer.createResource(location, moduleAndPkg, relativeName, originatingElements);
    }

    @Override
    public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
        CharSequence relativeName) throws IOException {
      return filer.getResource(location, moduleAndPkg, relativeName);
    }
  }
}
