package dev.matgrad.sample;

import java.util.Locale;

/**
 * Every choice a training run makes. The defaults (here and in {@link TrainCommand}) are the
 * settings chosen by cross-validation on the training file (see the README's sweep); none was
 * chosen by looking at the test file.
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    double learningRate,
    int hidden,
    long seed,
    Activation activation,
    Optimizer.Kind optimizer,
    Schedule schedule,
    double weightDecay,
    boolean shift,
    int members,
    int threads,
    ModelKind model,
    int filters) {

  public static final int DEFAULT_EPOCHS = 30;
  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final int DEFAULT_HIDDEN = 128;
  public static final long DEFAULT_SEED = 1;
  public static final Activation DEFAULT_ACTIVATION = Activation.RELU;
  public static final Optimizer.Kind DEFAULT_OPTIMIZER = Optimizer.Kind.ADAM;
  public static final Schedule DEFAULT_SCHEDULE = Schedule.COSINE;
  static final int DEFAULT_MEMBERS = 5;
  /** Networks averaged by default for the conv network (cross-validated). */
  static final int CONV_MEMBERS = 3;
  public static final int DEFAULT_FILTERS = 8;
  public static final ModelKind DEFAULT_MODEL = ModelKind.CONV;

  /** The two-layer network of the first releases, with the settings it was tuned with. */
  public TrainingConfig(int epochs, int batchSize, double learningRate, int hidden, long seed,
      Activation activation, Optimizer.Kind optimizer, Schedule schedule, double weightDecay,
      boolean shift, int members, int threads) {
    this(epochs, batchSize, learningRate, hidden, seed, activation, optimizer, schedule,
        weightDecay, shift, members, threads, ModelKind.MLP, DEFAULT_FILTERS);
  }

  /** Adam's starting rate for the conv network (cross-validated; the MLP's is the optimizer's). */
  public static final double CONV_ADAM_RATE = 0.01;

  /** The learning rate used when none is given. */
  public static double defaultRate(ModelKind model, Optimizer.Kind optimizer) {
    return model == ModelKind.CONV && optimizer == Optimizer.Kind.ADAM
        ? CONV_ADAM_RATE : optimizer.defaultRate;
  }

  /** The ensemble size used when none is given. */
  static int defaultMembers(ModelKind model) {
    return model == ModelKind.CONV ? CONV_MEMBERS : DEFAULT_MEMBERS;
  }

  /** Which network to train: {@link DigitNetwork}'s two layers or {@link ConvNetwork}. */
  public enum ModelKind {
    /** The two-layer network Bᵀσ(Aᵀx) with biases (64-H-10). */
    MLP,
    /** 3×3 convolutions, relu, 2×2 max pooling, a relu hidden layer (ConvNetwork). */
    CONV;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the learning rate moves over the run. */
  public enum Schedule {
    /** The same rate throughout. */
    CONSTANT,
    /** From the given rate down to 0 along a half cosine, step by step. */
    COSINE;

    public double factor(long step, long totalSteps) {
      if (this == CONSTANT || totalSteps <= 1) {
        return 1.0;
      }
      return 0.5 * (1 + Math.cos(Math.PI * step / totalSteps));
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The network in a few words: "relu network 64-128-10", "conv network 8×3×3 …". */
  public String network() {
    return model == ModelKind.CONV
        ? String.format(Locale.ROOT, "conv network %d×3×3 filters, 2×2 max pool, %d-%d-10",
            filters, ConvNetwork.POOLED * filters, hidden)
        : String.format(Locale.ROOT, "%s network 64-%d-10", activation.label(), hidden);
  }

  /** The network in fewer words, for the plot's title. */
  String shortNetwork() {
    return model == ModelKind.CONV
        ? String.format(Locale.ROOT, "conv network, %d filters, %d hidden", filters, hidden)
        : network();
  }

  /** One line naming every setting, for the console and the report. */
  public String describe() {
    return String.format(Locale.ROOT,
        "%s, %s (learning rate %s, %s schedule), batch %d, %d epochs, "
            + "weight decay %s, shifted images %s, %s, seed %d",
        network(), optimizer.label(), Format.number(learningRate),
        schedule.label(), batchSize, epochs, Format.number(weightDecay), shift ? "on" : "off",
        members == 1 ? "1 network" : "ensemble of " + members + " networks", seed);
  }
}
