package dev.matgrad.bench;

import dev.matgrad.Products;
import dev.matgrad.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Peak throughput of the product kernel the JVM chose ({@link Products#implementation()}), as the
 * minimum time over many short repeats: on a machine shared with other work the minimum is the
 * run that had the cores to itself, where an average mixes in whatever else ran. The median is
 * printed beside it to show the spread. Complements {@link ProductsBench} (JMH averages).
 *
 * <p>Usage: {@code java [--add-modules jdk.incubator.vector] -cp benchmarks.jar
 * dev.matgrad.bench.KernelThroughput OUTPUT.md [repeats]}.
 */
public final class KernelThroughput {
  private KernelThroughput() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "kernel-throughput.md");
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    String[] shapes = {"256x256x256", "512x512x512", "1024x1024x1024", "512x256x784",
        "512x784x256T"};
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
        "Kernel: %s; %s %s; minimum (median) over %d repeats; load average at the end: %s%n%n"
            + "| C = A·op(B), m×n×k | GFLOP/s, 1 thread | GFLOP/s, 2 threads | 2 threads ÷ 1 |%n"
            + "|---|---:|---:|---:|%n", Products.implementation(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), repeats, loadAverage()));
    for (String shape : shapes) {
      boolean transposeB = shape.endsWith("T");
      String[] s = shape.replace("T", "").split("x");
      int m = Integer.parseInt(s[0]);
      int n = Integer.parseInt(s[1]);
      int k = Integer.parseInt(s[2]);
      Random rnd = new Random(1);
      double[] a = rnd.doubles((long) m * k, -0.5, 0.5).toArray();
      double[] b = rnd.doubles((long) k * n, -0.5, 0.5).toArray();
      double[] c = new double[m * n];
      double flops = 2.0 * m * n * k;
      double[][] best = new double[2][];
      for (int threads = 1; threads <= 2; threads++) {
        try (Workspace ws = new Workspace(threads)) {
          // Repeats of about 20 ms each, after a second of warm-up.
          int calls = Math.max(1, (int) (4e8 / flops));
          long warm = System.nanoTime();
          while (System.nanoTime() - warm < 1_000_000_000L) {
            Products.matmul(m, n, k, a, false, b, transposeB, c, false, ws);
          }
          double[] t = new double[repeats];
          for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
              Products.matmul(m, n, k, a, false, b, transposeB, c, false, ws);
            }
            t[r] = (System.nanoTime() - t0) / 1e9 / calls;
          }
          Arrays.sort(t);
          best[threads - 1] = new double[] {t[0], t[repeats / 2]};
        }
      }
      md.append(String.format(Locale.ROOT, "| %s%s | %.1f (%.1f) | %.1f (%.1f) | %.2f |%n",
          shape.replace("T", ""), transposeB ? " (Bᵀ)" : "", flops / best[0][0] / 1e9,
          flops / best[0][1] / 1e9, flops / best[1][0] / 1e9, flops / best[1][1] / 1e9,
          best[0][0] / best[1][0]));
      System.out.print(md.substring(md.lastIndexOf("\n", md.length() - 2) + 1));
    }
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
