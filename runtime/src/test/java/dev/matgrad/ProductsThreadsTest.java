package dev.matgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Products on a multi-threaded Workspace: the same bits whatever the number of threads. */
class ProductsThreadsTest {
  @ParameterizedTest(name = "{0} {1}×{2}×{3}")
  @CsvSource({
      "plain, 256, 64, 300", "plain, 64, 300, 256", "plain, 131, 127, 257", "plain, 1023, 7, 200",
      "vector, 256, 64, 300", "vector, 64, 300, 256", "vector, 131, 127, 257", "vector, 7, 1023, 200",
  })
  void everyThreadCountGivesTheSameBits(String kernelName, int m, int n, int k) {
    ProductKernel kernel = ProductsTest.kernel(kernelName);
    assertTrue((long) m * n * k >= Products.PARALLEL_MIN_MULTIPLY_ADDS, "large enough to split");
    Random rnd = new Random(m * 7L + n);
    for (int t = 0; t < 4; t++) {
      boolean tA = (t & 1) != 0;
      boolean tB = (t & 2) != 0;
      double[] a = ProductsTest.embed(rnd, tA ? k : m, tA ? m : k, 0, tA ? m : k);
      double[] b = ProductsTest.embed(rnd, tB ? n : k, tB ? k : n, 0, tB ? k : n);
      double[] c0 = ProductsTest.embed(rnd, m, n, 0, n);
      double[] one = c0.clone();
      ProductsTest.run(kernel, m, n, k, a, 0, tA ? m : k, tA, b, 0, tB ? k : n, tB, one, 0, n,
          true, new Workspace(1));
      for (int threads : new int[] {2, 3, 5}) {
        double[] many = c0.clone();
        try (Workspace ws = new Workspace(threads)) {
          ProductsTest.run(kernel, m, n, k, a, 0, tA ? m : k, tA, b, 0, tB ? k : n, tB, many, 0,
              n, true, ws);
          // Twice: the second call reuses the workers and their buffers.
          double[] again = c0.clone();
          ProductsTest.run(kernel, m, n, k, a, 0, tA ? m : k, tA, b, 0, tB ? k : n, tB, again, 0,
              n, true, ws);
          assertArrayEquals(many, again);
        }
        assertArrayEquals(one, many, threads + " threads, transposeA=" + tA + " transposeB=" + tB);
      }
    }
  }

  @Test
  void theEntryPointUsesTheWorkspaceThreads() {
    int m = 200;
    int n = 150;
    int k = 120;
    Random rnd = new Random(5);
    double[] a = ProductsTest.embed(rnd, m, k, 0, k);
    double[] b = ProductsTest.embed(rnd, k, n, 0, n);
    double[] one = new double[m * n];
    double[] two = new double[m * n];
    Products.matmul(m, n, k, a, false, b, false, one, false, new Workspace());
    try (Workspace ws = new Workspace(2)) {
      Products.matmul(m, n, k, a, false, b, false, two, false, ws);
      assertEquals(2, ws.threads());
    }
    assertArrayEquals(one, two);
  }

  @Test
  void threadsMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Workspace(0));
    assertTrue(e.getMessage().contains("threads must be >= 1, but is 0"), e.getMessage());
  }
}
