package dev.matgrad.bench;

import dev.matgrad.Matrix;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;

/**
 * The same backprop as {@link HandBackprop}, with EJML (single-threaded {@code CommonOps_DDRM})
 * doing the matrix products and reductions; elementwise steps EJML has no operation for stay
 * loops over the matrices' arrays. The inputs and gradients are wrapped, not copied, once.
 */
public final class EjmlBackprop {
  private EjmlBackprop() {}

  static DMatrixRMaj wrap(Matrix m) {
    return DMatrixRMaj.wrap(m.rows(), m.cols(), m.data());
  }

  public static final class FirstLayer {
    private final DMatrixRMaj A;
    private final DMatrixRMaj B;
    private final DMatrixRMaj x;
    private final DMatrixRMaj c;
    private final DMatrixRMaj gradA;
    private final DMatrixRMaj h;
    private final DMatrixRMaj r;
    private final DMatrixRMaj g;

    public FirstLayer(Inputs.FirstLayer in, double[] gradA) {
      A = wrap(in.A);
      B = wrap(in.B);
      x = DMatrixRMaj.wrap(in.d, 1, in.x);
      c = DMatrixRMaj.wrap(in.m, 1, in.c);
      this.gradA = DMatrixRMaj.wrap(in.d, in.n, gradA);
      h = new DMatrixRMaj(in.n, 1);
      r = new DMatrixRMaj(in.m, 1);
      g = new DMatrixRMaj(in.n, 1);
    }

    public double valueAndGradient() {
      CommonOps_DDRM.multTransA(A, x, h);
      double[] hd = h.data;
      for (int j = 0; j < hd.length; j++) {
        hd[j] = FlatKernels.sigmoid(hd[j]);
      }
      CommonOps_DDRM.multTransA(B, h, r);
      CommonOps_DDRM.subtractEquals(r, c);
      double loss = CommonOps_DDRM.dot(r, r);
      CommonOps_DDRM.mult(2.0, B, r, g);
      double[] gd = g.data;
      for (int j = 0; j < gd.length; j++) {
        gd[j] *= hd[j] * (1.0 - hd[j]);
      }
      VectorVectorMult_DDRM.outerProd(x, g, gradA);
      return loss;
    }
  }

  public static final class Mlp {
    private final DMatrixRMaj W1;
    private final DMatrixRMaj W2;
    private final DMatrixRMaj X;
    private final DMatrixRMaj Y;
    private final double[] b1;
    private final double[] b2;
    private final int batch;
    private final DMatrixRMaj gradW1;
    private final DMatrixRMaj gradB1;
    private final DMatrixRMaj gradW2;
    private final DMatrixRMaj gradB2;
    private final DMatrixRMaj hidden;
    private final DMatrixRMaj logits;
    private final DMatrixRMaj dHidden;
    private final double[] logSumExp;
    private final double[] colSum;
    private final DMatrixRMaj labelSum;

    public Mlp(Inputs.Mlp in, double[] gradW1, double[] gradB1, double[] gradW2, double[] gradB2) {
      W1 = wrap(in.W1);
      W2 = wrap(in.W2);
      X = wrap(in.X);
      Y = wrap(in.Y);
      b1 = in.b1;
      b2 = in.b2;
      batch = in.batch;
      this.gradW1 = DMatrixRMaj.wrap(in.hidden, in.inputs, gradW1);
      this.gradB1 = DMatrixRMaj.wrap(in.hidden, 1, gradB1);
      this.gradW2 = DMatrixRMaj.wrap(in.classes, in.hidden, gradW2);
      this.gradB2 = DMatrixRMaj.wrap(in.classes, 1, gradB2);
      hidden = new DMatrixRMaj(in.hidden, in.batch);
      logits = new DMatrixRMaj(in.classes, in.batch);
      dHidden = new DMatrixRMaj(in.hidden, in.batch);
      logSumExp = new double[in.batch];
      colSum = new double[in.batch];
      labelSum = new DMatrixRMaj(1, in.batch);
    }

    public double valueAndGradient() {
      int cols = X.numCols;
      int classes = W2.numRows;
      CommonOps_DDRM.mult(W1, X, hidden);
      addBiasAndRelu(hidden, b1, true);
      CommonOps_DDRM.mult(W2, hidden, logits);
      addBiasAndRelu(logits, b2, false);
      double loss = HandForward.crossEntropy(logits.data, Y.data, classes, cols, batch, logSumExp, colSum);
      CommonOps_DDRM.sumCols(Y, labelSum);
      // logits become G2 = (softmax · 1ᵀY − Y) / batch in place.
      double[] z = logits.data;
      double[] y = Y.data;
      double[] ls = labelSum.data;
      double invBatch = 1.0 / batch;
      for (int r = 0; r < classes; r++) {
        for (int j = 0; j < cols; j++) {
          int e = r * cols + j;
          z[e] = (Math.exp(z[e] - logSumExp[j]) * ls[j] - y[e]) * invBatch;
        }
      }
      CommonOps_DDRM.sumRows(logits, gradB2);
      CommonOps_DDRM.multTransB(logits, hidden, gradW2);
      CommonOps_DDRM.multTransA(W2, logits, dHidden);
      double[] dh = dHidden.data;
      double[] h = hidden.data;
      for (int e = 0; e < dh.length; e++) {
        if (!(h[e] > 0.0)) {
          dh[e] = 0.0;
        }
      }
      CommonOps_DDRM.sumRows(dHidden, gradB1);
      CommonOps_DDRM.multTransB(dHidden, X, gradW1);
      return loss;
    }

    private static void addBiasAndRelu(DMatrixRMaj m, double[] bias, boolean relu) {
      double[] d = m.data;
      int cols = m.numCols;
      for (int i = 0; i < m.numRows; i++) {
        double bi = bias[i];
        for (int e = i * cols; e < (i + 1) * cols; e++) {
          double v = d[e] + bi;
          d[e] = relu ? Math.max(v, 0.0) : v;
        }
      }
    }
  }

  public static final class Trace {
    private final DMatrixRMaj X;
    private final DMatrixRMaj A;
    private final DMatrixRMaj gradX;
    // The same arrays as column vectors: EJML's dot product takes vectors only.
    private final DMatrixRMaj xVector;
    private final DMatrixRMaj gradXVector;

    public Trace(Inputs.Trace in, double[] gradX) {
      X = wrap(in.X);
      A = wrap(in.A);
      this.gradX = DMatrixRMaj.wrap(in.n, in.n, gradX);
      xVector = DMatrixRMaj.wrap(in.n * in.n, 1, in.X.data());
      gradXVector = DMatrixRMaj.wrap(in.n * in.n, 1, gradX);
    }

    public double valueAndGradient() {
      CommonOps_DDRM.mult(A, X, gradX);
      double value = CommonOps_DDRM.dot(xVector, gradXVector);
      CommonOps_DDRM.multAddTransA(A, X, gradX);
      return value;
    }
  }
}
