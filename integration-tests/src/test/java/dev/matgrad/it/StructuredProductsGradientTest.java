package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.matgrad.Matrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link StructuredProducts}: the rewritten products against finite differences and EJML. */
class StructuredProductsGradientTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {301, 302, 303})
  void tracesOfProducts(long seed) {
    Inputs in = new Inputs(seed);
    int m = in.dim();
    int k = in.dim();
    GradientChecker.of(StructuredProducts.class, "traceAB").check(in.matrix(m, k), in.matrix(k, m));
    GradientChecker.of(StructuredProducts.class, "traceAtB").check(in.matrix(k, m), in.matrix(k, m));
    GradientChecker.of(StructuredProducts.class, "traceABt").check(in.matrix(m, k), in.matrix(m, k));
    GradientChecker.of(StructuredProducts.class, "traceAtBt").check(in.matrix(k, m), in.matrix(m, k));
    GradientChecker.of(StructuredProducts.class, "quadraticTrace").check(in.matrix(m, k), in.matrix(m, m));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {301, 302, 303})
  void productsWithADiagonal(long seed) {
    Inputs in = new Inputs(seed);
    int n = in.dim();
    int k = in.dim();
    GradientChecker.of(StructuredProducts.class, "diagTimesMatrix").wrt(0, 1)
        .check(in.vector(n), in.matrix(n, k), in.matrix(n, k));
    GradientChecker.of(StructuredProducts.class, "matrixTimesDiag").wrt(0, 1)
        .check(in.vector(k), in.matrix(n, k), in.matrix(n, k));
    GradientChecker.of(StructuredProducts.class, "transposedTimesDiag").wrt(0, 1)
        .check(in.vector(n), in.matrix(n, k), in.matrix(k, n));
    GradientChecker.of(StructuredProducts.class, "diagTimesVector").wrt(0, 1)
        .check(in.vector(n), in.vector(n), in.vector(n));
  }

  @Test
  void quadraticTraceMatchesItsClosedForm() {
    Inputs in = new Inputs(304);
    Matrix x = in.matrix(5, 3);
    Matrix a = in.matrix(5, 5);
    double[] gx = new double[15];
    double[] ga = new double[25];
    StructuredProductsGradients.quadraticTraceGrad(x, a, gx, ga);
    DMatrixRMaj sum = Ejml.plus(Ejml.of(a), Ejml.transpose(Ejml.of(a)));
    Close.assertAllClose("∇_X = (A + Aᵀ) X", Ejml.data(Ejml.mult(sum, Ejml.of(x))), gx, 1e-12, 1e-12);
    Close.assertAllClose("∇_A = X Xᵀ", Ejml.data(Ejml.multTransB(Ejml.of(x), Ejml.of(x))), ga,
        1e-12, 1e-12);
  }

  @Test
  void noIdentityOrDiagonalMatrixIsBuilt() throws IOException {
    String source = Files.readString(Path.of("target/generated-test-sources/test-annotations/dev/matgrad/it/StructuredProductsGradients.java"));
    // Each step is commented with its matrix expression, so a materialised diag(v) or s·I shows.
    assertFalse(source.matches("(?s).*// \\w+ = diag\\(\\w+\\)\n.*"), "a diagonal matrix was built");
    assertFalse(source.matches("(?s).*// \\w+ = \\w+ I\n.*"), "an identity matrix was built");
  }
}
