package dev.matgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.matgrad.sample.TrainingConfig;
import org.junit.jupiter.api.Test;

/** The command line of the spark-submit entry point. */
class SparkDigitTrainingOptionsTest {
  @Test
  void withoutOptionsItTrainsTheSampleApplicationsDefaultNetworkOnTheBundledFiles() {
    SparkDigitTraining.Options options = SparkDigitTraining.Options.parse(new String[0]);
    assertNull(options.train());
    assertNull(options.partitions());
    TrainingConfig config = options.config();
    assertEquals(TrainingConfig.DEFAULT_EPOCHS, config.epochs());
    assertEquals(TrainingConfig.DEFAULT_BATCH_SIZE, config.batchSize());
    assertEquals(TrainingConfig.DEFAULT_HIDDEN, config.hidden());
    assertEquals(TrainingConfig.DEFAULT_OPTIMIZER.defaultRate, config.learningRate());
    assertEquals(1, config.members());
  }

  @Test
  void readsEveryOption() {
    SparkDigitTraining.Options options = SparkDigitTraining.Options.parse(new String[] {
      "--train", "hdfs:///data/tra.csv", "--test", "s3a://bucket/tes.csv", "--partitions", "8",
      "--epochs", "3", "--batch-size", "256", "--learning-rate", "0.01", "--hidden", "64",
      "--seed", "9"
    });
    assertEquals("hdfs:///data/tra.csv", options.train());
    assertEquals("s3a://bucket/tes.csv", options.test());
    assertEquals(8, options.partitions());
    TrainingConfig config = options.config();
    assertEquals(3, config.epochs());
    assertEquals(256, config.batchSize());
    assertEquals(0.01, config.learningRate());
    assertEquals(64, config.hidden());
    assertEquals(9, config.seed());
  }

  @Test
  void badUsageSaysWhatIsWrong() {
    assertEquals("--epochs must be at least 1, but was 0", error("--epochs", "0"));
    assertEquals("--batch-size expects a number, but was \"many\"", error("--batch-size", "many"));
    assertEquals("--learning-rate must be a positive number, but was -0.1",
        error("--learning-rate", "-0.1"));
    assertEquals("--train and --test go together (without both, the bundled files are used)",
        error("--train", "tra.csv"));
    assertEquals("--seed needs a value; usage: spark-submit --master URL"
        + " matgrad-spark-example.jar [--train CSV] [--test CSV] [--partitions N] [--epochs N]"
        + " [--batch-size N] [--learning-rate RATE] [--hidden N] [--seed N]", error("--seed"));
    assertEquals("unknown option --ensemble; usage: spark-submit --master URL"
        + " matgrad-spark-example.jar [--train CSV] [--test CSV] [--partitions N] [--epochs N]"
        + " [--batch-size N] [--learning-rate RATE] [--hidden N] [--seed N]",
        error("--ensemble", "5"));
  }

  private static String error(String... args) {
    return assertThrows(IllegalArgumentException.class,
        () -> SparkDigitTraining.Options.parse(args)).getMessage();
  }
}
