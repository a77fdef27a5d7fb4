package dev.matgrad.it;

import static dev.matgrad.it.Inputs.Domain.POSITIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.matgrad.Matrix;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The functions of {@link UserModels}, each against finite differences on random shapes and, where
 * one is well known, against its closed form (EJML).
 */
class UserModelsGradientTest {
  private static final double RTOL = 1e-11;
  private static final double ATOL = 1e-13;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {81, 82, 83})
  void leastSquaresAndRidge(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int d = in.dim();
    Matrix x = in.matrix(n, d);
    double[] w = in.vector(d);
    double[] y = in.vector(n);
    double lambda = 0.3;
    DMatrixRMaj residual = Ejml.minus(Ejml.mult(Ejml.of(x), Ejml.column(w)), Ejml.column(y));
    DMatrixRMaj dataTerm = Ejml.scale(2.0 / n, Ejml.multTransA(Ejml.of(x), residual));

    double[] g = GradientChecker.of(UserModels.class, "leastSquares").wrt(1).check(x, w, y, n).grad(0);
    Close.assertAllClose("2 Xᵀ(Xw − y) / n", Ejml.data(dataTerm), g, RTOL, ATOL);

    g = GradientChecker.of(UserModels.class, "ridge").wrt(1).check(x, w, y, lambda).grad(0);
    Close.assertAllClose("2 Xᵀ(Xw − y) / n + 2λw",
        Ejml.data(Ejml.plus(dataTerm, Ejml.scale(2 * lambda, Ejml.column(w)))), g, RTOL, ATOL);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {81, 82, 83})
  void logisticRegression(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int d = in.dim();
    Matrix x = in.matrix(n, d);
    double[] w = in.vector(d);
    double b = in.scalar();
    double[] y = in.labels(n);
    GradientChecker.Result r = GradientChecker.of(UserModels.class, "logisticSoftplus").wrt(1, 2)
        .check(x, w, b, y, Inputs.filled(n, 1.0));
    // ∇w = Xᵀ(σ(z) − y)/n, ∂b = Σ(σ(z) − y)/n
    DMatrixRMaj z = Ejml.mult(Ejml.of(x), Ejml.column(w));
    DMatrixRMaj err = Ejml.minus(Ejml.map(z, v -> Ejml.sigmoid(v + b)), Ejml.column(y));
    Close.assertAllClose("Xᵀ(σ(z) − y)/n", Ejml.data(Ejml.scale(1.0 / n, Ejml.multTransA(Ejml.of(x), err))),
        r.grad(0), RTOL, ATOL);
    Close.assertAllClose("mean(σ(z) − y)", new double[] {Arrays.stream(Ejml.data(err)).sum() / n}, r.grad(1),
        RTOL, ATOL);

    // The batch-of-columns, sigmoid form: same closed form with W = wᵀ, X = Xᵀ.
    Matrix wRow = new Matrix(1, d, w.clone());
    Matrix xColumns = new Matrix(d, n, Ejml.data(Ejml.transpose(Ejml.of(x))));
    Matrix labels = new Matrix(1, n, y.clone());
    GradientChecker.Result s = GradientChecker.of(UserModels.class, "logisticSigmoid").wrt(0, 1)
        .check(wRow, new double[] {b}, xColumns, labels, new Matrix(1, n, Inputs.filled(n, 1.0)));
    Close.assertAllClose("(σ(Z) − Y) Xᵀ / n, sigmoid form", r.grad(0), s.grad(0), 1e-9, 1e-12);
    Close.assertAllClose("b, sigmoid form", r.grad(1), s.grad(1), 1e-9, 1e-12);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {81, 82, 83})
  void softmaxCrossEntropy(long seed) {
    Inputs in = new Inputs(seed);
    int classes = in.dim(2, 6);
    int d = in.dim();
    int batch = in.dim();
    Matrix w = in.matrix(classes, d);
    double[] b = in.vector(classes);
    Matrix x = in.matrix(d, batch);
    Matrix y = in.oneHotColumns(classes, batch);
    GradientChecker.Result r = GradientChecker.of(UserModels.class, "softmaxCrossEntropy").wrt(0, 1)
        .check(w, b, x, y, batch);
    // G = (softmax(Z) − Y)/batch, ∇W = G Xᵀ, ∇b = G 1
    DMatrixRMaj z = Ejml.mult(Ejml.of(w), Ejml.of(x));
    for (int i = 0; i < classes; i++) {
      for (int j = 0; j < batch; j++) {
        z.add(i, j, b[i]);
      }
    }
    DMatrixRMaj g = Ejml.scale(1.0 / batch, Ejml.minus(Ejml.softmaxColumns(z), Ejml.of(y)));
    Close.assertAllClose("(softmax(Z) − Y) Xᵀ / batch", Ejml.data(Ejml.multTransB(g, Ejml.of(x))), r.grad(0),
        RTOL, ATOL);
    Close.assertAllClose("(softmax(Z) − Y) 1 / batch", Ejml.data(Ejml.rowSums(g)), r.grad(1), RTOL, ATOL);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {81, 82, 83})
  void twoLayerPerceptrons(long seed) {
    Inputs in = new Inputs(seed);
    int d = in.dim();
    int hidden = in.dim();
    int k = in.dim(2, 5);
    int batch = in.dim();
    Matrix x = in.matrix(d, batch);
    Matrix w2 = in.matrix(k, hidden);
    double[] b2 = in.vector(k);
    GradientChecker.of(UserModels.class, "mlpTanh").wrt(0, 1, 2, 3)
        .check(in.matrix(hidden, d), in.vector(hidden), w2, b2, x, in.matrix(k, batch), batch);

    // ReLU: draw first-layer weights until no pre-activation is within 1e-3 of the kink.
    Matrix w1;
    double[] b1;
    do {
      w1 = in.matrix(hidden, d);
      b1 = in.vector(hidden);
    } while (minAbsPreActivation(w1, b1, x) < 1e-3);
    Matrix y = in.oneHotColumns(k, batch);
    GradientChecker.Result plain = GradientChecker.of(UserModels.class, "mlpRelu").wrt(0, 1, 2, 3)
        .check(w1, b1, w2, b2, x, y, batch);
    GradientChecker.Result viaHelpers = GradientChecker.of(UserModels.class, "mlpViaHelpers").wrt(0, 1, 2, 3)
        .check(w1, b1, w2, b2, x, y, batch, 0.0);
    for (int p = 0; p < 4; p++) {
      Close.assertAllClose("mlpViaHelpers (λ = 0) vs mlpRelu, parameter " + p, plain.grad(p),
          viaHelpers.grad(p), 1e-12, 1e-14);
    }
    GradientChecker.of(UserModels.class, "mlpViaHelpers").wrt(0, 1, 2, 3)
        .check(w1, b1, w2, b2, x, y, batch, 0.05);
    GradientChecker.of(UserModels.class, "dense").check(w1, b1, x);
    GradientChecker.of(UserModels.class, "crossEntropy").wrt(0).check(in.matrix(k, batch), y, batch);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {81, 82, 83})
  void gaussianNegativeLogLikelihood(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    double[] x = in.vector(n);
    double mu = in.scalar();
    double sigma = in.scalar(POSITIVE);
    GradientChecker.Result r = GradientChecker.of(UserModels.class, "gaussianNll").check(x, mu, sigma, n);
    double s2 = sigma * sigma;
    double[] gx = Arrays.stream(x).map(v -> (v - mu) / s2).toArray();
    double sumDev = Arrays.stream(x).map(v -> v - mu).sum();
    double sumSqDev = Arrays.stream(x).map(v -> (v - mu) * (v - mu)).sum();
    Close.assertAllClose("∇x = (x − μ)/σ²", gx, r.grad(0), RTOL, ATOL);
    Close.assertAllClose("∂μ = −Σ(x − μ)/σ²", new double[] {-sumDev / s2}, r.grad(1), RTOL, 1e-12);
    Close.assertAllClose("∂σ = n/σ − Σ(x − μ)²/σ³", new double[] {n / sigma - sumSqDev / (s2 * sigma)},
        r.grad(2), RTOL, 1e-12);
    Close.assertClose("the value", n * Math.log(sigma) + sumSqDev / (2 * s2) + 0.5 * n * Math.log(2 * Math.PI),
        r.value, 1e-12, 1e-12);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {81, 82, 83})
  void robustLosses(long seed) {
    Inputs in = new Inputs(seed);
    double pred = in.scalar();
    double target = in.scalar();
    GradientChecker.Result r = GradientChecker.of(UserModels.class, "logCosh").check(pred, target);
    double t = Math.tanh(pred - target);
    Close.assertAllClose("tanh(r)", new double[] {t}, r.grad(0), 1e-12, 1e-14);
    Close.assertAllClose("−tanh(r)", new double[] {-t}, r.grad(1), 1e-12, 1e-14);

    int n = in.dim();
    double[] p = in.vector(n);
    double[] y = in.vector(n);
    double delta = 0.7;
    double[] g = GradientChecker.of(UserModels.class, "pseudoHuber").wrt(0)
        .check(p, y, delta, Inputs.filled(n, 1.0)).grad(0);
    double[] expected = new double[n];
    for (int i = 0; i < n; i++) {
      double res = p[i] - y[i];
      expected[i] = res / Math.sqrt(1 + res * res / (delta * delta));
    }
    Close.assertAllClose("r / √(1 + (r/δ)²)", expected, g, 1e-12, 1e-14);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {81, 82, 83})
  void quadraticAndTraceForms(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    Matrix a = in.matrix(n, n);
    double[] x = in.vector(n);
    GradientChecker.Result q = GradientChecker.of(UserModels.class, "quadraticForm").check(a, x);
    DMatrixRMaj aPlusAT = Ejml.plus(Ejml.of(a), Ejml.transpose(Ejml.of(a)));
    Close.assertAllClose("∇A xᵀAx = x xᵀ", Ejml.data(Ejml.multTransB(Ejml.column(x), Ejml.column(x))), q.grad(0),
        RTOL, ATOL);
    Close.assertAllClose("∇x xᵀAx = (A + Aᵀ) x", Ejml.data(Ejml.mult(aPlusAT, Ejml.column(x))), q.grad(1),
        RTOL, ATOL);

    Matrix xm = in.matrix(n, k);
    GradientChecker.Result t = GradientChecker.of(UserModels.class, "traceForm").check(xm, a);
    Close.assertAllClose("∇X tr(XᵀAX) = (A + Aᵀ) X", Ejml.data(Ejml.mult(aPlusAT, Ejml.of(xm))), t.grad(0),
        RTOL, ATOL);
    Close.assertAllClose("∇A tr(XᵀAX) = X Xᵀ", Ejml.data(Ejml.multTransB(Ejml.of(xm), Ejml.of(xm))), t.grad(1),
        RTOL, ATOL);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {81, 82, 83})
  void vectorAndMatrixValuedModels(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int d = in.dim();
    int batch = in.dim();
    int k = in.dim(2, 5);
    Matrix w = in.matrix(n, d);
    Matrix x = in.matrix(d, batch);
    GradientChecker.Result r = GradientChecker.of(UserModels.class, "sigmoidOfProduct").check(w, x);
    // ∂σ(WX)_{ab}/∂W_{ij} = [a = i] s_{ab}(1 − s_{ab}) X_{jb}
    DMatrixRMaj s = Ejml.map(Ejml.mult(Ejml.of(w), Ejml.of(x)), Ejml::sigmoid);
    int m = n * batch;
    double[] expected = new double[n * d * m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        for (int b = 0; b < batch; b++) {
          double sv = s.get(i, b);
          expected[(i * d + j) * m + i * batch + b] = sv * (1 - sv) * x.get(j, b);
        }
      }
    }
    Close.assertAllClose("∂σ(WX)/∂W", expected, r.jacobian(0), 1e-12, 1e-14);

    double[] probabilities = GradientChecker.of(UserModels.class, "mlpProbabilities")
        .check(in.matrix(n, d), in.vector(n), in.matrix(k, n), in.vector(k), in.vector(d)).output;
    assertArrayEquals(new double[] {1.0}, new double[] {Arrays.stream(probabilities).sum()}, 1e-12);
  }

  private static double minAbsPreActivation(Matrix w1, double[] b1, Matrix x) {
    DMatrixRMaj z = Ejml.mult(Ejml.of(w1), Ejml.of(x));
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < z.numRows; i++) {
      for (int j = 0; j < z.numCols; j++) {
        min = Math.min(min, Math.abs(z.get(i, j) + b1[i]));
      }
    }
    return min;
  }

  @Test
  void leastSquaresAtTheSolutionHasZeroGradient() {
    // X w* = y exactly, so ∇w = 0 however the residual is computed.
    Matrix x = Matrix.of(3, 2, 1, 0, 0, 1, 1, 1);
    double[] w = {2.0, -1.0};
    double[] y = {2.0, -1.0, 1.0};
    assertArrayEquals(new double[] {0.0, 0.0},
        GradientChecker.of(UserModels.class, "leastSquares").wrt(1).grads(x, w, y, 3)[0], 0.0);
  }
}
