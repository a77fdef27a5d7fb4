package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import org.junit.jupiter.api.Test;

/**
 * erf and Φ in generated code: their values are bit for bit the runtime's (the same Cody
 * approximations), everywhere and in the far tails (±40), where the derivatives underflow to
 * exactly 0 instead of becoming NaN; near the tails they are tiny, finite and right.
 */
class ErfTailsTest {
  private static final double[] POINTS = {-40.0, -38.7, -38.5, -37.0, -30.0, -27.3, -27.0, -26.0,
      -8.0, -5.0, -4.0, -3.99, -1.0, -0.5, -0.46875, -0.3, -1e-20, -0.0, 0.0, 1e-300, 0.2,
      0.46875, 0.47, 0.9, 2.5, 4.0, 4.01, 6.0, 8.3, 26.0, 27.3, 30.0, 38.5, 40.0};

  private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
  private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

  @Test
  void valuesAreTheRuntimesBitForBit() {
    for (double x : POINTS) {
      double[] g = new double[1];
      assertEquals(Ops.erf(x), MoreOpsGradients.erfOfDoubleGrad(x, 1.0, g), 0.0, "erf(" + x + ")");
      assertEquals(Ops.normalCdf(x), MoreOpsGradients.normalCdfOfDoubleGrad(x, 1.0, g), 0.0,
          "Φ(" + x + ")");
      assertEquals(Ops.erfc(x), MoreOpsGradients.erfcOfDoubleGrad(x, 1.0, g), 0.0,
          "erfc(" + x + ")");
    }
    // On random points too, and through the array overloads (the helper inside a loop).
    Inputs in = new Inputs(5);
    double[] x = in.vector(200);
    for (int i = 0; i < x.length; i++) {
      x[i] *= 6.0;
    }
    double[] c = new double[x.length];
    java.util.Arrays.fill(c, 1.0);
    double[] grad = new double[x.length];
    assertEquals(Ops.sum(Ops.erf(x)), MoreOpsGradients.erfOfVectorGrad(x, c, grad), 1e-12);
    double[] jvp = new double[x.length];
    MoreOpsGradients.erfVectorValuedJvp(x, c, jvp);
    for (int i = 0; i < x.length; i++) {
      assertEquals(TWO_OVER_SQRT_PI * Math.exp(-x[i] * x[i]), jvp[i], 1e-15, "erf' at " + x[i]);
    }
  }

  /**
   * erfc in the upper tail is its own formula, not 1 − erf: erfc(26) ≈ 5.6e-296 to 1e-14
   * relative (against its asymptotic series), where 1 − erf(26) is 0; at ±40 it is 0 and 2 with
   * a derivative of exactly 0, and d/dx log erfc x is finite and right up to x = 26.
   */
  @Test
  void erfcTailsAreFiniteAndRight() {
    for (double x : POINTS) {
      double[] g = new double[1];
      MoreOpsGradients.erfcOfDoubleGrad(x, 1.0, g);
      assertTrue(Double.isFinite(g[0]), "erfc' at " + x);
      assertEquals(-TWO_OVER_SQRT_PI * Math.exp(-(x * x)), g[0], 1e-13 * Math.abs(g[0]) + Double.MIN_VALUE,
          "erfc' at " + x);
    }
    for (double x : new double[] {5.0, 10.0, 20.0, 26.0}) {
      // erfc x = e^{−x²}/(x√π) (1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + 105/(16x⁸) − …)
      double u = 1.0 / (2 * x * x);
      double series = 0;
      double term = 1;
      for (int k = 0; k < 8; k++) {
        series += term;
        term *= -(2 * k + 1) * u;
      }
      double expected = Math.exp(-x * x) / (x * Math.sqrt(Math.PI)) * series;
      double got = MoreOpsGradients.erfcOfDoubleGrad(x, 1.0, new double[1]);
      assertEquals(expected, got, (x >= 10 ? 1e-12 : 1e-6) * expected, "erfc(" + x + ")");
      assertTrue(got > 0, "erfc(" + x + ") is not 1 − erf(x) = " + (1 - Ops.erf(x)));
      double[] dlog = new double[1];
      double value = MoreOpsGradients.logErfcGrad(x, dlog);
      assertTrue(Double.isFinite(value) && Double.isFinite(dlog[0]), "log erfc at " + x);
      // d/dx log erfc x = −(2/√π) e^{−x²} / erfc x ≈ −2x (1 + u − …) for large x
      assertEquals(-TWO_OVER_SQRT_PI * Math.exp(-x * x) / expected, dlog[0],
          (x >= 10 ? 1e-12 : 1e-6) * Math.abs(dlog[0]), "d log erfc at " + x);
    }
    double[] x = {-40.0, 40.0};
    double[] g = new double[2];
    assertEquals(2.0, MoreOpsGradients.erfcOfVectorGrad(x, new double[] {1.0, 1.0}, g), 0.0);
    assertArrayEquals(new double[] {0.0, 0.0}, g, 0.0);
    double[] jvp = new double[2];
    MoreOpsGradients.erfcVectorValuedJvp(x, new double[] {1.0, 1.0}, jvp);
    assertArrayEquals(new double[] {0.0, 0.0}, jvp, 0.0);
  }

