package dev.matgrad;

/**
 * One implementation of the blocked product C += op(A)·op(B) behind {@link Products}: plain Java
 * ({@link PlainProductKernel}) or the Vector API ({@code VectorProductKernel}, compiled and loaded
 * separately).
 *
 * <p>Operands are addressed through strides, so one kernel serves every transposition:
 * op(A)[i][p] = a[aOffset + i·aRowStride + p·aColStride], op(B)[p][j] likewise, and
 * C[i][j] = c[cOffset + i·ldc + j]. Shapes are checked by the caller.
 */
interface ProductKernel {
  /** "plain" or "vector". */
  String name();

  /** Doubles of op(A) packing buffer needed by one call. */
  int packedASize();

  /** Doubles of op(B) packing buffer needed by one call. */
  int packedBSize();

  /** Rows of C one register tile covers: a slab boundary at a multiple of it keeps tiles full. */
  int tileRows();

  /** Columns of C one register tile covers. */
  int tileCols();

  /**
   * C += op(A)·op(B) for C m×n, op(A) m×k, op(B) k×n. Each entry is the same sum, in the same
   * order, wherever its row and column fall in the call, so splitting C into slabs across threads
   * does not change a bit.
   */
  void multiplyAdd(int m, int n, int k,
      double[] a, int aOffset, int aRowStride, int aColStride,
      double[] b, int bOffset, int bRowStride, int bColStride,
      double[] c, int cOffset, int ldc,
      double[] packedA, double[] packedB);
}
