package dev.matgrad.it;

import dev.matgrad.Matrix;

/** Hand-written stand-in for generated code, see {@link HandWritten}. Not produced by the processor. */
public final class HandWrittenGradients {
  private HandWrittenGradients() {}

  public static double weightedCubesGrad(double[] x, double[] y, double[] gradX, double[] gradY) {
    for (int i = 0; i < x.length; i++) {
      gradX[i] = 3 * y[i] * x[i] * x[i];
      gradY[i] = x[i] * x[i] * x[i];
    }
    return HandWritten.weightedCubes(x, y);
  }

  public static double wrongEntryGrad(double[] x, double[] y, double[] gradX, double[] gradY) {
    double value = weightedCubesGrad(x, y, gradX, gradY);
    gradY[2] *= 1.001;
    return value;
  }

  public static double accumulatesGrad(double[] x, double[] y, double[] gradX, double[] gradY) {
    for (int i = 0; i < x.length; i++) {
      gradX[i] += 3 * y[i] * x[i] * x[i];
      gradY[i] = x[i] * x[i] * x[i];
    }
    return HandWritten.weightedCubes(x, y);
  }

  public static double leavesAnEntryUnwrittenGrad(double[] x, double[] y, double[] gradX, double[] gradY) {
    for (int i = 0; i < x.length; i++) {
      if (x[i] != 0 && y[i] != 0) {
        gradX[i] = 3 * y[i] * x[i] * x[i];
      }
      gradY[i] = x[i] * x[i] * x[i];
    }
    return HandWritten.weightedCubes(x, y);
  }

  public static double modifiesItsInputGrad(double[] x, double[] y, double[] gradX, double[] gradY) {
    double value = weightedCubesGrad(x, y, gradX, gradY);
    y[y.length - 1] = -y[y.length - 1];
    return value;
  }

  public static void productVjp(Matrix a, double[] x, double[] gradOut, double[] gradA, double[] gradX) {
    int rows = a.rows();
    int cols = a.cols();
    for (int j = 0; j < cols; j++) {
      gradX[j] = 0;
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        gradA[i * cols + j] = gradOut[i] * x[j];
        gradX[j] += a.get(i, j) * gradOut[i];
      }
    }
  }

  public static void productJacobian(Matrix a, double[] x, double[] jacA, double[] jacX) {
    int m = a.rows();
    int cols = a.cols();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < cols; j++) {
        for (int r = 0; r < m; r++) {
          jacA[(i * cols + j) * m + r] = r == i ? x[j] : 0.0;
        }
        jacX[j * m + i] = a.get(i, j);
      }
    }
  }

  public static void transposedJacobianVjp(Matrix a, double[] x, double[] gradOut, double[] gradA, double[] gradX) {
    productVjp(a, x, gradOut, gradA, gradX);
  }

  /** Lays jac_x out as m×n (jac[r*n + j]) instead of n×m. */
  public static void transposedJacobianJacobian(Matrix a, double[] x, double[] jacA, double[] jacX) {
    productJacobian(a, x, jacA, jacX);
    int m = a.rows();
    int cols = a.cols();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < cols; j++) {
        jacX[i * cols + j] = a.get(i, j);
      }
    }
  }

  /** Uses Aᵀ's layout by mistake: gradX[j] = Σ_i A[j][i]·u_i (only right for symmetric A). */
  public static void wrongVjpVjp(Matrix a, double[] x, double[] gradOut, double[] gradA, double[] gradX) {
    productVjp(a, x, gradOut, gradA, gradX);
    for (int j = 0; j < a.cols(); j++) {
      gradX[j] = 0;
      for (int i = 0; i < a.rows(); i++) {
        gradX[j] += a.data()[(j * a.rows() + i) % a.data().length] * gradOut[i];
      }
    }
  }

  public static void wrongVjpJacobian(Matrix a, double[] x, double[] jacA, double[] jacX) {
    productJacobian(a, x, jacA, jacX);
  }
}
