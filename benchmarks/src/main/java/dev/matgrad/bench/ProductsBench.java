package dev.matgrad.bench;

import dev.matgrad.Products;
import dev.matgrad.Workspace;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The runtime's product kernel alone, C = op(A)·op(B), in the plain-Java implementation (forced
 * with {@code -Dmatgrad.products=plain}); {@link ProductsVectorBench} runs the same cases on the
 * Vector API. Shapes "m×n×k" with an optional "ᵀ" (transposed B): squares, and the two products of
 * the MLP 784-512-10 × 256 gradient (W₁X and δXᵀ). GFLOP/s = 2mnk / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = "-Dmatgrad.products=plain")
public class ProductsBench {
  @Param({"256x256x256", "512x512x512", "1024x1024x1024", "512x256x784", "512x784x256T"})
  public String shape;

  @Param({"1", "2"})
  public int threads;

  private int m;
  private int n;
  private int k;
  private boolean transposeB;
  private double[] a;
  private double[] b;
  private double[] c;
  private Workspace workspace;

  @Setup
  public void setUp() {
    transposeB = shape.endsWith("T");
    String[] s = shape.replace("T", "").split("x");
    m = Integer.parseInt(s[0]);
    n = Integer.parseInt(s[1]);
    k = Integer.parseInt(s[2]);
    Random rnd = new Random(1);
    a = new double[m * k];
    b = new double[k * n];
    c = new double[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextDouble() - 0.5;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = rnd.nextDouble() - 0.5;
    }
    workspace = new Workspace(threads);
    String expected = getClass().getSimpleName().startsWith("ProductsVector") ? "vector" : "plain";
    if (!Products.implementation().equals(expected)) {
      throw new IllegalStateException(getClass().getSimpleName() + " runs the "
          + Products.implementation() + " kernel, expected " + expected);
    }
  }

  @TearDown
  public void tearDown() {
    workspace.close();
  }

  @Benchmark
  public double[] matmul() {
    Products.matmul(m, n, k, a, false, b, transposeB, c, false, workspace);
    return c;
  }
}
