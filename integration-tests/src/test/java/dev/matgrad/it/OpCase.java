package dev.matgrad.it;

import dev.matgrad.it.Inputs.Domain;

/**
 * One fixture method checked on random same-shape inputs (see {@link Inputs#sameShapeArgs}):
 * its name, the domain its inputs are drawn from and its wrt parameter indices (empty: API.md's
 * default, every double, double[] and Matrix parameter).
 */
record OpCase(String method, Domain domain, int... wrt) {

  GradientChecker.Result check(Class<?> fixture, long seed) {
    GradientChecker checker = GradientChecker.of(fixture, method);
    if (wrt.length > 0) {
      checker.wrt(wrt);
    }
    return checker.check(new Inputs(seed).sameShapeArgs(checker.forward(), domain));
  }

  @Override
  public String toString() {
    return method;
  }
}
