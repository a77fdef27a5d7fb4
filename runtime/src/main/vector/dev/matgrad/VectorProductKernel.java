package dev.matgrad;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The product kernel on the JDK's Vector API: the blocking and packing of {@link
 * PackedProductKernel}, with a register tile of 4 rows × 2 vectors (16 columns on AVX-512) of FMA
 * accumulators, each step loading two vectors of op(B) and broadcasting four entries of op(A).
 *
 * <p>This class is compiled on its own, with {@code --add-modules jdk.incubator.vector}, and
 * {@link Products} loads it by name only when that module is in the JVM's boot layer, so without
 * the flag it is never linked.
 */
final class VectorProductKernel extends PackedProductKernel {
  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  static final int MR = 4;
  static final int NR = 2 * LANES;
  /** One packed strip of op(A), KC·MR doubles (8 KiB), stays in L1. */
  static final int KC = 256;
  /** The packed panel of op(B), KC·NC doubles (1 MiB), stays in L2. */
  static final int NC = 512;

  VectorProductKernel() {
    super(MR, NR, KC, NC);
  }

  @Override
  public String name() {
    return "vector";
  }

  @Override
  void tile(int kb, double[] pa, double[] pb, int pbOffset, double[] c, int cOffset, int ldc,
      int rows, int cols) {
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
    if (rows == MR && cols == NR) {
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
    addPartialTile(pa, c, cOffset, ldc, rows, cols);
  }

  private static void addInto(DoubleVector sum, double[] c, int offset) {
    DoubleVector.fromArray(SPECIES, c, offset).add(sum).intoArray(c, offset);
  }
}
