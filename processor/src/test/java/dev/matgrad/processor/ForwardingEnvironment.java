package dev.matgrad.processor;

import java.util.Locale;
import java.util.Map;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * A processing environment that forwards to another one kept in a field named {@code delegate},
 * the way Gradle's incremental-processing wrapper does. Subclasses override what they change.
 */
class ForwardingEnvironment implements ProcessingEnvironment {
  /** Not final, so that tests can build a cycle of wrappers. */
  ProcessingEnvironment delegate;

  ForwardingEnvironment(ProcessingEnvironment delegate) {
    this.delegate = delegate;
  }

  @Override
  public Map<String, String> getOptions() {
    return delegate.getOptions();
  }

  @Override
  public Messager getMessager() {
    return delegate.getMessager();
  }

  @Override
  public Filer getFiler() {
    return delegate.getFiler();
  }

  @Override
  public Elements getElementUtils() {
    return delegate.getElementUtils();
  }

  @Override
  public Types getTypeUtils() {
    return delegate.getTypeUtils();
  }

  @Override
  public SourceVersion getSourceVersion() {
    return delegate.getSourceVersion();
  }

  @Override
  public Locale getLocale() {
    return delegate.getLocale();
  }

  @Override
  public boolean isPreviewEnabled() {
    return delegate.isPreviewEnabled();
  }
}
