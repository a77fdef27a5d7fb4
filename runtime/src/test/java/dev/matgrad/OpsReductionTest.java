package dev.matgrad;

import static dev.matgrad.TestSupport.TRIALS;
import static dev.matgrad.TestSupport.assertClose;
import static dev.matgrad.TestSupport.assertNullNamed;
import static dev.matgrad.TestSupport.copy;
import static dev.matgrad.TestSupport.ejml;
import static dev.matgrad.TestSupport.ejmlColumn;
import static dev.matgrad.TestSupport.randomMatrix;
import static dev.matgrad.TestSupport.randomVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpsReductionTest {

  /** A reduction: its two overloads and an EJML reference over all entries. */
  record Reduction(String name, ToDoubleFunction<double[]> vector, ToDoubleFunction<Matrix> matrix,
      ToDoubleFunction<DMatrixRMaj> reference) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static double ejmlSumSq(DMatrixRMaj X) {
    return CommonOps_DDRM.elementSum(CommonOps_DDRM.elementMult(X, X, null));
  }

  static Stream<Reduction> reductions() {
    return Stream.of(
        new Reduction("sum", Ops::sum, Ops::sum, CommonOps_DDRM::elementSum),
        new Reduction("sumSq", Ops::sumSq, Ops::sumSq, OpsReductionTest::ejmlSumSq),
        new Reduction("norm1", Ops::norm1, Ops::norm1, CommonOps_DDRM::elementSumAbs),
        new Reduction("norm2", Ops::norm2, Ops::norm2, NormOps_DDRM::normF),
        new Reduction("logSumExp", Ops::logSumExp, Ops::logSumExp,
            X -> Math.log(CommonOps_DDRM.elementSum(CommonOps_DDRM.elementExp(X, null)))));
  }

  /** mean is separate: it rejects empty input, which the others reduce to a value. */
  static Stream<Reduction> reductionsWithMean() {
    return Stream.concat(reductions(), Stream.of(new Reduction("mean", Ops::mean, Ops::mean,
        X -> CommonOps_DDRM.elementSum(X) / X.getNumElements())));
  }

  @Nested
  class AllReductions {
    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsReductionTest#reductionsWithMean")
    void randomVectorsAgreeWithEjml(Reduction op) {
      Random rnd = new Random(op.name().hashCode());
      for (int t = 0; t < TRIALS; t++) {
        double[] x = randomVector(rnd, 1 + rnd.nextInt(8));
        double[] x0 = x.clone();
        assertClose(op.reference().applyAsDouble(ejmlColumn(x)), op.vector().applyAsDouble(x));
        assertArrayEquals(x0, x);
      }
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsReductionTest#reductionsWithMean")
    void randomMatricesAgreeWithEjmlAndReduceOverAllEntriesRowMajor(Reduction op) {
      Random rnd = new Random(op.name().hashCode() + 1);
      for (int t = 0; t < TRIALS; t++) {
        Matrix X = randomMatrix(rnd, 1 + rnd.nextInt(5), 1 + rnd.nextInt(5));
        Matrix X0 = copy(X);
        double value = op.matrix().applyAsDouble(X);
        assertClose(op.reference().applyAsDouble(ejml(X)), value);
        assertEquals(op.vector().applyAsDouble(X.data()), value, "bit-for-bit the vector overload");
        assertEquals(X0, X);
      }
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsReductionTest#reductionsWithMean")
    void nullsAreRejectedByName(Reduction op) {
      assertNullNamed("x", () -> op.vector().applyAsDouble(null));
      assertNullNamed("X", () -> op.matrix().applyAsDouble(null));
    }
  }

  @Nested
  class HandValues {
    private final double[] x = {3, -4, 0};
    private final Matrix X = Matrix.of(2, 2, 1, -2, 3, -4);

    @Test
    void vector() {
      assertEquals(-1.0, Ops.sum(x));
      assertEquals(-1.0 / 3, Ops.mean(x));
      assertEquals(25.0, Ops.sumSq(x));
      assertEquals(7.0, Ops.norm1(x));
      assertEquals(5.0, Ops.norm2(x));
      assertEquals(5.0, Ops.normP(x, 2));
      assertEquals(7.0, Ops.normP(x, 1));
      assertEquals(Math.cbrt(91), Ops.normP(x, 3), 1e-15 * Math.cbrt(91));
      assertClose(3 + Math.log(1 + Math.exp(-7) + Math.exp(-3)), Ops.logSumExp(x));
    }

    @Test
    void matrix() {
      assertEquals(-2.0, Ops.sum(X));
      assertEquals(-0.5, Ops.mean(X));
      assertEquals(30.0, Ops.sumSq(X));
      assertEquals(10.0, Ops.norm1(X), "entrywise, not the induced 1-norm (6)");
      assertEquals(Math.sqrt(30), Ops.norm2(X), "Frobenius, not spectral");
      assertClose(Math.log(Math.exp(1) + Math.exp(-2) + Math.exp(3) + Math.exp(-4)),
          Ops.logSumExp(X));
    }

    @Test
    void sumsAccumulateLeftToRightFromZero() {
      // 0 + 1 + 1e100 − 1e100 = 0 in this order; any other order keeps the 1.
      double[] v = {1, 1e100, -1e100};
      assertEquals(0.0, Ops.sum(v));
      assertEquals(0.0, Ops.mean(v));
      assertEquals(0.0, Ops.sum(Matrix.of(1, 3, v)));
      assertEquals(0.0, Ops.sum(new double[] {-0.0}), "starts from +0.0");
    }
  }

  @Nested
  class EmptyAndZero {
    @Test
    void emptyReductions() {
      double[] e = new double[0];
      Matrix E = Matrix.zeros(0, 3);
      assertEquals(0.0, Ops.sum(e));
      assertEquals(0.0, Ops.sum(E));
      assertEquals(0.0, Ops.sumSq(e));
      assertEquals(0.0, Ops.sumSq(E));
      assertEquals(0.0, Ops.norm1(e));
      assertEquals(0.0, Ops.norm2(E));
      assertEquals(0.0, Ops.normP(e, 3));
      assertEquals(Double.NEGATIVE_INFINITY, Ops.logSumExp(e));
      assertEquals(Double.NEGATIVE_INFINITY, Ops.logSumExp(E));
    }

    @Test
    void meanOfEmptyIsRejected() {
      IllegalArgumentException v =
          assertThrows(IllegalArgumentException.class, () -> Ops.mean(new double[0]));
      assertTrue(v.getMessage().startsWith("mean of an empty"), v.getMessage());
      IllegalArgumentException m =
          assertThrows(IllegalArgumentException.class, () -> Ops.mean(Matrix.zeros(3, 0)));
      assertTrue(m.getMessage().startsWith("mean of an empty"), m.getMessage());
      assertTrue(m.getMessage().contains("3×0"), m.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {1, 1.5, 2, 3})
    void normsOfTheZeroVectorAreZero(double p) {
      double[] zero = new double[4];
      assertEquals(0.0, Ops.normP(zero, p));
      assertEquals(0.0, Ops.normP(new double[] {-0.0, 0.0}, p));
      assertEquals(0.0, Ops.norm2(zero));
      assertEquals(0.0, Ops.norm1(zero));
      assertEquals(0.0, Ops.norm2(Matrix.zeros(2, 2)));
    }
  }

  @Nested
  class NormP {
    @ParameterizedTest
    @ValueSource(doubles = {1, 1.25, 2, 3, 7.5})
    void randomVectorsAgreeWithEjml(double p) {
      Random rnd = new Random(31 + (long) (p * 100));
      for (int t = 0; t < TRIALS; t++) {
        double[] x = randomVector(rnd, 1 + rnd.nextInt(8));
        double[] x0 = x.clone();
        assertClose(NormOps_DDRM.elementP(ejmlColumn(x), p), Ops.normP(x, p));
        assertArrayEquals(x0, x);
      }
    }

    @Test
    void agreesWithNorm1AndNorm2() {
      Random rnd = new Random(33);
      double[] x = randomVector(rnd, 6);
      assertClose(Ops.norm1(x), Ops.normP(x, 1));
      assertClose(Ops.norm2(x), Ops.normP(x, 2));
    }

    @Test
    void neitherOverflowsNorUnderflows() {
      assertClose(Math.sqrt(2), Ops.normP(new double[] {1e300, -1e300}, 2) / 1e300);
      assertClose(Math.cbrt(2), Ops.normP(new double[] {1e-300, 1e-300}, 3) / 1e-300);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0, -1, Double.NaN, Double.NEGATIVE_INFINITY})
    void rejectsPBelowOne(double p) {
      double[] x = {1, 2};
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Ops.normP(x, p));
      assertTrue(e.getMessage().contains("normP"), e.getMessage());
      assertTrue(e.getMessage().contains("p = " + p), e.getMessage());
      assertArrayEquals(new double[] {1, 2}, x);
    }

    @Test
    void rejectsNull() {
      assertNullNamed("x", () -> Ops.normP(null, 2));
    }
  }

  @Nested
  class LogSumExp {
    @Test
    void isFiniteAtPlusMinus800() {
      assertEquals(800 + Math.log(2), Ops.logSumExp(new double[] {800, 800}));
      assertEquals(-800 + Math.log(2), Ops.logSumExp(new double[] {-800, -800}));
      assertEquals(800.0, Ops.logSumExp(new double[] {800, -800}));
      assertEquals(800 + Math.log(2), Ops.logSumExp(Matrix.of(1, 2, 800, 800)));
    }

    @Test
    void infiniteMaximumIsReturnedAsIs() {
      double inf = Double.POSITIVE_INFINITY;
      assertEquals(inf, Ops.logSumExp(new double[] {1, inf}));
      assertEquals(-inf, Ops.logSumExp(new double[] {-inf, -inf}));
      assertEquals(0.0, Ops.logSumExp(new double[] {-inf, 0}));
    }

    @Test
    void isShiftEquivariant() {
      Random rnd = new Random(34);
      double[] x = randomVector(rnd, 5);
      double c = 123.25;
      double[] shifted = Ops.add(x, new double[] {c, c, c, c, c});
      assertClose(Ops.logSumExp(x) + c, Ops.logSumExp(shifted));
    }
  }
}
