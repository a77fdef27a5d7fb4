package dev.matgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.sample.Activation;
import dev.matgrad.sample.Digits;
import dev.matgrad.sample.Optimizer;
import dev.matgrad.sample.Trainer;
import dev.matgrad.sample.TrainingConfig;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel trainer against the sample application's single-machine trainer: same data,
 * same settings, same initial weights; only the mini-batches differ (each partition draws its
 * own), so the accuracies agree within a tolerance rather than to the image.
 */
class SparkTrainingAccuracyTest {
  /** Batch 128: a quarter of the Spark jobs of batch 32, which Spark's per-step cost dominates. */
  static final TrainingConfig CONFIG = new TrainingConfig(
      30, 128, 0.02, 128, 1, Activation.RELU,
      Optimizer.Kind.ADAM, TrainingConfig.Schedule.COSINE, 0, false, 1, 1);
  static final int PARTITIONS = 2;
  /** One point: 18 of the 1,797 test images, about twice the spread over seeds of either trainer. */
  static final double TOLERANCE = 0.01;

  @Test
  void reachesTheSingleMachineAccuracyOnOneAndOnTwoExecutorThreads() {
    Digits training = Digits.bundled(Digits.BUNDLED_TRAINING);
    Digits test = Digits.bundled(Digits.BUNDLED_TEST);

    Trainer.Result single = new Trainer(CONFIG).train(training, test, null);
    System.out.printf(Locale.ROOT, "single machine: test accuracy %.2f %%, training %.1f s%n",
        100 * single.accuracy(), single.trainingSeconds());

    Run oneThread = runOnSpark(1, training, test);
    Run twoThreads = runOnSpark(2, training, test);

    for (Run run : new Run[] {oneThread, twoThreads}) {
      assertTrue(Math.abs(run.accuracy - single.accuracy()) <= TOLERANCE, String.format(
          Locale.ROOT, "Spark on %d thread(s): %.2f %%, single machine %.2f %%", run.threads,
          100 * run.accuracy, 100 * single.accuracy()));
    }
    // Two partitions, summed in either order, give the same bits: the thread count changes
    // nothing but the time.
    for (int a = 0; a < 4; a++) {
      assertArrayEquals(oneThread.result.parameters()[a], twoThreads.result.parameters()[a]);
    }
  }

  record Run(int threads, double accuracy, DataParallelTrainer.Result result) {}

  private static Run runOnSpark(int threads, Digits training, Digits test) {
    try (JavaSparkContext spark = LocalSpark.start(threads)) {
      DataParallelTrainer.Result result = new DataParallelTrainer(CONFIG)
          .train(DigitBlock.parallelize(spark, training, PARTITIONS));
      double accuracy = DataParallelTrainer.accuracy(DataParallelTrainer.confusion(
          DigitBlock.parallelize(spark, test, PARTITIONS), result.parameters()));
      System.out.printf(Locale.ROOT, "Spark local[%d], %d partitions: test accuracy %.2f %%,"
              + " training %.1f s (%d steps, %.1f ms a step)%n", threads, PARTITIONS,
          100 * accuracy, result.trainingSeconds(), result.steps(),
          1000 * result.trainingSeconds() / result.steps());
      return new Run(threads, accuracy, result);
    }
  }
}
