package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;
import dev.matgrad.Matrix;

/**
 * Fixtures for API.md's "More Ops": the new elementwise functions (and the Math ones), scalar
 * broadcast, maximum and minimum, row and column sums and reads, max and min, identity and ones.
 * Named as in {@link ElementwiseOps}: weights (c, C, w) are constants so every entry of an
 * adjoint reaches the result with its own random weight.
 */
public final class MoreOps {
  private MoreOps() {}

  @Differentiable(wrt = "x")
  public static double log1pOfDouble(double x, double w) {
    return w * log1p(x);
  }

  @Differentiable(wrt = "x")
  public static double log1pOfVector(double[] x, double[] c) {
    return dot(c, log1p(x));
  }

  @Differentiable(wrt = "X")
  public static double log1pOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, log1p(X)));
  }

  @Differentiable
  public static double[] log1pVectorValued(double[] x) {
    return log1p(x);
  }

  @Differentiable
  public static Matrix log1pMatrixValued(Matrix X) {
    return log1p(X);
  }

  @Differentiable(wrt = "x")
  public static double expm1OfDouble(double x, double w) {
    return w * expm1(x);
  }

  @Differentiable(wrt = "x")
  public static double expm1OfVector(double[] x, double[] c) {
    return dot(c, expm1(x));
  }

  @Differentiable(wrt = "X")
  public static double expm1OfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, expm1(X)));
  }

  @Differentiable
  public static double[] expm1VectorValued(double[] x) {
    return expm1(x);
  }

  @Differentiable
  public static Matrix expm1MatrixValued(Matrix X) {
    return expm1(X);
  }

  @Differentiable(wrt = "x")
  public static double atanOfDouble(double x, double w) {
    return w * atan(x);
  }

  @Differentiable(wrt = "x")
  public static double atanOfVector(double[] x, double[] c) {
    return dot(c, atan(x));
  }

  @Differentiable(wrt = "X")
  public static double atanOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, atan(X)));
  }

  @Differentiable
  public static double[] atanVectorValued(double[] x) {
    return atan(x);
  }

  @Differentiable
  public static Matrix atanMatrixValued(Matrix X) {
    return atan(X);
  }

  @Differentiable(wrt = "x")
  public static double sinhOfDouble(double x, double w) {
    return w * sinh(x);
  }

  @Differentiable(wrt = "x")
  public static double sinhOfVector(double[] x, double[] c) {
    return dot(c, sinh(x));
  }

  @Differentiable(wrt = "X")
  public static double sinhOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, sinh(X)));
  }

  @Differentiable
  public static double[] sinhVectorValued(double[] x) {
    return sinh(x);
  }

  @Differentiable
  public static Matrix sinhMatrixValued(Matrix X) {
    return sinh(X);
  }

  @Differentiable(wrt = "x")
  public static double coshOfDouble(double x, double w) {
    return w * cosh(x);
  }

  @Differentiable(wrt = "x")
  public static double coshOfVector(double[] x, double[] c) {
    return dot(c, cosh(x));
  }

  @Differentiable(wrt = "X")
  public static double coshOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, cosh(X)));
  }

  @Differentiable
  public static double[] coshVectorValued(double[] x) {
    return cosh(x);
  }

  @Differentiable
  public static Matrix coshMatrixValued(Matrix X) {
    return cosh(X);
  }

  @Differentiable(wrt = "x")
  public static double mathLog1p(double x, double w) {
    return w * Math.log1p(x);
  }

  @Differentiable(wrt = "x")
  public static double mathExpm1(double x, double w) {
    return w * Math.expm1(x);
  }

  @Differentiable(wrt = "x")
  public static double mathAtan(double x, double w) {
    return w * Math.atan(x);
  }

  @Differentiable(wrt = "x")
  public static double mathSinh(double x, double w) {
    return w * Math.sinh(x);
  }

  @Differentiable(wrt = "x")
  public static double mathCosh(double x, double w) {
    return w * Math.cosh(x);
  }

  @Differentiable(wrt = "x")
  public static double mathTan(double x, double w) {
    return w * Math.tan(0.5 * x);
  }

  @Differentiable(wrt = "x")
  public static double mathAsin(double x, double w) {
    return w * Math.asin(0.5 * x);
  }

  @Differentiable(wrt = "x")
  public static double mathAcos(double x, double w) {
    return w * Math.acos(0.5 * x);
  }

  @Differentiable(wrt = "x")
  public static double mathCbrt(double x, double w) {
    return w * Math.cbrt(x);
  }

  @Differentiable(wrt = "x")
  public static double mathLog10(double x, double w) {
    return w * Math.log10(x);
  }

  @Differentiable(wrt = "x")
  public static double mathSignumTimesX(double x, double w) {
    return w * Math.signum(x) * x;
  }

  @Differentiable
  public static double mathHypot(double x, double y) {
    return Math.hypot(x, y);
  }

  @Differentiable
  public static double mathMax(double a, double b) {
    return Math.max(a, b) * 2.0 + Math.min(a, b);
  }

  @Differentiable(wrt = "x")
  public static double mathMaxOfInts(double x, int n) {
    int k = Math.max(n, 2) + Math.min(n, 3);
    return x * k;
  }

  @Differentiable(wrt = {"x", "s"})
  public static double addVectorScalar(double[] x, double s, double[] c) {
    return dot(c, add(x, s));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double addScalarVector(double[] x, double s, double[] c) {
    return dot(c, add(s, x));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double addMatrixScalar(Matrix X, double s, Matrix C) {
    return sum(mul(C, add(X, s)));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double addScalarMatrix(Matrix X, double s, Matrix C) {
    return sum(mul(C, add(s, X)));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double subVectorScalar(double[] x, double s, double[] c) {
    return dot(c, sub(x, s));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double subScalarVector(double[] x, double s, double[] c) {
    return dot(c, sub(s, x));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double subMatrixScalar(Matrix X, double s, Matrix C) {
    return sum(mul(C, sub(X, s)));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double subScalarMatrix(Matrix X, double s, Matrix C) {
    return sum(mul(C, sub(s, X)));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double mulVectorScalar(double[] x, double s, double[] c) {
    return dot(c, mul(x, s));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double mulScalarVector(double[] x, double s, double[] c) {
    return dot(c, mul(s, x));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double mulMatrixScalar(Matrix X, double s, Matrix C) {
    return sum(mul(C, mul(X, s)));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double mulScalarMatrix(Matrix X, double s, Matrix C) {
    return sum(mul(C, mul(s, X)));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double divVectorScalar(double[] x, double s, double[] c) {
    return dot(c, div(x, s));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double divScalarVector(double[] x, double s, double[] c) {
    return dot(c, div(s, x));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double divMatrixScalar(Matrix X, double s, Matrix C) {
    return sum(mul(C, div(X, s)));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double divScalarMatrix(Matrix X, double s, Matrix C) {
    return sum(mul(C, div(s, X)));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double maximumVectorScalar(double[] x, double s, double[] c) {
    return dot(c, maximum(x, s));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double maximumScalarVector(double[] x, double s, double[] c) {
    return dot(c, maximum(s, x));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double maximumMatrixScalar(Matrix X, double s, Matrix C) {
    return sum(mul(C, maximum(X, s)));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double maximumScalarMatrix(Matrix X, double s, Matrix C) {
    return sum(mul(C, maximum(s, X)));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double minimumVectorScalar(double[] x, double s, double[] c) {
    return dot(c, minimum(x, s));
  }

  @Differentiable(wrt = {"x", "s"})
  public static double minimumScalarVector(double[] x, double s, double[] c) {
    return dot(c, minimum(s, x));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double minimumMatrixScalar(Matrix X, double s, Matrix C) {
    return sum(mul(C, minimum(X, s)));
  }

  @Differentiable(wrt = {"X", "s"})
  public static double minimumScalarMatrix(Matrix X, double s, Matrix C) {
    return sum(mul(C, minimum(s, X)));
  }

  @Differentiable(wrt = {"x", "y"})
  public static double maximumOfVectors(double[] x, double[] y, double[] c) {
    return dot(c, maximum(x, y));
  }

  @Differentiable(wrt = {"X", "Y"})
  public static double maximumOfMatrices(Matrix X, Matrix Y, Matrix C) {
    return sum(mul(C, maximum(X, Y)));
  }

  @Differentiable
  public static double[] maximumVectorsValued(double[] x, double[] y) {
    return maximum(x, y);
  }

  @Differentiable(wrt = {"x", "y"})
  public static double minimumOfVectors(double[] x, double[] y, double[] c) {
    return dot(c, minimum(x, y));
  }

  @Differentiable(wrt = {"X", "Y"})
  public static double minimumOfMatrices(Matrix X, Matrix Y, Matrix C) {
    return sum(mul(C, minimum(X, Y)));
  }

  @Differentiable
  public static double[] minimumVectorsValued(double[] x, double[] y) {
    return minimum(x, y);
  }

  /** Centring needs a scalar broadcast: x − mean(x). */
  @Differentiable
  public static double[] centred(double[] x) {
    return sub(x, mean(x));
  }

  @Differentiable(wrt = "X")
  public static double rowSumsOf(Matrix X, double[] c) {
    return dot(c, rowSums(X));
  }

  @Differentiable(wrt = "X")
  public static double colSumsOf(Matrix X, Matrix C) {
    return dot(colSums(C), colSums(X));
  }

  @Differentiable
  public static double[] rowSumsValued(Matrix X) {
    return rowSums(X);
  }

  @Differentiable
  public static double[] colSumsValued(Matrix X) {
    return colSums(X);
  }

  @Differentiable(wrt = {"X", "B"})
  public static double addToEachRowOf(Matrix X, Matrix B, Matrix C) {
    return sum(mul(C, addToEachRow(X, colSums(B))));
  }

  @Differentiable(wrt = "x")
  public static double maxOfVector(double[] x, double w) {
    return w * max(x) + min(x);
  }

  @Differentiable
  public static double[] rowOfMatrix(Matrix X) {
    return row(X, 0);
  }

  @Differentiable
  public static double[] colOfMatrix(Matrix X) {
    return col(X, X.cols() - 1);
  }

  @Differentiable(wrt = "X")
  public static double rowAndCol(Matrix X, Matrix C, double[] c) {
    return dot(row(X, 0), row(C, 0)) + dot(c, col(X, 0));
  }

  @Differentiable(wrt = "X")
  public static double traceByIdentity(Matrix X) {
    return sum(mul(matmul(transpose(X), X), identity(X.cols())));
  }

  @Differentiable(wrt = "x")
  public static double sumByOnes(double[] x, double[] c) {
    return dot(ones(x.length), mul(c, x)) + sum(add(x, ones(c.length)));
  }

  @Differentiable(wrt = "x")
  public static double erfOfDouble(double x, double w) {
    return w * erf(x);
  }

  @Differentiable(wrt = "x")
  public static double erfOfVector(double[] x, double[] c) {
    return dot(c, erf(x));
  }

  @Differentiable(wrt = "X")
  public static double erfOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, erf(X)));
  }

  @Differentiable
  public static double[] erfVectorValued(double[] x) {
    return erf(x);
  }

  @Differentiable
  public static Matrix erfMatrixValued(Matrix X) {
    return erf(X);
  }

  @Differentiable(wrt = "x")
  public static double erfcOfDouble(double x, double w) {
    return w * erfc(x);
  }

  @Differentiable(wrt = "x")
  public static double erfcOfVector(double[] x, double[] c) {
    return dot(c, erfc(x));
  }

  @Differentiable(wrt = "X")
  public static double erfcOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, erfc(X)));
  }

  @Differentiable
  public static double[] erfcVectorValued(double[] x) {
    return erfc(x);
  }

  @Differentiable
  public static Matrix erfcMatrixValued(Matrix X) {
    return erfc(X);
  }

  /** log erfc x, finite far into the upper tail because erfc is computed there directly. */
  @Differentiable
  public static double logErfc(double x) {
    return Math.log(erfc(x));
  }

  @Differentiable(wrt = "x")
  public static double normalCdfOfDouble(double x, double w) {
    return w * normalCdf(x);
  }

  @Differentiable(wrt = "x")
  public static double normalCdfOfVector(double[] x, double[] c) {
    return dot(c, normalCdf(x));
  }

  @Differentiable(wrt = "X")
  public static double normalCdfOfMatrix(Matrix X, Matrix C) {
    return sum(mul(C, normalCdf(X)));
  }

  @Differentiable
  public static double[] normalCdfVectorValued(double[] x) {
    return normalCdf(x);
  }

  @Differentiable
  public static Matrix normalCdfMatrixValued(Matrix X) {
    return normalCdf(X);
  }
}
