package dev.matgrad.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON result file (and the processor-cost JSON) into {@code results.md} and
 * {@code results.json}: times per call, the ratios the performance targets are stated in (all
 * between figures of the same run), GFLOP/s, bytes allocated per call, and PASS/GAP per target.
 *
 * <p>Targets are judged on the generated method with a {@code Workspace} (the one a training loop
 * calls), falling back to plain {@code fGrad} when the workspace benchmarks are missing.
 *
 * <p>Usage: {@code ResultsTable JMH.json PROCESSOR-COST.json OUTPUT-DIR [revision]}; a missing
 * processor-cost file leaves that part out.
 */
public final class ResultsTable {
  static final double CHEAP_GRADIENT_BOUND = 3.0;
  static final double HAND_BACKPROP_BOUND = 1.10;
  static final double TAPE_SPEEDUP = 30.0;
  static final double TORCH_THROUGHPUT_SHARE = 0.5;
  static final double PROCESSOR_MS_PER_METHOD = 10.0;
  static final double JACOBIAN_HAND_BOUND = 1.5;
  static final double HESSIAN_HAND_BOUND = 1.5;
  static final double HESSIAN_SPEEDUP = 20.0;
  static final double HVP_GRAD_BOUND = 5.0;
  /**
   * The gc profiler charges JMH's own per-iteration bookkeeping (a few KiB) to the benchmark; a
   * method whose bytes per iteration stay under this allocates nothing per call.
   */
  static final double HARNESS_BYTES_PER_ITERATION = 16 * 1024;

  /** The implementations, in table order: JMH method name and column heading. */
  static final String[][] IMPLS = {
    {"forward", "forward (value only)"},
    {"generated", "fGrad"},
    {"generatedWs", "fGrad + Workspace"},
    {"handBackprop", "hand backprop"},
    {"ejml", "EJML backprop"},
    {"hipparchus", "Hipparchus"},
    {"finmath", "finmath AAD"},
    {"pytorch", "PyTorch (DJL)"},
    {"samediff", "ND4J SameDiff"},
  };

  static final class Measurement {
    double micros;
    double error;
    double bytesPerCall = Double.NaN;
    double iterationSeconds = 1.0;

    boolean allocatesNothing() {
      if (Double.isNaN(bytesPerCall)) {
        return false;
      }
      double callsPerIteration = iterationSeconds * 1e6 / micros;
      return bytesPerCall < 1.0 || bytesPerCall * callsPerIteration < HARNESS_BYTES_PER_ITERATION;
    }
  }

  /** One benchmark case: a family (first layer, MLP, trace) at one size. */
  static final class Case {
    final String family;
    final String param;
    final Map<String, Measurement> byImpl = new LinkedHashMap<>();

    Case(String family, String param) {
      this.family = family;
      this.param = param;
    }

    String label() {
      if (LoopFamilies.has(family)) {
        return LoopFamilies.label(family, param);
      }
      switch (family) {
        case "FirstLayer":
          return "first layer, d=n=m=" + param;
        case "Mlp": {
          String[] p = param.split("x");
          return "MLP " + p[0] + ", batch " + p[1];
        }
        default:
          return "trace(XᵀAX), n=" + param;
      }
    }

    int order() {
      if (LoopFamilies.has(family)) {
        return LoopFamilies.order(family, param);
      }
      switch (family) {
        case "FirstLayer":
          return Integer.parseInt(param);
        case "Mlp":
          return 100_000 + Integer.parseInt(param.split("-")[0]);
        default:
          return 200_000 + Integer.parseInt(param);
      }
    }

    /** Floating-point operations of the forward pass alone (see {@link #valueAndGradientFlops}). */
    double forwardFlops() {
      if (LoopFamilies.has(family)) {
        return Double.NaN;
      }
      switch (family) {
        case "FirstLayer": {
          double s = Double.parseDouble(param);
          return 2 * s * s + 2 * s * s + 4 * s + 3 * s;
        }
        case "Mlp": {
          double[] p = mlpShape();
          double d = p[0], h = p[1], k = p[2], n = p[3];
          return 2 * h * d * n + 2 * k * h * n + 2 * h * n + 8 * k * n + n;
        }
        default: {
          double s = Double.parseDouble(param);
          return 2 * s * s * s + 2 * s * s;
        }
      }
    }

    /**
     * Floating-point operations of value and gradient by reverse mode (each +, −, ×, ÷, exp, log,
     * max counted as one):
     * first layer 3dn + 4nm + 7n + 4m; MLP 4HDN + 6KHN + 4HN + 15KN + N (D inputs, H hidden,
     * K classes, N batch); trace(XᵀAX) with X n×k: 4n²k + 3nk. Every implementation is credited
     * with these, whatever it actually executes.
     */
    double valueAndGradientFlops() {
      if (LoopFamilies.has(family)) {
        return Double.NaN;
      }
      switch (family) {
        case "FirstLayer": {
          double s = Double.parseDouble(param);
          return 3 * s * s + 4 * s * s + 7 * s + 4 * s;
        }
        case "Mlp": {
          double[] p = mlpShape();
          double d = p[0], h = p[1], k = p[2], n = p[3];
          return 4 * h * d * n + 6 * k * h * n + 4 * h * n + 15 * k * n + n;
        }
        default: {
          double s = Double.parseDouble(param);
          return 4 * s * s * s + 3 * s * s;
        }
      }
    }

