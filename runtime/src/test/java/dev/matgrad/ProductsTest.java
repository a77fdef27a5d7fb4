package dev.matgrad;

import static dev.matgrad.TestSupport.assertNullNamed;
import static dev.matgrad.TestSupport.assertShapeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The product kernels against EJML, on shapes that hit every edge of the blocking: 1×1, single
 * rows and columns, primes, 1023, tall and skinny, depths and widths one past a block, every
 * transposition, offsets and leading dimensions. Both kernels, where the JVM can run them.
 */
class ProductsTest {
  /** Matrices are embedded in larger arrays; the margins hold this, so a stray read shows. */
  private static final double MARGIN = Double.NaN;

  static Stream<String> kernels() {
    return Stream.of("plain", "vector");
  }

  /** The kernel by name; the vector one only where the JVM runs with its module. */
  static ProductKernel kernel(String name) {
    if (name.equals("plain")) {
      return Products.plainKernel();
    }
    ProductKernel vector = Products.vectorKernel();
    assumeTrue(vector != null, "the Vector API kernel needs --add-modules jdk.incubator.vector");
    return vector;
  }

  static Stream<Arguments> shapes() {
    int[][] mnk = {
        {1, 1, 1}, {1, 7, 1}, {7, 1, 1}, {1, 1, 9}, {1, 1023, 3}, {1023, 1, 5}, {3, 5, 1023},
        {2, 3, 4}, {5, 7, 11}, {13, 17, 19}, {31, 37, 41}, {64, 64, 64}, {97, 101, 103},
        {1023, 6, 4}, {4, 6, 1023}, {257, 17, 9}, {9, 257, 259}, {20, 513, 300}, {33, 1025, 12},
        {130, 131, 257},
    };
    List<Arguments> cases = new ArrayList<>();
    for (String kernel : new String[] {"plain", "vector"}) {
      for (int[] s : mnk) {
        for (int t = 0; t < 4; t++) {
          cases.add(Arguments.of(kernel, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
        }
      }
    }
    return cases.stream();
  }

  /** Random entries in [-1, 1) at the stored positions, MARGIN elsewhere. */
  static double[] embed(Random rnd, int rows, int cols, int offset, int ld) {
    double[] data = new double[offset + Math.max(0, rows - 1) * ld + cols + 3];
    Arrays.fill(data, MARGIN);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        data[offset + i * ld + j] = 2 * rnd.nextDouble() - 1;
      }
    }
    return data;
  }

