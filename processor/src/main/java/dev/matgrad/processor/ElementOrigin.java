package dev.matgrad.processor;

import dev.matgrad.processor.ast.Origin;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/** An {@link Origin} that is a declaration (or its annotation), for signature-level errors. */
record ElementOrigin(Element element, AnnotationMirror annotation, AnnotationValue value)
    implements Origin {
  ElementOrigin(Element element) {
    this(element, null, null);
  }

  @Override
  public String source() {
    return element.toString();
  }
}
