package dev.matgrad.bench;

/**
 * Checks, before anything is timed, that every implementation computes the same value and
 * gradient as the generated code on the same inputs; a benchmark of a wrong answer is worthless.
 * Comparisons are normwise relative: ‖expected − actual‖∞ ≤ tolerance · ‖expected‖∞ (sums in a
 * different order differ in the last bits, and by far less than this).
 */
public final class Agreement {
  public static final double TOLERANCE = 1e-9;

  private Agreement() {}

  public static void value(String what, double expected, double actual) {
    double scale = Math.max(Math.abs(expected), Double.MIN_NORMAL);
    if (!(Math.abs(expected - actual) <= TOLERANCE * scale)) {
      throw new IllegalStateException(what + ": value " + actual + " differs from the generated " + expected);
    }
  }

  public static void gradient(String what, double[] expected, double[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalStateException(what + ": gradient has length " + actual.length + ", the generated one "
          + expected.length);
    }
    double scale = Double.MIN_NORMAL;
    double diff = 0.0;
    int worst = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      double e = Math.abs(expected[i] - actual[i]);
      if (Double.isNaN(e)) {
        throw new IllegalStateException(what + ": gradient entry " + i + " is " + actual[i] + ", the generated one "
            + expected[i]);
      }
      if (e > diff) {
        diff = e;
        worst = i;
      }
    }
    if (!(diff <= TOLERANCE * scale)) {
      throw new IllegalStateException(what + ": gradient entry " + worst + " is " + actual[worst]
          + ", the generated one " + expected[worst] + " (largest entry " + scale + ")");
    }
  }

  /** Fills gradient arrays with NaN, so that an entry an implementation fails to write cannot pass. */
  public static void poison(double[]... arrays) {
    for (double[] a : arrays) {
      java.util.Arrays.fill(a, Double.NaN);
    }
  }

  /** The generated value and gradient, computed once as the reference. */
  public static final class Reference {
    public final double value;
    public final double[][] gradients;

    public Reference(double value, double[]... gradients) {
      this.value = value;
      this.gradients = gradients;
    }

    /** Checks a value and its gradients, in the order of the reference's. */
    public void check(String what, double actual, double[]... actualGradients) {
      value(what, this.value, actual);
      for (int i = 0; i < gradients.length; i++) {
        gradient(what + " (gradient " + (i + 1) + ")", gradients[i], actualGradients[i]);
      }
    }

    public void checkValue(String what, double actual) {
      value(what, this.value, actual);
    }
  }

  public static Reference firstLayer(Inputs.FirstLayer in) {
    double[] gradA = new double[in.d * in.n];
    double v = CasesGradients.firstLayerLossGrad(in.A, in.B, in.x, in.c, gradA);
    value("generated value vs Cases.firstLayerLoss", Cases.firstLayerLoss(in.A, in.B, in.x, in.c), v);
    return new Reference(v, gradA);
  }

  public static Reference mlp(Inputs.Mlp in) {
    double[] gW1 = new double[in.hidden * in.inputs];
    double[] gb1 = new double[in.hidden];
    double[] gW2 = new double[in.classes * in.hidden];
    double[] gb2 = new double[in.classes];
    double v = CasesGradients.mlpLossGrad(in.W1, in.b1, in.W2, in.b2, in.X, in.Y, in.batch, gW1, gb1, gW2, gb2);
    value("generated value vs Cases.mlpLoss", Cases.mlpLoss(in.W1, in.b1, in.W2, in.b2, in.X, in.Y, in.batch), v);
    return new Reference(v, gW1, gb1, gW2, gb2);
  }

  public static Reference trace(Inputs.Trace in) {
    double[] gradX = new double[in.n * in.n];
    double v = CasesGradients.traceQuadraticGrad(in.X, in.A, gradX);
    value("generated value vs Cases.traceQuadratic", Cases.traceQuadratic(in.X, in.A), v);
    return new Reference(v, gradX);
  }
}
