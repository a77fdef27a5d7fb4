package dev.matgrad.bench;

import dev.matgrad.Products;
import dev.matgrad.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Generated gradient (with a Workspace) ÷ hand-written backprop, measured so that machine noise
 * hits both alike: the two run in alternating slices of about 20 ms in one JVM, each round's
 * ratio is taken from back-to-back slices, and the table gives the median ratio with the range
 * (min–max) over the rounds beside it, and the ratio of the two fastest slices (each case's best,
 * when it had a core to itself). A separate JMH run gives absolute times; this gives ratios that a
 * busy machine does not skew toward whichever case ran while another build did.
 *
 * <p>Usage: {@code java [--add-modules jdk.incubator.vector] -cp benchmarks.jar
 * dev.matgrad.bench.PairedRatios OUTPUT.md [rounds]}.
 */
public final class PairedRatios {
  private static final double SLICE_SECONDS = 0.02;

  private PairedRatios() {}

  record Pair(String label, double flops, DoubleSupplier generated, DoubleSupplier hand) {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "paired-ratios.md");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 41;
    List<Pair> pairs = new ArrayList<>();
    for (int size : new int[] {8, 64, 256, 1024}) {
      Inputs.FirstLayer in = new Inputs.FirstLayer(size);
      double[] gradA = new double[in.d * in.n];
      Workspace ws = new Workspace();
      HandBackprop.FirstLayer hand = new HandBackprop.FirstLayer(in.n, in.m);
      double s = size;
      pairs.add(new Pair("first layer, d=n=m=" + size, 3 * s * s + 4 * s * s + 7 * s + 4 * s,
          () -> CasesGradients.firstLayerLossGrad(in.A, in.B, in.x, in.c, gradA, ws),
          () -> hand.valueAndGradient(in.A, in.B, in.x, in.c, gradA)));
    }
    for (String shape : new String[] {"64-128-10x128", "784-512-10x256"}) {
      Inputs.Mlp in = Inputs.Mlp.of(shape);
      double[] gW1 = new double[in.hidden * in.inputs];
      double[] gb1 = new double[in.hidden];
      double[] gW2 = new double[in.classes * in.hidden];
      double[] gb2 = new double[in.classes];
      Workspace ws = new Workspace();
      HandBackprop.Mlp hand = new HandBackprop.Mlp(in.hidden, in.classes, in.batch);
      double d = in.inputs;
      double h = in.hidden;
      double k = in.classes;
      double n = in.batch;
      String[] p = shape.split("x");
      pairs.add(new Pair("MLP " + p[0] + ", batch " + p[1],
          4 * h * d * n + 6 * k * h * n + 4 * h * n + 15 * k * n + n,
          () -> CasesGradients.mlpLossGrad(in.W1, in.b1, in.W2, in.b2, in.X, in.Y, in.batch, gW1,
              gb1, gW2, gb2, ws),
          () -> hand.valueAndGradient(in.W1, in.b1, in.W2, in.b2, in.X, in.Y, in.batch, gW1, gb1,
              gW2, gb2)));
    }

    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "Product kernel: %s; %s %s; %d rounds of 2 slices of %.0f ms"
        + " per case; load average at the end: %s.%n%n", Products.implementation(),
        System.getProperty("java.vm.name"), System.getProperty("java.version"), rounds,
        SLICE_SECONDS * 1e3, loadAverage()));
    md.append("| case | generated µs (fastest) | hand backprop µs (fastest) | generated ÷ hand:"
        + " fastest ÷ fastest | median of rounds (min–max) | GFLOP/s generated (fastest) |\n"
        + "|---|---:|---:|---:|---:|---:|\n");
    for (Pair pair : pairs) {
      double[] tg = new double[rounds];
      double[] th = new double[rounds];
      double[] ratio = new double[rounds];
      long calls = calibrate(pair.generated());
      long handCalls = calibrate(pair.hand());
      for (int w = 0; w < 3; w++) { // warm-up rounds, also of the JIT
        time(pair.generated(), calls);
        time(pair.hand(), handCalls);
      }
      for (int r = 0; r < rounds; r++) {
        // Alternate which goes first, so a slow-down that starts mid-round is shared.
        if (r % 2 == 0) {
          tg[r] = time(pair.generated(), calls);
          th[r] = time(pair.hand(), handCalls);
        } else {
          th[r] = time(pair.hand(), handCalls);
          tg[r] = time(pair.generated(), calls);
        }
        ratio[r] = tg[r] / th[r];
      }
      double g = min(tg);
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f (%.2f–%.2f) | %.2f |%n",
          pair.label(), micros(g), micros(min(th)), g / min(th), median(ratio), min(ratio),
          max(ratio), pair.flops() / g / 1e3));
      System.out.print(md.substring(md.lastIndexOf("\n", md.length() - 2) + 1));
    }
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
    System.out.println("== written " + out);
  }

  private static double sink;

  /** Calls per slice, from a first timing. */
  private static long calibrate(DoubleSupplier f) {
    long calls = 1;
    while (true) {
      long t0 = System.nanoTime();
      for (long i = 0; i < calls; i++) {
        sink += f.getAsDouble();
      }
      double s = (System.nanoTime() - t0) / 1e9;
      if (s > SLICE_SECONDS / 4) {
        return Math.max(1, (long) (calls * SLICE_SECONDS / s));
      }
      calls *= 2;
    }
  }

  /** Microseconds per call over one slice. */
  private static double time(DoubleSupplier f, long calls) {
    long t0 = System.nanoTime();
    for (long i = 0; i < calls; i++) {
      sink += f.getAsDouble();
    }
    return (System.nanoTime() - t0) / 1e3 / calls;
  }

  private static String micros(double us) {
    return us >= 100 ? String.format(Locale.ROOT, "%,.0f", us)
        : String.format(Locale.ROOT, "%.2f", us);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
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
