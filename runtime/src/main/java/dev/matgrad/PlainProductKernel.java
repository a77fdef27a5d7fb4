package dev.matgrad;

/**
 * The plain-Java product kernel, the default: {@link PackedProductKernel} packs op(B) into panels
 * of {@value #NR}-column strips and op(A) into {@value #MR}-row strips, and a 4×4 register tile of {@link Math#fma}
 * accumulators runs over each pair. The JIT does not vectorise such a tile, but it keeps all 16
 * sums in registers, so two scalar FMAs issue per cycle: about twice the throughput of the
 * triple loops the JIT does vectorise, whose loads and stores of C bound them.
 */
final class PlainProductKernel extends PackedProductKernel {
  static final int MR = 4;
  static final int NR = 4;
  /** A depth block: one packed strip of op(A), KC·MR doubles (8 KiB), stays in L1. */
  static final int KC = 256;
  /** A column block: the packed panel of op(B), KC·NC doubles (512 KiB), stays in L2. */
  static final int NC = 256;

  PlainProductKernel() {
    super(MR, NR, KC, NC);
  }

  @Override
  public String name() {
    return "plain";
  }

  @Override
  void tile(int kb, double[] pa, double[] pb, int pbOffset, double[] c, int cOffset, int ldc,
      int rows, int cols) {
    double c00 = 0, c01 = 0, c02 = 0, c03 = 0;
    double c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    double c20 = 0, c21 = 0, c22 = 0, c23 = 0;
    double c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (int p = 0; p < kb; p++) {
      int ib = pbOffset + p * NR;
      int ia = p * MR;
      double b0 = pb[ib];
      double b1 = pb[ib + 1];
      double b2 = pb[ib + 2];
      double b3 = pb[ib + 3];
      double a0 = pa[ia];
      double a1 = pa[ia + 1];
      double a2 = pa[ia + 2];
      double a3 = pa[ia + 3];
      c00 = Math.fma(a0, b0, c00);
      c01 = Math.fma(a0, b1, c01);
      c02 = Math.fma(a0, b2, c02);
      c03 = Math.fma(a0, b3, c03);
      c10 = Math.fma(a1, b0, c10);
      c11 = Math.fma(a1, b1, c11);
      c12 = Math.fma(a1, b2, c12);
      c13 = Math.fma(a1, b3, c13);
      c20 = Math.fma(a2, b0, c20);
      c21 = Math.fma(a2, b1, c21);
      c22 = Math.fma(a2, b2, c22);
      c23 = Math.fma(a2, b3, c23);
      c30 = Math.fma(a3, b0, c30);
      c31 = Math.fma(a3, b1, c31);
      c32 = Math.fma(a3, b2, c32);
      c33 = Math.fma(a3, b3, c33);
    }
    if (rows == MR && cols == NR) {
      int o = cOffset;
      c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03;
      o += ldc;
      c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13;
      o += ldc;
      c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23;
      o += ldc;
      c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
      return;
    }
    // A partial tile at the edge of C: park the sums after the packed strip, add the valid part.
    int t = KC * MR;
    pa[t] = c00; pa[t + 1] = c01; pa[t + 2] = c02; pa[t + 3] = c03;
    pa[t + 4] = c10; pa[t + 5] = c11; pa[t + 6] = c12; pa[t + 7] = c13;
    pa[t + 8] = c20; pa[t + 9] = c21; pa[t + 10] = c22; pa[t + 11] = c23;
    pa[t + 12] = c30; pa[t + 13] = c31; pa[t + 14] = c32; pa[t + 15] = c33;
    addPartialTile(pa, c, cOffset, ldc, rows, cols);
  }
}
