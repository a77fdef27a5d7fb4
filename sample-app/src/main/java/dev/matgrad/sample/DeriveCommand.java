package dev.matgrad.sample;

import dev.matgrad.Derivation;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "derive",
    header = "Show matgrad's derivations of the seed notes' eight problems beside the notes'.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Prints, for each of the seed notes' eight problems, the function, the derivative matgrad"
          + " derived at compile time (read from the generated class) and the closed form from"
          + " the notes, and compares the two numerically at a random point."
    })
final class DeriveCommand implements Callable<Integer> {
  private static final String INDENT = "                ";

  @Spec CommandSpec spec;

  @Option(names = {"-p", "--problem"}, paramLabel = "N",
      description = "Only problem N (1 to 8).")
  Integer only;

  @Option(names = {"-s", "--seed"}, paramLabel = "N",
      description = "Seed of the random point (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Override
  public Integer call() {
    if (only != null && (only < 1 || only > SeedCatalog.PROBLEMS.size())) {
      throw Main.invalid(spec, "--problem must be between 1 and " + SeedCatalog.PROBLEMS.size()
          + ", but was " + only);
    }
    PrintWriter out = spec.commandLine().getOut();
    SeedCatalog.Point point = SeedCatalog.Point.random(seed);
    double worst = 0;
    for (SeedCatalog.Problem problem : SeedCatalog.PROBLEMS) {
      if (only != null && problem.number() != only) {
        continue;
      }
      out.printf(Locale.ROOT, "Problem %d. %s%n", problem.number(), problem.title());
      out.println("  function      " + problem.statement());
      out.println("  written as    SeedProblems." + problem.method() + " (@Differentiable)");
      Optional<Derivation> derivation =
          GeneratedMethods.derivation(SeedProblems.class, problem.method());
      List<String> lines = derivation.map(d -> List.of(d.notation()))
          .orElse(List.of("(this build's processor does not record derivations yet;"
              + " see SeedProblemsGradients' Javadoc)"));
      String label = "  matgrad       ";
      for (String line : lines) {
        out.println(label + line);
        label = INDENT;
      }
      out.println("  the notes     " + problem.closedForm());
      double difference = maxDifference(problem.generated().apply(point),
          problem.notes().apply(point));
      worst = Math.max(worst, difference);
      out.printf(Locale.ROOT, "  at a random point (d = %d, n = %d, m = %d): max |matgrad − notes| = %.1e%n",
          SeedCatalog.D, SeedCatalog.N, SeedCatalog.M, difference);
      out.println();
    }
    out.printf(Locale.ROOT, "largest difference between matgrad's derivatives and the notes' closed"
        + " forms: %.1e%n", worst);
    out.flush();
    return worst <= 1e-12 ? 0 : 1;
  }

  private static double maxDifference(double[] a, double[] b) {
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }
}
