package dev.matgrad;

/**
 * What the product kernels share: the cache blocking (column blocks of nc, depth blocks of kc,
 * strips of mr rows of op(A) against strips of nr columns of op(B)), the packing of both operands
 * into those strips, and the write-back of a partial tile at the edge of C. An implementation
 * supplies only its register tile, {@link #tile}, which multiplies one packed strip of op(A) by
 * one packed strip of op(B) and adds the mr×nr result into C.
 *
 * <p>Every entry of C is summed over the depth blocks in order, and within one in the tile's
 * fixed order, whatever its row and column: splitting C into slabs across threads does not change
 * a bit.
 */
abstract class PackedProductKernel implements ProductKernel {
  /** Rows of a register tile. */
  final int mr;
  /** Columns of a register tile. */
  final int nr;
  /** A depth block: one packed strip of op(A), kc·mr doubles, stays in L1. */
  final int kc;
  /** A column block: the packed panel of op(B), kc·nc doubles, stays in L2. */
  final int nc;

  PackedProductKernel(int mr, int nr, int kc, int nc) {
    this.mr = mr;
    this.nr = nr;
    this.kc = kc;
    this.nc = nc;
  }

  @Override
  public final int packedASize() {
    return kc * mr + mr * nr; // the strip, then scratch for a partial tile
  }

  @Override
  public final int packedBSize() {
    return kc * ((nc + nr - 1) / nr * nr);
  }

  @Override
  public final int tileRows() {
    return mr;
  }

  @Override
  public final int tileCols() {
    return nr;
  }

  @Override
  public final void multiplyAdd(int m, int n, int k,
      double[] a, int aOffset, int aRowStride, int aColStride,
      double[] b, int bOffset, int bRowStride, int bColStride,
      double[] c, int cOffset, int ldc,
      double[] packedA, double[] packedB) {
    for (int jc = 0; jc < n; jc += nc) {
      int nb = Math.min(nc, n - jc);
      for (int pc = 0; pc < k; pc += kc) {
        int kb = Math.min(kc, k - pc);
        packB(b, bOffset + pc * bRowStride + jc * bColStride, bRowStride, bColStride, kb, nb, packedB);
        for (int ic = 0; ic < m; ic += mr) {
          int rows = Math.min(mr, m - ic);
          packA(a, aOffset + ic * aRowStride + pc * aColStride, aRowStride, aColStride, kb, rows, packedA);
          int cRow = cOffset + ic * ldc + jc;
          for (int js = 0; js < nb; js += nr) {
            tile(kb, packedA, packedB, js * kb, c, cRow + js, ldc, rows, Math.min(nr, nb - js));
          }
        }
      }
    }
  }

  /**
   * C[cOffset.., ldc] += the packed strip of op(A) (kb columns of mr rows, from index 0) times the
   * packed strip of op(B) at pbOffset (kb rows of nr); only rows × cols of the tile lie inside C
   * (fewer than mr × nr at its edges: see {@link #addPartialTile}).
   */
  abstract void tile(int kb, double[] pa, double[] pb, int pbOffset, double[] c, int cOffset, int ldc,
      int rows, int cols);

  /**
   * The valid rows × cols of a partial tile whose sums the tile parked, mr rows of nr, in
   * {@code pa} after the packed strip (from index kc·mr), added into C.
   */
  final void addPartialTile(double[] pa, double[] c, int cOffset, int ldc, int rows, int cols) {
    int t = kc * mr;
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < cols; q++) {
        c[cOffset + r * ldc + q] += pa[t + r * nr + q];
      }
    }
  }

  /** Strip s of the panel holds columns s·nr.., as kb rows of nr, zero-padded past the last column. */
  private void packB(double[] b, int offset, int rowStride, int colStride, int kb, int nb, double[] packed) {
    for (int js = 0; js < nb; js += nr) {
      int cols = Math.min(nr, nb - js);
      int strip = js * kb;
      if (colStride == 1 && cols == nr) {
        for (int p = 0; p < kb; p++) {
          System.arraycopy(b, offset + p * rowStride + js, packed, strip + p * nr, nr);
        }
        continue;
      }
      for (int q = 0; q < nr; q++) {
        int src = offset + (js + q) * colStride;
        int dst = strip + q;
        if (q < cols) {
          for (int p = 0; p < kb; p++) {
            packed[dst + p * nr] = b[src + p * rowStride];
          }
        } else {
          for (int p = 0; p < kb; p++) {
            packed[dst + p * nr] = 0.0;
          }
        }
      }
    }
  }

  /** kb columns of mr rows, zero-padded past the last row. */
  private void packA(double[] a, int offset, int rowStride, int colStride, int kb, int rows, double[] packed) {
    for (int r = 0; r < mr; r++) {
      int src = offset + r * rowStride;
      if (r < rows) {
        for (int p = 0; p < kb; p++) {
          packed[p * mr + r] = a[src + p * colStride];
        }
      } else {
        for (int p = 0; p < kb; p++) {
          packed[p * mr + r] = 0.0;
        }
      }
    }
  }
}
