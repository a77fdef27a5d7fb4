package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.matgrad.Matrix;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The linear-algebra ops ({@link LinearAlgebraOps}) on random shapes (dims in 1..7), against finite
 * differences, plus closed forms computed with EJML.
 */
class LinearAlgebraGradientTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43, 44})
  void matmulOfMatrices(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    int m = in.dim();
    Matrix a = in.matrix(n, k);
    Matrix b = in.matrix(k, m);
    Matrix c = in.matrix(n, m);
    GradientChecker.Result r = GradientChecker.of(LinearAlgebraOps.class, "matmulOfMatrices").wrt(0, 1)
        .check(a, b, c);
    // ∇A ⟨C, AB⟩ = C Bᵀ, ∇B = Aᵀ C
    Close.assertAllClose("C Bᵀ", Ejml.data(Ejml.multTransB(Ejml.of(c), Ejml.of(b))), r.grad(0), 1e-12, 1e-13);
    Close.assertAllClose("Aᵀ C", Ejml.data(Ejml.multTransA(Ejml.of(a), Ejml.of(c))), r.grad(1), 1e-12, 1e-13);
    GradientChecker.of(LinearAlgebraOps.class, "matmulOfMatricesValued").check(a, b);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43, 44})
  void matmulOfMatrixAndVector(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    Matrix a = in.matrix(n, k);
    double[] x = in.vector(k);
    double[] c = in.vector(n);
    GradientChecker.Result r = GradientChecker.of(LinearAlgebraOps.class, "matmulOfMatrixAndVector")
        .wrt(0, 1).check(a, x, c);
    // ∇A ⟨c, Ax⟩ = c xᵀ, ∇x = Aᵀ c
    Close.assertAllClose("c xᵀ", Ejml.data(Ejml.multTransB(Ejml.column(c), Ejml.column(x))), r.grad(0),
        1e-12, 1e-13);
    Close.assertAllClose("Aᵀ c", Ejml.data(Ejml.multTransA(Ejml.of(a), Ejml.column(c))), r.grad(1),
        1e-12, 1e-13);
    GradientChecker.Result valued = GradientChecker.of(LinearAlgebraOps.class, "matmulOfMatrixAndVectorValued")
        .check(a, x);
    // Jacobian w.r.t. x of A x (n outputs) is Aᵀ in the n×m convention: jac[i*n + j] = A[j][i].
    Close.assertAllClose("∂(Ax)/∂x = Aᵀ", Ejml.data(Ejml.transpose(Ejml.of(a))), valued.jacobian(1),
        1e-14, 0);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43})
  void transpose(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    Matrix a = in.matrix(n, k);
    Matrix c = in.matrix(k, n);
    GradientChecker.Result r = GradientChecker.of(LinearAlgebraOps.class, "transposeOf").wrt(0).check(a, c);
    assertArrayEquals(Ejml.data(Ejml.transpose(Ejml.of(c))), r.grad(0), 0.0, "∇A ⟨C, Aᵀ⟩ = Cᵀ");
    GradientChecker.of(LinearAlgebraOps.class, "transposeValued").check(a);
    GradientChecker.of(LinearAlgebraOps.class, "matmulOfTransposeAndVector").wrt(0, 1)
        .check(a, in.vector(n), in.vector(k));
    int m = in.dim();
    GradientChecker.of(LinearAlgebraOps.class, "matmulOfTransposeAndMatrix").wrt(0, 1)
        .check(in.matrix(n, k), in.matrix(n, m), in.matrix(k, m));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43})
  void dot(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    double[] x = in.vector(n);
    double[] y = in.vector(n);
    GradientChecker.Result r = GradientChecker.of(LinearAlgebraOps.class, "dotOf").check(x, y);
    double d = Ejml.data(Ejml.multTransA(Ejml.column(x), Ejml.column(y)))[0];
    double[] gx = new double[n];
    double[] gy = new double[n];
    for (int i = 0; i < n; i++) {
      gx[i] = 2 * d * y[i] + 2 * x[i];
      gy[i] = 2 * d * x[i];
    }
    Close.assertAllClose("2(xᵀy) y + 2x", gx, r.grad(0), 1e-12, 1e-13);
    Close.assertAllClose("2(xᵀy) x", gy, r.grad(1), 1e-12, 1e-13);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43})
  void outer(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int m = in.dim();
    double[] x = in.vector(n);
    double[] y = in.vector(m);
    Matrix c = in.matrix(n, m);
    GradientChecker.Result r = GradientChecker.of(LinearAlgebraOps.class, "outerOf").wrt(0, 1).check(x, y, c);
    // ∇x ⟨C, x yᵀ⟩ = C y, ∇y = Cᵀ x
    Close.assertAllClose("C y", Ejml.data(Ejml.mult(Ejml.of(c), Ejml.column(y))), r.grad(0), 1e-12, 1e-13);
    Close.assertAllClose("Cᵀ x", Ejml.data(Ejml.multTransA(Ejml.of(c), Ejml.column(x))), r.grad(1), 1e-12, 1e-13);
    GradientChecker.of(LinearAlgebraOps.class, "outerValued").check(x, y);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43})
  void trace(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    Matrix a = in.matrix(n, n);
    GradientChecker.Result r = GradientChecker.of(LinearAlgebraOps.class, "traceOf").check(a);
    double t = CommonOps_DDRM.trace(Ejml.of(a));
    Close.assertAllClose("(2 tr A + 1) I", Ejml.data(Ejml.scale(2 * t + 1, CommonOps_DDRM.identity(n))),
        r.grad(0), 1e-12, 1e-13);
    Matrix p = in.matrix(n, k);
    Matrix q = in.matrix(k, n);
    GradientChecker.Result product = GradientChecker.of(LinearAlgebraOps.class, "traceOfProduct").check(p, q);
    // ∇P tr(PQ) = Qᵀ, ∇Q = Pᵀ
    assertArrayEquals(Ejml.data(Ejml.transpose(Ejml.of(q))), product.grad(0), 1e-15);
    assertArrayEquals(Ejml.data(Ejml.transpose(Ejml.of(p))), product.grad(1), 1e-15);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43})
  void diag(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    double[] x = in.vector(n);
    Matrix c = in.matrix(n, n);
    GradientChecker.Result r = GradientChecker.of(LinearAlgebraOps.class, "diagOf").wrt(0).check(x, c);
    double[] diagonal = new double[n];
    for (int i = 0; i < n; i++) {
      diagonal[i] = c.get(i, i);
    }
    assertArrayEquals(diagonal, r.grad(0), 0.0, "∇x ⟨C, diag(x)⟩ = the diagonal of C");
    GradientChecker.of(LinearAlgebraOps.class, "diagValued").check(x);
    GradientChecker.of(LinearAlgebraOps.class, "diagTimesVectorValued").check(x, in.vector(n));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43})
  void productsSharingAParameter(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    int m = in.dim();
    GradientChecker.of(LinearAlgebraOps.class, "gramValued").check(in.matrix(n, k));
    Matrix a = in.matrix(n, k);
    Matrix b = in.matrix(k, m);
    double[] x = in.vector(m);
    GradientChecker.Result r = GradientChecker.of(LinearAlgebraOps.class, "chainOfProducts").check(a, b, x);
    // y = ABx: ∇A = 2 y (Bx)ᵀ, ∇B = 2 Aᵀ y xᵀ, ∇x = 2 Bᵀ Aᵀ y
    DMatrixRMaj bx = Ejml.mult(Ejml.of(b), Ejml.column(x));
    DMatrixRMaj y2 = Ejml.scale(2, Ejml.mult(Ejml.of(a), bx));
    Close.assertAllClose("2 y (Bx)ᵀ", Ejml.data(Ejml.multTransB(y2, bx)), r.grad(0), 1e-12, 1e-13);
    Close.assertAllClose("2 Aᵀ y xᵀ", Ejml.data(Ejml.multTransB(Ejml.multTransA(Ejml.of(a), y2), Ejml.column(x))),
        r.grad(1), 1e-12, 1e-13);
    Close.assertAllClose("2 Bᵀ Aᵀ y", Ejml.data(Ejml.multTransA(Ejml.of(b), Ejml.multTransA(Ejml.of(a), y2))),
        r.grad(2), 1e-12, 1e-13);
  }
}
