package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/** Counted loops: every header form, carried locals of every type, nesting, element reads. */
public final class Loops {
  private Loops() {}

  static final int STEPS = 4;
  static final double DT = 0.05;

  /** Rosenbrock over n dimensions, written as users write it. */
  @Differentiable
  public static double rosenbrock(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length - 1; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      s += 100 * a * a + b * b;
    }
    return s;
  }

  /** A product: the adjoint needs each partial product, which the tape records. */
  @Differentiable
  public static double product(double[] x) {
    double p = 1;
    for (int i = 0; i < x.length; i++) {
      p *= x[i];
    }
    return p;
  }

  /** A pairwise energy over the particles (3 coordinates each), j from i + 1. */
  @Differentiable
  public static double pairEnergy(double[] x) {
    int n = x.length / 3;
    double e = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double r2 = 0;
        for (int k = 0; k < 3; k++) {
          double d = x[3 * i + k] - x[3 * j + k];
          r2 += d * d;
        }
        double inv = 1.0 / (1.0 + r2);
        e += inv * inv - inv;
      }
    }
    return e;
  }

  /** An Elman RNN over the columns of X: a carried vector. */
  @Differentiable
  public static double rnn(Matrix W, Matrix U, double[] b, Matrix X, double[] h0) {
    double[] h = h0;
    for (int t = 0; t < X.cols(); t++) {
      h = tanh(add(add(matmul(W, h), matmul(U, col(X, t))), b));
    }
    return sumSq(h);
  }

  /** The other header forms: <=, a descending index, strides, a flipped condition, a step parameter. */
  @Differentiable(wrt = "x")
  public static double headerForms(double[] x, int stride) {
    double s = 0;
    for (int i = 0; i <= x.length - 1; i++) {
      s += x[i] * (i + 1);
    }
    for (int i = x.length - 1; i >= 0; i--) {
      s = s * 0.5 + x[i];
    }
    for (int i = x.length - 1; i > 0; i -= 2) {
      s += x[i] * x[i - 1];
    }
    for (int i = 0; x.length > i; i += stride) {
      s += Math.sin(x[i]);
    }
    return s;
  }

  /** Euler integration of a spring: two carried doubles updated in turn, constants for the sizes. */
  @Differentiable
  public static double euler(double p0, double v0, double k) {
    double p = p0;
    double v = v0;
    for (int step = 0; step < STEPS * 10; step++) {
      double a = -k * p;
      v += DT * a;
      p += DT * v;
    }
    return p * p + 0.5 * v * v;
  }

  /** Carried values swapped each iteration (a Fibonacci-like recurrence). */
  @Differentiable
  public static double swaps(double a0, double b0, int n) {
    double a = a0;
    double b = b0;
    for (int i = 0; i < n; i++) {
      double t = a * 0.5 + b;
      a = b;
      b = t;
    }
    return a * b;
  }

  /** A carried int counter and a carried matrix. */
  @Differentiable(wrt = "A")
  public static double matrixPower(Matrix A, int n) {
    Matrix P = A;
    int count = 1;
    for (int i = 1; i < n; i++) {
      P = matmul(P, A);
      count += 1;
    }
    return sum(P) / count;
  }

  /** A loop whose body calls another @Differentiable method and reads matrix entries. */
  @Differentiable
  public static double entries(Matrix A, double[] w) {
    double s = 0;
    for (int i = 0; i < A.rows(); i++) {
      for (int j = 0; j < A.cols(); j++) {
        s += softplusOf(A.get(i, j) * w[j]);
      }
    }
    return s;
  }

  @Differentiable
  public static double softplusOf(double z) {
    return softplus(z);
  }

  /** A vector-valued method whose result a loop builds. */
  @Differentiable(wrt = {"W", "x"})
  public static double[] fixedPointSteps(Matrix W, double[] x, int steps) {
    double[] y = x;
    for (int i = 0; i < steps; i++) {
      y = tanh(add(matmul(W, y), x));
    }
    return y;
  }

  /** A loop that may run zero times: the result is the initial value. */
  @Differentiable(wrt = "x")
  public static double maybeEmpty(double[] x, int n) {
    double s = x[0];
    for (int i = 0; i < n; i++) {
      s = s * x[i % x.length];
    }
    return s;
  }
}
