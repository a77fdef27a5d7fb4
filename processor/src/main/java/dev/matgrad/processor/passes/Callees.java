package dev.matgrad.processor.passes;

import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ast.Origin;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ops.CustomCalls;
import java.util.List;

/**
 * Name resolution that needs the compiler's view of classes: which class a name or an
 * unqualified call refers to, and the @Differentiable methods a body calls (to inline them).
 */
public interface Callees {
  /**
   * The qualified name of the class {@code qualifier} names in the caller's file, by Java's
   * rules (nested classes, single-type imports, the package, on-demand imports, java.lang, a
   * fully qualified name), or null.
   */
  String resolveClass(MethodSource caller, String qualifier);

  /**
   * The class that supplies an unqualified call of {@code name}: the caller's class with its
   * superclasses, then each enclosing class, then single static imports, then on-demand ones;
   * null if none does.
   */
  String ownerOfUnqualified(MethodSource caller, String name);

  /**
   * The @Differentiable method {@code owner.name} taking arguments of these kinds. Returns null
   * when the class has no method of that name and arity, and throws a CompileError at {@code at}
   * when it has one that cannot be inlined.
   */
  MethodSource find(String owner, String name, List<Kind> args, Origin at);

  /**
   * The method {@code owner.name} taking arguments of these kinds if it has a {@code @CustomVjp}
   * rule (it is then called, not inlined), else null. Throws a CompileError at {@code at} when
   * the generated code of {@code caller} could not call it or its rule.
   */
  default CustomCalls.Callee custom(MethodSource caller, String owner, String name, List<Kind> args,
      Origin at) {
    return null;
  }

  /**
   * The value of the {@code static final} double or int constant {@code name} that the caller's
   * code sees (its class, superclasses and enclosing classes when {@code qualifier} is empty,
   * else the class {@code qualifier} names): a Double or an Integer, or null if there is none.
   */
  Number constant(MethodSource caller, String qualifier, String name);
}
