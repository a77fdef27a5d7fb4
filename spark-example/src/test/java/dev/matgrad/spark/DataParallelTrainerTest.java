package dev.matgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import dev.matgrad.sample.Activation;
import dev.matgrad.sample.DigitNetwork;
import dev.matgrad.sample.DigitNetworkGradients;
import dev.matgrad.sample.Digits;
import dev.matgrad.sample.Network;
import dev.matgrad.sample.Optimizer;
import dev.matgrad.sample.TrainingConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of the data-parallel trainer, on Spark with two executor threads. */
class DataParallelTrainerTest {
  private static JavaSparkContext spark;
  private static Digits training;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start(2);
    training = Digits.bundled(Digits.BUNDLED_TRAINING);
  }

  @AfterAll
  static void stopSpark() {
    spark.close();
  }

  @Nested
  class Gradients {
    @Test
    void aStepsSummedGradientIsTheGradientOfTheMeanLossOverAllThePartitionsBatches() {
      // Three partitions of very unequal size (shares of the step: 3, 33 and 90 images), weight
      // decay on: the weighting by batch size must give the mean over all the images and the
      // decay term once, not once per partition.
      JavaRDD<DigitBlock> data = spark.parallelize(List.of(DigitBlock.of(training, 0, 100),
          DigitBlock.of(training, 100, 1100), DigitBlock.of(training, 1100, 3823)), 3);
      double[][] params = new Network(Activation.RELU, 16, new Random(7)).arrays();
      BatchPlan plan = new BatchPlan(5, 30);
      double decay = 1e-3;
      GradientSum sum = DataParallelTrainer.stepGradient(spark, data, params, plan, 2, 11, decay);

      List<DigitBlock> blocks = data.collect();
      List<double[]> images = new ArrayList<>();
      List<Integer> labels = new ArrayList<>();
      for (int p = 0; p < blocks.size(); p++) {
        DigitBlock block = blocks.get(p);
        for (int row : plan.rows(p, block.size(), 2, 11)) {
          double[] column = new double[Digits.PIXELS];
          block.copyImageToColumn(row, column, 0, 1);
          images.add(column);
          labels.add(block.label(row));
        }
      }
      int n = images.size();
      double[] x = new double[Digits.PIXELS * n];
      double[] y = new double[Digits.CLASSES * n];
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < Digits.PIXELS; p++) {
          x[p * n + j] = images.get(j)[p];
        }
        y[labels.get(j) * n + j] = 1;
      }
      double[][] expected = {
        new double[params[0].length], new double[16], new double[params[2].length], new double[10]
      };
      double expectedLoss = DigitNetworkGradients.reluLossGrad(
          new Matrix(Digits.PIXELS, 16, params[0]), params[1], new Matrix(16, 10, params[2]),
          params[3], new Matrix(Digits.PIXELS, n, x), new Matrix(Digits.CLASSES, n, y), decay,
          expected[0], expected[1], expected[2], expected[3], new Workspace());

      assertEquals(n, sum.count());
      assertEquals(expectedLoss, sum.lossSum() / sum.count(), 1e-12 * Math.abs(expectedLoss));
      double[][] actual = {
        new double[params[0].length], new double[16], new double[params[2].length], new double[10]
      };
      sum.meanGradientInto(actual);
      for (int a = 0; a < 4; a++) {
        double scale = 0;
        for (double g : expected[a]) {
          scale = Math.max(scale, Math.abs(g));
        }
        // Only the order of the additions differs.
        assertArrayEquals(expected[a], actual[a], 1e-12 * scale, "parameter " + a);
      }
    }

    @Test
    void partitionsWithoutImagesContributeNothing() {
      JavaRDD<DigitBlock> data = DigitBlock.parallelize(spark,
          training.subset(new int[] {0, 1, 2}, "three images"), 5);
      double[][] params = new Network(Activation.RELU, 8, new Random(1)).arrays();
      GradientSum sum = DataParallelTrainer.stepGradient(spark, data, params,
          new BatchPlan(1, 1), 0, 0, 0);
      assertEquals(3, sum.count());
    }
  }

  @Nested
  class Evaluation {
    @Test
    void countsThePredictionsOfTheModelsForwardPass() {
      double[][] params = new Network(Activation.RELU, 32, new Random(3)).arrays();
      int[][] onSpark = DataParallelTrainer.confusion(
          DigitBlock.parallelize(spark, training, 4), params);

      int n = training.size();
      double[] x = new double[Digits.PIXELS * n];
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < Digits.PIXELS; p++) {
          x[p * n + j] = training.image(j)[p];
        }
      }
      double[] logits = DigitNetwork.reluLogits(new Matrix(Digits.PIXELS, 32, params[0]),
          params[1], new Matrix(32, 10, params[2]), params[3], new Matrix(Digits.PIXELS, n, x))
          .data();
      int[][] expected = new int[10][10];
      for (int j = 0; j < n; j++) {
        int best = 0;
        for (int c = 1; c < 10; c++) {
          if (logits[c * n + j] > logits[best * n + j]) {
            best = c;
          }
        }
        expected[training.label(j)][best]++;
      }
      assertArrayEquals(expected, onSpark);
    }

    @Test
    void parametersOfTheWrongShapeAreRefusedBeforeAnyJobRuns() {
      double[][] params = new Network(Activation.RELU, 16, new Random(3)).arrays();
      params[2] = new double[15 * 10];
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DataParallelTrainer.confusion(DigitBlock.parallelize(spark, training, 2), params));
      assertEquals("W2 has 150 entries, but with 16 hidden units (the length of b1) it must be"
          + " 16×10 (160 entries)", e.getMessage());
    }
  }

  @Nested
  class Loading {
    @TempDir Path folder;

    @Test
    void readsACsvFileIntoOneBlockPerPartitionEvenWhenSomeAreEmpty() throws IOException {
      Random random = new Random(4);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        StringBuilder line = new StringBuilder();
        for (int p = 0; p < Digits.PIXELS; p++) {
          line.append(random.nextInt(17)).append(',');
        }
        lines.add(line.append(i % 10).toString());
      }
      Path file = folder.resolve("digits.csv");
      Files.write(file, lines, StandardCharsets.UTF_8);
      Digits expected = Digits.read(file);

      for (int partitions : new int[] {1, 3, 40}) {
        JavaRDD<DigitBlock> data = DigitBlock.load(spark, file.toString(), partitions);
        List<DigitBlock> blocks = data.collect();
        assertEquals(data.getNumPartitions(), blocks.size());
        int i = 0;
        for (DigitBlock block : blocks) {
          for (int r = 0; r < block.size(); r++, i++) {
            double[] image = new double[Digits.PIXELS];
            block.copyImageToColumn(r, image, 0, 1);
            assertArrayEquals(expected.image(i), image);
            assertEquals(expected.label(i), block.label(r));
          }
        }
        assertEquals(25, i, partitions + " partitions");
      }
    }

    @Test
    void aBadLineFailsTheJobWithTheFileAndTheLine() throws IOException {
      Path file = folder.resolve("bad.csv");
      String good = "0,".repeat(Digits.PIXELS) + "3";
      Files.write(file, List.of(good, good, "1,2,3"), StandardCharsets.UTF_8);
      SparkException e = assertThrows(SparkException.class,
          () -> DigitBlock.load(spark, file.toString(), 1).collect());
      assertTrue(e.getMessage().contains(file + " (partition 0), line 3: expected 65"
          + " comma-separated integers (64 pixels, then the class), found 3 fields"),
          e.getMessage());
    }
  }

  @Nested
  class SubmittedRun {
    @TempDir Path folder;

    @Test
    void trainsOnCsvFilesAndPrintsTheLossPerEpochAndTheTestAccuracy() throws IOException {
      Path train = write(training, 0, 600, folder.resolve("train.csv"));
      Path test = write(training, 3000, 3300, folder.resolve("test.csv"));
      SparkDigitTraining.Options options = SparkDigitTraining.Options.parse(new String[] {
        "--train", train.toString(), "--test", test.toString(), "--partitions", "3",
        "--epochs", "3", "--batch-size", "64", "--hidden", "32"
      });
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      SparkDigitTraining.run(spark, options, new PrintStream(bytes, true, StandardCharsets.UTF_8));

      String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
      assertEquals(6, lines.length, String.join("\n", lines));
      assertTrue(lines[0].startsWith("matgrad on Spark (local[2], 3 partitions): relu network"
          + " 64-32-10, adam (learning rate 0.02, cosine schedule), batch 64, 3 epochs"), lines[0]);
      double[] losses = new double[3];
      for (int e = 0; e < 3; e++) {
        Matcher m = Pattern.compile("epoch " + (e + 1) + "/3: loss (\\d+\\.\\d+) \\(.* s\\)")
            .matcher(lines[1 + e]);
        assertTrue(m.matches(), lines[1 + e]);
        losses[e] = Double.parseDouble(m.group(1));
      }
      assertTrue(losses[2] < losses[1] && losses[1] < losses[0], Arrays.toString(losses));
      Matcher accuracy = Pattern.compile("test accuracy: (\\d+\\.\\d+) % \\(300 images\\)")
          .matcher(lines[4]);
      assertTrue(accuracy.matches(), lines[4]);
      // 600 images, 30 steps: far from the full run, far above the 10 % of guessing.
      assertTrue(Double.parseDouble(accuracy.group(1)) > 80, lines[4]);
      assertTrue(lines[5].matches("training time: .* s, 30 steps"), lines[5]);
    }

    /** Images from .. to) of {@code digits} as an optdigits CSV file (pixel counts 0..16). */
    private Path write(Digits digits, int from, int to, Path file) throws IOException {
      List<String> lines = new ArrayList<>();
      for (int i = from; i < to; i++) {
        StringBuilder line = new StringBuilder();
        for (double pixel : digits.image(i)) {
          line.append(Math.round(pixel * Digits.MAX_PIXEL)).append(',');
        }
        lines.add(line.append(digits.label(i)).toString());
      }
      return Files.write(file, lines, StandardCharsets.UTF_8);
    }
  }

  @Nested
  class Configuration {
    @Test
    void settingsTheSparkTrainerDoesNotHaveAreRefused() {
      assertEquals("the Spark trainer trains the relu network, but the configuration asks for"
          + " tanh", refusal(Activation.TANH, 1, false));
      assertEquals("the Spark trainer trains one network, but the configuration asks for an"
          + " ensemble of 5", refusal(Activation.RELU, 5, false));
      assertEquals("the Spark trainer does not shift images",
          refusal(Activation.RELU, 1, true));
    }

    private String refusal(Activation activation, int members, boolean shift) {
      TrainingConfig config = new TrainingConfig(1, 32, 0.02, 8, 1, activation,
          Optimizer.Kind.ADAM, TrainingConfig.Schedule.COSINE, 0, shift, members, 1);
      return assertThrows(IllegalArgumentException.class, () -> new DataParallelTrainer(config))
          .getMessage();
    }
  }
}
