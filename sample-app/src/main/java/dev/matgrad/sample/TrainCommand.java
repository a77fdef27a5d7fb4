package dev.matgrad.sample;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    header = "Train the digit classifier with matgrad's gradients (the default command).",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Trains a digit classifier on the optdigits training file by mini-batch gradient"
          + " descent, using only the gradient matgrad generated from its @Differentiable loss:"
          + " by default a small convolutional network (ConvNetwork: 3×3 filters, relu, 2×2 max"
          + " pooling, a relu hidden layer, softmax cross-entropy), with --model mlp the two-layer"
          + " network of the seed notes (DigitNetwork). Shows the loss and accuracy per epoch,"
          + " reports the accuracy on the test file (13 writers not in the training file) and"
          + " writes a plot and a report.",
      "",
      "The defaults were chosen by five-fold cross-validation on the training file"
          + " (--validate --folds 5); the test file was never used to choose them."
    })
final class TrainCommand implements Callable<Integer> {
  static final String PLOT_FILE = "training.png";
  static final String REPORT_FILE = "report.txt";
  /** --validate's stratified partition of the training file: its number of folds, its seed. */
  static final int FOLDS = 5;
  static final long FOLD_SEED = 20240601L;

  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "NAME",
      description = "The network: conv (3×3 convolutions, max pooling, a hidden layer) or mlp"
          + " (the two-layer network) (default: conv).")
  TrainingConfig.ModelKind model = TrainingConfig.DEFAULT_MODEL;

  @Option(names = {"-e", "--epochs"}, paramLabel = "N",
      description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
  int epochs = TrainingConfig.DEFAULT_EPOCHS;

  @Option(names = {"-b", "--batch-size"}, paramLabel = "N",
      description = "Images per gradient step (default: ${DEFAULT-VALUE}).")
  int batchSize = TrainingConfig.DEFAULT_BATCH_SIZE;

  @Option(names = {"-l", "--learning-rate"}, paramLabel = "RATE",
      description = "Step size at the start (default with adam: 0.01 for conv, 0.02 for mlp;"
          + " with momentum: 0.1).")
  Double learningRate;

  @Option(names = {"-H", "--hidden"}, paramLabel = "N",
      description = "Hidden units (default: ${DEFAULT-VALUE}).")
  int hidden = TrainingConfig.DEFAULT_HIDDEN;

  @Option(names = {"-s", "--seed"}, paramLabel = "N",
      description = "Seed of the initial weights, the batch order and the shifts; the same seed"
          + " gives the same run (default: ${DEFAULT-VALUE}).")
  long seed = TrainingConfig.DEFAULT_SEED;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR",
      description = "Folder for " + PLOT_FILE + " and " + REPORT_FILE
          + ", created if missing (default: ${DEFAULT-VALUE}).")
  Path output = Path.of("matgrad-output");

  @Option(names = "--filters", paramLabel = "N",
      description = "With --model conv: 3×3 filters (default: ${DEFAULT-VALUE}).")
  int filters = TrainingConfig.DEFAULT_FILTERS;

  @Option(names = "--activation", paramLabel = "NAME",
      description = "Hidden nonlinearity: relu, tanh or sigmoid (default: relu).")
  Activation activation = TrainingConfig.DEFAULT_ACTIVATION;

  @Option(names = "--optimizer", paramLabel = "NAME",
      description = "adam or momentum (default: adam).")
  Optimizer.Kind optimizer = TrainingConfig.DEFAULT_OPTIMIZER;

  @Option(names = "--schedule", paramLabel = "NAME",
      description = "Learning rate over the run: cosine (decays to 0) or constant"
          + " (default: cosine).")
  TrainingConfig.Schedule schedule = TrainingConfig.DEFAULT_SCHEDULE;

  @Option(names = "--weight-decay", paramLabel = "λ", defaultValue = "0",
      description = "L2 penalty on the weight matrices in the loss, λ(‖W1‖² + ‖W2‖²) for mlp,"
          + " λ(‖K‖² + ‖V1‖² + ‖V2‖²) for conv (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--shift", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "Move each training image by up to one pixel at random, anew every epoch"
          + " (default: off; it cost 0.8 points in validation).")
  boolean shift;

  @Option(names = "--ensemble", paramLabel = "N",
      description = "Train N networks from different seeds and average their class"
          + " probabilities (default: 3 for conv, 5 for mlp; 1 for a single network).")
  Integer ensemble;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads for the networks of an ensemble; results do not depend on it"
          + " (default: the number of cores, at most one per network).")
  Integer threads;

  @Option(names = "--validate",
      description = "Choose settings without the test file: hold out one fifth of each class of"
          + " the training file (fold 1 of 5), train on the rest and report the accuracy on the"
          + " held-out images. The test file is not read.")
  boolean validate;

  @Option(names = "--folds", paramLabel = "N",
      description = "With --validate: run folds 1 to N of the 5 and pool their scores"
          + " (5: five-fold cross-validation; default: ${DEFAULT-VALUE}).")
  int folds = 1;

  @Option(names = "--train-file", paramLabel = "CSV",
      description = "Training images (default: the bundled optdigits.tra.csv).")
  Path trainFile;

  @Option(names = "--test-file", paramLabel = "CSV",
      description = "Test images (default: the bundled optdigits.tes.csv).")
  Path testFile;

  @Override
  public Integer call() throws IOException {
    TrainingConfig config = config();
    PrintWriter out = spec.commandLine().getOut();

    Digits trainingFile = trainFile == null
        ? Digits.bundled(Digits.BUNDLED_TRAINING) : Digits.read(trainFile);
    Digits testSet = validate ? null
        : testFile == null ? Digits.bundled(Digits.BUNDLED_TEST) : Digits.read(testFile);
    createOutputFolder();
    out.println("matgrad sample: " + config.describe());

    String evaluationName = validate ? "validation" : "test";
    ProgressBar progress = new ProgressBar(out, evaluationName);
    Trainer trainer = new Trainer(config);
    Trainer.Result result;
    String trainingDescription;
    String evaluationDescription;
    if (validate) {
      List<Trainer.Result> runs = new ArrayList<>();
      int trained = 0;
      int validated = 0;
      for (int f = 0; f < folds; f++) {
        Digits[] split = trainingFile.fold(f, FOLDS, FOLD_SEED);
        out.printf(Locale.ROOT, "fold %d of %d: training on %d images of %s, validating on the"
                + " other %d%n", f + 1, FOLDS, split[0].size(), trainingFile.source(),
            split[1].size());
        out.flush();
        runs.add(trainer.train(split[0], split[1], progress::epochDone));
        trained += split[0].size();
        validated += split[1].size();
      }
      result = Trainer.Result.pool(runs);
      trainingDescription = String.format(Locale.ROOT, "%s without the validation fold%s (%s images)",
          trainingFile.source(), folds == 1 ? "" : " each time",
          folds == 1 ? Integer.toString(trained) : "about " + trained / folds);
      evaluationDescription = String.format(Locale.ROOT,
          "%s of the %d stratified folds of %s (%d images)",
          folds == 1 ? "the first" : folds == FOLDS ? "all" : "the first " + folds,
          FOLDS, trainingFile.source(), validated);
      if (folds > 1) {
        out.printf(Locale.ROOT, "pooled over %d folds:%n", folds);
      }
    } else {
      out.printf(Locale.ROOT, "training on %s (%d images), testing on %s (%d images)%n",
          trainingFile.source(), trainingFile.size(), testSet.source(), testSet.size());
      out.flush();
      result = trainer.train(trainingFile, testSet, progress::epochDone);
      trainingDescription = trainingFile.source() + " (" + trainingFile.size() + " images)";
      evaluationDescription = testSet.source() + " (" + testSet.size() + " images, writers not in"
          + " the training file)";
    }

    List<String> summary = TrainingReport.summary(result, evaluationName, config.threads(), !validate);
    for (String line : summary) {
      out.println(line);
    }
    Path plot = output.resolve(PLOT_FILE);
    Path report = output.resolve(REPORT_FILE);
    String title = String.format(Locale.ROOT, "matgrad sample: %s%s, %s accuracy %s",
        config.shortNetwork(),
        config.members() == 1 ? "" : " (ensemble of " + config.members() + ")",
        evaluationName, Format.percent(result.accuracy()));
    try {
      TrainingReport.write(report, config, trainingDescription, evaluationDescription,
          evaluationName, result, summary, plot.getFileName().toString());
    } catch (IOException e) {
      throw new IOException("cannot write " + report + ": " + FileProblems.reason(e, report), e);
    }
    try {
      TrainingPlot.write(plot, result.epochs(), evaluationName, title,
          validate ? Double.NaN : TrainingReport.KNN_BASELINE);
    } catch (RuntimeException | LinkageError | InternalError e) {
      // Headless Java without fonts (fontconfig) cannot draw text; the figures are in the report.
      out.println("wrote " + report);
      out.flush();
      spec.commandLine().getErr().println("error: could not draw " + plot + ": " + e);
      return 1;
    }
    out.println("wrote " + plot + " and " + report);
    return 0;
  }

  /**
   * Creates the output folder and proves it writable with a scratch file, so that a folder the
   * run could not write into stops it before training, with the operating system's reason.
   */
  private void createOutputFolder() throws IOException {
    if (Files.exists(output) && !Files.isDirectory(output)) {
      throw new IOException("the output folder " + output + " is a file");
    }
    try {
      Files.createDirectories(output);
    } catch (IOException e) {
      throw new IOException("cannot create the output folder " + output + ": "
          + FileProblems.reason(e, output), e);
    }
    try {
      Files.delete(Files.createTempFile(output, ".matgrad-", ".tmp"));
    } catch (IOException e) {
      throw new IOException("cannot write into the output folder " + output + ": "
          + FileProblems.reason(e, output), e);
    }
  }

  /** The options as a configuration, or a bad-usage error naming the option out of range. */
  TrainingConfig config() {
    requireAtLeast("--epochs", epochs, 1);
    requireAtLeast("--batch-size", batchSize, 1);
    requireAtLeast("--hidden", hidden, 1);
    requireAtLeast("--filters", filters, 1);
    int members = ensemble == null ? TrainingConfig.defaultMembers(model) : ensemble;
    requireAtLeast("--ensemble", members, 1);
    double rate = learningRate == null ? TrainingConfig.defaultRate(model, optimizer) : learningRate;
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw Main.invalid(spec, "--learning-rate must be a positive number, but was " + rate);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw Main.invalid(spec, "--weight-decay must be 0 or more, but was " + weightDecay);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int threadCount = threads == null ? Math.min(cores, members) : threads;
    requireAtLeast("--threads", threadCount, 1);
    threadCount = Math.min(threadCount, members);
    if (folds < 1 || folds > FOLDS) {
      throw Main.invalid(spec, "--folds must be between 1 and " + FOLDS + ", but was " + folds);
    }
    if (folds > 1 && !validate) {
      throw Main.invalid(spec, "--folds needs --validate: the test file is scored only once");
    }
    if (validate && testFile != null) {
      throw Main.invalid(spec, "--validate scores on part of the training file and never reads"
          + " the test file: drop --test-file");
    }
    return new TrainingConfig(epochs, batchSize, rate, hidden, seed, activation, optimizer,
        schedule, weightDecay, shift, members, threadCount, model, filters);
  }

  private void requireAtLeast(String option, long value, long min) {
    if (value < min) {
      throw Main.invalid(spec, option + " must be at least " + min + ", but was " + value);
    }
  }

  /** One line per epoch: a bar of the epochs done, the mean training loss and the accuracy. */
  static final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final String evaluationName;

    ProgressBar(PrintWriter out, String evaluationName) {
      this.out = out;
      this.evaluationName = evaluationName;
    }

    void epochDone(Trainer.Epoch epoch, int epochs) {
      int filled = (int) Math.round(WIDTH * epoch.epoch() / (double) epochs);
      String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
      int digits = Integer.toString(epochs).length();
      out.printf(Locale.ROOT, "epoch %" + digits + "d/%d [%s] loss %.4f  %s accuracy %s  (%s)%n",
          epoch.epoch(), epochs, bar, epoch.loss(), evaluationName,
          Format.percent(epoch.accuracy()), Format.seconds(epoch.trainingSeconds()));
      out.flush();
    }
  }
}
