package dev.matgrad.processor.ast;

import java.util.List;

/**
 * A @Differentiable method as read from its source: signature, parsed body and the names visible
 * in its compilation unit (for resolving unqualified and class-qualified calls).
 *
 * @param owner the binary-style name of the declaring class, e.g. {@code p.Outer.Inner}
 * @param parameters the parameters in declaration order
 * @param returnType one of double, double[], Matrix (anything else was rejected earlier)
 * @param body the statements; the last one is the return
 * @param staticImports static imports of the compilation unit, e.g. {@code dev.matgrad.Ops.*}
 * @param imports the single-type and on-demand imports, e.g. {@code p.Layers}, {@code p.*}
 */
public record MethodSource(
    String owner,
    String packageName,
    String name,
    List<Parameter> parameters,
    String returnType,
    List<Stmt> body,
    List<String> staticImports,
    List<String> imports,
    Origin origin) {

  /** A parameter; {@code type} is double, double[], Matrix or int. */
  public record Parameter(String name, String type, Origin origin) {}
}
