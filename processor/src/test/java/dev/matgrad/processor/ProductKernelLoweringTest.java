package dev.matgrad.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.matgrad.processor.ProcessorTesting.classLoader;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.generatedSource;
import static dev.matgrad.processor.ProcessorTesting.type;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.testing.compile.Compilation;
import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.lang.reflect.Method;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Matrix products in generated code: large ones call the runtime's product kernel, small ones
 * keep their inline loops, and sizes known only at run time get a test choosing between the two.
 */
class ProductKernelLoweringTest {
  private static final String THRESHOLD = "matgrad.productKernelThreshold";

  static final JavaFileObject LAYER = type("demo.Layer", """
      @Differentiable(wrt = "W")
      public static double layer(Matrix W, Matrix X) {
        return sumSq(tanh(matmul(W, X)));
      }

      @Differentiable(wrt = "x")
      public static double affine(Matrix W, double[] x) {
        return sumSq(matmul(W, x));
      }
      """);

  @Test
  void symbolicSizesChooseAtRunTimeAndMatrixByVectorStaysInline() {
    assumeTrue(System.getProperty(THRESHOLD) == null, "the default threshold is moved");
    Compilation c = compile(LAYER);
    assertThat(c).succeededWithoutWarnings();
    String source = generatedSource(c, "demo.LayerGradients");
    assertTrue(source.contains("Products.matmul(W_rows, X_cols, W_cols, W_data, false, X_data, false"),
        source);
    assertTrue(source.contains(" >= 4096L) {"), source);
    assertTrue(source.contains("} else {"), source);
    int affine = source.indexOf("affineGrad(Matrix W, double[] x, double[] grad_x,");
    assertTrue(affine > 0, source);
    assertFalse(source.substring(affine).contains("Products."), "A·x stays inline:\n" + source);
  }

  @Test
  void bothSidesOfTheThresholdGiveTheSameGradient() throws Exception {
    Random rnd = new Random(3);
    // 40×30 by 30×50: 60 000 multiply-adds, above the threshold; 3×2 by 2×4 below it.
    for (int[] s : new int[][] {{40, 30, 50}, {3, 2, 4}}) {
      Matrix W = random(rnd, s[0], s[1]);
      Matrix X = random(rnd, s[1], s[2]);
      double[] viaDefault = gradient(compile(LAYER), W, X);
      double[] viaKernel;
      String before = System.getProperty(THRESHOLD);
      System.setProperty(THRESHOLD, "0");
      try {
        Compilation kernelEverywhere = compile(LAYER);
        assertTrue(generatedSource(kernelEverywhere, "demo.LayerGradients")
            .contains("Products.matmul(W_rows, X_cols, W_cols"));
        assertFalse(generatedSource(kernelEverywhere, "demo.LayerGradients")
            .contains(">= 4096L"), "threshold 0: the kernel always, no test");
        viaKernel = gradient(kernelEverywhere, W, X);
      } finally {
        if (before == null) {
          System.clearProperty(THRESHOLD);
        } else {
          System.setProperty(THRESHOLD, before);
        }
      }
      double[] expected = reference(W, X);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], viaDefault[i], 1e-9 * (1 + Math.abs(expected[i])), "entry " + i);
        assertEquals(expected[i], viaKernel[i], 1e-9 * (1 + Math.abs(expected[i])), "entry " + i);
      }
      if (s[0] * s[1] * s[2] < 4096) {
        continue;
      }
      // Above the threshold the default code runs the kernel too: the same bits.
      assertArrayEquals(viaKernel, viaDefault);
    }
  }

  private static double[] gradient(Compilation c, Matrix W, Matrix X) throws Exception {
    assertThat(c).succeeded();
    Class<?> g = classLoader(c).loadClass("demo.LayerGradients");
    Method m = g.getMethod("layerGrad", Matrix.class, Matrix.class, double[].class,
        Workspace.class);
    double[] grad = new double[W.rows() * W.cols()];
    m.invoke(null, W, X, grad, new Workspace());
    return grad;
  }

  /** d/dW Σ tanh(WX)² = (2 tanh(WX) ⊙ (1 − tanh²(WX))) Xᵀ, by plain loops. */
  private static double[] reference(Matrix W, Matrix X) {
    int m = W.rows();
    int k = W.cols();
    int n = X.cols();
    double[] g = new double[m * k];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double z = 0;
        for (int p = 0; p < k; p++) {
          z += W.get(i, p) * X.get(p, j);
        }
        double t = Math.tanh(z);
        double dz = 2 * t * (1 - t * t);
        for (int p = 0; p < k; p++) {
          g[i * k + p] += dz * X.get(p, j);
        }
      }
    }
    return g;
  }

  private static Matrix random(Random rnd, int rows, int cols) {
    double[] d = new double[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextDouble() - 0.5;
    }
    return new Matrix(rows, cols, d);
  }
}
