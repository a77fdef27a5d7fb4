package dev.matgrad.processor.passes;

import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Node;
import java.util.ArrayList;
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
 * @param directions forward mode's direction parameters, one per wrt parameter in order (the
 *     tangents of the inputs); empty before forward mode
 * @param tangent forward mode's result: the derivative of the output along the directions, or
 *     null where the output does not depend on them (also before forward mode)
 */
public record Program(
    MethodSource source,
    Graph graph,
    List<Node.Param> params,
    List<Node.Param> wrt,
    Node output,
    Node seed,
    Map<String, Node> gradients,
    List<Node.Param> directions,
    Node tangent) {

  /** A program before either mode of differentiation. */
  public Program(MethodSource source, Graph graph, List<Node.Param> params, List<Node.Param> wrt,
      Node output) {
    this(source, graph, params, wrt, output, null, Map.of(), List.of(), null);
  }

  /** The program with reverse mode's seed and gradients. */
  public Program withGradients(Node seed, Map<String, Node> gradients) {
    return new Program(source, graph, params, wrt, output, seed, gradients, directions, tangent);
  }

  /** The program with forward mode's directions and tangent. */
  public Program withTangent(List<Node.Param> directions, Node tangent) {
    return new Program(source, graph, params, wrt, output, seed, gradients, directions, tangent);
  }

  /**
   * What every pass keeps: the parameters, the output, and the seed, gradients, directions and
   * tangent where present (nulls included: a caller skips them).
   */
  public List<Node> roots() {
    List<Node> roots = new ArrayList<>(params);
    roots.add(output);
    roots.add(seed);
    roots.addAll(gradients.values());
    roots.addAll(directions);
    roots.add(tangent);
    return roots;
  }

  public boolean scalarValued() {
    return output.shape().isScalar();
  }
}
