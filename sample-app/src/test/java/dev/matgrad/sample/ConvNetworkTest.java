package dev.matgrad.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.GradCheck;
import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The convolutional model: what its loops compute, and matgrad's gradient of it. */
class ConvNetworkTest {
  private static final int FILTERS = 3;
  private static final int HIDDEN = 4;
  private static final int BATCH = 3;

  private final Random random = new Random(17);
  private final Matrix kernels = gaussian(FILTERS, ConvNetwork.TAPS);
  private final double[] kernelBias = gaussian(FILTERS, 1).data();
  private final Matrix v1 = gaussian(ConvNetwork.POOLED * FILTERS, HIDDEN);
  private final double[] b1 = gaussian(HIDDEN, 1).data();
  private final Matrix v2 = gaussian(HIDDEN, Digits.CLASSES);
  private final double[] b2 = gaussian(Digits.CLASSES, 1).data();
  private final Matrix images = gaussian(Digits.PIXELS, BATCH);
  private final Matrix labels = oneHot();

  @Test
  void theLoopsComputeAZeroPaddedConvolutionWithMaxPooling() {
    Matrix logits = ConvNetwork.logits(kernels, kernelBias, v1, b1, v2, b2, images);
    assertArrayEquals(directLogits(), logits.data(), 1e-12);
  }

  @Test
  void theGeneratedGradientsMatchCentralDifferences() {
    // Gaussian images and weights keep the point away from relu's and max's kinks.
    GradCheck.of(ConvNetwork.class, "loss").check(kernels, kernelBias, v1, b1, v2, b2, images,
        labels, 0.01);
    GradCheck.of(ConvNetwork.class, "logits").check(kernels, kernelBias, v1, b1, v2, b2, images);
  }

  @Test
  void aStepAllocatesItsBuffersOnceAndGivesTheSameGradient() {
    ConvNet net = new ConvNet(FILTERS, HIDDEN, new Random(3));
    Matrix x = new Matrix(Digits.PIXELS, BATCH, images.data().clone());
    Workspace ws = new Workspace();
    double first = net.lossAndGradient(x, labels, 0.0, ws);
    double[][] firstGradients = copy(net.gradients());
    double second = net.lossAndGradient(x, labels, 0.0, ws);
    assertEquals(first, second);
    for (int i = 0; i < firstGradients.length; i++) {
      assertArrayEquals(firstGradients[i], net.gradients()[i]);
    }
    assertTrue(first > 0, "cross-entropy is positive");
  }

  @Test
  void imagesOfAnotherSizeAreRejectedWithBothShapes() {
    double[][] g = new ConvNet(FILTERS, HIDDEN, new Random(3)).gradients();
    Matrix wrongLabels = Matrix.zeros(Digits.CLASSES, BATCH + 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConvNetworkGradients.lossGrad(kernels, kernelBias, v1, b1, v2, b2, images,
            wrongLabels, 0.0, g[0], g[1], g[2], g[3], g[4], g[5]));
    assertTrue(e.getMessage().contains("Y") && e.getMessage().contains("X"), e.getMessage());
  }

  /** The same network written the obvious way: every filter at every position, then the cells. */
  private double[] directLogits() {
    int n = BATCH;
    double[] features = new double[ConvNetwork.POOLED * FILTERS * n];
    for (int c = 0; c < FILTERS; c++) {
      for (int j = 0; j < n; j++) {
        double[][] map = new double[8][8];
        for (int r = 0; r < 8; r++) {
          for (int s = 0; s < 8; s++) {
            double z = kernelBias[c];
            for (int dr = -1; dr <= 1; dr++) {
              for (int ds = -1; ds <= 1; ds++) {
                int rr = r + dr;
                int ss = s + ds;
                if (rr >= 0 && rr < 8 && ss >= 0 && ss < 8) {
                  z += kernels.get(c, (dr + 1) * 3 + ds + 1) * images.get(rr * 8 + ss, j);
                }
              }
            }
            map[r][s] = Math.max(0, z);
          }
        }
        for (int q = 0; q < ConvNetwork.POOLED; q++) {
          int r = 2 * (q / 4);
          int s = 2 * (q % 4);
          double best = Math.max(Math.max(map[r][s], map[r][s + 1]),
              Math.max(map[r + 1][s], map[r + 1][s + 1]));
          features[(q * FILTERS + c) * n + j] = best;
        }
      }
    }
    double[] logits = new double[Digits.CLASSES * n];
    for (int j = 0; j < n; j++) {
      double[] h = new double[HIDDEN];
      for (int u = 0; u < HIDDEN; u++) {
        double a = b1[u];
        for (int f = 0; f < ConvNetwork.POOLED * FILTERS; f++) {
          a += v1.get(f, u) * features[f * n + j];
        }
        h[u] = Math.max(0, a);
      }
      for (int o = 0; o < Digits.CLASSES; o++) {
        double a = b2[o];
        for (int u = 0; u < HIDDEN; u++) {
          a += v2.get(u, o) * h[u];
        }
        logits[o * n + j] = a;
      }
    }
    return logits;
  }

  private Matrix gaussian(int rows, int cols) {
    double[] data = new double[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextGaussian();
    }
    return new Matrix(rows, cols, data);
  }

  private Matrix oneHot() {
    Matrix y = Matrix.zeros(Digits.CLASSES, BATCH);
    for (int j = 0; j < BATCH; j++) {
      y.set(random.nextInt(Digits.CLASSES), j, 1.0);
    }
    return y;
  }

  private static double[][] copy(double[][] arrays) {
    double[][] out = new double[arrays.length][];
    for (int i = 0; i < arrays.length; i++) {
      out[i] = arrays[i].clone();
    }
    return out;
  }
}
