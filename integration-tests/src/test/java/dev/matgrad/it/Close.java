package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Entrywise comparison of two flat arrays that reports the worst entry (with its index in the
 * caller's own terms, e.g. {@code A(1, 2)} or {@code (input 3, output 0)}) when the check fails.
 *
 * <p>Entry i passes when {@code |actual − expected| ≤ rtol · max(|actual|, |expected|) + atol};
 * a NaN or an infinity on either side never passes.
 */
final class Close {
  private Close() {}

  static void assertAllClose(String what, double[] expected, double[] actual, double rtol, double atol) {
    assertAllClose(what, expected, actual, rtol, atol, i -> "[" + i + "]");
  }

  static void assertAllClose(
      String what, double[] expected, double[] actual, double rtol, double atol,
      IntFunction<String> describeIndex) {
    if (expected.length != actual.length) {
      fail(what + ": expected " + expected.length + " entries but got " + actual.length);
    }
    int worst = -1;
    double worstRatio = 0;
    int bad = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      double allowed = rtol * Math.max(Math.abs(a), Math.abs(e)) + atol;
      double ratio = Double.isFinite(a) && Double.isFinite(e)
          ? Math.abs(a - e) / allowed
          : Double.POSITIVE_INFINITY;
      if (ratio > 1) {
        bad++;
      }
      if (ratio > worstRatio || (worst < 0 && ratio > 1)) {
        worstRatio = ratio;
        worst = i;
      }
    }
    if (bad > 0) {
      double e = expected[worst];
      double a = actual[worst];
      fail(String.format(
          "%s: %d of %d entries out of tolerance; worst at %s: expected %.17g but was %.17g "
              + "(|diff| %.3g, allowed %.3g)%n  expected: %s%n  actual:   %s",
          what, bad, expected.length, describeIndex.apply(worst), e, a, Math.abs(a - e),
          rtol * Math.max(Math.abs(a), Math.abs(e)) + atol, brief(expected), brief(actual)));
    }
  }

  /** |a − b| within {@code rtol · max(|a|, |b|) + atol}. */
  static void assertClose(String what, double expected, double actual, double rtol, double atol) {
    assertAllClose(what, new double[] {expected}, new double[] {actual}, rtol, atol, i -> "the value");
  }

  static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static String brief(double[] a) {
    return a.length <= 24
        ? Arrays.toString(a)
        : Arrays.toString(Arrays.copyOf(a, 24)).replace("]", ", … (" + a.length + " entries)]");
  }
}
