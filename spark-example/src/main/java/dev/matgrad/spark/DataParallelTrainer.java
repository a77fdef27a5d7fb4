package dev.matgrad.spark;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import dev.matgrad.sample.Activation;
import dev.matgrad.sample.DigitNetwork;
import dev.matgrad.sample.DigitNetworkGradients;
import dev.matgrad.sample.Digits;
import dev.matgrad.sample.Network;
import dev.matgrad.sample.Optimizer;
import dev.matgrad.sample.Trainer;
import dev.matgrad.sample.TrainingConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous data-parallel training of the sample application's relu network on Spark. Each
 * step broadcasts the weights; every partition's task computes its share of the mini-batch's
 * loss gradient with the generated {@code DigitNetworkGradients.reluLossGrad} (with a workspace
 * of its own) in {@code mapPartitionsWithIndex}; {@code treeAggregate} sums the shares; the
 * driver divides by the batch size and applies the sample application's optimizer and learning
 * rate schedule. The summed gradient is the gradient of the mean loss over the union of the
 * partitions' batches, the same quantity a single machine computes for that batch.
 */
public final class DataParallelTrainer {
  /** One epoch: the mean training loss over its steps' batches, and its wall-clock time. */
  public record Epoch(int epoch, double loss, double seconds) {}

  /** A finished run: the weights (W1, b1, W2, b2, flat and row-major) and the figures. */
  public record Result(double[][] parameters, List<Epoch> epochs, long steps,
      double trainingSeconds) {}

  private static final String[] PARAMETER_NAMES = {"W1", "b1", "W2", "b2"};

  private final TrainingConfig config;

  /**
   * The sample application's settings; the global mini-batch is {@code batchSize} images summed
   * over the partitions. Spark replaces the ensemble's threads, so one network, relu (the
   * gradient the tasks call), and no shifted images.
   */
  public DataParallelTrainer(TrainingConfig config) {
    if (config.activation() != Activation.RELU) {
      throw new IllegalArgumentException("the Spark trainer trains the relu network, but the"
          + " configuration asks for " + config.activation().label());
    }
    if (config.members() != 1) {
      throw new IllegalArgumentException("the Spark trainer trains one network, but the"
          + " configuration asks for an ensemble of " + config.members());
    }
    if (config.shift()) {
      throw new IllegalArgumentException("the Spark trainer does not shift images");
    }
    if (config.epochs() < 1 || config.batchSize() < 1) {
      throw new IllegalArgumentException("epochs and batch size must be at least 1, but were "
          + config.epochs() + " and " + config.batchSize());
    }
    this.config = config;
  }

  public Result train(JavaRDD<DigitBlock> data) {
    return train(data, epoch -> {});
  }

