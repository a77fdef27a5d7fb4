package dev.matgrad.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The product-kernel table from a JMH json of {@code ProductsBench} and {@code ProductsVectorBench}:
 * GFLOP/s (2mnk / time) per shape, plain Java and Vector API, one and two threads, with the
 * two-thread speed-up and JMH's 99.9% error, and the two-thread scaling target (a Workspace with
 * two threads at least {@value #TWO_THREAD_SPEEDUP} × as fast as one on the large products,
 * m·n·k ≥ {@value #LARGE_MULTIPLY_ADDS} multiply-adds) judged per implementation.
 *
 * <p>Usage: {@code ProductsTable JMH.json OUTPUT.md}.
 */
public final class ProductsTable {
  static final double TWO_THREAD_SPEEDUP = 1.7;
  static final double LARGE_MULTIPLY_ADDS = 1e8;

  private ProductsTable() {}

  public static void main(String[] args) throws IOException {
    List<?> runs = (List<?>) Json.parse(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
    // shape -> "plain 1" / "vector 2" -> {µs, error µs}
    Map<String, Map<String, double[]>> byShape = new LinkedHashMap<>();
    for (Object o : runs) {
      Map<?, ?> run = (Map<?, ?>) o;
      String benchmark = (String) run.get("benchmark");
      String impl = benchmark.contains("ProductsVectorBench") ? "vector"
          : benchmark.contains("ProductsBench") ? "plain" : null;
      if (impl == null) {
        continue;
      }
      Map<?, ?> params = (Map<?, ?>) run.get("params");
      Map<?, ?> primary = (Map<?, ?>) run.get("primaryMetric");
      String unit = (String) primary.get("scoreUnit");
      double score = ResultsTable.toMicros(ResultsTable.asDouble(primary.get("score")), unit);
      double error = ResultsTable.toMicros(ResultsTable.asDouble(primary.get("scoreError")), unit);
      byShape.computeIfAbsent((String) params.get("shape"), s -> new LinkedHashMap<>())
          .put(impl + " " + params.get("threads"), new double[] {score, error});
    }
    StringBuilder md = new StringBuilder();
    // implementation -> {cases judged, cases passed, worst speed-up}, worst shape
    Map<String, double[]> scaling = new LinkedHashMap<>();
    Map<String, String> worstShape = new LinkedHashMap<>();
    md.append("| C = A·op(B), m×n×k | plain, 1 thread | plain, 2 threads | Vector API, 1 thread"
        + " | Vector API, 2 threads |\n|---|---:|---:|---:|---:|\n");
    for (Map.Entry<String, Map<String, double[]>> e : byShape.entrySet()) {
      String shape = e.getKey();
      boolean transposed = shape.endsWith("T");
      String[] s = shape.replace("T", "").split("x");
      double flops = 2.0 * Double.parseDouble(s[0]) * Double.parseDouble(s[1])
          * Double.parseDouble(s[2]);
      md.append("| ").append(shape.replace("T", "")).append(transposed ? " (Bᵀ)" : "");
      for (String impl : new String[] {"plain", "vector"}) {
        double[] one = e.getValue().get(impl + " 1");
        double[] two = e.getValue().get(impl + " 2");
        md.append(" | ").append(gflops(flops, one));
        md.append(" | ").append(gflops(flops, two));
        if (one != null && two != null) {
          double speedup = one[0] / two[0];
          md.append(String.format(Locale.ROOT, " (× %.2f)", speedup));
          if (flops / 2 >= LARGE_MULTIPLY_ADDS) {
            double[] t = scaling.computeIfAbsent(impl, k -> new double[] {0, 0, Double.POSITIVE_INFINITY});
            t[0]++;
            t[1] += speedup >= TWO_THREAD_SPEEDUP ? 1 : 0;
            if (speedup < t[2]) {
              t[2] = speedup;
              worstShape.put(impl, shape.replace("T", "") + (transposed ? " (Bᵀ)" : ""));
            }
          }
        }
      }
      md.append(" |\n");
    }
    md.append("\nGFLOP/s ± the spread implied by JMH's 99.9% confidence interval of the time;"
        + " (× s) is the two-thread speed-up.\n");
    md.append(String.format(Locale.ROOT, "%nTarget: a Workspace with 2 threads ≥ %.1f × as fast as with 1 on the"
        + " large products (m·n·k ≥ 10⁸):%n%n| kernel | result | worst case |%n|---|---|---|%n", TWO_THREAD_SPEEDUP));
    for (String impl : new String[] {"plain", "vector"}) {
      double[] t = scaling.get(impl);
      String name = impl.equals("plain") ? "plain Java" : "Vector API";
      if (t == null) {
        md.append("| ").append(name).append(" | not run | — |\n");
        continue;
      }
      String result = t[1] == t[0] ? "PASS" : String.format(Locale.ROOT, "**GAP** (%d of %d pass)", (int) t[1], (int) t[0]);
      md.append(String.format(Locale.ROOT, "| %s | %s | %s: × %.2f |%n", name, result, worstShape.get(impl), t[2]));
    }
    Files.writeString(Path.of(args[1]), md.toString(), StandardCharsets.UTF_8);
    System.out.print(md);
  }

  private static String gflops(double flops, double[] m) {
    if (m == null) {
      return "—";
    }
    double g = flops / m[0] / 1e3;
    double spread = Double.isNaN(m[1]) ? 0 : g * m[1] / m[0];
    return String.format(Locale.ROOT, "%.1f ± %.1f", g, spread);
  }
}
