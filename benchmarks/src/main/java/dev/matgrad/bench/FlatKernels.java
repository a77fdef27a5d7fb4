package dev.matgrad.bench;

/** The inner loops the hand-written baselines share: the ones an expert writes once and reuses. */
final class FlatKernels {
  private FlatKernels() {}

  /** y[yOff..yOff+len) += a · x[xOff..xOff+len): contiguous, so the JIT vectorises it. */
  static void axpy(int len, double a, double[] x, int xOff, double[] y, int yOff) {
    for (int i = 0; i < len; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  /**
   * Σ x[xOff+i] · y[yOff+i] with four independent accumulators: a single accumulator chains every
   * add on the previous one (and the JIT may not reorder floating-point sums to vectorise it).
   */
  static double dot(int len, double[] x, int xOff, double[] y, int yOff) {
    double s0 = 0.0;
    double s1 = 0.0;
    double s2 = 0.0;
    double s3 = 0.0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += x[xOff + i] * y[yOff + i];
      s1 += x[xOff + i + 1] * y[yOff + i + 1];
      s2 += x[xOff + i + 2] * y[yOff + i + 2];
      s3 += x[xOff + i + 3] * y[yOff + i + 3];
    }
    for (; i < len; i++) {
      s0 += x[xOff + i] * y[yOff + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  static double sigmoid(double t) {
    return 1.0 / (1.0 + Math.exp(-t));
  }
}
