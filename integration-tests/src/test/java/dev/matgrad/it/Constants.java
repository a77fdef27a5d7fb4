package dev.matgrad.it;

import static dev.matgrad.Ops.*;

import dev.matgrad.Differentiable;

/** static final constants read in bodies: of the class, inherited, and of another class. */
public final class Constants {
  private Constants() {}

  static final double EPS = 1e-3;
  static final int DEGREE = 3;

  /** Constants of another class, read qualified. */
  static final class Scales {
    static final double HALF = 0.5;
  }

  @Differentiable
  public static double smoothedNorm(double[] x) {
    return Math.sqrt(sumSq(x) + EPS) * DEGREE;
  }

  @Differentiable
  public static double qualified(double[] x) {
    return Scales.HALF * sumSq(x) + Constants.EPS * sum(x) + Math.PI;
  }
}
