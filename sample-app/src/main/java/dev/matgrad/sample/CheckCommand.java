package dev.matgrad.sample;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "check",
    header = "Check every generated gradient against finite differences.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Checks every method matgrad generated for this application (the digit network's losses"
          + " and logits, the seed notes' problems) against central finite differences of the"
          + " method it was derived from, at a random point, with the runtime's GradCheck, and"
          + " prints a table. Exits with status 1 if any check fails."
    })
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-s", "--seed"}, paramLabel = "N",
      description = "Seed of the random points (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<GeneratedMethods.Generated> methods = GeneratedMethods.all();
    List<GradientCheck.Outcome> outcomes = GradientCheck.run(methods, seed);

    int width = "generated method".length();
    for (GradientCheck.Outcome o : outcomes) {
      width = Math.max(width, o.label().length());
    }
    int fromWidth = "derived from".length();
    for (GradientCheck.Outcome o : outcomes) {
      fromWidth = Math.max(fromWidth, o.from().length());
    }
    String row = "%-" + width + "s  %-" + fromWidth + "s  %-9s  %s%n";
    out.printf(Locale.ROOT, row, "generated method", "derived from", "max error", "pass");
    out.println("-".repeat(width + fromWidth + 9 + 12));
    int failed = 0;
    for (GradientCheck.Outcome o : outcomes) {
      String error = Double.isNaN(o.error()) ? "-" : String.format(Locale.ROOT, "%.1e", o.error());
      out.printf(Locale.ROOT, row, o.label(), o.from(), error, o.passed() ? "yes" : "NO");
      if (o.problem() != null) {
        out.println("    " + o.problem());
      }
      if (!o.passed()) {
        failed++;
      }
    }
    out.println();
    out.printf(Locale.ROOT,
        "%d generated methods checked against central differences (tolerance %.0e): %s%n",
        outcomes.size(), GradientCheck.TOLERANCE,
        failed == 0 ? "all pass" : failed + " FAILED");
    out.flush();
    return failed == 0 ? 0 : 1;
  }
}
