package dev.matgrad.spark;

import dev.matgrad.sample.Digits;
import dev.matgrad.sample.TrainingConfig;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The {@code spark-submit} entry point: trains the digit network data-parallel on the cluster the
 * master URL names and prints the loss per epoch and the test accuracy.
 *
 * <pre>
 * spark-submit --master URL matgrad-spark-example.jar \
 *     [--train CSV] [--test CSV] [--partitions N] [--epochs N] [--batch-size N]
 *     [--learning-rate RATE] [--hidden N] [--seed N]
 * </pre>
 *
 * CSV is any path Spark reads ({@code hdfs://…}, {@code s3a://…}, a local file); without
 * {@code --train} and {@code --test} the optdigits files bundled with the sample application are
 * used.
 */
public final class SparkDigitTraining {
  private static final String USAGE = "usage: spark-submit --master URL matgrad-spark-example.jar"
      + " [--train CSV] [--test CSV] [--partitions N] [--epochs N] [--batch-size N]"
      + " [--learning-rate RATE] [--hidden N] [--seed N]";

  private SparkDigitTraining() {}

  /** The command line's settings; the defaults are the sample application's. */
  record Options(String train, String test, Integer partitions, TrainingConfig config) {
    static Options parse(String[] args) {
      String train = null;
      String test = null;
      Integer partitions = null;
      int epochs = TrainingConfig.DEFAULT_EPOCHS;
      int batchSize = TrainingConfig.DEFAULT_BATCH_SIZE;
      double rate = TrainingConfig.DEFAULT_OPTIMIZER.defaultRate;
      int hidden = TrainingConfig.DEFAULT_HIDDEN;
      long seed = TrainingConfig.DEFAULT_SEED;
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (i + 1 == args.length) {
          throw new IllegalArgumentException(option + " needs a value; " + USAGE);
        }
        String value = args[++i];
        switch (option) {
          case "--train" -> train = value;
          case "--test" -> test = value;
          case "--partitions" -> partitions = atLeastOne(option, value);
          case "--epochs" -> epochs = atLeastOne(option, value);
          case "--batch-size" -> batchSize = atLeastOne(option, value);
          case "--hidden" -> hidden = atLeastOne(option, value);
          case "--learning-rate" -> rate = positive(option, value);
          case "--seed" -> seed = number(option, value, Long::parseLong);
          default -> throw new IllegalArgumentException("unknown option " + option + "; " + USAGE);
        }
      }
      if ((train == null) != (test == null)) {
        throw new IllegalArgumentException("--train and --test go together (without both, the"
            + " bundled files are used)");
      }
      TrainingConfig config = new TrainingConfig(epochs, batchSize, rate, hidden, seed,
          TrainingConfig.DEFAULT_ACTIVATION, TrainingConfig.DEFAULT_OPTIMIZER,
          TrainingConfig.DEFAULT_SCHEDULE, 0, false, 1, 1);
      return new Options(train, test, partitions, config);
    }

    private static int atLeastOne(String option, String value) {
      int n = number(option, value, Integer::parseInt);
      if (n < 1) {
        throw new IllegalArgumentException(option + " must be at least 1, but was " + n);
      }
      return n;
    }

    private static double positive(String option, String value) {
      double x = number(option, value, Double::parseDouble);
      if (!(x > 0) || Double.isInfinite(x)) {
        throw new IllegalArgumentException(option + " must be a positive number, but was " + x);
      }
      return x;
    }

    private static <T> T number(String option, String value,
        java.util.function.Function<String, T> parser) {
      try {
        return parser.apply(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " expects a number, but was \"" + value + "\"");
      }
    }
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    SparkConf conf = new SparkConf().setAppName("matgrad digits, data-parallel");
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      run(spark, options, System.out);
    }
  }

  /** Loads the data, trains, scores the test file and prints the figures to {@code out}. */
  static void run(JavaSparkContext spark, Options options, PrintStream out) {
    int partitions = options.partitions() != null
        ? options.partitions() : spark.defaultParallelism();
    JavaRDD<DigitBlock> training;
    JavaRDD<DigitBlock> test;
    if (options.train() == null) {
      training = DigitBlock.parallelize(spark, Digits.bundled(Digits.BUNDLED_TRAINING), partitions);
      test = DigitBlock.parallelize(spark, Digits.bundled(Digits.BUNDLED_TEST), partitions);
    } else {
      training = DigitBlock.load(spark, options.train(), partitions);
      test = DigitBlock.load(spark, options.test(), partitions);
    }
    TrainingConfig config = options.config();
    out.println("matgrad on Spark (" + spark.master() + ", " + partitions + " partitions): "
        + config.describe());
    DataParallelTrainer.Result result = new DataParallelTrainer(config).train(training,
        epoch -> out.printf(Locale.ROOT, "epoch %d/%d: loss %.4f (%.1f s)%n", epoch.epoch(),
            config.epochs(), epoch.loss(), epoch.seconds()));
    int[][] confusion = DataParallelTrainer.confusion(test, result.parameters());
    int total = 0;
    for (int[] row : confusion) {
      for (int count : row) {
        total += count;
      }
    }
    out.printf(Locale.ROOT, "test accuracy: %.2f %% (%d images)%n",
        100 * DataParallelTrainer.accuracy(confusion), total);
    out.printf(Locale.ROOT, "training time: %.1f s, %d steps%n", result.trainingSeconds(),
        result.steps());
  }
}
