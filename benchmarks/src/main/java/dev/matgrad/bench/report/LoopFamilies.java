package dev.matgrad.bench.report;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The loop cases ({@code dev.matgrad.bench.loops}) in the results table: their labels, their own
 * targets (generated ≤ 1.5 × the hand-written adjoint, value and gradient ≤ 4 × the forward pass,
 * 0 bytes per call with a Workspace) and a table of their own.
 */
final class LoopFamilies {
  private LoopFamilies() {}

  static final double CHEAP_BOUND = 4.0;
  static final double HAND_BOUND = 1.5;
  static final String CHEAP = "loops: value+gradient ≤ 4 × forward";
  static final String HAND = "loops: generated ≤ 1.5 × hand-written adjoint";

  /** The JMH class-name prefixes, in table order. */
  static final String[] FAMILIES = {"RosenbrockLoop", "LennardJones", "RnnLoop", "ConvLoop"};

  /** The family of a JMH class, or null when it is not a loop case. */
  static String family(String className) {
    for (String f : FAMILIES) {
      if (className.startsWith(f)) {
        return f;
      }
    }
    return null;
  }

  static boolean has(String family) {
    return family(family) != null;
  }

  static String label(String family, String param) {
    switch (family) {
      case "RosenbrockLoop":
        return "loop: Rosenbrock, n=" + param;
      case "LennardJones":
        return "loop: Lennard-Jones, " + param + " particles";
      case "ConvLoop": {
        String[] p = param.split("x");
        String[] s = p[0].split("-");
        return "loop: conv net, " + s[0] + " 3×3 filters, hidden " + s[1] + ", batch " + p[1];
      }
      default: {
        String[] p = param.split("x");
        String[] s = p[0].split("-");
        return "loop: Elman RNN, hidden " + s[0] + ", inputs " + s[1] + ", " + p[1] + " steps";
      }
    }
  }

  static int order(String family, String param) {
    for (int i = 0; i < FAMILIES.length; i++) {
      if (FAMILIES[i].equals(family)) {
        return 1_000_000 * (i + 1);
      }
    }
    return Integer.MAX_VALUE;
  }

  /**
   * Bytes the generated gradient records per loop iteration (the width of its {@code tape}
   * buffer, read from the generated code): Rosenbrock and Lennard-Jones record nothing (the
   * adjoint of {@code s += …} needs no carried value, and the body is recomputed from x); the RNN
   * records h_{t−1}, 8 × hidden bytes per step; the conv net the running maximum of its pooling
   * loop, 8 × filters × batch bytes per position of a cell.
   */
  static String tapeBytesPerIteration(ResultsTable.Case c) {
    if (c.family.equals("RnnLoop")) {
      int hidden = Integer.parseInt(c.param.split("-")[0]);
      return String.format(Locale.ROOT, "%,d (h_{t−1})", 8 * hidden);
    }
    if (c.family.equals("ConvLoop")) {
      // The pooling loop over a cell's four positions records the running maximum, C×B.
      String[] p = c.param.split("x");
      int filters = Integer.parseInt(p[0].split("-")[0]);
      int batch = Integer.parseInt(p[1]);
      return String.format(Locale.ROOT, "%,d (running max, C×B)", 8 * filters * batch);
    }
    return "0";
  }

  /** Moves the loop cases out of {@code cases} (the main tables) and returns them. */
  static List<ResultsTable.Case> split(List<ResultsTable.Case> cases) {
    List<ResultsTable.Case> loops = new ArrayList<>();
    for (Iterator<ResultsTable.Case> it = cases.iterator(); it.hasNext(); ) {
      ResultsTable.Case c = it.next();
      if (has(c.family)) {
        loops.add(c);
        it.remove();
      }
    }
    return loops;
  }

  static void judge(ResultsTable.Report r, List<ResultsTable.Case> loops) {
    for (ResultsTable.Case c : loops) {
      double cheap = r.ratio(c, "gen", "forward");
      if (!Double.isNaN(cheap)) {
        r.verdicts.add(new ResultsTable.Verdict(CHEAP, c.label(), cheap, cheap <= CHEAP_BOUND));
      }
      double hand = r.ratio(c, "gen", "handBackprop");
      if (!Double.isNaN(hand)) {
        r.verdicts.add(new ResultsTable.Verdict(HAND, c.label(), hand, hand <= HAND_BOUND));
      }
      ResultsTable.Measurement ws = c.byImpl.get("generatedWs");
      if (ws != null) {
        r.verdicts.add(new ResultsTable.Verdict(ResultsTable.Report.ZERO, c.label(), ws.bytesPerCall,
            ws.allocatesNothing()));
      }
    }
  }

  static String markdown(ResultsTable.Report r, List<ResultsTable.Case> loops) {
    if (loops.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder();
    md.append("\nLoop cases (counted for loops; the hand-written adjoint is an expert's loop on flat arrays), "
        + "µs per call, ratios judged on fGrad + Workspace (fGrad in brackets):\n\n");
    md.append("| case | forward (value only) | fGrad | fGrad + Workspace | hand adjoint "
        + "| value+grad ÷ forward (≤ 4) | generated ÷ hand adjoint (≤ 1.5) | B/call fGrad + Workspace (0) "
        + "| tape, B per iteration |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ResultsTable.Case c : loops) {
      ResultsTable.Verdict zero = r.find(ResultsTable.Report.ZERO, c.label());
      md.append("| ").append(c.label())
          .append(" | ").append(time(c, "forward"))
          .append(" | ").append(time(c, "generated"))
          .append(" | ").append(time(c, "generatedWs"))
          .append(" | ").append(time(c, "handBackprop"))
          .append(" | ").append(ResultsTable.Report.cell(r.find(CHEAP, c.label())))
          .append(r.plain(c, "generated", "forward"))
          .append(" | ").append(ResultsTable.Report.cell(r.find(HAND, c.label())))
          .append(r.plain(c, "generated", "handBackprop"))
          .append(" | ").append(zero == null ? "not run"
              : ResultsTable.Report.bytes(c.byImpl.get("generatedWs")) + (zero.pass ? " PASS" : " **GAP**"))
          .append(" | ").append(tapeBytesPerIteration(c))
          .append(" |\n");
    }
    return md.toString();
  }

  private static String time(ResultsTable.Case c, String impl) {
    ResultsTable.Measurement m = c.byImpl.get(impl);
    return m == null ? "—" : ResultsTable.Report.time(m.micros);
  }
}
