package dev.matgrad.processor.passes;

import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Node;
import java.util.List;
import java.util.Map;

/**
 * One method in IR form, as the passes hand it on.
 *
 * @param params the method's parameters in declaration order
 * @param wrt the parameters to differentiate, in declaration order
 * @param output the method's result
 * @param seed the adjoint of the output: the constant 1 for a scalar function, the parameter
 *     {@code gradOut} for a vector-Jacobian product; null before reverse mode
 * @param gradients for each wrt parameter its adjoint, or null where the result does not depend
 *     on it; empty before reverse mode
 */
public record Program(
    MethodSource source,
    Graph graph,
    List<Node.Param> params,
    List<Node.Param> wrt,
    Node output,
    Node seed,
    Map<String, Node> gradients) {

  public boolean scalarValued() {
    return output.shape().isScalar();
  }
}