  static DMatrixRMaj extract(double[] data, int rows, int cols, int offset, int ld, boolean abs) {
    DMatrixRMaj M = new DMatrixRMaj(rows, cols);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double v = data[offset + i * ld + j];
        M.set(i, j, abs ? Math.abs(v) : v);
      }
    }
    return M;
  }

  static DMatrixRMaj product(DMatrixRMaj A, boolean tA, DMatrixRMaj B, boolean tB, int m, int n) {
    DMatrixRMaj C = new DMatrixRMaj(m, n);
    if (tA && tB) {
      CommonOps_DDRM.multTransAB(A, B, C);
    } else if (tA) {
      CommonOps_DDRM.multTransA(A, B, C);
    } else if (tB) {
      CommonOps_DDRM.multTransB(A, B, C);
    } else {
      CommonOps_DDRM.mult(A, B, C);
    }
    return C;
  }

  /**
   * C = op(A)·op(B), then C += op(A)·op(B), with offsets and padded leading dimensions, through
   * Products' own slab logic (one thread) and the given kernel; compared entry by entry with EJML
   * within a few ulps of Σ|a||b|, the size of the rounding either can make.
   */
  @ParameterizedTest(name = "{0} {1}×{2}×{3} transposeA={4} transposeB={5}")
  @MethodSource("shapes")
  void matmulAgreesWithEjml(String kernelName, int m, int n, int k, boolean tA, boolean tB) {
    ProductKernel kernel = kernel(kernelName);
    Random rnd = new Random(31L * m + 17L * n + k + (tA ? 5 : 0) + (tB ? 7 : 0));
    int aRows = tA ? k : m;
    int aCols = tA ? m : k;
    int bRows = tB ? n : k;
    int bCols = tB ? k : n;
    int aOff = 3;
    int lda = aCols + 2;
    int bOff = 1;
    int ldb = bCols + 1;
    int cOff = 2;
    int ldc = n + 3;
    double[] a = embed(rnd, aRows, aCols, aOff, lda);
    double[] b = embed(rnd, bRows, bCols, bOff, ldb);
    double[] c = embed(rnd, m, n, cOff, ldc);
    double[] initial = c.clone();

    DMatrixRMaj expected = product(extract(a, aRows, aCols, aOff, lda, false), tA,
        extract(b, bRows, bCols, bOff, ldb, false), tB, m, n);
    DMatrixRMaj magnitude = product(extract(a, aRows, aCols, aOff, lda, true), tA,
        extract(b, bRows, bCols, bOff, ldb, true), tB, m, n);

    double[] cOnce = c.clone();
    for (int i = 0; i < m; i++) { // C's entries must be overwritten, not read
      for (int j = 0; j < n; j++) {
        cOnce[cOff + i * ldc + j] = Double.NaN;
      }
    }
    run(kernel, m, n, k, a, aOff, lda, tA, b, bOff, ldb, tB, cOnce, cOff, ldc, false);
    assertMatches(expected, magnitude, null, cOnce, cOff, ldc, "C = op(A)·op(B)");
    assertMarginsKept(initial, cOnce, m, n, cOff, ldc);

    run(kernel, m, n, k, a, aOff, lda, tA, b, bOff, ldb, tB, c, cOff, ldc, true);
    assertMatches(expected, magnitude, extract(initial, m, n, cOff, ldc, false), c, cOff, ldc,
        "C += op(A)·op(B)");
    assertMarginsKept(initial, c, m, n, cOff, ldc);
  }

  /** Products.matmul with the given kernel: the public entry point's zeroing, then the kernel. */
  static void run(ProductKernel kernel, int m, int n, int k, double[] a, int aOff, int lda,
      boolean tA, double[] b, int bOff, int ldb, boolean tB, double[] c, int cOff, int ldc,
      boolean accumulate) {
    run(kernel, m, n, k, a, aOff, lda, tA, b, bOff, ldb, tB, c, cOff, ldc, accumulate,
        new Workspace());
  }

  static void run(ProductKernel kernel, int m, int n, int k, double[] a, int aOff, int lda,
      boolean tA, double[] b, int bOff, int ldb, boolean tB, double[] c, int cOff, int ldc,
      boolean accumulate, Workspace ws) {
    if (!accumulate) {
      for (int i = 0; i < m; i++) {
        Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
      }
    }
    if (m > 0 && n > 0 && k > 0) {
      Products.multiplyAdd(kernel, m, n, k, a, aOff, tA ? 1 : lda, tA ? lda : 1, b, bOff,
          tB ? 1 : ldb, tB ? ldb : 1, c, cOff, ldc, ws);
    }
  }

  static void assertMatches(DMatrixRMaj expected, DMatrixRMaj magnitude, DMatrixRMaj initial,
      double[] c, int cOff, int ldc, String what) {
    for (int i = 0; i < expected.numRows; i++) {
      for (int j = 0; j < expected.numCols; j++) {
        double want = expected.get(i, j) + (initial == null ? 0 : initial.get(i, j));
        double scale = magnitude.get(i, j) + (initial == null ? 0 : Math.abs(initial.get(i, j)));
        double got = c[cOff + i * ldc + j];
        double tol = 1e-14 * (scale + 1e-300) * 8;
        if (!(Math.abs(got - want) <= tol)) {
          throw new AssertionError(what + " at (" + i + ", " + j + "): expected " + want
              + " but was " + got + " (tolerance " + tol + ")");
        }
      }
    }
  }

  static void assertMarginsKept(double[] initial, double[] c, int m, int n, int cOff, int ldc) {
    for (int p = 0; p < c.length; p++) {
      int rel = p - cOff;
      boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
      if (!inside) {
        assertEquals(Double.doubleToRawLongBits(initial[p]), Double.doubleToRawLongBits(c[p]),
            "entry " + p + " outside C was written");
      }
    }
  }

  @Nested
  class PublicEntryPoints {
    private final Random rnd = new Random(12);

    @Test
    void denseMatmulMatchesEjmlInEveryTransposition() {
      int m = 37;
      int n = 29;
      int k = 300;
      for (int t = 0; t < 4; t++) {
        boolean tA = (t & 1) != 0;
        boolean tB = (t & 2) != 0;
        double[] a = embed(rnd, tA ? k : m, tA ? m : k, 0, tA ? m : k);
        double[] b = embed(rnd, tB ? n : k, tB ? k : n, 0, tB ? k : n);
        a = Arrays.copyOf(a, m * k);
        b = Arrays.copyOf(b, k * n);
        double[] c = new double[m * n];
        Arrays.fill(c, Double.NaN);
        Products.matmul(m, n, k, a, tA, b, tB, c, false, new Workspace());
        DMatrixRMaj A = DMatrixRMaj.wrap(tA ? k : m, tA ? m : k, a);
        DMatrixRMaj B = DMatrixRMaj.wrap(tB ? n : k, tB ? k : n, b);
        DMatrixRMaj abs = new DMatrixRMaj(A);
        CommonOps_DDRM.abs(abs);
        DMatrixRMaj absB = new DMatrixRMaj(B);
        CommonOps_DDRM.abs(absB);
        assertMatches(product(A, tA, B, tB, m, n), product(abs, tA, absB, tB, m, n), null, c, 0, n,
            "transposeA=" + tA + " transposeB=" + tB);
      }
    }

    @Test
    void emptyDepthGivesZerosOrLeavesCAlone() {
      double[] c = {1, 2, 3, 4, 5, 6};
      Products.matmul(2, 3, 0, new double[0], false, new double[0], false, c, true,
          new Workspace());
      assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, c);
      Products.matmul(2, 3, 0, new double[0], false, new double[0], false, c, false,
          new Workspace());
      assertArrayEquals(new double[6], c);
    }

    @Test
    void matvecMatchesEjmlBothWays() {
      for (int[] s : new int[][] {{1, 1}, {1, 9}, {9, 1}, {7, 13}, {1023, 5}, {6, 1023}, {64, 65}}) {
        int rows = s[0];
        int cols = s[1];
        int lda = cols + 2;
        double[] a = embed(rnd, rows, cols, 1, lda);
        DMatrixRMaj A = extract(a, rows, cols, 1, lda, false);
        DMatrixRMaj absA = extract(a, rows, cols, 1, lda, true);
        for (boolean transpose : new boolean[] {false, true}) {
          int xLength = transpose ? rows : cols;
          int yLength = transpose ? cols : rows;
          double[] x = embed(rnd, 1, xLength, 2, xLength);
          double[] y = embed(rnd, 1, yLength, 1, yLength);
          double[] y0 = y.clone();
          DMatrixRMaj X = extract(x, xLength, 1, 2, 1, false);
          DMatrixRMaj absX = extract(x, xLength, 1, 2, 1, true);
          DMatrixRMaj want = new DMatrixRMaj(yLength, 1);
          DMatrixRMaj scale = new DMatrixRMaj(yLength, 1);
          if (transpose) {
            CommonOps_DDRM.multTransA(A, X, want);
            CommonOps_DDRM.multTransA(absA, absX, scale);
          } else {
            CommonOps_DDRM.mult(A, X, want);
            CommonOps_DDRM.mult(absA, absX, scale);
          }
          Products.matvec(rows, cols, a, 1, lda, transpose, x, 2, y, 1, true);
          assertMatches(want, scale, extract(y0, yLength, 1, 1, 1, false), y, 1, 1,
              rows + "×" + cols + " y += op(A)·x, transpose=" + transpose);
          Products.matvec(rows, cols, a, 1, lda, transpose, x, 2, y, 1, false);
          assertMatches(want, scale, null, y, 1, 1, "y = op(A)·x");
          assertMarginsKept(y0, y, 1, yLength, 1, yLength);
        }
      }
    }

    @Test
    void addOuterMatchesTheDefinition() {
      int rows = 13;
      int cols = 1023;
      double[] x = embed(rnd, 1, rows, 0, rows);
      double[] y = embed(rnd, 1, cols, 0, cols);
      double[] a = embed(rnd, rows, cols, 4, cols + 1);
      double[] before = a.clone();
      Products.addOuter(rows, cols, x, 0, y, 0, a, 4, cols + 1);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          int p = 4 + i * (cols + 1) + j;
          assertEquals(before[p] + x[i] * y[j], a[p], 0.0);
        }
      }
      assertMarginsKept(before, a, rows, cols, 4, cols + 1);
      double[] dense = new double[rows * cols];
      Products.addOuter(rows, cols, Arrays.copyOf(x, rows), Arrays.copyOf(y, cols), dense);
      assertEquals(x[3] * y[7], dense[3 * cols + 7], 0.0);
    }

    @Test
    void callsWithASizedWorkspaceAllocateNothing() {
      assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
          "this JVM cannot count a thread's allocations");
      com.sun.management.ThreadMXBean mx =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      assumeTrue(mx.isThreadAllocatedMemorySupported(), "this JVM cannot count allocations");
      mx.setThreadAllocatedMemoryEnabled(true);
      int m = 70;
      int n = 33;
      int k = 300;
      double[] a = new double[m * k];
      double[] b = new double[k * n];
      double[] c = new double[m * n];
      double[] x = new double[k];
      double[] y = new double[m];
      Workspace ws = new Workspace();
      Runnable calls = () -> {
        for (int i = 0; i < 20; i++) {
          Products.matmul(m, n, k, a, false, b, i % 2 == 0, c, i % 3 == 0, ws);
          Products.matvec(m, k, a, false, x, y, false);
          Products.addOuter(m, k, y, x, a);
        }
      };
      calls.run(); // sizes the workspace
      long fewest = Long.MAX_VALUE;
      long thread = Thread.currentThread().getId();
      for (int run = 0; run < 3; run++) { // the fewest: the measuring itself may allocate once
        long before = mx.getThreadAllocatedBytes(thread);
        calls.run();
        fewest = Math.min(fewest, mx.getThreadAllocatedBytes(thread) - before);
      }
      assertEquals(0, fewest, "bytes allocated by 60 calls");
    }

    @Test
    void theChosenKernelIsTheExpectedOne() {
      // The build runs these tests with and without --add-modules jdk.incubator.vector.
      String expected = System.getProperty("matgrad.expectKernel", "plain");
      assertEquals(expected, Products.implementation());
    }
  }

  @Nested
  class ShapeErrors {
    private final Workspace ws = new Workspace();

    @Test
    void matmulNamesTheOperandAndBothSizes() {
      double[] c = new double[6];
      double[] sentinel = c.clone();
      Arrays.fill(c, 7.0);
      assertShapeError(() -> Products.matmul(2, 3, 4, new double[7], false, new double[12], false,
          c, false, ws), "Products.matmul", "a has length 7", "op(A) = A is 2×4", "needs length 8");
      assertShapeError(() -> Products.matmul(2, 3, 4, new double[8], true, new double[11], true,
          c, false, ws), "b has length 11", "op(B) = Bᵀ is 4×3", "stored 3×4", "needs length 12");
      assertShapeError(() -> Products.matmul(2, 3, 4, new double[8], false, new double[12], false,
          new double[5], false, ws), "c has length 5", "C is 2×3", "needs length 6");
      assertShapeError(() -> Products.matmul(2, 3, 4, new double[20], 0, 3, false, new double[12],
          0, 3, false, c, 0, 3, false, ws), "a is stored 2×4 with leading dimension 3",
          "leading dimension >= 4");
      assertShapeError(() -> Products.matmul(-1, 3, 4, new double[8], false, new double[12], false,
          c, false, ws), "sizes must be >= 0", "m = -1");
      assertShapeError(() -> Products.matmul(2, 3, 3, c, false, new double[9], false, c, false, ws),
          "c must not be the same array as a");
      assertArrayEquals(filled(6, 7.0), c, "nothing written before the error");
      assertEquals(0, sentinel[0]);
    }

    @Test
    void matvecAndAddOuterNameTheOperandAndBothSizes() {
      double[] y = filled(3, 5.0);
      assertShapeError(() -> Products.matvec(3, 4, new double[12], false, new double[3], y, false),
          "Products.matvec", "x has length 3", "A has 4 columns", "needs 4 entries");
      assertShapeError(() -> Products.matvec(3, 4, new double[12], true, new double[3], y, false),
          "y has length 3", "Aᵀ has 4 rows", "needs 4 entries");
      assertArrayEquals(filled(3, 5.0), y, "nothing written before the error");
      assertShapeError(() -> Products.addOuter(3, 4, new double[3], new double[4], new double[11]),
          "Products.addOuter", "a has length 11", "A is 3×4", "needs length 12");
      assertShapeError(() -> Products.addOuter(3, 4, new double[2], new double[4], new double[12]),
          "x has length 2", "A has 3 rows");
    }

    @Test
    void nullsAreNamed() {
      assertNullNamed("b", () -> Products.matmul(1, 1, 1, new double[1], false, null, false,
          new double[1], false, ws));
      assertNullNamed("workspace", () -> Products.matmul(1, 1, 1, new double[1], false,
          new double[1], false, new double[1], false, null));
      assertNullNamed("x", () -> Products.matvec(1, 1, new double[1], false, null, new double[1],
          false));
    }

    private double[] filled(int n, double v) {
      double[] d = new double[n];
      Arrays.fill(d, v);
      return d;
    }
  }
}
