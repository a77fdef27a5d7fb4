package dev.matgrad;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The matrix-product kernels that generated gradient code calls for large products: one tuned
 * implementation shared by every generated method. Matrices are flat row-major {@code double[]}
 * arrays with an offset and a leading dimension (the distance between consecutive rows), as in
 * BLAS.
 *
 * <ul>
 *   <li>{@link #matmul matmul}: C = op(A)·op(B) or C += op(A)·op(B), op(X) = X or Xᵀ;
 *   <li>{@link #matvec matvec}: y = op(A)·x or y += op(A)·x;
 *   <li>{@link #addOuter addOuter}: A += x·yᵀ.
 * </ul>
 *
 * <p>{@code matmul} packs its operands into buffers of the caller's {@link Workspace} (so a call
 * allocates nothing once the workspace has grown), blocks them for the caches and runs a register
 * tile over them. It has two implementations behind the one entry point, chosen once, when this
 * class is initialised:
 *
 * <ul>
 *   <li><b>vector</b>: a kernel on the JDK's Vector API, used automatically when the JVM runs with
 *       {@code --add-modules jdk.incubator.vector} (and the CPU has SIMD registers of at least four
 *       doubles);
 *   <li><b>plain</b>: plain Java, used otherwise (no flag needed, no warning), or always when the
 *       system property {@code matgrad.products} is {@code plain}.
 * </ul>
 *
 * <p>A workspace created with {@code new Workspace(k)} lets large products use k threads; every
 * entry is computed the same way whatever k, so the results are identical bit for bit.
 *
 * <p>Output arrays must not overlap the inputs. A size that does not fit an array raises {@link
 * IllegalArgumentException} naming the parameter and both sizes, before anything is written; a
 * null array raises {@link NullPointerException} with the parameter's name.
 */
public final class Products {
  private static final ProductKernel PLAIN = new PlainProductKernel();
  private static final ProductKernel KERNEL = chooseKernel();

  /** Below this many multiply-adds a product stays on the calling thread. */
  static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 20;

  private Products() {}

  /** The implementation {@link #matmul matmul} runs: {@code "vector"} or {@code "plain"}. */
  public static String implementation() {
    return KERNEL.name();
  }

  /**
   * C = op(A)·op(B), or C += op(A)·op(B) when {@code accumulate}, for op(A) m×k, op(B) k×n and C
   * m×n. A is stored m×k (or k×m when {@code transposeA}) from {@code a[aOffset]} with rows
   * {@code lda} apart; likewise B (k×n, or n×k when {@code transposeB}) and C (m×n).
   *
   * @throws IllegalArgumentException if a size is negative, a leading dimension is below its row
   *     length, an array is too short for its matrix, or c is a or b
   */
  public static void matmul(int m, int n, int k,
      double[] a, int aOffset, int lda, boolean transposeA,
      double[] b, int bOffset, int ldb, boolean transposeB,
      double[] c, int cOffset, int ldc, boolean accumulate, Workspace workspace) {
    checkSizes("matmul", "m", m, "n", n, "k", k);
    // Message parts are constants or built on failure only: a call allocates nothing.
    checkMatrix("matmul", "a", a, aOffset, lda, transposeA ? k : m, transposeA ? m : k,
        transposeA ? "op(A) = Aᵀ" : "op(A) = A", m, k);
    checkMatrix("matmul", "b", b, bOffset, ldb, transposeB ? n : k, transposeB ? k : n,
        transposeB ? "op(B) = Bᵀ" : "op(B) = B", k, n);
    checkMatrix("matmul", "c", c, cOffset, ldc, m, n, "C", m, n);
    checkDistinct("matmul", c, "c", a, "a");
    checkDistinct("matmul", c, "c", b, "b");
    Objects.requireNonNull(workspace, "workspace");
    if (!accumulate) {
      for (int i = 0; i < m; i++) {
        Arrays.fill(c, cOffset + i * ldc, cOffset + i * ldc + n, 0.0);
      }
    }
    if (m == 0 || n == 0 || k == 0) {
      return;
    }
    multiplyAdd(KERNEL, m, n, k, a, aOffset, transposeA ? 1 : lda, transposeA ? lda : 1,
        b, bOffset, transposeB ? 1 : ldb, transposeB ? ldb : 1, c, cOffset, ldc, workspace);
  }

  /**
   * {@link #matmul(int, int, int, double[], int, int, boolean, double[], int, int, boolean,
   * double[], int, int, boolean, Workspace) matmul} on whole dense arrays: A is m×k (k×m when
   * {@code transposeA}), B is k×n (n×k when {@code transposeB}), C is m×n, all from offset 0.
   */
  public static void matmul(int m, int n, int k, double[] a, boolean transposeA,
      double[] b, boolean transposeB, double[] c, boolean accumulate, Workspace workspace) {
    matmul(m, n, k, a, 0, transposeA ? m : k, transposeA, b, 0, transposeB ? k : n, transposeB,
        c, 0, n, accumulate, workspace);
  }

  /**
   * y = op(A)·x, or y += op(A)·x when {@code accumulate}, for A stored rows×cols from
   * {@code a[aOffset]} with rows {@code lda} apart: x has cols entries and y rows (op(A) = A), or
   * x has rows entries and y cols (op(A) = Aᵀ).
   *
   * @throws IllegalArgumentException if a size is negative, lda is below cols, an array is too
   *     short, or y is a or x
   */
  public static void matvec(int rows, int cols, double[] a, int aOffset, int lda,
      boolean transposeA, double[] x, int xOffset, double[] y, int yOffset, boolean accumulate) {
    checkSizes("matvec", "rows", rows, "cols", cols, "cols", cols);
    checkMatrix("matvec", "a", a, aOffset, lda, rows, cols, "A", rows, cols);
    int xLength = transposeA ? rows : cols;
    int yLength = transposeA ? cols : rows;
    String op = transposeA ? "Aᵀ" : "A";
    checkVector("matvec", "x", x, xOffset, xLength, op, " columns");
    checkVector("matvec", "y", y, yOffset, yLength, op, " rows");
    checkDistinct("matvec", y, "y", a, "a");
    checkDistinct("matvec", y, "y", x, "x");
    if (!accumulate) {
      Arrays.fill(y, yOffset, yOffset + yLength, 0.0);
    }
    if (transposeA) {
      transposedMatvecAdd(rows, cols, a, aOffset, lda, x, xOffset, y, yOffset);
    } else {
      matvecAdd(rows, cols, a, aOffset, lda, x, xOffset, y, yOffset);
    }
  }

  /** {@link #matvec(int, int, double[], int, int, boolean, double[], int, double[], int, boolean)
   * matvec} on whole dense arrays: A is rows×cols from offset 0. */
  public static void matvec(int rows, int cols, double[] a, boolean transposeA, double[] x,
      double[] y, boolean accumulate) {
    matvec(rows, cols, a, 0, cols, transposeA, x, 0, y, 0, accumulate);
  }

  /**
   * A += x·yᵀ for A rows×cols stored from {@code a[aOffset]} with rows {@code lda} apart, x of
   * rows entries and y of cols: the rank-one update of an adjoint.
   *
   * @throws IllegalArgumentException if a size is negative, lda is below cols, an array is too
   *     short, or a is x or y
   */
  public static void addOuter(int rows, int cols, double[] x, int xOffset, double[] y,
      int yOffset, double[] a, int aOffset, int lda) {
    checkSizes("addOuter", "rows", rows, "cols", cols, "cols", cols);
    checkVector("addOuter", "x", x, xOffset, rows, "A", " rows");
    checkVector("addOuter", "y", y, yOffset, cols, "A", " columns");
    checkMatrix("addOuter", "a", a, aOffset, lda, rows, cols, "A", rows, cols);
    checkDistinct("addOuter", a, "a", x, "x");
    checkDistinct("addOuter", a, "a", y, "y");
    for (int i = 0; i < rows; i++) {
      double xi = x[xOffset + i];
      int row = aOffset + i * lda;
      for (int j = 0; j < cols; j++) {
        a[row + j] += xi * y[yOffset + j];
      }
    }
  }

  /** {@link #addOuter(int, int, double[], int, double[], int, double[], int, int) addOuter} on
   * whole dense arrays: A is rows×cols from offset 0. */
  public static void addOuter(int rows, int cols, double[] x, double[] y, double[] a) {
    addOuter(rows, cols, x, 0, y, 0, a, 0, cols);
  }

  // ---- implementation ----

  /**
   * C += op(A)·op(B) with the given kernel, split into as many slabs of C as the workspace has
   * threads when the product is large. Shapes are already checked.
   */
  static void multiplyAdd(ProductKernel kernel, int m, int n, int k,
      double[] a, int aOffset, int aRowStride, int aColStride,
      double[] b, int bOffset, int bRowStride, int bColStride,
      double[] c, int cOffset, int ldc, Workspace workspace) {
    int threads = workspace.threads();
    boolean splitRows = m >= n;
    int tile = splitRows ? kernel.tileRows() : kernel.tileCols();
    int tiles = ((splitRows ? m : n) + tile - 1) / tile;
    int parts = Math.min(threads, tiles);
    if (parts <= 1 || (long) m * n * k < PARALLEL_MIN_MULTIPLY_ADDS) {
      kernel.multiplyAdd(m, n, k, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride,
          bColStride, c, cOffset, ldc, workspace.packedA(0, kernel.packedASize()),
          workspace.packedB(0, kernel.packedBSize()));
      return;
    }
    // Size every thread's buffers here, on the calling thread: the workers only read the arrays.
    for (int t = 0; t < parts; t++) {
      workspace.packedA(t, kernel.packedASize());
      workspace.packedB(t, kernel.packedBSize());
    }
    ExecutorService workers = workspace.workers();
    Future<?>[] pending = new Future<?>[parts - 1];
    for (int t = 1; t < parts; t++) {
      final int part = t;
      pending[t - 1] = workers.submit(() -> slab(kernel, part, parts, tiles, tile, splitRows, m, n,
          k, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, c, cOffset,
          ldc, workspace));
    }
    slab(kernel, 0, parts, tiles, tile, splitRows, m, n, k, a, aOffset, aRowStride, aColStride,
        b, bOffset, bRowStride, bColStride, c, cOffset, ldc, workspace);
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Products.matmul: interrupted while waiting for a worker", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException) {
          throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
          throw (Error) cause;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  /** Part {@code part} of {@code parts}: a whole number of tiles of rows (or columns) of C. */
  private static void slab(ProductKernel kernel, int part, int parts, int tiles, int tile,
      boolean splitRows, int m, int n, int k,
      double[] a, int aOffset, int aRowStride, int aColStride,
      double[] b, int bOffset, int bRowStride, int bColStride,
      double[] c, int cOffset, int ldc, Workspace workspace) {
    int extent = splitRows ? m : n;
    int from = Math.min(extent, (int) ((long) tiles * part / parts) * tile);
    int to = Math.min(extent, (int) ((long) tiles * (part + 1) / parts) * tile);
    if (from >= to) {
      return;
    }
    double[] pa = workspace.packedA(part, 0);
    double[] pb = workspace.packedB(part, 0);
    if (splitRows) {
      kernel.multiplyAdd(to - from, n, k, a, aOffset + from * aRowStride, aRowStride, aColStride,
          b, bOffset, bRowStride, bColStride, c, cOffset + from * ldc, ldc, pa, pb);
    } else {
      kernel.multiplyAdd(m, to - from, k, a, aOffset, aRowStride, aColStride,
          b, bOffset + from * bColStride, bRowStride, bColStride, c, cOffset + from, ldc, pa, pb);
    }
  }

  /** y += A·x, four rows at a time so that each x[j] loaded serves four sums. */
  private static void matvecAdd(int rows, int cols, double[] a, int aOffset, int lda,
      double[] x, int xOffset, double[] y, int yOffset) {
    int i = 0;
    for (; i + 3 < rows; i += 4) {
      int r0 = aOffset + i * lda;
      int r1 = r0 + lda;
      int r2 = r1 + lda;
      int r3 = r2 + lda;
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      for (int j = 0; j < cols; j++) {
        double xj = x[xOffset + j];
        s0 = Math.fma(a[r0 + j], xj, s0);
        s1 = Math.fma(a[r1 + j], xj, s1);
        s2 = Math.fma(a[r2 + j], xj, s2);
        s3 = Math.fma(a[r3 + j], xj, s3);
      }
      y[yOffset + i] += s0;
      y[yOffset + i + 1] += s1;
      y[yOffset + i + 2] += s2;
      y[yOffset + i + 3] += s3;
    }
    for (; i < rows; i++) {
      int r = aOffset + i * lda;
      double s = 0;
      for (int j = 0; j < cols; j++) {
        s = Math.fma(a[r + j], x[xOffset + j], s);
      }
      y[yOffset + i] += s;
    }
  }

  /** y += Aᵀ·x as a sum of rows of A, four at a time: contiguous, so the JIT vectorises it. */
  private static void transposedMatvecAdd(int rows, int cols, double[] a, int aOffset, int lda,
      double[] x, int xOffset, double[] y, int yOffset) {
    int i = 0;
    for (; i + 3 < rows; i += 4) {
      int r0 = aOffset + i * lda;
      int r1 = r0 + lda;
      int r2 = r1 + lda;
      int r3 = r2 + lda;
      double x0 = x[xOffset + i];
      double x1 = x[xOffset + i + 1];
      double x2 = x[xOffset + i + 2];
      double x3 = x[xOffset + i + 3];
      for (int j = 0; j < cols; j++) {
        y[yOffset + j] += x0 * a[r0 + j] + x1 * a[r1 + j] + x2 * a[r2 + j] + x3 * a[r3 + j];
      }
    }
    for (; i < rows; i++) {
      int r = aOffset + i * lda;
      double xi = x[xOffset + i];
      for (int j = 0; j < cols; j++) {
        y[yOffset + j] += xi * a[r + j];
      }
    }
  }

  // ---- choosing the kernel ----

  static ProductKernel plainKernel() {
    return PLAIN;
  }

  /**
   * The Vector API kernel, if this JVM can run it: the module {@code jdk.incubator.vector} is in
   * the boot layer (only then is the class, compiled against it, loaded) and its preferred
   * species holds at least four doubles. Otherwise null.
   */
  static ProductKernel vectorKernel() {
    if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      return null;
    }
    try {
      Class<?> type = Class.forName("dev.matgrad.VectorProductKernel");
      ProductKernel kernel = (ProductKernel) type.getDeclaredConstructor().newInstance();
      return kernel.tileCols() >= 8 ? kernel : null;
    } catch (ReflectiveOperationException | LinkageError e) {
      return null; // not packaged, or a JVM whose Vector API differs: the plain kernel serves
    }
  }

  private static ProductKernel chooseKernel() {
    if ("plain".equals(System.getProperty("matgrad.products"))) {
      return PLAIN;
    }
    ProductKernel vector = vectorKernel();
    return vector != null ? vector : PLAIN;
  }

  // ---- checks ----

  private static void checkSizes(String method, String n1, int v1, String n2, int v2, String n3,
      int v3) {
    if (v1 < 0 || v2 < 0 || v3 < 0) {
      throw new IllegalArgumentException("Products." + method + ": sizes must be >= 0, but "
          + n1 + " = " + v1 + ", " + n2 + " = " + v2 + (n3.equals(n2) ? "" : ", " + n3 + " = " + v3));
    }
  }

  /**
   * array holds a rows×cols matrix from offset with rows ld apart: the storage of {@code role},
   * an opRows×opCols matrix.
   */
  private static void checkMatrix(String method, String name, double[] array, int offset, int ld,
      int rows, int cols, String role, int opRows, int opCols) {
    Objects.requireNonNull(array, name);
    if (offset < 0 || ld < cols) {
      throw new IllegalArgumentException("Products." + method + ": " + name + " is stored "
          + stored(rows, cols, ld, offset) + ", but the offset must be >= 0 and the leading "
          + "dimension >= " + cols + " (" + role + " is " + opRows + "×" + opCols + ")");
    }
    long needed = rows == 0 || cols == 0 ? offset : offset + (long) (rows - 1) * ld + cols;
    if (needed > array.length) {
      throw new IllegalArgumentException("Products." + method + ": " + name + " has length "
          + array.length + ", but " + role + " is " + opRows + "×" + opCols + ", stored "
          + stored(rows, cols, ld, offset) + ", needs length " + needed);
    }
  }

  private static String stored(int rows, int cols, int ld, int offset) {
    return rows + "×" + cols + " with leading dimension " + ld + " from offset " + offset;
  }

  /** array holds length entries from offset: the columns (or rows) of matrix op. */
  private static void checkVector(String method, String name, double[] array, int offset,
      int length, String op, String side) {
    Objects.requireNonNull(array, name);
    if (offset < 0 || (long) offset + length > array.length) {
      throw new IllegalArgumentException("Products." + method + ": " + name + " has length "
          + array.length + ", but " + op + " has " + length + side + ", so it needs " + length
          + " entries from offset " + offset + " (length " + ((long) offset + length) + ")");
    }
  }

  private static void checkDistinct(String method, double[] out, String outName, double[] in,
      String inName) {
    if (out == in) {
      throw new IllegalArgumentException("Products." + method + ": " + outName
          + " must not be the same array as " + inName);
    }
  }
}