    private double[] mlpShape() {
      String[] layersAndBatch = param.split("x");
      String[] layers = layersAndBatch[0].split("-");
      return new double[] {
        Double.parseDouble(layers[0]), Double.parseDouble(layers[1]), Double.parseDouble(layers[2]),
        Double.parseDouble(layersAndBatch[1])
      };
    }

    /** The generated method the targets are judged on. */
    Measurement generated() {
      Measurement ws = byImpl.get("generatedWs");
      return ws != null ? ws : byImpl.get("generated");
    }
  }

  /**
   * The Jacobian and second-derivative benchmarks, by "Class.method": each class measures one
   * case, so its cells are the implementations; the JMH classes and their rows, in table order.
   */
  static final String[][] SECOND_ORDER_ROWS = {
    {"SigmoidLayerJacobianBench", "σ-layer Jacobian A diag(σ') B, d=n=m=256"},
    {"LogisticHessianBench", "logistic regression Hessian, 256 features × 2,000 samples"},
    {"VectorLogisticHessianBench", "the same, Vector API product kernel"},
    {"LogisticHessianTapeBench", "logistic regression Hessian, 32 features × 2,000 samples"},
  };

  /** Their implementations, in column order: JMH method name and heading. */
  static final String[][] SECOND_ORDER_IMPLS = {
    {"generated", "generated (fJacobian / fHessian)"},
    {"generatedWs", "generated + Workspace"},
    {"hand", "hand-written closed form"},
    {"hvpSweeps", "N fHvp sweeps"},
    {"hipparchus", "Hipparchus DerivativeStructure (order 2)"},
    {"grad", "fGrad + Workspace"},
    {"hvp", "fHvp + Workspace"},
  };

  static boolean secondOrderClass(String className) {
    for (String[] row : SECOND_ORDER_ROWS) {
      if (row[0].equals(className)) {
        return true;
      }
    }
    return false;
  }

  /** A target's verdict in one case. */
  static final class Verdict {
    final String target;
    final String caseLabel;
    final double ratio;
    final boolean pass;

    Verdict(String target, String caseLabel, double ratio, boolean pass) {
      this.target = target;
      this.caseLabel = caseLabel;
      this.ratio = ratio;
      this.pass = pass;
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: ResultsTable JMH.json PROCESSOR-COST.json OUTPUT-DIR [revision]");
      System.exit(2);
    }
    Path jmhFile = Paths.get(args[0]);
    Path costFile = Paths.get(args[1]);
    Path outDir = Paths.get(args[2]);
    String revision = args.length > 3 ? args[3] : "";
    List<?> runs = (List<?>) Json.parse(Files.readString(jmhFile, StandardCharsets.UTF_8));
    Map<?, ?> cost = Files.exists(costFile)
        ? (Map<?, ?>) Json.parse(Files.readString(costFile, StandardCharsets.UTF_8)) : null;

    Map<String, Case> cases = new LinkedHashMap<>();
    Map<String, Measurement> secondOrder = new LinkedHashMap<>();
    Map<?, ?> first = runs.isEmpty() ? Map.of() : (Map<?, ?>) runs.get(0);
    for (Object o : runs) {
      Map<?, ?> run = (Map<?, ?>) o;
      String benchmark = (String) run.get("benchmark");
      String className = benchmark.substring(0, benchmark.lastIndexOf('.'));
      className = className.substring(className.lastIndexOf('.') + 1);
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      if (secondOrderClass(className)) {
        Measurement m = measurement(run);
        if (m != null) {
          secondOrder.put(className + "." + method, m);
        }
        continue;
      }
      String family = className.startsWith("FirstLayer") ? "FirstLayer"
          : className.startsWith("Mlp") ? "Mlp" : className.startsWith("Trace") ? "Trace"
          : LoopFamilies.family(className);
      if (family == null) {
        continue;
      }
      Map<?, ?> params = (Map<?, ?>) run.get("params");
      String param = String.valueOf(params.containsKey("shape") ? params.get("shape") : params.get("size"));
      Case c = cases.computeIfAbsent(family + " " + param, k -> new Case(family, param));
      Measurement m = measurement(run);
      if (m == null) {
        continue;
      }
      c.byImpl.put(method, m);
    }
    List<Case> ordered = new ArrayList<>(cases.values());
    ordered.sort((a, b) -> Integer.compare(a.order(), b.order()));

