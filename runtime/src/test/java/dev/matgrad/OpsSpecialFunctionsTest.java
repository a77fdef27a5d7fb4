package dev.matgrad;

import static dev.matgrad.TestSupport.TRIALS;
import static dev.matgrad.TestSupport.assertClose;
import static dev.matgrad.TestSupport.assertFresh;
import static dev.matgrad.TestSupport.assertNullNamed;
import static dev.matgrad.TestSupport.assertSameEntries;
import static dev.matgrad.TestSupport.copy;
import static dev.matgrad.TestSupport.dim;
import static dev.matgrad.TestSupport.each;
import static dev.matgrad.TestSupport.ejml;
import static dev.matgrad.TestSupport.ejmlColumn;
import static dev.matgrad.TestSupport.randomMatrix;
import static dev.matgrad.TestSupport.randomVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.ops.DOperatorUnary;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** log1p, expm1, atan, sinh, cosh, erf, erfc and normalCdf: values, tails and overloads. */
class OpsSpecialFunctionsTest {

  /** A few units in the last place: the accuracy the special functions promise. */
  private static final double ULPS = 2e-15;

  private static void assertRelative(double expected, double actual, double tol, String where) {
    if (expected == 0 || Double.isInfinite(expected) || Double.isNaN(expected)) {
      assertEquals(expected, actual, where);
      return;
    }
    double rel = Math.abs((actual - expected) / expected);
    if (!(rel <= tol)) {
      fail(where + ": expected " + expected + " but was " + actual + " (relative error " + rel
          + ", tolerance " + tol + ")");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Overloads: each one-operand function on double, double[] and Matrix

  /** A function's three overloads, an EJML reference and the interval inputs are drawn from. */
  record Unary(String name, DoubleUnaryOperator scalar, UnaryOperator<double[]> vector,
      UnaryOperator<Matrix> matrix, DOperatorUnary reference, double lo, double hi) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Unary> functions() {
    return Stream.of(
        new Unary("log1p", Ops::log1p, Ops::log1p, Ops::log1p, x -> Math.log(1 + x), -0.5, 3),
        new Unary("expm1", Ops::expm1, Ops::expm1, Ops::expm1, x -> Math.exp(x) - 1, -3, 3),
        new Unary("atan", Ops::atan, Ops::atan, Ops::atan, x -> Math.asin(x / Math.hypot(1, x)),
            -5, 5),
        new Unary("sinh", Ops::sinh, Ops::sinh, Ops::sinh, x -> (Math.exp(x) - Math.exp(-x)) / 2,
            -3, 3),
        new Unary("cosh", Ops::cosh, Ops::cosh, Ops::cosh, x -> (Math.exp(x) + Math.exp(-x)) / 2,
            -3, 3),
        new Unary("erf", Ops::erf, Ops::erf, Ops::erf, x -> erfSeries(x).doubleValue(), -3, 3),
        new Unary("erfc", Ops::erfc, Ops::erfc, Ops::erfc,
            x -> BigDecimal.ONE.subtract(erfSeries(x)).doubleValue(), -3, 3),
        new Unary("normalCdf", Ops::normalCdf, Ops::normalCdf, Ops::normalCdf,
            x -> normalCdfSeries(x).doubleValue(), -4, 4));
  }

  @Nested
  class Overloads {
    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsSpecialFunctionsTest#functions")
    void vectorOverloadAgreesWithTheReferenceAndIsTheScalarFormulaPerEntry(Unary op) {
      Random rnd = new Random(op.name().hashCode());
      for (int t = 0; t < TRIALS; t++) {
        double[] x = randomVector(rnd, dim(rnd), op.lo(), op.hi());
        double[] x0 = x.clone();
        double[] y = op.vector().apply(x);
        DMatrixRMaj expected = CommonOps_DDRM.apply(ejmlColumn(x), op.reference(),
            new DMatrixRMaj(x.length, 1));
        assertClose(expected, y);
        assertSameEntries(each(x, op.scalar()), y);
        assertArrayEquals(x0, x);
        assertFresh(y, x);
      }
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsSpecialFunctionsTest#functions")
    void matrixOverloadAgreesWithTheReferenceAndKeepsTheShape(Unary op) {
      Random rnd = new Random(op.name().hashCode() + 1);
      for (int t = 0; t < TRIALS; t++) {
        Matrix X = randomMatrix(rnd, dim(rnd), dim(rnd), op.lo(), op.hi());
        Matrix X0 = copy(X);
        Matrix Y = op.matrix().apply(X);
        assertClose(
            CommonOps_DDRM.apply(ejml(X), op.reference(), new DMatrixRMaj(X.rows(), X.cols())),
            Y);
        assertSameEntries(each(X.data(), op.scalar()), Y.data());
        assertEquals(X0, X);
        assertFresh(Y, X);
      }
    }

    @ParameterizedTest
    @MethodSource("dev.matgrad.OpsSpecialFunctionsTest#functions")
    void nullsAreRejectedByName(Unary op) {
      assertNullNamed("x", () -> op.vector().apply(null));
      assertNullNamed("X", () -> op.matrix().apply(null));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The functions the JDK has: the scalar overload is Math's

  @Nested
  class JdkFunctions {
    @ParameterizedTest
    @ValueSource(doubles = {-1e300, -800, -3, -1, -1e-300, -0.0, 0.0, 1e-300, 1e-10, 0.5, 1, 3,
        700, 800, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN})
    void scalarsAreMathFunctions(double x) {
      assertEquals(Math.log1p(x), Ops.log1p(x));
      assertEquals(Math.expm1(x), Ops.expm1(x));
      assertEquals(Math.atan(x), Ops.atan(x));
      assertEquals(Math.sinh(x), Ops.sinh(x));
      assertEquals(Math.cosh(x), Ops.cosh(x));
    }

    @Test
    void log1pNearMinusOneIsExactWhereOnePlusXIs() {
      // For x in [−1, −0.5], 1 + x is exact in double arithmetic, so log(1 + x) is the reference.
      for (double x : new double[] {-1 + 1e-10, -1 + 1e-15, Math.nextUp(-1.0), -0.75}) {
        assertRelative(Math.log(1 + x), Ops.log1p(x), 1e-15, "log1p(" + x + ")");
      }
      assertEquals(Double.NEGATIVE_INFINITY, Ops.log1p(-1.0), "the pole");
      assertEquals(Double.NaN, Ops.log1p(-1.5), "below the pole");
      assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, Double.NaN},
          Ops.log1p(new double[] {-1, -2}));
    }

    @Test
    void log1pAndExpm1NearZeroKeepTheDigitsThatTheNaiveFormsLose() {
      for (double x : new double[] {1e-10, -1e-10, 1e-17, 3e-200}) {
        // The series x − x²/2 + x³/3 and x + x²/2 + x³/6 are exact to rounding this close to 0.
        assertRelative(x - x * x / 2 + x * x * x / 3, Ops.log1p(x), 5e-16, "log1p(" + x + ")");
        assertRelative(x + x * x / 2 + x * x * x / 6, Ops.expm1(x), 5e-16, "expm1(" + x + ")");
      }
      // exp(x) − 1 keeps only about 7 of the 16 digits at 1e-10, and none at 1e-17.
      assertTrue(Math.abs((Math.exp(1e-10) - 1) - Ops.expm1(1e-10)) > 1e-18);
      assertEquals(0.0, Math.exp(1e-17) - 1);
      assertEquals(-0.0, Ops.expm1(-0.0));
      assertEquals(-1.0, Ops.expm1(-800));
      assertEquals(Double.POSITIVE_INFINITY, Ops.expm1(710));
    }

    @Test
    void atanSinhCoshHandValuesAndLimits() {
      assertEquals(Math.PI / 4, Ops.atan(1.0));
      assertEquals(-Math.PI / 2, Ops.atan(Double.NEGATIVE_INFINITY));
      assertEquals(0.0, Ops.sinh(0.0));
      assertEquals(1.0, Ops.cosh(0.0));
      assertEquals(Double.NEGATIVE_INFINITY, Ops.sinh(-711));
      assertEquals(Double.POSITIVE_INFINITY, Ops.cosh(-711));
      for (double x = -2; x <= 2; x += 0.25) {
        assertClose(1.0, Ops.cosh(x) * Ops.cosh(x) - Ops.sinh(x) * Ops.sinh(x),
            "cosh² − sinh² at " + x);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // erf, erfc and Φ

  @Nested
  class ErrorFunction {
    /**
     * Reference values computed with mpmath 1.3 at 50 significant digits ({@code mp.erf},
     * {@code mp.erfc}, {@code mp.ncdf} of the double nearest each argument), rounded to 20
     * digits.
     */
    @ParameterizedTest
    @CsvSource({
        "1e-300, 1.1283791670955126022e-300",
        "1e-10, 1.128379167095512615e-10",
        "0.1, 1.124629160182848984e-1",
        "0.25, 2.7632639016823693299e-1",
        "0.46875, 4.9261347321793799159e-1",
        "0.5, 5.2049987781304653768e-1",
        "1, 8.4270079294971486934e-1",
        "1.5, 9.6610514647531072707e-1",
        "2, 9.9532226501895273416e-1",
        "3, 9.9997790950300141456e-1",
        "4, 9.9999998458274209972e-1",
        "4.5, 9.9999999980338395585e-1",
        "5, 9.9999999999846254021e-1",
        "6, 9.9999999999999997848e-1"})
    void erfMatchesHighPrecisionValuesAndIsOdd(double x, String reference) {
      double expected = Double.parseDouble(reference);
      assertRelative(expected, Ops.erf(x), ULPS, "erf(" + x + ")");
      assertRelative(-expected, Ops.erf(-x), ULPS, "erf(" + -x + ")");
      assertEquals(-Ops.erf(x), Ops.erf(-x), "erf is odd bit for bit");
    }

    /** erfc values as {@link #erfMatchesHighPrecisionValuesAndIsOdd}: far into the tail. */
    @ParameterizedTest
    @CsvSource({
        "0.5, 4.7950012218695346232e-1",
        "1, 1.5729920705028513066e-1",
        "2, 4.6777349810472658379e-3",
        "3, 2.2090496998585441373e-5",
        "4, 1.5417257900280018852e-8",
        "5, 1.5374597944280348502e-12",
        "10, 2.088487583762544757e-45",
        "15, 7.2129941724512066666e-100",
        "20, 5.3958656116079009289e-176",
        "26, 5.6631924088561428465e-296",
        "-1, 1.8427007929497148693",
        "-3, 1.9999779095030014146"})
    void erfcMatchesHighPrecisionValuesInTheTail(double x, String reference) {
      assertRelative(Double.parseDouble(reference), Ops.erfc(x), ULPS, "erfc(" + x + ")");
    }

    /**
     * Φ values as {@link #erfMatchesHighPrecisionValuesAndIsOdd}; Φ(−1.96) ≈ 0.025 is the
     * familiar two-sided 5% point.
     */
    @ParameterizedTest
    @CsvSource({
        "-37, 5.7255712225245768227e-300",
        "-30, 4.9067139271481870595e-198",
        "-20, 2.7536241186062336951e-89",
        "-10, 7.619853024160526066e-24",
        "-5, 2.8665157187919391167e-7",
        "-3, 1.3498980316300945267e-3",
        "-1.96, 2.4997895148220436213e-2",
        "-1, 1.5865525393145705141e-1",
        "-0.5, 3.0853753872598689636e-1",
        "0, 0.5",
        "0.5, 6.9146246127401310364e-1",
        "1, 8.4134474606854294859e-1",
        "1.96, 9.7500210485177956379e-1",
        "3, 9.9865010196836990547e-1",
        "5, 9.9999971334842812081e-1",
        "8, 9.999999999999993779e-1"})
    void normalCdfMatchesHighPrecisionValuesInBothTails(double x, String reference) {
      assertRelative(Double.parseDouble(reference), Ops.normalCdf(x), ULPS,
          "normalCdf(" + x + ")");
    }

    @Test
    void randomArgumentsAgreeWithAnExactSeries() {
      // The Taylor series of erf in 60-digit decimal arithmetic: independent of Cody's fits.
      Random rnd = new Random(31);
      for (int t = 0; t < 300; t++) {
        double x = -5 + 10 * rnd.nextDouble();
        BigDecimal erf = erfSeries(x);
        assertRelative(erf.doubleValue(), Ops.erf(x), ULPS, "erf(" + x + ")");
        assertRelative(BigDecimal.ONE.subtract(erf).doubleValue(), Ops.erfc(x), ULPS,
            "erfc(" + x + ")");
        double z = -7 + 14 * rnd.nextDouble();
        assertRelative(normalCdfSeries(z).doubleValue(), Ops.normalCdf(z), ULPS,
            "normalCdf(" + z + ")");
      }
    }

    @Test
    void identitiesHoldWhereRepresentable() {
      for (double x = -6; x <= 6; x += 0.125) {
        assertClose(1.0, Ops.erf(x) + Ops.erfc(x), "erf + erfc at " + x);
        assertClose(1.0, Ops.normalCdf(x) + Ops.normalCdf(-x), "Φ(x) + Φ(−x) at " + x);
        // The rounding of x/√2 costs up to 2(x/√2)² ulps here: 2e-14 at |x| = 6.
        assertRelative(0.5 * Ops.erfc(-x / Math.sqrt(2)), Ops.normalCdf(x), 2e-14,
            "Φ(x) = erfc(−x/√2)/2 at " + x);
      }
      for (double x = 0.5; x <= 26; x += 0.5) {
        assertEquals(2 - Ops.erfc(x), Ops.erfc(-x), "erfc(−x) = 2 − erfc(x) at " + x);
      }
    }

    @Test
    void valuesAreMonotoneAcrossTheBranchPoints() {
      // Cody's approximations switch at |x| = 0.46875 and 4; Φ at |x|/√2 = 0.46875.
      for (double edge : new double[] {0.46875, 4, -0.46875, -4}) {
        double below = Math.nextDown(edge);
        double above = Math.nextUp(edge);
        assertTrue(Ops.erf(below) <= Ops.erf(edge) && Ops.erf(edge) <= Ops.erf(above));
        assertTrue(Ops.erfc(below) >= Ops.erfc(edge) && Ops.erfc(edge) >= Ops.erfc(above));
      }
      double edge = 0.46875 * Math.sqrt(2);
      for (double e : new double[] {edge, -edge}) {
        double lo = Ops.normalCdf(Math.nextDown(e));
        double mid = Ops.normalCdf(e);
        double hi = Ops.normalCdf(Math.nextUp(e));
        assertTrue(lo <= mid && mid <= hi, lo + " " + mid + " " + hi);
      }
    }

    @Test
    void farTailsAtPlusMinus40() {
      assertEquals(1.0, Ops.erf(40));
      assertEquals(-1.0, Ops.erf(-40));
      assertEquals(0.0, Ops.erfc(40));
      assertEquals(2.0, Ops.erfc(-40));
      // Φ(−40) ≈ 3.66e-350 is below the smallest double; Φ(40) rounds to 1.
      assertEquals(0.0, Ops.normalCdf(-40));
      assertEquals(1.0, Ops.normalCdf(40));
      assertEquals(0.0, Ops.normalCdf(-38.6));
      assertTrue(Ops.normalCdf(-38) > 0, "Φ(−38) ≈ 2.9e-316 is a subnormal, not 0");
      assertTrue(Ops.erfc(27) > 0, "erfc(27) ≈ 5.2e-319 is a subnormal, not 0");
      assertArrayEquals(new double[] {0.0, 0.5, 1.0},
          Ops.normalCdf(new double[] {-40, 0, 40}));
      assertEquals(Matrix.of(1, 2, -1.0, 1.0), Ops.erf(Matrix.of(1, 2, -40, 40)));
    }

    @Test
    void tailsDecreaseMonotonicallyToUnderflow() {
      double previousErfc = Ops.erfc(0.5);
      double previousCdf = Ops.normalCdf(-0.5);
      for (double x = 0.5; x <= 40; x += 1.0 / 64) {
        double erfc = Ops.erfc(x);
        double cdf = Ops.normalCdf(-x);
        assertTrue(erfc <= previousErfc && erfc >= 0, "erfc at " + x);
        assertTrue(cdf <= previousCdf && cdf >= 0, "Φ at " + -x);
        previousErfc = erfc;
        previousCdf = cdf;
      }
    }

    @Test
    void infinitiesSignedZeroAndNaN() {
      assertEquals(1.0, Ops.erf(Double.POSITIVE_INFINITY));
      assertEquals(-1.0, Ops.erf(Double.NEGATIVE_INFINITY));
      assertEquals(0.0, Ops.erfc(Double.POSITIVE_INFINITY));
      assertEquals(2.0, Ops.erfc(Double.NEGATIVE_INFINITY));
      assertEquals(1.0, Ops.normalCdf(Double.POSITIVE_INFINITY));
      assertEquals(0.0, Ops.normalCdf(Double.NEGATIVE_INFINITY));
      assertEquals(-0.0, Ops.erf(-0.0));
      assertEquals(1.0, Ops.erfc(0.0));
      assertEquals(0.5, Ops.normalCdf(-0.0));
      assertEquals(Double.NaN, Ops.erf(Double.NaN));
      assertEquals(Double.NaN, Ops.erfc(Double.NaN));
      assertEquals(Double.NaN, Ops.normalCdf(Double.NaN));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The exact references: Taylor series in decimal arithmetic

  private static final MathContext WORK = new MathContext(60);

  /** π to 60 digits by Machin's formula π = 16 atan(1/5) − 4 atan(1/239). */
  private static final BigDecimal PI = atanOfReciprocal(5).multiply(BigDecimal.valueOf(16))
      .subtract(atanOfReciprocal(239).multiply(BigDecimal.valueOf(4)), WORK);

  private static final BigDecimal TWO_OVER_SQRT_PI =
      BigDecimal.valueOf(2).divide(PI.sqrt(WORK), WORK);

  private static final BigDecimal SQRT_TWO = BigDecimal.valueOf(2).sqrt(WORK);

  private static BigDecimal atanOfReciprocal(int k) {
    BigDecimal x = BigDecimal.ONE.divide(BigDecimal.valueOf(k), WORK);
    BigDecimal x2 = x.multiply(x, WORK);
    BigDecimal power = x;
    BigDecimal sum = BigDecimal.ZERO;
    for (int n = 0; power.compareTo(BigDecimal.ZERO) != 0 && n < 200; n++) {
      BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), WORK);
      sum = n % 2 == 0 ? sum.add(term, WORK) : sum.subtract(term, WORK);
      power = power.multiply(x2, WORK);
    }
    return sum;
  }

  /**
   * erf x = (2/√π) Σ (−1)ⁿ x²ⁿ⁺¹ / (n! (2n+1)), summed in 60-digit arithmetic; the alternating
   * terms reach e^{x²} ≤ 1e11 for |x| ≤ 5, so far more digits than a double's survive.
   */
  static BigDecimal erfSeries(double x) {
    return erfSeries(new BigDecimal(x));
  }

  /** Φ(x) = ½ (1 + erf(x/√2)), with x/√2 taken in 60-digit arithmetic. */
  static BigDecimal normalCdfSeries(double x) {
    BigDecimal erf = erfSeries(new BigDecimal(x).divide(SQRT_TWO, WORK));
    return BigDecimal.ONE.add(erf).divide(BigDecimal.valueOf(2), WORK);
  }

  private static BigDecimal erfSeries(BigDecimal x) {
    BigDecimal x2 = x.multiply(x, WORK);
    double terms = 2 * x2.doubleValue();
    BigDecimal power = x;
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal negligible = new BigDecimal("1e-45");
    for (int n = 0; ; n++) {
      BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), WORK);
      sum = n % 2 == 0 ? sum.add(term, WORK) : sum.subtract(term, WORK);
      if (n > terms && term.abs().compareTo(negligible) < 0) {
        return sum.multiply(TWO_OVER_SQRT_PI, WORK);
      }
      power = power.multiply(x2, WORK).divide(BigDecimal.valueOf(n + 1), WORK);
    }
  }
}
