package dev.matgrad.processor.passes;

import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ast.Origin;
import dev.matgrad.processor.ir.Kind;
import java.util.List;

/** Finds the @Differentiable methods a body calls, so that the resolver can inline them. */
public interface Callees {
  /**
   * The method {@code qualifier.name} called from {@code caller} with arguments of these kinds:
   * {@code qualifier} is "" for an unqualified call (the caller's class, then static imports),
   * or a class name as written. Returns null when no method of that name exists there, and
   * throws a CompileError at {@code at} when it exists but cannot be inlined.
   */
  MethodSource find(MethodSource caller, String qualifier, String name, List<Kind> args, Origin at);
}