    Report r = new Report(ordered, secondOrder, cost, first, revision);
    Files.createDirectories(outDir);
    Files.writeString(outDir.resolve("results.md"), r.markdown(), StandardCharsets.UTF_8);
    Files.writeString(outDir.resolve("results.json"), r.json(), StandardCharsets.UTF_8);
    System.out.print(r.markdown());
  }

  /** One JMH run's time per call and bytes per call; null when it has no primary metric. */
  static Measurement measurement(Map<?, ?> run) {
    Map<?, ?> primary = (Map<?, ?>) run.get("primaryMetric");
    if (primary == null) {
      return null;
    }
    Measurement m = new Measurement();
    m.micros = toMicros(asDouble(primary.get("score")), (String) primary.get("scoreUnit"));
    m.error = toMicros(asDouble(primary.get("scoreError")), (String) primary.get("scoreUnit"));
    m.iterationSeconds = seconds(String.valueOf(run.get("measurementTime")));
    Map<?, ?> secondary = (Map<?, ?>) run.get("secondaryMetrics");
    if (secondary != null && secondary.get("gc.alloc.rate.norm") instanceof Map) {
      m.bytesPerCall = asDouble(((Map<?, ?>) secondary.get("gc.alloc.rate.norm")).get("score"));
    }
    return m;
  }

  /** A JMH number, which it writes as a string ("NaN") when undefined. */
  static double asDouble(Object v) {
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(v));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  static double toMicros(double v, String unit) {
    switch (unit) {
      case "ns/op":
        return v / 1e3;
      case "ms/op":
        return v * 1e3;
      case "s/op":
        return v * 1e6;
      default:
        return v;
    }
  }

