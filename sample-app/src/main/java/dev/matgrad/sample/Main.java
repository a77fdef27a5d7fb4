package dev.matgrad.sample;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The command line: {@code train} (the default), {@code derive} and {@code check}. */
@Command(
    name = "java -jar matgrad-sample-app.jar",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "The matgrad sample application: a digit classifier trained with gradients that matgrad"
          + " generated at compile time, the seed notes' problems as matgrad derives them, and a"
          + " gradient check of every generated method.",
      "",
      "With no command it runs 'train' with its defaults; train's options may also be given"
          + " without the word 'train'."
    },
    subcommands = {TrainCommand.class, DeriveCommand.class, CheckCommand.class,
        CommandLine.HelpCommand.class},
    footer = {
      "",
      "Exit status: 0 success, 1 failure (unreadable data, a failed check), 2 bad usage.",
      "Data: optdigits, E. Alpaydin and C. Kaynak, UCI Machine Learning Repository, CC BY 4.0."
    })
public final class Main implements Callable<Integer> {
  private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

  @Spec CommandSpec spec;

  private Main() {}

  @Override
  public Integer call() throws Exception {
    CommandLine train = spec.commandLine().getSubcommands().get("train");
    return train.execute();
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new PrintStream(System.out, true, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new PrintStream(System.err, true, StandardCharsets.UTF_8), true);
    int status = run(args, out, err);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /** Runs the command line and returns the exit status (the tests call this). */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    System.setProperty("java.awt.headless", "true");
    CommandLine cli = commandLine(out, err);
    return cli.execute(routeToTrain(args));
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // Named on the command line, in errors too, as the help names them: in lower case.
    cli.registerConverter(Activation.class, lowerCase(Activation.class));
    cli.registerConverter(Optimizer.Kind.class, lowerCase(Optimizer.Kind.class));
    cli.registerConverter(TrainingConfig.Schedule.class, lowerCase(TrainingConfig.Schedule.class));
    cli.registerConverter(TrainingConfig.ModelKind.class, lowerCase(TrainingConfig.ModelKind.class));
    cli.setParameterExceptionHandler(Main::badUsage);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof Digits.DataException || e instanceof java.io.IOException) {
        commandLine.getErr().println("error: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cli;
  }

  /** Reads an enum option's value by its lower-case name, in any case. */
  static <E extends Enum<E>> CommandLine.ITypeConverter<E> lowerCase(Class<E> type) {
    return value -> {
      List<String> names = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        String name = constant.name().toLowerCase(Locale.ROOT);
        if (name.equalsIgnoreCase(value)) {
          return constant;
        }
        names.add(name);
      }
      throw new CommandLine.TypeConversionException("expected one of " + String.join(", ", names)
          + ", but was '" + value + "'");
    };
  }

  /** Options before any command belong to train, the default command. */
  static String[] routeToTrain(String[] args) {
    if (args.length == 0 || !args[0].startsWith("-") || TOP_LEVEL_OPTIONS.contains(args[0])) {
      return args;
    }
    List<String> routed = new ArrayList<>();
    routed.add("train");
    routed.addAll(Arrays.asList(args));
    return routed.toArray(new String[0]);
  }

  /** A short message and where to look, rather than the whole usage text. */
  private static int badUsage(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println("error: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    String name = cli.getCommandSpec().qualifiedName();
    err.println("Run '" + name + " --help' for the options.");
    return cli.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Throws the bad-usage error for an option whose value is out of range. */
  static ParameterException invalid(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"matgrad sample application " + (version == null ? "(development build)" : version)};
    }
  }
}
