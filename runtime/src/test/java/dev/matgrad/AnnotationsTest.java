package dev.matgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The annotations users write: their elements, defaults, retention and targets. */
class AnnotationsTest {

  private static void assertClassRetainedOnMethods(Class<? extends Annotation> type) {
    assertTrue(type.isAnnotation());
    assertEquals(RetentionPolicy.CLASS, type.getAnnotation(Retention.class).value(),
        "the processor reads it from the sources; nothing needs it at run time");
    assertArrayEquals(new ElementType[] {ElementType.METHOD},
        type.getAnnotation(Target.class).value());
    assertNotNull(type.getAnnotation(Documented.class), "shown in the user's Javadoc");
  }

  private static String elements(Class<? extends Annotation> type) {
    return Arrays.stream(type.getDeclaredMethods())
        .map(m -> m.getReturnType().getSimpleName() + " " + m.getName() + " = "
            + (m.getDefaultValue() == null ? "(required)"
                : m.getDefaultValue() instanceof String[] a ? Arrays.toString(a)
                    : m.getDefaultValue()))
        .sorted()
        .reduce((a, b) -> a + "; " + b)
        .orElse("");
  }

  @Test
  void differentiableHasWrtAndHessianWithDefaults() {
    assertClassRetainedOnMethods(Differentiable.class);
    assertEquals("String[] wrt = []; boolean hessian = false", elements(Differentiable.class));
  }

  @Test
  void customVjpNamesItsRuleWithARequiredValue() throws NoSuchMethodException {
    assertClassRetainedOnMethods(CustomVjp.class);
    assertEquals("String value = (required)", elements(CustomVjp.class));
    Method value = CustomVjp.class.getDeclaredMethod("value");
    assertNull(value.getDefaultValue());
  }

  @Test
  void derivationIsReadableAtRunTime() {
    assertEquals(RetentionPolicy.RUNTIME, Derivation.class.getAnnotation(Retention.class).value());
  }
}