  static double seconds(String jmhTime) {
    String[] p = jmhTime.trim().split(" ");
    double v = Double.parseDouble(p[0]);
    String unit = p.length > 1 ? p[1] : "s";
    switch (unit) {
      case "ms":
        return v / 1e3;
      case "us":
        return v / 1e6;
      case "ns":
        return v / 1e9;
      case "min":
        return v * 60;
      default:
        return v;
    }
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: leave it unknown
    }
    String memory = "";
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
        if (line.startsWith("MemTotal")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          memory = String.format(Locale.ROOT, ", %.0f GiB", kb / 1024.0 / 1024.0);
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores" + memory + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }

  static String loadAverage() {
    try {
      String[] p = Files.readString(Paths.get("/proc/loadavg")).trim().split(" ");
      return p[0] + " / " + p[1] + " / " + p[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Builds both outputs from the parsed cases. */
  static final class Report {
    final List<Case> cases;
    final Map<String, Measurement> secondOrder;
    final List<Case> loops;
    final Map<?, ?> cost;
    final Map<?, ?> settings;
    final String revision;
    final List<Verdict> verdicts = new ArrayList<>();
    final String machine = machine();
    final String load = loadAverage();

    Report(List<Case> cases, Map<String, Measurement> secondOrder, Map<?, ?> cost, Map<?, ?> settings,
        String revision) {
      this.loops = LoopFamilies.split(cases);
      this.cases = cases;
      this.secondOrder = secondOrder;
      this.cost = cost;
      this.settings = settings;
      this.revision = revision;
      judge();
      judgeSecondOrder();
    }

    static final String CHEAP = "value+gradient ≤ 3.0 × hand-written forward";
    static final String HAND = "generated ≤ 1.10 × hand-written backprop";
    static final String TAPES = "≥ 30 × faster than Hipparchus and finmath (sizes 8–64)";
    static final String TORCH = "≥ 0.5 × PyTorch's throughput (first layer 1024, MLP 784-512-10)";
    static final String ZERO = "0 bytes allocated per call (Workspace)";
    static final String PROCESSOR = "processor ≤ 10 ms per method";
    static final String JACOBIAN = "fJacobian ≤ 1.5 × hand-written A diag(σ') B (σ-layer, 256)";
    static final String HESSIAN_HAND = "fHessian ≤ 1.5 × hand-written XᵀDX/n + 2λI (logistic, 256 × 2,000)";
    static final String HESSIAN_PEERS = "fHessian ≥ 20 × faster than N fHvp sweeps (256) and Hipparchus "
        + "DerivativeStructure (32)";
    static final String HVP = "fHvp ≤ 5 × fGrad (logistic, 256 × 2,000)";
    static final String JACOBIAN_CASE = "σ-layer, d=n=m=256";
    static final String LOGISTIC_CASE = "logistic, 256 × 2,000";
    static final String LOGISTIC_TAPE_CASE = "logistic, 32 × 2,000";

    /** A second-order benchmark's time, the Workspace variant of "generated" when it ran. */
    Measurement second(String className, String method) {
      if (method.equals("generated")) {
        Measurement ws = secondOrder.get(className + ".generatedWs");
        if (ws != null) {
          return ws;
        }
      }
      return secondOrder.get(className + "." + method);
    }

    double secondRatio(String className, String numerator, String denominator) {
      Measurement n = second(className, numerator);
      Measurement d = second(className, denominator);
      return n == null || d == null ? Double.NaN : n.micros / d.micros;
    }

    /** Verdicts of the Jacobian and second-derivative targets, for the cases that ran. */
    void judgeSecondOrder() {
      String jac = "SigmoidLayerJacobianBench";
      String hess = "LogisticHessianBench";
      String tape = "LogisticHessianTapeBench";
      if (secondOrder.containsKey(jac + ".hand")) {
        double r = secondRatio(jac, "generated", "hand");
        verdicts.add(new Verdict(JACOBIAN, JACOBIAN_CASE, r, r <= JACOBIAN_HAND_BOUND));
      }
      if (secondOrder.containsKey(hess + ".hand")) {
        double r = secondRatio(hess, "generated", "hand");
        verdicts.add(new Verdict(HESSIAN_HAND, LOGISTIC_CASE, r, r <= HESSIAN_HAND_BOUND));
      }
      if (secondOrder.containsKey(hess + ".hvpSweeps")) {
        double r = secondRatio(hess, "hvpSweeps", "generated");
        verdicts.add(new Verdict(HESSIAN_PEERS, LOGISTIC_CASE + " vs N fHvp sweeps", r, r >= HESSIAN_SPEEDUP));
      }
      String vector = "VectorLogisticHessianBench";
      if (secondOrder.containsKey(vector + ".hvpSweeps")) {
        double r = secondRatio(vector, "hvpSweeps", "generated");
        verdicts.add(new Verdict(HESSIAN_PEERS, LOGISTIC_CASE + ", Vector API kernel, vs N fHvp sweeps",
            r, r >= HESSIAN_SPEEDUP));
      }
      if (secondOrder.containsKey(tape + ".hipparchus")) {
        double r = secondRatio(tape, "hipparchus", "generated");
        verdicts.add(new Verdict(HESSIAN_PEERS, LOGISTIC_TAPE_CASE + " vs Hipparchus", r, r >= HESSIAN_SPEEDUP));
      }
      if (secondOrder.containsKey(hess + ".hvp") && secondOrder.containsKey(hess + ".grad")) {
        double r = secondRatio(hess, "hvp", "grad");
        verdicts.add(new Verdict(HVP, LOGISTIC_CASE, r, r <= HVP_GRAD_BOUND));
      }
    }

    /** The Jacobian and second-derivative section of the markdown; empty when none ran. */
    String secondOrderMarkdown() {
      if (secondOrder.isEmpty()) {
        return "";
      }
      StringBuilder md = new StringBuilder();
      md.append("\nJacobians and second derivatives, time per call, µs (each row one case; the generated "
          + "method is fJacobian for the σ-layer, fHessian for logistic regression):\n\n");
      List<String[]> present = new ArrayList<>();
      for (String[] impl : SECOND_ORDER_IMPLS) {
        for (String[] row : SECOND_ORDER_ROWS) {
          if (secondOrder.containsKey(row[0] + "." + impl[0])) {
            present.add(impl);
            break;
          }
        }
      }
      md.append("| case |");
      for (String[] impl : present) {
        md.append(' ').append(impl[1]).append(" |");
      }
      md.append(" B/call generated + Workspace |\n|---|");
      for (int i = 0; i <= present.size(); i++) {
        md.append("---:|");
      }
      md.append('\n');
      for (String[] row : SECOND_ORDER_ROWS) {
        if (secondOrder.keySet().stream().noneMatch(k -> k.startsWith(row[0] + "."))) {
          continue;
        }
        md.append("| ").append(row[1]).append(" |");
        for (String[] impl : present) {
          Measurement m = secondOrder.get(row[0] + "." + impl[0]);
          md.append(' ').append(m == null ? "—" : time(m.micros)).append(" |");
        }
        md.append(' ').append(bytes(secondOrder.get(row[0] + ".generatedWs"))).append(" |\n");
      }
      md.append("\nTheir ratios (judged on generated + Workspace):\n\n")
          .append("| case | generated ÷ hand-written (≤ 1.5) | N fHvp sweeps ÷ generated (≥ 20) "
              + "| Hipparchus ÷ generated (≥ 20) | fHvp ÷ fGrad (≤ 5) |\n|---|---:|---:|---:|---:|\n");
      md.append("| ").append(JACOBIAN_CASE).append(" | ").append(cell(find(JACOBIAN, JACOBIAN_CASE)))
          .append(" | — | — | — |\n");
      md.append("| ").append(LOGISTIC_CASE).append(" | ").append(cell(find(HESSIAN_HAND, LOGISTIC_CASE)))
          .append(" | ").append(cell(find(HESSIAN_PEERS, LOGISTIC_CASE + " vs N fHvp sweeps")))
          .append(" | — | ").append(cell(find(HVP, LOGISTIC_CASE))).append(" |\n");
      md.append("| ").append(LOGISTIC_TAPE_CASE).append(" | — | — | ")
          .append(cell(find(HESSIAN_PEERS, LOGISTIC_TAPE_CASE + " vs Hipparchus"))).append(" | — |\n");
      return md.toString();
    }

    double ratio(Case c, String numerator, String denominator) {
      Measurement n = "gen".equals(numerator) ? c.generated() : c.byImpl.get(numerator);
      Measurement d = "gen".equals(denominator) ? c.generated() : c.byImpl.get(denominator);
      return n == null || d == null ? Double.NaN : n.micros / d.micros;
    }

    boolean torchCase(Case c) {
      return c.family.equals("FirstLayer") && c.param.equals("1024")
          || c.family.equals("Mlp") && c.param.startsWith("784-");
    }

    boolean tapeCase(Case c) {
      return c.family.equals("FirstLayer") && (c.param.equals("8") || c.param.equals("64"));
    }

    void judge() {
      for (Case c : cases) {
        double cheap = ratio(c, "gen", "forward");
        if (!Double.isNaN(cheap)) {
          verdicts.add(new Verdict(CHEAP, c.label(), cheap, cheap <= CHEAP_GRADIENT_BOUND));
        }
        double hand = ratio(c, "gen", "handBackprop");
        if (!Double.isNaN(hand)) {
          verdicts.add(new Verdict(HAND, c.label(), hand, hand <= HAND_BACKPROP_BOUND));
        }
        if (tapeCase(c)) {
          for (String tape : new String[] {"hipparchus", "finmath"}) {
            double speedup = ratio(c, tape, "gen");
            verdicts.add(new Verdict(TAPES, c.label() + " vs " + tape, speedup, speedup >= TAPE_SPEEDUP));
          }
        }
        if (torchCase(c)) {
          double share = ratio(c, "pytorch", "gen");
          verdicts.add(new Verdict(TORCH, c.label(), share, share >= TORCH_THROUGHPUT_SHARE));
        }
        Measurement ws = c.byImpl.get("generatedWs");
        if (ws != null) {
          verdicts.add(new Verdict(ZERO, c.label(), ws.bytesPerCall, ws.allocatesNothing()));
        }
      }
      LoopFamilies.judge(this, loops);
      if (cost != null) {
        double perMethod = num(cost, "extraMsPerMethod");
        verdicts.add(new Verdict(PROCESSOR, (int) num(cost, "methods") + " methods", perMethod,
            perMethod <= PROCESSOR_MS_PER_METHOD));
      }
    }

    static double num(Map<?, ?> m, String key) {
      Object v = m.get(key);
      return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }

    Verdict find(String target, String caseLabel) {
      for (Verdict v : verdicts) {
        if (v.target.equals(target) && v.caseLabel.equals(caseLabel)) {
          return v;
        }
      }
      return null;
    }

    static String time(double us) {
      if (Double.isNaN(us)) {
        return "—";
      }
      if (us < 10) {
        return String.format(Locale.ROOT, "%.2f", us);
      }
      if (us < 1000) {
        return String.format(Locale.ROOT, "%.1f", us);
      }
      return String.format(Locale.ROOT, "%,.0f", us);
    }

    static String ratioText(double r) {
      if (Double.isNaN(r)) {
        return "not run";
      }
      return r >= 100 ? String.format(Locale.ROOT, "%,.0f", r) : String.format(Locale.ROOT, "%.2f", r);
    }

    static String cell(Verdict v) {
      if (v == null) {
        return "—";
      }
      if (Double.isNaN(v.ratio)) {
        return "not run";
      }
      return ratioText(v.ratio) + (v.pass ? " PASS" : " **GAP**");
    }

    static String bytes(Measurement m) {
      if (m == null || Double.isNaN(m.bytesPerCall)) {
        return "—";
      }
      if (m.allocatesNothing()) {
        return "0";
      }
      double b = m.bytesPerCall;
      if (b < 10 * 1024) {
        return String.format(Locale.ROOT, "%.0f", b);
      }
      if (b < 10 * 1024 * 1024) {
        return String.format(Locale.ROOT, "%.0f KiB", b / 1024);
      }
      return String.format(Locale.ROOT, "%.0f MiB", b / 1024 / 1024);
    }

    String gflops(Case c, String impl, boolean forwardOnly) {
      Measurement m = "gen".equals(impl) ? c.generated() : c.byImpl.get(impl);
      if (m == null) {
        return "—";
      }
      double flops = forwardOnly ? c.forwardFlops() : c.valueAndGradientFlops();
      return String.format(Locale.ROOT, "%.2f", flops / (m.micros * 1e3));
    }

    String jdk() {
      Object version = settings.get("jdkVersion");
      Object vm = settings.get("vmName");
      return version == null ? System.getProperty("java.version") : vm + " " + version;
    }

    String jmhSettings() {
      if (settings.isEmpty()) {
        return "no JMH results";
      }
      return String.format(Locale.ROOT, "JMH %s, %s fork, %s × %s warm-up, %s × %s measurement, average time, -prof gc",
          settings.get("jmhVersion"), fmtInt(settings.get("forks")), fmtInt(settings.get("warmupIterations")),
          settings.get("warmupTime"), fmtInt(settings.get("measurementIterations")), settings.get("measurementTime"));
    }

    static String fmtInt(Object o) {
      return o instanceof Number ? String.valueOf(((Number) o).intValue()) : String.valueOf(o);
    }

    String markdown() {
      StringBuilder md = new StringBuilder();
      md.append("Machine: ").append(machine).append("; ").append(jdk()).append(".  \n");
      md.append(jmhSettings()).append("; load average (1/5/15 min) at the end: ").append(load)
          .append(revision.isEmpty() ? "" : "; revision " + revision).append(".\n\n");

      md.append("Time per call, µs (value and gradient; the forward column is the value alone):\n\n");
      List<String[]> present = new ArrayList<>();
      for (String[] impl : IMPLS) {
        for (Case c : cases) {
          if (c.byImpl.containsKey(impl[0])) {
            present.add(impl);
            break;
          }
        }
      }
      md.append("| case |");
      for (String[] impl : present) {
        md.append(' ').append(impl[1]).append(" |");
      }
      md.append("\n|---|");
      for (int i = 0; i < present.size(); i++) {
        md.append("---:|");
      }
      md.append('\n');
      for (Case c : cases) {
        md.append("| ").append(c.label()).append(" |");
        for (String[] impl : present) {
          Measurement m = c.byImpl.get(impl[0]);
          md.append(' ').append(m == null ? "—" : time(m.micros)).append(" |");
        }
        md.append('\n');
      }

      md.append("\nRatios of times in this run, judged on fGrad + Workspace (fGrad in brackets); ")
          .append("\"peer ÷ generated\" above 1 means the generated code is faster:\n\n");
      md.append("| case | value+grad ÷ forward (≤ 3.0) | generated ÷ hand backprop (≤ 1.10) | EJML ÷ generated "
          + "| Hipparchus ÷ generated (≥ 30) | finmath ÷ generated (≥ 30) | PyTorch ÷ generated (≥ 0.5) "
          + "| SameDiff ÷ generated |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Case c : cases) {
        md.append("| ").append(c.label())
            .append(" | ").append(cell(find(CHEAP, c.label()))).append(plain(c, "generated", "forward"))
            .append(" | ").append(cell(find(HAND, c.label()))).append(plain(c, "generated", "handBackprop"))
            .append(" | ").append(peer(c, "ejml"))
            .append(" | ").append(tapeCase(c) ? cell(find(TAPES, c.label() + " vs hipparchus")) : "—")
            .append(" | ").append(tapeCase(c) ? cell(find(TAPES, c.label() + " vs finmath")) : "—")
            .append(" | ").append(torchCase(c) ? cell(find(TORCH, c.label())) : peer(c, "pytorch"))
            .append(" | ").append(peer(c, "samediff"))
            .append(" |\n");
      }

      md.append("\nThroughput (GFLOP/s, counted analytically: see the note) and bytes allocated per call "
          + "(JMH gc profiler, `gc.alloc.rate.norm`):\n\n");
      md.append("| case | GFLOP/s forward | GFLOP/s generated | GFLOP/s hand backprop | B/call fGrad "
          + "| B/call fGrad + Workspace (0) | B/call hand backprop |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|\n");
      for (Case c : cases) {
        Verdict zero = find(ZERO, c.label());
        md.append("| ").append(c.label())
            .append(" | ").append(gflops(c, "forward", true))
            .append(" | ").append(gflops(c, "gen", false))
            .append(" | ").append(gflops(c, "handBackprop", false))
            .append(" | ").append(bytes(c.byImpl.get("generated")))
            .append(" | ").append(zero == null ? "not run"
                : bytes(c.byImpl.get("generatedWs")) + (zero.pass ? " PASS" : " **GAP**"))
            .append(" | ").append(bytes(c.byImpl.get("handBackprop")))
            .append(" |\n");
      }

      if (cost != null) {
        md.append(String.format(Locale.ROOT,
            "%nProcessor cost: javac in-process on %d `@Differentiable` methods in %d classes "
                + "(medians of %d rounds after %d warm-up rounds, %s):%n%n",
            (int) num(cost, "methods"), (int) num(cost, "classes"), (int) num(cost, "rounds"),
            (int) num(cost, "warmups"), cost.get("jdk")));
        md.append("| javac, no processing | javac with the processor | extra per method (≤ 10 ms) "
            + "| inside the processor per method | generated lines |\n");
        md.append("|---:|---:|---:|---:|---:|\n");
        Verdict p = find(PROCESSOR, (int) num(cost, "methods") + " methods");
        md.append(String.format(Locale.ROOT, "| %,.0f ms | %,.0f ms | %.2f ms %s | %.2f ms | %,d |%n",
            num(cost, "javacWithoutProcessorMs"), num(cost, "javacWithProcessorMs"), p.ratio,
            p.pass ? "PASS" : "**GAP**", num(cost, "insideMsPerMethod"), (long) num(cost, "generatedLines")));
      }

      md.append(secondOrderMarkdown());
      md.append(LoopFamilies.markdown(this, loops));

      md.append("\nTargets:\n\n| target | result | worst case |\n|---|---|---|\n");
      Map<String, List<Verdict>> byTarget = new LinkedHashMap<>();
      for (String t : new String[] {CHEAP, HAND, LoopFamilies.CHEAP, LoopFamilies.HAND, TAPES,
          TORCH, ZERO, PROCESSOR, JACOBIAN, HESSIAN_HAND, HESSIAN_PEERS, HVP}) {
        byTarget.put(t, new ArrayList<>());
      }
      for (Verdict v : verdicts) {
        byTarget.get(v.target).add(v);
      }
      for (Map.Entry<String, List<Verdict>> e : byTarget.entrySet()) {
        List<Verdict> vs = e.getValue();
        long passed = vs.stream().filter(v -> v.pass).count();
        long notRun = vs.stream().filter(v -> Double.isNaN(v.ratio)).count();
        String result = vs.isEmpty() || notRun == vs.size() ? "not run"
            : passed == vs.size() ? "PASS" : "**GAP** (" + passed + " of " + vs.size() + " pass)";
        Verdict worst = worst(e.getKey(), vs);
        String worstText = worst == null ? "—"
            : worst.caseLabel + ": " + ratioText(worst.ratio) + unit(e.getKey(), worst.pass);
        md.append("| ").append(e.getKey()).append(" | ").append(result).append(" | ").append(worstText).append(" |\n");
      }

      md.append("\nNotes: the hand-written baselines are expert code on flat arrays (buffers preallocated, "
          + "loop orders that read operands in storage order, no transposes materialised); every "
          + "implementation's value and gradient were checked equal to the generated ones (relative 1e-9) "
          + "before timing. Hipparchus (forward mode, one tangent per entry of A) and finmath (a scalar "
          + "operator tape) run at sizes 8 and 64 only: at 256, forward mode carries 65,536 tangents through "
          + "every operation. FLOPs of value and gradient (+ − × ÷ exp log max = 1): first layer "
          + "3dn + 4nm + 7n + 4m; MLP 4HDN + 6KHN + 4HN + 15KN + N (D inputs, H hidden, K classes, N batch); "
          + "trace 4n²k + 3nk (X n×k); the forward column uses the forward pass's count. "
          + "Workspace calls count as allocation-free when the gc profiler's bytes per iteration stay "
          + "below JMH's own per-iteration bookkeeping (16 KiB)."
          + (secondOrder.isEmpty() ? "" : " Jacobians and Hessians: every implementation's result was checked "
              + "equal to the generated one (relative 1e-9) before timing; the hand-written Hessian computes the "
              + "upper triangle of XᵀDX and mirrors it; \"N fHvp sweeps\" is the Hessian column by column, one "
              + "generated fHvp (with a Workspace) per unit vector; Hipparchus DerivativeStructure at order 2 "
              + "carries (p + 1)(p + 2)/2 derivatives through every operation, so it runs at 32 features "
              + "(561 per value), where the generated fHessian is timed again for its ratio.")
          + "\n");
      return md.toString();
    }

    static String unit(String target, boolean pass) {
      if (target.equals(ZERO)) {
        return pass ? " B/call, all of it JMH's own per-iteration allocation" : " B/call";
      }
      if (target.equals(PROCESSOR)) {
        return " ms per method";
      }
      return lowerBound(target) ? " × (their time ÷ generated)" : " ×";
    }

    static boolean lowerBound(String target) {
      return target.equals(TAPES) || target.equals(TORCH) || target.equals(HESSIAN_PEERS);
    }

    /** The worst verdict: the largest ratio for upper bounds, the smallest for lower bounds. */
    static Verdict worst(String target, List<Verdict> vs) {
      Verdict worst = null;
      boolean lowerBound = lowerBound(target);
      for (Verdict v : vs) {
        if (Double.isNaN(v.ratio)) {
          continue;
        }
        if (worst == null || (lowerBound ? v.ratio < worst.ratio : v.ratio > worst.ratio)) {
          worst = v;
        }
      }
      return worst;
    }

    String plain(Case c, String numerator, String denominator) {
      if (!c.byImpl.containsKey("generatedWs")) {
        return "";
      }
      double r = ratio(c, numerator, denominator);
      return Double.isNaN(r) ? "" : " (" + ratioText(r) + ")";
    }

    String peer(Case c, String impl) {
      double r = ratio(c, impl, "gen");
      return Double.isNaN(r) ? (c.byImpl.containsKey(impl) ? "—" : "not run") : ratioText(r);
    }

    String json() {
      StringBuilder j = new StringBuilder("{\n");
      j.append("  \"machine\": ").append(Json.quote(machine)).append(",\n");
      j.append("  \"jdk\": ").append(Json.quote(jdk())).append(",\n");
      j.append("  \"jmh\": ").append(Json.quote(jmhSettings())).append(",\n");
      j.append("  \"loadAverage\": ").append(Json.quote(load)).append(",\n");
      j.append("  \"revision\": ").append(Json.quote(revision)).append(",\n");
      j.append("  \"cases\": [\n");
      for (int ci = 0; ci < cases.size(); ci++) {
        Case c = cases.get(ci);
        j.append("    {\"case\": ").append(Json.quote(c.label()))
            .append(", \"family\": ").append(Json.quote(c.family))
            .append(", \"param\": ").append(Json.quote(c.param))
            .append(", \"forwardFlops\": ").append(Json.number(c.forwardFlops()))
            .append(", \"valueAndGradientFlops\": ").append(Json.number(c.valueAndGradientFlops()))
            .append(",\n     \"implementations\": {");
        int ii = 0;
        for (Map.Entry<String, Measurement> e : c.byImpl.entrySet()) {
          Measurement m = e.getValue();
          boolean forward = e.getKey().equals("forward");
          double flops = forward ? c.forwardFlops() : c.valueAndGradientFlops();
          j.append(ii++ == 0 ? "\n" : ",\n").append("       ").append(Json.quote(e.getKey()))
              .append(": {\"microsPerCall\": ").append(Json.number(m.micros))
              .append(", \"error99_9\": ").append(Json.number(m.error))
              .append(", \"gflops\": ").append(Json.number(flops / (m.micros * 1e3)))
              .append(", \"bytesPerCall\": ").append(Json.number(m.bytesPerCall))
              .append(", \"allocatesNothing\": ").append(m.allocatesNothing())
              .append("}");
        }
        j.append("},\n     \"ratios\": {")
            .append("\"valueAndGradientOverForward\": ").append(Json.number(ratio(c, "gen", "forward")))
            .append(", \"fGradOverForward\": ").append(Json.number(ratio(c, "generated", "forward")))
            .append(", \"generatedOverHandBackprop\": ").append(Json.number(ratio(c, "gen", "handBackprop")))
            .append(", \"fGradOverHandBackprop\": ").append(Json.number(ratio(c, "generated", "handBackprop")));
        for (String peer : new String[] {"ejml", "hipparchus", "finmath", "pytorch", "samediff"}) {
          j.append(", \"").append(peer).append("OverGenerated\": ").append(Json.number(ratio(c, peer, "gen")));
        }
        j.append("}}").append(ci + 1 < cases.size() ? ",\n" : "\n");
      }
      j.append("  ],\n");
      if (cost != null) {
        j.append("  \"processorCost\": {");
        int k = 0;
        for (Map.Entry<?, ?> e : cost.entrySet()) {
          Object v = e.getValue();
          j.append(k++ == 0 ? "" : ", ").append(Json.quote(String.valueOf(e.getKey()))).append(": ")
              .append(v instanceof Number ? Json.number(((Number) v).doubleValue()) : Json.quote(String.valueOf(v)));
        }
        j.append("},\n");
      }
      if (!secondOrder.isEmpty()) {
        j.append("  \"secondOrder\": {");
        int k = 0;
        for (Map.Entry<String, Measurement> e : secondOrder.entrySet()) {
          Measurement m = e.getValue();
          j.append(k++ == 0 ? "\n" : ",\n").append("    ").append(Json.quote(e.getKey()))
              .append(": {\"microsPerCall\": ").append(Json.number(m.micros))
              .append(", \"error99_9\": ").append(Json.number(m.error))
              .append(", \"bytesPerCall\": ").append(Json.number(m.bytesPerCall))
              .append(", \"allocatesNothing\": ").append(m.allocatesNothing())
              .append("}");
        }
        j.append("\n  },\n");
      }
      j.append("  \"targets\": [\n");
      for (int vi = 0; vi < verdicts.size(); vi++) {
        Verdict v = verdicts.get(vi);
        j.append("    {\"target\": ").append(Json.quote(v.target))
            .append(", \"case\": ").append(Json.quote(v.caseLabel))
            .append(", \"value\": ").append(Json.number(v.ratio))
            .append(", \"status\": ").append(Json.quote(Double.isNaN(v.ratio) ? "not run" : v.pass ? "PASS" : "GAP"))
            .append("}").append(vi + 1 < verdicts.size() ? ",\n" : "\n");
      }
      j.append("  ]\n}\n");
      return j.toString();
    }
  }
}
