package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Fixtures for the reductions to {@code double}, on {@code double[]} and on {@code Matrix}.
 * Each result r goes through {@code r·r + r}, so that the reduction's adjoint is scaled by an
 * upstream adjoint 2r + 1 ≠ 1 (a reduction that ignores its upstream adjoint fails) and the local r
 * is used three times.
 */
public final class Reductions {
  private Reductions() {}

  @Differentiable
  public static double sumOfVector(double[] x) {
    double r = sum(x);
    return r * r + r;
  }

  @Differentiable
  public static double sumOfMatrix(Matrix X) {
    double r = sum(X);
    return r * r + r;
  }

  @Differentiable
  public static double meanOfVector(double[] x) {
    double r = mean(x);
    return r * r + r;
  }

  @Differentiable
  public static double meanOfMatrix(Matrix X) {
    double r = mean(X);
    return r * r + r;
  }

  @Differentiable
  public static double sumSqOfVector(double[] x) {
    double r = sumSq(x);
    return r * r + r;
  }

  @Differentiable
  public static double sumSqOfMatrix(Matrix X) {
    double r = sumSq(X);
    return r * r + r;
  }

  @Differentiable
  public static double norm1OfVector(double[] x) {
    double r = norm1(x);
    return r * r + r;
  }

  @Differentiable
  public static double norm1OfMatrix(Matrix X) {
    double r = norm1(X);
    return r * r + r;
  }

  @Differentiable
  public static double norm2OfVector(double[] x) {
    double r = norm2(x);
    return r * r + r;
  }

  @Differentiable
  public static double norm2OfMatrix(Matrix X) {
    double r = norm2(X);
    return r * r + r;
  }

  @Differentiable
  public static double logSumExpOfVector(double[] x) {
    double r = logSumExp(x);
    return r * r + r;
  }

  @Differentiable
  public static double logSumExpOfMatrix(Matrix X) {
    double r = logSumExp(X);
    return r * r + r;
  }

  @Differentiable(wrt = "x")
  public static double normPOfVector(double[] x, double p) {
    double r = normP(x, p);
    return r * r + r;
  }

  /** An {@code int} parameter used as a number: the mean written by hand. */
  @Differentiable
  public static double sumOverCount(double[] x, int n) {
    return sum(x) / n;
  }

  @Differentiable
  public static double reciprocalCountTimesSumSq(Matrix X, int n) {
    return 1.0 / n * sumSq(X);
  }
}
