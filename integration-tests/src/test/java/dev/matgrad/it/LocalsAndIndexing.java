package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** Reassigned locals, compound assignment, element reads and overloads chosen by argument type. */
public final class LocalsAndIndexing {
  private LocalsAndIndexing() {}

  @Differentiable
  public static double reassignedLocals(double[] x, double a) {
    double loss = 0;
    loss += sumSq(x);
    loss = loss * a;
    double[] h = tanh(x);
    h = scale(a, h);
    loss -= dot(h, x) / x.length;
    return loss;
  }

  @Differentiable(wrt = "x")
  public static double vectorElements(double[] x, int i) {
    return x[i] * sum(x) + x[(i + 1) % x.length] * x[0];
  }

  @Differentiable(wrt = "A")
  public static double matrixElements(Matrix A, int i, int j) {
    return A.get(i, j) * A.get(0, 0) + A.get(A.rows() - 1, A.cols() - 1) * sumSq(A);
  }

  @Differentiable
  public static double weighted(double[] x) {
    return sum(x);
  }

  @Differentiable
  public static double weighted(Matrix X) {
    return 2.0 * sum(X);
  }

  @Differentiable
  public static double callsOverloads(Matrix X, double[] y) {
    return weighted(X) * weighted(y);
  }
}
