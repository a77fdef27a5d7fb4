package dev.matgrad.sample;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Trains a two-layer network (the seed notes' Bᵀσ(Aᵀx) with biases and a softmax"
          + " cross-entropy head) on the optdigits training file by mini-batch gradient descent,"
          + " using only the gradient matgrad generated from DigitNetwork's @Differentiable"
          + " loss. Shows the loss and accuracy per epoch, reports the accuracy on the test file"
          + " (13 writers not in the training file) and writes a plot and a report.",
      "",
      "The defaults were chosen on a validation split of the training file (--validate);"
          + " the test file was never used to choose them."
    })
final class TrainCommand implements Callable<Integer> {
  static final String PLOT_FILE = "training.png";
  static final String REPORT_FILE = "report.txt";
  /** The share of each class held out by --validate, and the seed that fixes which images. */
  static final double VALIDATION_FRACTION = 0.2;
  static final long VALIDATION_SPLIT_SEED = 20240601L;

  @Spec CommandSpec spec;

  @Option(names = {"-e", "--epochs"}, paramLabel = "N",
      description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
  int epochs = TrainingConfig.DEFAULT_EPOCHS;

  @Option(names = {"-b", "--batch-size"}, paramLabel = "N",
      description = "Images per gradient step (default: ${DEFAULT-VALUE}).")
  int batchSize = TrainingConfig.DEFAULT_BATCH_SIZE;

  @Option(names = {"-l", "--learning-rate"}, paramLabel = "RATE",
      description = "Step size at the start (default: 0.002 with adam, 0.1 with momentum).")
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

  @Option(names = "--weight-decay", paramLabel = "λ",
      description = "L2 penalty λ(‖W1‖² + ‖W2‖²) in the loss (default: ${DEFAULT-VALUE}).")
  double weightDecay = TrainingConfig.DEFAULT_WEIGHT_DECAY;

  @Option(names = "--shift", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Move each training image by up to one pixel at random, anew every epoch"
          + " (default: on; --no-shift turns it off).")
  boolean shift;

  @Option(names = "--ensemble", paramLabel = "N",
      description = "Train N networks from different seeds and average their class"
          + " probabilities (default: ${DEFAULT-VALUE}).")
  int members = TrainingConfig.DEFAULT_MEMBERS;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads for the networks of an ensemble; results do not depend on it"
          + " (default: the number of cores, at most one per network).")
  Integer threads;

  @Option(names = "--validate",
      description = "Hold out 20 % of each class of the training file and report the accuracy"
          + " on it instead; the test file is not read. For choosing settings.")
  boolean validate;

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

    Digits training = trainFile == null ? Digits.bundled(Digits.BUNDLED_TRAINING) : Digits.read(trainFile);
    Digits evaluation;
    String evaluationName;
    if (validate) {
      Digits[] split = training.holdOut(VALIDATION_FRACTION, VALIDATION_SPLIT_SEED);
      training = split[0];
      evaluation = split[1];
      evaluationName = "validation";
    } else {
      evaluation = testFile == null ? Digits.bundled(Digits.BUNDLED_TEST) : Digits.read(testFile);
      evaluationName = "test";
    }
    Files.createDirectories(output);

    out.println("matgrad sample: " + config.describe());
    out.printf(Locale.ROOT, "training on %s (%d images), %s accuracy on %s (%d images)%n",
        training.source(), training.size(), evaluationName, evaluation.source(), evaluation.size());
    out.flush();

    ProgressBar progress = new ProgressBar(out, evaluationName);
    Trainer.Result result = new Trainer(config).train(training, evaluation, progress::epochDone);

    List<String> summary = TrainingReport.summary(result, evaluationName, config.threads(), !validate);
    for (String line : summary) {
      out.println(line);
    }
    Path plot = output.resolve(PLOT_FILE);
    Path report = output.resolve(REPORT_FILE);
    String title = String.format(Locale.ROOT, "matgrad sample: %s network 64-%d-10, %s %s accuracy %s",
        config.activation().label(), config.hidden(),
        config.members() == 1 ? "" : "ensemble of " + config.members() + ",",
        evaluationName, Format.percent(result.accuracy())).replace("  ", " ");
    TrainingReport.write(report, config, training, evaluation, evaluationName, result, summary,
        plot.getFileName().toString());
    TrainingPlot.write(plot, result.epochs(), evaluationName, title,
        validate ? Double.NaN : TrainingReport.KNN_BASELINE);
    out.println("wrote " + plot + " and " + report);
    return 0;
  }

  /** The options as a configuration, or a bad-usage error naming the option out of range. */
  TrainingConfig config() {
    requireAtLeast("--epochs", epochs, 1);
    requireAtLeast("--batch-size", batchSize, 1);
    requireAtLeast("--hidden", hidden, 1);
    requireAtLeast("--ensemble", members, 1);
    double rate = learningRate == null ? optimizer.defaultRate : learningRate;
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
    if (validate && testFile != null) {
      throw Main.invalid(spec, "--validate scores on part of the training file and never reads"
          + " the test file: drop --test-file");
    }
    return new TrainingConfig(epochs, batchSize, rate, hidden, seed, activation, optimizer,
        schedule, weightDecay, shift, members, threadCount);
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
