package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The form of the generated classes (API.md, "What the processor generates"): one public final
 * class per fixture class, of public static methods, plain Java that calls no {@code Ops} method,
 * with Javadoc on each generated method.
 */
class GeneratedCodeTest {

  static List<Class<?>> fixtureClasses() {
    return List.of(ElementwiseOps.class, Reductions.class, SoftmaxOps.class, LinearAlgebraOps.class,
        ScalarArithmetic.class, Composition.class, Composition.Nested.class, OtherFixtures.class,
        SeedProblems.class, Losses.class, UserModels.class, ShapeFixtures.class, EdgeCases.class,
        EdgeCases.Middle.Inner.class, dev.matgrad.it.other.PackageHelpers.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtureClasses")
  void generatedClassIsPublicFinalWithPublicStaticMethods(Class<?> fixture) {
    Class<?> gradients = GradientChecker.gradientsClass(fixture);
    assertEquals(fixture.getPackageName(), gradients.getPackageName());
    assertTrue(Modifier.isPublic(gradients.getModifiers()), gradients + " must be public");
    assertTrue(Modifier.isFinal(gradients.getModifiers()), gradients + " must be final");
    for (Method m : gradients.getDeclaredMethods()) {
      if (m.getName().endsWith("Grad") || m.getName().endsWith("Vjp") || m.getName().endsWith("Jacobian")) {
        assertTrue(Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()),
            m + " must be public static");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtureClasses")
  void generatedCodeCallsNoOpsMethod(Class<?> fixture) throws IOException {
    Class<?> gradients = GradientChecker.gradientsClass(fixture);
    String resource = gradients.getName().substring(gradients.getPackageName().length() + 1) + ".class";
    byte[] bytes;
    try (InputStream stream = gradients.getResourceAsStream(resource)) {
      assertTrue(stream != null, "no class file " + resource);
      bytes = stream.readAllBytes();
    }
    // A call of an Ops method puts the class name dev/matgrad/Ops into the constant pool.
    String constantPool = new String(bytes, StandardCharsets.ISO_8859_1);
    assertFalse(constantPool.contains("dev/matgrad/Ops"), gradients.getName() + " refers to dev.matgrad.Ops");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtureClasses")
  void everyGeneratedMethodHasJavadoc(Class<?> fixture) throws IOException {
    String fileName = GradientChecker.gradientsClassName(fixture)
        .substring(fixture.getPackageName().length() + 1) + ".java";
    Path source = findGeneratedSource(fileName)
        .orElseGet(() -> fail("no generated source " + fileName + " under target/generated-test-sources"));
    String text = Files.readString(source);
    Matcher m = Pattern.compile("public\\s+static\\s+[\\w\\[\\]]+\\s+(\\w+(?:Grad|Vjp|Jacobian))\\s*\\(")
        .matcher(text);
    int methods = 0;
    while (m.find()) {
      methods++;
      String before = text.substring(0, m.start()).stripTrailing();
      // Between the Javadoc and the method there may only be annotations (@Derivation).
      int end = before.lastIndexOf("*/");
      String between = end < 0 ? before : before.substring(end + 2).strip();
      int open = before.lastIndexOf("/*", Math.max(end, 0));
      assertTrue(end >= 0 && (between.isEmpty() || between.startsWith("@")) && open >= 0
              && before.startsWith("/**", open) && end - open > 20,
          source.getFileName() + ": " + m.group(1) + " has no Javadoc");
    }
    assertTrue(methods > 0, "no generated methods found in " + source);
  }

  private static Optional<Path> findGeneratedSource(String fileName) throws IOException {
    Path root = Path.of("target", "generated-test-sources");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.getFileName().toString().equals(fileName)).findFirst();
    }
  }
}
