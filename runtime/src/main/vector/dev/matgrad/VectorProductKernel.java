package dev.matgrad;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The product kernel on the JDK's Vector API: the blocking and packing of {@link
 * PlainProductKernel}, with a register tile of 4 rows × 2 vectors (16 columns on AVX-512) of FMA
 * accumulators, each step loading two vectors of op(B) and broadcasting four entries of op(A).
 *
 * <p>This class is compiled on its own, with {@code --add-modules jdk.incubator.vector}, and
 * {@link Products} loads it by name only when that module is in the JVM's boot layer, so without
 * the flag it is never linked.
 */
final class VectorProductKernel implements ProductKernel {
  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  static final int MR = 4;
  static final int NR = 2 * LANES;
  /** One packed strip of op(A), KC·MR doubles (8 KiB), stays in L1. */
  static final int KC = 256;
  /** The packed panel of op(B), KC·NC doubles (1 MiB), stays in L2. */
  static final int NC = 512;

  @Override
  public String name() {
    return "vector";
  }

  @Override
  public int packedASize() {
    return KC * MR + MR * NR; // the strip, then scratch for a partial tile
  }

  @Override
  public int packedBSize() {
    return KC * ((NC + NR - 1) / NR * NR);
  }

  @Override
  public int tileRows() {
    return MR;
  }

  @Override
  public int tileCols() {
    return NR;
  }

  @Override
  public void multiplyAdd(int m, int n, int k,
      double[] a, int aOffset, int aRowStride, int aColStride,
      double[] b, int bOffset, int bRowStride, int bColStride,
      double[] c, int cOffset, int ldc,
      double[] packedA, double[] packedB) {
    for (int jc = 0; jc < n; jc += NC) {
      int nb = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kb = Math.min(KC, k - pc);
        packB(b, bOffset + pc * bRowStride + jc * bColStride, bRowStride, bColStride, kb, nb, packedB);
        for (int ic = 0; ic < m; ic += MR) {
          int mr = Math.min(MR, m - ic);
          packA(a, aOffset + ic * aRowStride + pc * aColStride, aRowStride, aColStride, kb, mr, packedA);
          int cRow = cOffset + ic * ldc + jc;
          for (int js = 0; js < nb; js += NR) {
            tile(kb, packedA, packedB, js * kb, c, cRow + js, ldc, mr, Math.min(NR, nb - js));
          }
        }
      }
    }
  }

  /** Strip s of the panel holds columns s·NR.., as kb rows of NR, zero-padded past the last column. */
  private static void packB(double[] b, int offset, int rowStride, int colStride, int kb, int nb,
      double[] packed) {
    for (int js = 0; js < nb; js += NR) {
      int nr = Math.min(NR, nb - js);
      int strip = js * kb;
      if (colStride == 1 && nr == NR) {
        for (int p = 0; p < kb; p++) {
          System.arraycopy(b, offset + p * rowStride + js, packed, strip + p * NR, NR);
        }
        continue;
      }
      for (int q = 0; q < NR; q++) {
        int src = offset + (js + q) * colStride;
        int dst = strip + q;
        if (q < nr) {
          for (int p = 0; p < kb; p++) {
            packed[dst + p * NR] = b[src + p * rowStride];
          }
        } else {
          for (int p = 0; p < kb; p++) {
            packed[dst + p * NR] = 0.0;
          }
        }
      }
    }
  }

  /** kb columns of MR rows, zero-padded past the last row. */
  private static void packA(double[] a, int offset, int rowStride, int colStride, int kb, int mr,
      double[] packed) {
    for (int r = 0; r < MR; r++) {
      int src = offset + r * rowStride;
      if (r < mr) {
        for (int p = 0; p < kb; p++) {
          packed[p * MR + r] = a[src + p * colStride];
        }
      } else {
        for (int p = 0; p < kb; p++) {
          packed[p * MR + r] = 0.0;
        }
      }
    }
  }

  private static void tile(int kb, double[] pa, double[] pb, int pbOffset, double[] c, int cOffset,
      int ldc, int mr, int nr) {
    DoubleVector c00 = DoubleVector.zero(SPECIES);
    DoubleVector c01 = c00;
    DoubleVector c10 = c00;
    DoubleVector c11 = c00;
    DoubleVector c20 = c00;
    DoubleVector c21 = c00;
    DoubleVector c30 = c00;
    DoubleVector c31 = c00;
    for (int p = 0; p < kb; p++) {
      int ib = pbOffset + p * NR;
      int ia = p * MR;
      DoubleVector b0 = DoubleVector.fromArray(SPECIES, pb, ib);
      DoubleVector b1 = DoubleVector.fromArray(SPECIES, pb, ib + LANES);
      DoubleVector x = DoubleVector.broadcast(SPECIES, pa[ia]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = DoubleVector.broadcast(SPECIES, pa[ia + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = DoubleVector.broadcast(SPECIES, pa[ia + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = DoubleVector.broadcast(SPECIES, pa[ia + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    if (mr == MR && nr == NR) {
      int o = cOffset;
      addInto(c00, c, o);
      addInto(c01, c, o + LANES);
      o += ldc;
      addInto(c10, c, o);
      addInto(c11, c, o + LANES);
      o += ldc;
      addInto(c20, c, o);
      addInto(c21, c, o + LANES);
      o += ldc;
      addInto(c30, c, o);
      addInto(c31, c, o + LANES);
      return;
    }
    // A partial tile at the edge of C: park the sums after the packed strip, add the valid part.
    int t = KC * MR;
    c00.intoArray(pa, t);
    c01.intoArray(pa, t + LANES);
    c10.intoArray(pa, t + NR);
    c11.intoArray(pa, t + NR + LANES);
    c20.intoArray(pa, t + 2 * NR);
    c21.intoArray(pa, t + 2 * NR + LANES);
    c30.intoArray(pa, t + 3 * NR);
    c31.intoArray(pa, t + 3 * NR + LANES);
    for (int r = 0; r < mr; r++) {
      for (int q = 0; q < nr; q++) {
        c[cOffset + r * ldc + q] += pa[t + r * NR + q];
      }
    }
  }

  private static void addInto(DoubleVector sum, double[] c, int offset) {
    DoubleVector.fromArray(SPECIES, c, offset).add(sum).intoArray(c, offset);
  }
}
