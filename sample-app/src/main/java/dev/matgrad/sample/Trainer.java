package dev.matgrad.sample;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Mini-batch training of one network or an ensemble, with gradients from the methods matgrad
 * generated ({@link Model#lossAndGradient}) and nothing else.
 *
 * <p>Each network of an ensemble has its own seeded random source, parameters, optimizer state
 * and buffers, so the networks can train on separate threads and a run is the same for a given
 * seed whatever the thread count. After every epoch the ensemble (its averaged class
 * probabilities) is scored on the evaluation set; scores are recorded, never used to steer.
 */
public final class Trainer {
  /** One epoch's figures: the mean training loss over its batches and the evaluation score. */
  public record Epoch(int epoch, double loss, int correct, int total, double trainingSeconds) {
    double accuracy() {
      return total == 0 ? 0 : correct / (double) total;
    }
  }

  /** Called after each epoch, on the thread that called {@link #train}. */
  public interface Listener {
    void epochDone(Epoch epoch, int epochs);
  }

  /** A finished run. */
  public record Result(
      List<Epoch> epochs,
      double accuracy,
      int[][] confusion,
      double trainingSeconds,
      double evaluationSeconds) {
    /**
     * Runs on disjoint evaluation sets (the folds of a cross-validation) as one: losses averaged,
     * right answers and confusion matrices summed, times added.
     */
    static Result pool(List<Result> runs) {
      int epochs = runs.get(0).epochs().size();
      List<Epoch> pooled = new ArrayList<>();
      for (int e = 0; e < epochs; e++) {
        double loss = 0;
        int correct = 0;
        int total = 0;
        double seconds = 0;
        for (Result run : runs) {
          Epoch epoch = run.epochs().get(e);
          loss += epoch.loss();
          correct += epoch.correct();
          total += epoch.total();
          seconds += epoch.trainingSeconds();
        }
        pooled.add(new Epoch(e + 1, loss / runs.size(), correct, total, seconds));
      }
      int[][] confusion = new int[Digits.CLASSES][Digits.CLASSES];
      double training = 0;
      double evaluation = 0;
      for (Result run : runs) {
        for (int a = 0; a < Digits.CLASSES; a++) {
          for (int p = 0; p < Digits.CLASSES; p++) {
            confusion[a][p] += run.confusion()[a][p];
          }
        }
        training += run.trainingSeconds();
        evaluation += run.evaluationSeconds();
      }
      return new Result(List.copyOf(pooled), Trainer.accuracy(confusion), confusion, training,
          evaluation);
    }

    int total() {
      int total = 0;
      for (int[] row : confusion) {
        for (int count : row) {
          total += count;
        }
      }
      return total;
    }

    int errors() {
      int wrong = 0;
      for (int actual = 0; actual < confusion.length; actual++) {
        for (int predicted = 0; predicted < confusion.length; predicted++) {
          if (actual != predicted) {
            wrong += confusion[actual][predicted];
          }
        }
      }
      return wrong;
    }
  }

  private final TrainingConfig config;

  public Trainer(TrainingConfig config) {
    this.config = config;
  }

  public Result train(Digits training, Digits evaluation, Listener listener) {
    List<Member> members = new ArrayList<>();
    for (int m = 0; m < config.members(); m++) {
      members.add(new Member(config, training, memberSeed(config.seed(), m)));
    }
    Matrix evalImages = columns(evaluation);
    List<Epoch> history = new ArrayList<>();
    double trainingSeconds = 0;
    double evaluationSeconds = 0;
    int[][] confusion = null;
    int threads = Math.max(1, Math.min(config.threads(), members.size()));
    ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
    try {
      for (int epoch = 1; epoch <= config.epochs(); epoch++) {
        long start = System.nanoTime();
        double lossSum = 0;
        if (pool == null) {
          for (Member member : members) {
            lossSum += member.runEpoch();
          }
        } else {
          List<Future<Double>> pending = new ArrayList<>();
          for (Member member : members) {
            pending.add(pool.submit(member::runEpoch));
          }
          for (Future<Double> f : pending) {
            lossSum += await(f);
          }
        }
        double epochSeconds = (System.nanoTime() - start) / 1e9;
        trainingSeconds += epochSeconds;

        long evalStart = System.nanoTime();
        confusion = confusion(members, evalImages, evaluation);
        evaluationSeconds += (System.nanoTime() - evalStart) / 1e9;
        int correct = 0;
        for (int c = 0; c < Digits.CLASSES; c++) {
          correct += confusion[c][c];
        }
        Epoch done = new Epoch(epoch, lossSum / members.size(), correct, evaluation.size(),
            epochSeconds);
        history.add(done);
        if (listener != null) {
          listener.epochDone(done, config.epochs());
        }
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    return new Result(List.copyOf(history), accuracy(confusion), confusion, trainingSeconds,
        evaluationSeconds);
  }

  /** Distinct, reproducible seeds for the networks of an ensemble. */
  public static long memberSeed(long seed, int member) {
    return seed * 0x9E3779B97F4A7C15L + member * 0xBF58476D1CE4E5B9L;
  }

  private static double await(Future<Double> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("training was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** The 64×N matrix whose columns are the images. */
  static Matrix columns(Digits digits) {
    int n = digits.size();
    double[] data = new double[Digits.PIXELS * n];
    for (int j = 0; j < n; j++) {
      double[] image = digits.image(j);
      for (int p = 0; p < Digits.PIXELS; p++) {
        data[p * n + j] = image[p];
      }
    }
    return new Matrix(Digits.PIXELS, n, data);
  }

  /** confusion[actual][predicted] of the ensemble's averaged probabilities. */
  private static int[][] confusion(List<Member> members, Matrix images, Digits digits) {
    int n = digits.size();
    double[] summed = new double[Digits.CLASSES * n];
    for (Member member : members) {
      double[] p = member.network.probabilities(images).data();
      for (int i = 0; i < summed.length; i++) {
        summed[i] += p[i];
      }
    }
    int[][] confusion = new int[Digits.CLASSES][Digits.CLASSES];
    for (int j = 0; j < n; j++) {
      int best = 0;
      for (int c = 1; c < Digits.CLASSES; c++) {
        if (summed[c * n + j] > summed[best * n + j]) {
          best = c;
        }
      }
      confusion[digits.label(j)][best]++;
    }
    return confusion;
  }

  public static double accuracy(int[][] confusion) {
    int right = 0;
    int total = 0;
    for (int actual = 0; actual < confusion.length; actual++) {
      for (int predicted = 0; predicted < confusion.length; predicted++) {
        total += confusion[actual][predicted];
        if (actual == predicted) {
          right += confusion[actual][predicted];
        }
      }
    }
    return total == 0 ? 0 : right / (double) total;
  }

  /** One network with everything it needs to train on its own thread. */
  private static final class Member {
    private final TrainingConfig config;
    private final Digits training;
    private final Random random;
    final Model network;
    private final double[][] params;
    private final double[][] grads;
    private final Optimizer optimizer;
    private final int[] order;
    private final double[] shifted = new double[Digits.PIXELS];
    private final Workspace workspace = new Workspace();
    private final long totalSteps;
    private long step;
    private Matrix batchImages;
    private Matrix batchLabels;

    Member(TrainingConfig config, Digits training, long seed) {
      this.config = config;
      this.training = training;
      this.random = new Random(seed);
      this.network = config.model() == TrainingConfig.ModelKind.CONV
          ? new ConvNet(config.filters(), config.hidden(), random)
          : new Network(config.activation(), config.hidden(), random);
      this.params = network.parameters();
      this.grads = network.gradients();
      this.optimizer = config.optimizer().create(params);
      this.order = new int[training.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      long batchesPerEpoch = (training.size() + config.batchSize() - 1) / config.batchSize();
      this.totalSteps = batchesPerEpoch * config.epochs();
    }

    /** One pass over the shuffled training set; returns the mean batch loss. */
    double runEpoch() {
      Digits.shuffle(order, random);
      int n = order.length;
      double lossSum = 0;
      for (int start = 0; start < n; start += config.batchSize()) {
        int size = Math.min(config.batchSize(), n - start);
        fillBatch(start, size);
        double loss = network.lossAndGradient(batchImages, batchLabels, config.weightDecay(),
            workspace);
        double rate = config.learningRate() * config.schedule().factor(step, totalSteps);
        optimizer.step(params, grads, rate);
        step++;
        lossSum += loss * size;
      }
      return lossSum / n;
    }

    /** Copies images order[start .. start+size) into the columns of the batch matrices. */
    private void fillBatch(int start, int size) {
      if (batchImages == null || batchImages.cols() != size) {
        batchImages = Matrix.zeros(Digits.PIXELS, size);
        batchLabels = Matrix.zeros(Digits.CLASSES, size);
      }
      double[] x = batchImages.data();
      double[] y = batchLabels.data();
      java.util.Arrays.fill(y, 0.0);
      for (int j = 0; j < size; j++) {
        int index = order[start + j];
        double[] image = training.image(index);
        if (config.shift()) {
          // One of the nine moves by at most a pixel, the unmoved image included.
          Digits.shift(image, random.nextInt(3) - 1, random.nextInt(3) - 1, shifted);
          image = shifted;
        }
        for (int p = 0; p < Digits.PIXELS; p++) {
          x[p * size + j] = image[p];
        }
        y[training.label(index) * size + j] = 1.0;
      }
    }
  }
}