  /** Trains on {@code data} (one block per partition); {@code listener} sees every epoch. */
  public Result train(JavaRDD<DigitBlock> data, Consumer<Epoch> listener) {
    JavaSparkContext spark = JavaSparkContext.fromSparkContext(data.context());
    // Every step reads every partition: keep the parsed blocks in the executors' memory.
    boolean cachedHere = data.getStorageLevel().equals(StorageLevel.NONE());
    if (cachedHere) {
      data.persist(StorageLevel.MEMORY_ONLY());
    }
    try {
      long images = data.mapPartitions(blocks -> List.of((long) DigitBlock.concat(blocks).size())
          .iterator()).reduce(Long::sum);
      if (images == 0) {
        throw new IllegalArgumentException("no training images");
      }
      int stepsPerEpoch = (int) ((images + config.batchSize() - 1) / config.batchSize());
      BatchPlan plan = new BatchPlan(config.seed(), stepsPerEpoch);
      long totalSteps = (long) stepsPerEpoch * config.epochs();

      // The same initial weights as the single-machine trainer's network for this seed.
      Network network = new Network(Activation.RELU, config.hidden(),
          new Random(Trainer.memberSeed(config.seed(), 0)));
      double[][] params = network.arrays();
      double[][] grads = zerosLike(params);
      Optimizer optimizer = config.optimizer().create(params);

      List<Epoch> epochs = new ArrayList<>();
      long step = 0;
      double trainingSeconds = 0;
      for (int epoch = 0; epoch < config.epochs(); epoch++) {
        long start = System.nanoTime();
        double lossSum = 0;
        for (int s = 0; s < stepsPerEpoch; s++) {
          GradientSum sum = stepGradient(spark, data, params, plan, epoch, s, config.weightDecay());
          // A step no partition has images for (more partitions than images per step) is skipped.
          if (sum.count() > 0) {
            sum.meanGradientInto(grads);
            double rate = config.learningRate() * config.schedule().factor(step, totalSteps);
            optimizer.step(params, grads, rate);
            lossSum += sum.lossSum();
          }
          step++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        trainingSeconds += seconds;
        Epoch done = new Epoch(epoch + 1, lossSum / images, seconds);
        epochs.add(done);
        listener.accept(done);
      }
      return new Result(params, List.copyOf(epochs), step, trainingSeconds);
    } finally {
      if (cachedHere) {
        data.unpersist(false);
      }
    }
  }

  /**
   * Σ over the partitions of their batch of (epoch, step) at weights {@code params}: one Spark
   * job, the weights broadcast to it and released after.
   */
  static GradientSum stepGradient(JavaSparkContext spark, JavaRDD<DigitBlock> data,
      double[][] params, BatchPlan plan, int epoch, int step, double decay) {
    // A copy: the driver updates params in place while the broadcast value must stay fixed.
    Broadcast<double[][]> weights = spark.broadcast(deepCopy(params));
    try {
      return data.mapPartitionsWithIndex(
              (partition, blocks) -> {
                DigitBlock block = DigitBlock.concat(blocks);
                int[] rows = plan.rows(partition, block.size(), epoch, step);
                return List.of(batchGradient(weights.value(), block, rows, decay, new Workspace()))
                    .iterator();
              },
              true)
          .treeAggregate(GradientSum.empty(), GradientSum::add, GradientSum::add);
    } finally {
      weights.destroy();
    }
  }

  /** The generated gradient over images {@code rows} of {@code block}, as a sum. */
  static GradientSum batchGradient(double[][] params, DigitBlock block, int[] rows, double decay,
      Workspace workspace) {
    int size = rows.length;
    if (size == 0) {
      return GradientSum.empty();
    }
    int hidden = params[1].length;
    double[] x = new double[Digits.PIXELS * size];
    double[] y = new double[Digits.CLASSES * size];
    for (int j = 0; j < size; j++) {
      block.copyImageToColumn(rows[j], x, j, size);
      y[block.label(rows[j]) * size + j] = 1.0;
    }
    double[][] grads = zerosLike(params);
    double loss = DigitNetworkGradients.reluLossGrad(
        new Matrix(Digits.PIXELS, hidden, params[0]), params[1],
        new Matrix(hidden, Digits.CLASSES, params[2]), params[3],
        new Matrix(Digits.PIXELS, size, x), new Matrix(Digits.CLASSES, size, y), decay,
        grads[0], grads[1], grads[2], grads[3], workspace);
    return GradientSum.ofBatch(loss, grads, size);
  }

  /**
   * confusion[actual][predicted] of the network {@code parameters} (W1, b1, W2, b2 as the trainer
   * returns them) over every image of {@code data}, counted in the partitions' tasks.
   */
  public static int[][] confusion(JavaRDD<DigitBlock> data, double[][] parameters) {
    checkParameters(parameters);
    JavaSparkContext spark = JavaSparkContext.fromSparkContext(data.context());
    Broadcast<double[][]> weights = spark.broadcast(deepCopy(parameters));
    try {
      // singletonList: List.of would spread the int[][] as varargs.
      return data.mapPartitions(blocks -> Collections.singletonList(confusion(weights.value(),
              DigitBlock.concat(blocks))).iterator())
          .treeAggregate(new int[Digits.CLASSES][Digits.CLASSES], DataParallelTrainer::addInto,
              DataParallelTrainer::addInto);
    } finally {
      weights.destroy();
    }
  }

  /** The fraction of right answers in a confusion matrix. */
  public static double accuracy(int[][] confusion) {
    return Trainer.accuracy(confusion);
  }

  /** Predictions of one block, by the model's own forward pass, a chunk of columns at a time. */
  private static int[][] confusion(double[][] params, DigitBlock block) {
    int hidden = params[1].length;
    Matrix w1 = new Matrix(Digits.PIXELS, hidden, params[0]);
    Matrix w2 = new Matrix(hidden, Digits.CLASSES, params[2]);
    int[][] confusion = new int[Digits.CLASSES][Digits.CLASSES];
    int chunk = 1024;
    for (int from = 0; from < block.size(); from += chunk) {
      int size = Math.min(chunk, block.size() - from);
      double[] x = new double[Digits.PIXELS * size];
      for (int j = 0; j < size; j++) {
        block.copyImageToColumn(from + j, x, j, size);
      }
      double[] logits = DigitNetwork.reluLogits(w1, params[1], w2, params[3],
          new Matrix(Digits.PIXELS, size, x)).data();
      for (int j = 0; j < size; j++) {
        int best = 0;
        for (int c = 1; c < Digits.CLASSES; c++) {
          if (logits[c * size + j] > logits[best * size + j]) {
            best = c;
          }
        }
        confusion[block.label(from + j)][best]++;
      }
    }
    return confusion;
  }

  private static int[][] addInto(int[][] into, int[][] from) {
    for (int a = 0; a < into.length; a++) {
      for (int p = 0; p < into[a].length; p++) {
        into[a][p] += from[a][p];
      }
    }
    return into;
  }

  /**
   * W1: 64×H, b1: H, W2: H×10, b2: 10, with H the length of b1; a mismatch names the array, the
   * length found and the shape expected.
   */
  static void checkParameters(double[][] parameters) {
    if (parameters.length != PARAMETER_NAMES.length) {
      throw new IllegalArgumentException("parameters: expected 4 arrays (W1, b1, W2, b2), found "
          + parameters.length);
    }
    int hidden = parameters[1].length;
    String[] shapes = {
      Digits.PIXELS + "×" + hidden, Integer.toString(hidden), hidden + "×" + Digits.CLASSES,
      Integer.toString(Digits.CLASSES)
    };
    int[] lengths = {Digits.PIXELS * hidden, hidden, hidden * Digits.CLASSES, Digits.CLASSES};
    for (int a = 0; a < lengths.length; a++) {
      if (parameters[a].length != lengths[a]) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%s has %d entries, but with %d hidden units (the length of b1) it must be %s (%d"
                + " entries)", PARAMETER_NAMES[a], parameters[a].length, hidden, shapes[a],
            lengths[a]));
      }
    }
  }

  private static double[][] deepCopy(double[][] arrays) {
    double[][] copy = new double[arrays.length][];
    for (int a = 0; a < arrays.length; a++) {
      copy[a] = arrays[a].clone();
    }
    return copy;
  }

  private static double[][] zerosLike(double[][] arrays) {
    double[][] zeros = new double[arrays.length][];
    for (int a = 0; a < arrays.length; a++) {
      zeros[a] = new double[arrays[a].length];
    }
    return zeros;
  }
}
