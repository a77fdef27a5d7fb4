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
    int threads) {

  public static final int DEFAULT_EPOCHS = 30;
  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final int DEFAULT_HIDDEN = 128;
  public static final long DEFAULT_SEED = 1;
  public static final Activation DEFAULT_ACTIVATION = Activation.RELU;
  public static final Optimizer.Kind DEFAULT_OPTIMIZER = Optimizer.Kind.ADAM;
  public static final Schedule DEFAULT_SCHEDULE = Schedule.COSINE;
  static final int DEFAULT_MEMBERS = 5;

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

  /** One line naming every setting, for the console and the report. */
  public String describe() {
    return String.format(Locale.ROOT,
        "%s network 64-%d-10, %s (learning rate %s, %s schedule), batch %d, %d epochs, "
            + "weight decay %s, shifted images %s, %s, seed %d",
        activation.label(), hidden, optimizer.label(), Format.number(learningRate),
        schedule.label(), batchSize, epochs, Format.number(weightDecay), shift ? "on" : "off",
        members == 1 ? "1 network" : "ensemble of " + members + " networks", seed);
  }
}
