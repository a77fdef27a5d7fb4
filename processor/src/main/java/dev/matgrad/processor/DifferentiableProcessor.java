package dev.matgrad.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ast.Origin;
import dev.matgrad.processor.codegen.CustomRuleWriter;
import dev.matgrad.processor.codegen.GradientsWriter;
import dev.matgrad.processor.javac.JavacSupport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Generates {@code XGradients} for every class {@code X} with {@code @Differentiable} methods.
 * Each method is processed on its own: an error in one is reported on its line and the others
 * are still generated. The processor never throws into javac.
 */
@AutoService(Processor.class)
public final class DifferentiableProcessor extends AbstractProcessor {
  static final String ANNOTATION = "dev.matgrad.Differentiable";
  /** Claimed too: it only ever marks @Differentiable methods, which this processor reads. */
  static final String CUSTOM_VJP_ANNOTATION = "dev.matgrad.CustomVjp";
  /** Just under the JVM's 64 KB per method, for an estimate (javac would reject the class). */
  static final int MAX_METHOD_BYTECODE = 62 * 1024;
  /**
   * Put on generated methods; claimed (and otherwise ignored) so that javac's -Xlint:processing
   * does not warn that no processor handles it.
   */
  static final String GENERATED_ANNOTATION = "dev.matgrad.Derivation";

  private Optional<JavacSupport> javac;
  /** Generated class name → the class it was generated for, across rounds. */
  private final Map<String, TypeElement> generated = new HashMap<>();
  private boolean reportedNoTreeApi;

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(ANNOTATION, GENERATED_ANNOTATION, CUSTOM_VJP_ANNOTATION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    try {
      processRound(round);
    } catch (RuntimeException | LinkageError bug) {
      // Per-method failures are caught below; this guards the round itself, so javac never crashes.
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          Message.INTERNAL_ERROR.format("this round", bug));
    }
    // @Differentiable is ours alone: claiming it keeps javac's "no processor claimed" warning
    // out of builds that compile with -Xlint:all -Werror.
    return true;
  }

  private void processRound(RoundEnvironment round) {
    TypeElement annotation = processingEnv.getElementUtils().getTypeElement(ANNOTATION);
    if (annotation == null) {
      return;
    }
    Set<? extends Element> annotated = round.getElementsAnnotatedWith(annotation);
    if (annotated.isEmpty()) {
      return;
    }
    if (javac == null) {
      javac = JavacSupport.connect(processingEnv);
    }
    if (javac.isEmpty()) {
      if (!reportedNoTreeApi) {
        reportedNoTreeApi = true;
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
            Message.NO_TREE_API.format(processingEnv.getClass().getName()));
      }
      return;
    }
    Map<TypeElement, List<ExecutableElement>> byClass = new LinkedHashMap<>();
    for (Element e : annotated) {
      if (e.getKind() == ElementKind.METHOD) {
        byClass.computeIfAbsent((TypeElement) e.getEnclosingElement(), k -> new ArrayList<>())
            .add((ExecutableElement) e);
      }
    }
    MethodCompiler compiler = new MethodCompiler(processingEnv, javac.get(), annotation);
    for (Map.Entry<TypeElement, List<ExecutableElement>> entry : byClass.entrySet()) {
      generate(compiler, entry.getKey(), entry.getValue());
    }
  }

  private void generate(MethodCompiler compiler, TypeElement owner, List<ExecutableElement> methods) {
    List<MethodSpec> generatedMethods = new ArrayList<>();
    Set<String> signatures = new HashSet<>();
    String pkg = packageOf(owner);
    boolean javaLangShadowed = shadowsJavaLang(pkg);
    for (ExecutableElement method : methods) {
      try {
        MethodCompiler.Result result = compiler.compile(method);
        if (result == null) {
          continue;
        }
        for (String sig : result.signatures()) {
          if (!signatures.add(sig)) {
            throw new CompileError(new ElementOrigin(method), Message.SIGNATURE_CLASH, sig);
          }
        }
        List<MethodSpec> methodSpecs = result.customRule() != null
            ? CustomRuleWriter.methods(result.customRule())
            : GradientsWriter.methods(result.program(), result.tangent(), result.hessian(),
                javaLangShadowed);
        for (MethodSpec spec : methodSpecs) {
          int bytes = GradientsWriter.estimatedBytecode(spec);
          if (bytes > MAX_METHOD_BYTECODE) {
            throw new CompileError(new ElementOrigin(method), Message.TOO_LARGE,
                spec.name() + " for " + method.getSimpleName(), (bytes + 1023) / 1024);
          }
        }
        generatedMethods.addAll(methodSpecs);
      } catch (CompileError error) {
        report(error, method);
      } catch (RuntimeException | StackOverflowError bug) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
            Message.INTERNAL_ERROR.format(method.getSimpleName(), bug), method);
      }
    }
    if (generatedMethods.isEmpty()) {
      return;
    }
    String generatedName = (pkg.isEmpty() ? "" : pkg + ".")
        + GradientsWriter.className(pkg, owner.getQualifiedName().toString());
    TypeElement previous = generated.putIfAbsent(generatedName, owner);
    if (previous != null) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          Message.GENERATED_CLASS_CLASH.format(generatedName, previous, owner.getQualifiedName()),
          owner);
      return;
    }
    try {
      JavaFile file = GradientsWriter.write(pkg, owner.getQualifiedName().toString(), owner,
          generatedMethods, javaLangShadowed);
      file.writeTo(processingEnv.getFiler());
    } catch (FilerException exists) {
      // A class of that name is already part of the compilation (written by hand, say).
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          Message.GENERATED_CLASS_CLASH.format(generatedName, "an existing class",
              owner.getQualifiedName()), owner);
    } catch (IOException | RuntimeException e) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          Message.INTERNAL_ERROR.format(owner.getSimpleName() + "Gradients", e), owner);
    }
  }

  /** Whether the package declares a class named like a java.lang class the generated code uses. */
  private boolean shadowsJavaLang(String pkg) {
    PackageElement element = processingEnv.getElementUtils().getPackageElement(pkg);
    return element != null && element.getEnclosedElements().stream()
        .anyMatch(e -> GradientsWriter.JAVA_LANG_NAMES.contains(e.getSimpleName().toString()));
  }

  private String packageOf(TypeElement owner) {
    Element e = owner;
    while (!(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return ((PackageElement) e).getQualifiedName().toString();
  }

  void report(CompileError error, Element fallback) {
    report(error.origin(), error.messageKind(), error.getMessage(), fallback);
  }

  void report(Origin written, Message kind, String text, Element fallback) {
    Origin origin = written == null ? null : written.reportAt();
    if (origin instanceof ElementOrigin eo) {
      if (eo.annotation() != null) {
        processingEnv.getMessager().printMessage(kind.kind(), text, eo.element(), eo.annotation(),
            eo.value());
      } else {
        processingEnv.getMessager().printMessage(kind.kind(), text, eo.element());
      }
      return;
    }
    if (origin == null || !javac.get().report(origin, kind.kind(), text)) {
      processingEnv.getMessager().printMessage(kind.kind(), text, fallback);
    }
  }
}
