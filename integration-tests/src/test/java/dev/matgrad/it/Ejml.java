package dev.matgrad.it;

import dev.matgrad.Matrix;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** The independent reference for closed forms: thin wrappers over EJML's row-major {@link DMatrixRMaj}. */
final class Ejml {
  private Ejml() {}

  static DMatrixRMaj of(Matrix m) {
    return new DMatrixRMaj(m.rows(), m.cols(), true, m.data().clone());
  }

  /** An n×1 column. */
  static DMatrixRMaj column(double[] v) {
    return new DMatrixRMaj(v.length, 1, true, v.clone());
  }

  static DMatrixRMaj diag(double[] v) {
    return CommonOps_DDRM.diag(v.clone());
  }

  static DMatrixRMaj mult(DMatrixRMaj a, DMatrixRMaj b) {
    DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numCols);
    CommonOps_DDRM.mult(a, b, c);
    return c;
  }

  /** aᵀ b. */
  static DMatrixRMaj multTransA(DMatrixRMaj a, DMatrixRMaj b) {
    DMatrixRMaj c = new DMatrixRMaj(a.numCols, b.numCols);
    CommonOps_DDRM.multTransA(a, b, c);
    return c;
  }

  /** a bᵀ. */
  static DMatrixRMaj multTransB(DMatrixRMaj a, DMatrixRMaj b) {
    DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numRows);
    CommonOps_DDRM.multTransB(a, b, c);
    return c;
  }

  static DMatrixRMaj transpose(DMatrixRMaj a) {
    return CommonOps_DDRM.transpose(a, null);
  }

  static DMatrixRMaj plus(DMatrixRMaj a, DMatrixRMaj b) {
    return CommonOps_DDRM.add(a, b, null);
  }

  static DMatrixRMaj minus(DMatrixRMaj a, DMatrixRMaj b) {
    return CommonOps_DDRM.subtract(a, b, null);
  }

  static DMatrixRMaj scale(double s, DMatrixRMaj a) {
    DMatrixRMaj c = a.createLike();
    CommonOps_DDRM.scale(s, a, c);
    return c;
  }

  static DMatrixRMaj hadamard(DMatrixRMaj a, DMatrixRMaj b) {
    return CommonOps_DDRM.elementMult(a, b, null);
  }

  static DMatrixRMaj map(DMatrixRMaj a, DoubleUnaryOperator f) {
    DMatrixRMaj c = a.copy();
    for (int i = 0; i < c.getNumElements(); i++) {
      c.data[i] = f.applyAsDouble(c.data[i]);
    }
    return c;
  }

  /** The row sums, as an n×1 column (b's gradient in addToEachColumn). */
  static DMatrixRMaj rowSums(DMatrixRMaj a) {
    return CommonOps_DDRM.sumRows(a, null);
  }

  /** Softmax of each column. */
  static DMatrixRMaj softmaxColumns(DMatrixRMaj z) {
    DMatrixRMaj s = z.copy();
    for (int j = 0; j < z.numCols; j++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < z.numRows; i++) {
        max = Math.max(max, z.get(i, j));
      }
      double total = 0;
      for (int i = 0; i < z.numRows; i++) {
        total += Math.exp(z.get(i, j) - max);
      }
      for (int i = 0; i < z.numRows; i++) {
        s.set(i, j, Math.exp(z.get(i, j) - max) / total);
      }
    }
    return s;
  }

  /** The entries, row-major. */
  static double[] data(DMatrixRMaj a) {
    return Arrays.copyOf(a.data, a.getNumElements());
  }

  static double sigmoid(double z) {
    return 1.0 / (1.0 + Math.exp(-z));
  }
}
