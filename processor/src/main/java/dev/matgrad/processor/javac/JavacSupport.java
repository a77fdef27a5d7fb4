package dev.matgrad.processor.javac;

import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.matgrad.processor.CompileError;
import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ast.Origin;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.ExecutableElement;
import javax.tools.Diagnostic;

/**
 * The one door to the javac Tree API. Everything else in the processor works on {@link
 * MethodSource} and {@link Origin} and never imports {@code com.sun.source}.
 */
public final class JavacSupport {
  private final Trees trees;

  private JavacSupport(Trees trees) {
    this.trees = trees;
  }

  /**
   * Connects to javac's trees. Build tools wrap the processing environment (Gradle's incremental
   * wrapper keeps the original in a field named {@code delegate}, IntelliJ hands out a dynamic
   * proxy whose handler captured it as an {@code Object}), so when {@link Trees#instance} refuses
   * the environment we look inside it, as established processors do: through every field of the
   * wrapper (or of the proxy's handler) that holds a processing environment, whatever its declared
   * type, a few levels deep.
   *
   * @return empty when no javac environment can be found (e.g. under the Eclipse compiler)
   */
  public static Optional<JavacSupport> connect(ProcessingEnvironment env) {
    ProcessingEnvironment current = env;
    for (int depth = 0; current != null && depth < 8; depth++) {
      try {
        return Optional.of(new JavacSupport(Trees.instance(current)));
      } catch (IllegalArgumentException | LinkageError notJavac) {
        current = unwrap(current);
      }
    }
    return Optional.empty();
  }

  private static ProcessingEnvironment unwrap(ProcessingEnvironment env) {
    Object holder = Proxy.isProxyClass(env.getClass()) ? Proxy.getInvocationHandler(env) : env;
    for (Class<?> c = holder.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (mayHoldEnvironment(field)) {
          try {
            field.setAccessible(true);
            Object inner = field.get(holder);
            if (inner != env && inner instanceof ProcessingEnvironment pe) {
              return pe;
            }
          } catch (ReflectiveOperationException | RuntimeException inaccessible) {
            // try the next field
          }
        }
      }
    }
    return null;
  }

  /**
   * An instance field declared as a processing environment, a subtype of one, or a supertype
   * such as Object (IntelliJ's proxy handler captures the environment as a type variable).
   */
  private static boolean mayHoldEnvironment(Field field) {
    Class<?> type = field.getType();
    return !Modifier.isStatic(field.getModifiers())
        && (type.isAssignableFrom(ProcessingEnvironment.class)
            || ProcessingEnvironment.class.isAssignableFrom(type));
  }

  /**
   * A method as read: its source (unsupported parts replaced, see {@link BodyReader}) and an
   * error on the tree of each unsupported construct, in source order.
   */
  public record Read(MethodSource source, List<CompileError> errors) {}

  /** Reads the method's signature and body; null when its body is not in this compilation. */
  public Read read(ExecutableElement method) {
    TreePath path = trees.getPath(method);
    if (path == null || !(path.getLeaf() instanceof MethodTree tree) || tree.getBody() == null) {
      return null;
    }
    BodyReader reader = new BodyReader(path.getCompilationUnit());
    MethodSource source = reader.read(method, tree);
    return new Read(source, reader.errors());
  }

  /** Reports {@code message} on the origin's tree (file, line and column of that expression). */
  public boolean report(Origin origin, Diagnostic.Kind kind, String message) {
    if (origin instanceof TreeOrigin t) {
      trees.printMessage(kind, message, t.tree(), t.unit());
      return true;
    }
    return false;
  }
}