  @Test
  void tailsAreFiniteAndRight() {
    for (double x : POINTS) {
      double[] g = new double[1];
      MoreOpsGradients.erfOfDoubleGrad(x, 1.0, g);
      assertTrue(Double.isFinite(g[0]), "erf' at " + x);
      assertEquals(TWO_OVER_SQRT_PI * Math.exp(-(x * x)), g[0], 1e-13 * g[0] + Double.MIN_VALUE,
          "erf' at " + x);
      MoreOpsGradients.normalCdfOfDoubleGrad(x, 1.0, g);
      assertTrue(Double.isFinite(g[0]), "Φ' at " + x);
      assertEquals(INV_SQRT_2PI * Math.exp(-0.5 * (x * x)), g[0], 1e-13 * g[0] + Double.MIN_VALUE,
          "Φ' at " + x);
      double dir = MoreOpsGradients.erfOfDoubleJvp(x, 1.0, new double[] {1.0});
      assertTrue(Double.isFinite(dir), "erf JVP at " + x);
    }
    // At ±40: erf is ±1, Φ is 0 and 1, and every derivative is exactly 0.
    double[] x = {-40.0, 40.0};
    double[] g = new double[2];
    MoreOpsGradients.erfOfVectorGrad(x, new double[] {1.0, 1.0}, g);
    assertArrayEquals(new double[] {0.0, 0.0}, g, 0.0);
    assertEquals(0.0, MoreOpsGradients.normalCdfOfVectorGrad(x, new double[] {1.0, 0.0}, g), 0.0);
    assertArrayEquals(new double[] {0.0, 0.0}, g, 0.0);
    assertEquals(1.0, MoreOpsGradients.normalCdfOfVectorGrad(x, new double[] {0.0, 1.0}, g), 0.0);
    Matrix tails = Matrix.of(1, 2, -40.0, 40.0);
    double[] gm = new double[2];
    assertEquals(0.0, MoreOpsGradients.erfOfMatrixGrad(tails, Matrix.of(1, 2, 1.0, 1.0), gm), 0.0);
    assertArrayEquals(new double[] {0.0, 0.0}, gm, 0.0);
    // In the lower tail Φ is tiny but not 0, and so is its derivative: Φ(−37) ≈ 5.7e-300.
    double[] g37 = new double[1];
    double phi = MoreOpsGradients.normalCdfOfDoubleGrad(-37.0, 1.0, g37);
    assertTrue(phi > 5.7e-300 && phi < 5.8e-300, "Φ(−37) = " + phi);
    assertTrue(g37[0] > 0 && Double.isFinite(g37[0]), "Φ'(−37) = " + g37[0]);
  }
}
