package dev.matgrad;

/** Hand-written derivatives of {@link GradCheckModel} with the signatures matgrad generates. */
public final class GradCheckModelGradients {
  private GradCheckModelGradients() {}

  /** Set by a test to make {@link #lossHvp} wrong in its first x entry. */
  static double hvpError = 0;

  @Derivation(method = "loss", wrt = {"A", "x"}, notation = {})
  public static double lossGrad(Matrix A, double[] x, double c, double[] grad_A, double[] grad_x) {
    double[] y = GradCheckModel.times(A, x);
    int r = A.rows();
    int n = A.cols();
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < n; j++) {
        grad_A[i * n + j] = 2 * c * y[i] * x[j];
      }
    }
    for (int j = 0; j < n; j++) {
      grad_x[j] = 0;
      for (int i = 0; i < r; i++) {
        grad_x[j] += 2 * c * A.get(i, j) * y[i];
      }
    }
    return GradCheckModel.loss(A, x, c);
  }

  @Derivation(method = "loss", wrt = {"A", "x"}, notation = {})
  public static double lossGrad(Matrix A, double[] x, double c, double[] grad_A, double[] grad_x,
      Workspace workspace) {
    return lossGrad(A, x, c, grad_A, grad_x);
  }

  public static double lossJvp(Matrix A, double[] x, double c, double[] dir_A, double[] dir_x) {
    double[] gA = new double[dir_A.length];
    double[] gx = new double[dir_x.length];
    lossGrad(A, x, c, gA, gx);
    double s = 0;
    for (int i = 0; i < gA.length; i++) {
      s += gA[i] * dir_A[i];
    }
    for (int i = 0; i < gx.length; i++) {
      s += gx[i] * dir_x[i];
    }
    return s;
  }

  /** d(∇_A) = 2c (dy xᵀ + y uᵀ), d(∇_x) = 2c (Vᵀ y + Aᵀ dy) with dy = V x + A u. */
  public static void lossHvp(Matrix A, double[] x, double c, double[] dir_A, double[] dir_x,
      double[] hvp_A, double[] hvp_x) {
    int r = A.rows();
    int n = A.cols();
    Matrix V = new Matrix(r, n, dir_A);
    double[] y = GradCheckModel.times(A, x);
    double[] dy = GradCheckModel.times(V, x);
    double[] Au = GradCheckModel.times(A, dir_x);
    for (int i = 0; i < r; i++) {
      dy[i] += Au[i];
    }
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < n; j++) {
        hvp_A[i * n + j] = 2 * c * (dy[i] * x[j] + y[i] * dir_x[j]);
      }
    }
    for (int j = 0; j < n; j++) {
      hvp_x[j] = 0;
      for (int i = 0; i < r; i++) {
        hvp_x[j] += 2 * c * (V.get(i, j) * y[i] + A.get(i, j) * dy[i]);
      }
    }
    hvp_x[0] += hvpError;
  }

  public static void lossHessian(Matrix A, double[] x, double c, double[] hess) {
    int sizeA = A.rows() * A.cols();
    int total = sizeA + x.length;
    for (int b = 0; b < total; b++) {
      double[] dirA = new double[sizeA];
      double[] dirX = new double[x.length];
      if (b < sizeA) {
        dirA[b] = 1;
      } else {
        dirX[b - sizeA] = 1;
      }
      double[] hA = new double[sizeA];
      double[] hx = new double[x.length];
      lossHvp(A, x, c, dirA, dirX, hA, hx);
      for (int a = 0; a < total; a++) {
        hess[a * total + b] = a < sizeA ? hA[a] : hx[a - sizeA];
      }
    }
  }

  @Derivation(method = "map", wrt = {"A", "x"}, notation = {})
  public static void mapVjp(Matrix A, double[] x, double[] gradOut, double[] grad_A,
      double[] grad_x) {
    int n = A.cols();
    for (int i = 0; i < A.rows(); i++) {
      for (int j = 0; j < n; j++) {
        grad_A[i * n + j] = gradOut[i] * x[j];
      }
    }
    for (int j = 0; j < n; j++) {
      grad_x[j] = 0;
      for (int i = 0; i < A.rows(); i++) {
        grad_x[j] += A.get(i, j) * gradOut[i];
      }
    }
  }

  @Derivation(method = "map", wrt = {"A", "x"}, notation = {})
  public static void mapJacobian(Matrix A, double[] x, double[] jac_A, double[] jac_x) {
    int r = A.rows();
    int n = A.cols();
    java.util.Arrays.fill(jac_A, 0);
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < n; j++) {
        jac_A[(i * n + j) * r + i] = x[j];
        jac_x[j * r + i] = A.get(i, j);
      }
    }
  }

  public static void mapJvp(Matrix A, double[] x, double[] dir_A, double[] dir_x,
      double[] jvpOut) {
    double[] a = GradCheckModel.times(new Matrix(A.rows(), A.cols(), dir_A), x);
    double[] b = GradCheckModel.times(A, dir_x);
    for (int i = 0; i < jvpOut.length; i++) {
      jvpOut[i] = a[i] + b[i];
    }
  }

  /** Wrong on purpose in entry 2: x² there would be right. */
  @Derivation(method = "cubes", wrt = {"x"}, notation = {})
  public static double cubesGrad(double[] x, double[] grad_x) {
    for (int i = 0; i < x.length; i++) {
      grad_x[i] = x[i] * x[i];
    }
    grad_x[2] = 2 * x[2];
    return GradCheckModel.cubes(x);
  }
}
