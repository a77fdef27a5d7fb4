package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * fHvp and fHessian of {@link SecondOrder}: Hessian-vector products against central differences
 * of the generated gradient, Hessians entry by entry against those products and symmetric, the
 * Workspace overloads equal, and the closed forms exactly (against EJML).
 */
class SecondOrderTest {
  private static final Class<?> GENERATED = GradientChecker.gradientsClass(SecondOrder.class);

  /** The function's generated methods, found by reflection from its parameter types. */
  private record SecondOrderMethods(Method grad, Method hvp, Method hessian, int[] wrt) {
    static SecondOrderMethods of(String name, Class<?>[] params, int... wrt) throws Exception {
      List<Class<?>> g = new ArrayList<>(Arrays.asList(params));
      for (int k = 0; k < wrt.length; k++) {
        g.add(double[].class);
      }
      List<Class<?>> h = new ArrayList<>(g);
      for (int k = 0; k < wrt.length; k++) {
        h.add(double[].class);
      }
      List<Class<?>> full = new ArrayList<>(Arrays.asList(params));
      full.add(double[].class);
      return new SecondOrderMethods(GENERATED.getMethod(name + "Grad", g.toArray(Class<?>[]::new)),
          GENERATED.getMethod(name + "Hvp", h.toArray(Class<?>[]::new)),
          GENERATED.getMethod(name + "Hessian", full.toArray(Class<?>[]::new)), wrt);
    }
  }

  private static Object call(Method m, Object... args) {
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new RuntimeException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  private static Object[] concat(Object[] a, Object... b) {
    Object[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** The gradient of every wrt parameter, flattened and concatenated (θ's order). */
  private static double[] gradient(SecondOrderMethods f, Object[] args) {
    double[][] g = new double[f.wrt().length][];
    for (int k = 0; k < g.length; k++) {
      g[k] = new double[GradientChecker.size(args[f.wrt()[k]])];
      Arrays.fill(g[k], Double.NaN);
    }
    call(f.grad(), concat(args, (Object[]) g));
    return flat(g);
  }

  private static double[] flat(double[][] parts) {
    return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
  }

  /** args with θ moved by h·dir (θ flattened over the wrt parameters). */
  private static Object[] displaced(SecondOrderMethods f, Object[] args, double[] dir, double h) {
    Object[] moved = GradientChecker.deepCopy(args);
    int offset = 0;
    for (int p : f.wrt()) {
      Object a = moved[p];
      int n = GradientChecker.size(a);
      if (a instanceof Double d) {
        moved[p] = d + h * dir[offset];
      } else {
        double[] data = a instanceof Matrix m ? m.data() : (double[]) a;
        for (int i = 0; i < n; i++) {
          data[i] += h * dir[offset + i];
        }
      }
      offset += n;
    }
    return moved;
  }

  /** fHvp along dir, the outputs pre-filled with NaN, flattened. */
  private static double[] hvp(SecondOrderMethods f, Object[] args, double[] dir, Workspace ws) {
    double[][] dirs = new double[f.wrt().length][];
    double[][] out = new double[f.wrt().length][];
    int offset = 0;
    for (int k = 0; k < dirs.length; k++) {
      int n = GradientChecker.size(args[f.wrt()[k]]);
      dirs[k] = Arrays.copyOfRange(dir, offset, offset + n);
      out[k] = new double[n];
      Arrays.fill(out[k], Double.NaN);
      offset += n;
    }
    Object[] all = concat(concat(args, (Object[]) dirs), (Object[]) out);
    if (ws == null) {
      call(f.hvp(), all);
    } else {
      try {
        Class<?>[] types = Arrays.copyOf(f.hvp().getParameterTypes(), f.hvp().getParameterCount() + 1);
        types[types.length - 1] = Workspace.class;
        call(GENERATED.getMethod(f.hvp().getName(), types), concat(all, ws));
      } catch (NoSuchMethodException e) {
        throw new AssertionError(e);
      }
    }
    return flat(out);
  }

  private static double[] hessian(SecondOrderMethods f, Object[] args, int n) {
    double[] hess = new double[n * n];
    Arrays.fill(hess, Double.NaN);
    call(f.hessian(), concat(args, (Object) hess));
    return hess;
  }

  /**
   * Every check for one function at one point: HVP against central differences of fGrad along
   * random directions, the Hessian against HVPs with unit directions and symmetric, the
   * Workspace overload equal bit for bit. Returns the Hessian.
   */
  private static double[] checkAll(SecondOrderMethods f, Object[] args, long seed) {
    int n = gradient(f, args).length;
    Inputs in = new Inputs(seed);
    Workspace ws = new Workspace();
    for (int trial = 0; trial < 3; trial++) {
      double[] dir = in.vector(n);
      double[] got = hvp(f, args, dir, null);
      double step = 1e-6;
      double[] plus = gradient(f, displaced(f, args, dir, step));
      double[] minus = gradient(f, displaced(f, args, dir, -step));
      double[] fd = new double[n];
      for (int i = 0; i < n; i++) {
        fd[i] = (plus[i] - minus[i]) / (2 * step);
      }
      double scale = Math.max(1, Close.maxAbs(fd));
      Close.assertAllClose("Hvp vs central differences of the generated gradient", fd, got, 1e-6,
          1e-8 * scale, i -> "θ[" + i + "]");
      assertTrue(Arrays.equals(got, hvp(f, args, dir, ws)), "Hvp with a Workspace differs");
    }
    double[] hess = hessian(f, args, n);
    for (int a = 0; a < n; a++) {
      double[] unit = new double[n];
      unit[a] = 1;
      double[] column = hvp(f, args, unit, null);
      for (int b = 0; b < n; b++) {
        assertEquals(column[b], hess[a * n + b], 1e-12 * Math.max(1, Math.abs(column[b])),
            "hess[" + a + "·N + " + b + "] vs Hvp(e_" + a + ")");
        assertEquals(hess[b * n + a], hess[a * n + b], 1e-9 * Math.max(1, Math.abs(hess[a * n + b])),
            "the Hessian is symmetric at (" + a + ", " + b + ")");
      }
    }
    return hess;
  }

  @Nested
  class AgainstFiniteDifferences {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void tanhLayerInWeightsAndBiasJointly(long seed) throws Exception {
      Inputs in = new Inputs(seed);
      int n = in.dim(1, 4);
      int d = in.dim(1, 4);
      SecondOrderMethods f = SecondOrderMethods.of("tanhLayer",
          new Class<?>[] {Matrix.class, double[].class, double[].class, double[].class}, 0, 1);
      checkAll(f, new Object[] {in.matrix(n, d), in.vector(n), in.vector(d), in.vector(n)}, seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void softmaxCrossEntropy(long seed) throws Exception {
      Inputs in = new Inputs(seed);
      int k = in.dim(2, 4);
      int d = in.dim(1, 3);
      int batch = in.dim(1, 3);
      SecondOrderMethods f = SecondOrderMethods.of("softmaxCrossEntropy",
          new Class<?>[] {Matrix.class, Matrix.class, Matrix.class}, 0);
      Matrix y = Matrix.zeros(k, batch);
      for (int j = 0; j < batch; j++) {
        y.data()[(j % k) * batch + j] = 1;
      }
      checkAll(f, new Object[] {in.matrix(k, d), in.matrix(d, batch), y}, seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void scalarVectorAndMatrixTogether(long seed) throws Exception {
      Inputs in = new Inputs(seed);
      int n = in.dim(1, 4);
      int r = in.dim(1, 3);
      SecondOrderMethods f = SecondOrderMethods.of("mixed",
          new Class<?>[] {double.class, double[].class, Matrix.class}, 0, 1, 2);
      checkAll(f, new Object[] {in.scalar(), in.vector(n), in.matrix(r, r)}, seed);
    }
  }

  @Nested
  class ThroughBuildingOpsAndErf {
    /** concat of erf and Φ, kron, vstack and hstack in one function ({@link SecondOrder#buildingOpsAndErf}). */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void everyBuildingOpAtOnce(long seed) throws Exception {
      Inputs in = new Inputs(seed);
      int n = in.dim(1, 4);
      int r = in.dim(1, 3);
      int c = in.dim(1, 3);
      SecondOrderMethods f = SecondOrderMethods.of("buildingOpsAndErf",
          new Class<?>[] {double[].class, Matrix.class, Matrix.class}, 0, 1);
      checkAll(f, new Object[] {in.vector(n), in.matrix(r, c), in.matrix(in.dim(1, 3), c)}, seed);
    }
  }

  /** RᵀR + n·I: symmetric positive definite and well conditioned. */
  private static Matrix spd(Inputs in, int n) {
    Matrix r = in.matrix(n, n);
    Matrix s = dev.matgrad.Ops.matmul(dev.matgrad.Ops.transpose(r), r);
    for (int i = 0; i < n; i++) {
      s.data()[i * n + i] += n;
    }
    return s;
  }

  @Nested
  class Factorizations {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void gaussianNegativeLogLikelihood(long seed) throws Exception {
      Inputs in = new Inputs(seed);
      int n = in.dim(1, 4);
      Matrix s = spd(in, n);
      SecondOrderMethods f = SecondOrderMethods.of("gaussianNll",
          new Class<?>[] {double[].class, Matrix.class}, 0, 1);
      double[] hess = checkAll(f, new Object[] {in.vector(n), s}, seed);
      DMatrixRMaj inverse = Ejml.of(s);
      assertTrue(CommonOps_DDRM.invert(inverse));
      int size = n + n * n;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          assertEquals(inverse.get(i, j), hess[i * size + j], 1e-12,
              "∇²_x = Σ⁻¹ at (" + i + ", " + j + ")");
        }
      }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void solvesAndDeterminant(long seed) throws Exception {
      Inputs in = new Inputs(seed);
      int n = in.dim(1, 4);
      // R + n·I with its rows reversed: well conditioned, and pivoting swaps rows.
      Matrix a = in.matrix(n, n);
      for (int i = 0; i < n; i++) {
        a.data()[(n - 1 - i) * n + i] += n;
      }
      SecondOrderMethods f = SecondOrderMethods.of("gpQuadratic",
          new Class<?>[] {Matrix.class, double[].class, Matrix.class}, 0);
      checkAll(f, new Object[] {a, in.vector(n), in.matrix(n, in.dim(1, 3))}, seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void choleskyAndInverse(long seed) throws Exception {
      Inputs in = new Inputs(seed);
      int n = in.dim(1, 4);
      SecondOrderMethods f = SecondOrderMethods.of("choleskyAndInverse",
          new Class<?>[] {Matrix.class, double[].class}, 0);
      checkAll(f, new Object[] {spd(in, n), in.vector(n)}, seed);
    }
  }

  @Nested
  class ClosedForms {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void quadraticFormGivesAPlusATransposed(long seed) throws Exception {
      Inputs in = new Inputs(seed);
      int n = in.dim(1, 6);
      Matrix a = in.matrix(n, n);
      SecondOrderMethods f = SecondOrderMethods.of("quadraticForm",
          new Class<?>[] {Matrix.class, double[].class}, 1);
      double[] hess = checkAll(f, new Object[] {a, in.vector(n)}, seed);
      DMatrixRMaj expected = Ejml.plus(Ejml.of(a), Ejml.transpose(Ejml.of(a)));
      Close.assertAllClose("∇²(xᵀAx) = A + Aᵀ", expected.getData(), hess, 1e-14, 1e-14,
          i -> "(" + i / n + ", " + i % n + ")");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void logisticRegressionGivesXtDX(long seed) throws Exception {
      Inputs in = new Inputs(seed);
      int samples = in.dim(1, 7);
      int features = in.dim(1, 5);
      Matrix x = in.matrix(samples, features);
      double[] w = in.vector(features);
      double[] y = new double[samples];
      for (int i = 0; i < samples; i++) {
        y[i] = i % 2;
      }
      double lambda = 0.3;
      SecondOrderMethods f = SecondOrderMethods.of("logistic",
          new Class<?>[] {double[].class, Matrix.class, double[].class, double.class}, 0);
      double[] hess = checkAll(f, new Object[] {w, x, y, lambda}, seed);
      DMatrixRMaj z = Ejml.mult(Ejml.of(x), Ejml.column(w));
      double[] d = new double[samples];
      for (int i = 0; i < samples; i++) {
        double s = Ejml.sigmoid(z.get(i, 0));
        d[i] = s * (1 - s) / samples;
      }
      DMatrixRMaj expected = Ejml.mult(Ejml.multTransA(Ejml.of(x), Ejml.diag(d)), Ejml.of(x));
      DMatrixRMaj ridge = CommonOps_DDRM.identity(features);
      CommonOps_DDRM.scale(2 * lambda, ridge);
      expected = Ejml.plus(expected, ridge);
      Close.assertAllClose("∇²_w = Xᵀ diag(σ ⊙ (1 − σ)) X / n + 2λI", expected.getData(), hess,
          1e-12, 1e-14, i -> "(" + i / features + ", " + i % features + ")");
    }

    @ParameterizedTest
    @ValueSource(longs = {1})
    void aProductOfTwoScalarsIsExact(long seed) throws Exception {
      SecondOrderMethods f = SecondOrderMethods.of("product",
          new Class<?>[] {double.class, double.class}, 0, 1);
      double[] hess = checkAll(f, new Object[] {1.5, -2.0}, seed);
      assertTrue(Arrays.equals(new double[] {0, 1, 1, 0}, hess), Arrays.toString(hess));
    }
  }

  @Nested
  class Cubes {
    /** f = 2 Σ x³ + a³ + Σ x⁴: ∇² = diag(12 x + 12 x²) ⊕ 6a, exactly at these points. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void theHessianOfCubesIsExact(long seed) throws Exception {
      Inputs in = new Inputs(seed);
      int n = in.dim(1, 4);
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = i - 1.5;
      }
      double a = -0.5 * seed;
      SecondOrderMethods f = SecondOrderMethods.of("cubes",
          new Class<?>[] {double[].class, double.class}, 0, 1);
      double[] hess = checkAll(f, new Object[] {x, a}, seed);
      double[] expected = new double[(n + 1) * (n + 1)];
      for (int i = 0; i < n; i++) {
        expected[i * (n + 1) + i] = 12 * x[i] + 12 * x[i] * x[i];
      }
      expected[n * (n + 1) + n] = 6 * a;
      // Exact: a zero delta, so that −0.0 off the diagonal equals 0.0.
      assertArrayEquals(expected, hess, 0.0, Arrays.toString(hess));
    }
  }

  @Nested
  class Norms {
    /** At x of norm 1e-160, 1/‖x‖² overflows; (I − u uᵀ)/‖x‖ does not. */
    @ParameterizedTest
    @ValueSource(doubles = {1.0, 1e-160, 1e-300})
    void theHessianOfANormIsFiniteAtTinyVectors(double scale) throws Exception {
      double[] x = {3 * scale, -4 * scale};
      double[] hess = new double[4];
      SecondOrderGradients.euclideanNormHessian(x, hess);
      double n = 5 * scale;
      double[] u = {0.6, -0.8};
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          double expected = ((a == b ? 1 : 0) - u[a] * u[b]) / n;
          assertEquals(expected, hess[a * 2 + b], 1e-12 * Math.abs(1 / n), "entry " + a + "," + b);
        }
      }
    }
  }

  @Nested
  class Shapes {
    @ParameterizedTest
    @ValueSource(ints = {0, 5})
    void aWrongLengthHessianIsRejectedBeforeAnythingIsWritten(int length) throws Exception {
      SecondOrderMethods f = SecondOrderMethods.of("quadraticForm",
          new Class<?>[] {Matrix.class, double[].class}, 1);
      double[] hess = new double[length];
      Arrays.fill(hess, 7);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> call(f.hessian(), Matrix.zeros(2, 2), new double[2], hess));
      assertTrue(e.getMessage().contains("hess has length " + length), e.getMessage());
      assertTrue(Arrays.stream(hess).allMatch(v -> v == 7), "nothing written");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void aWrongLengthDirectionIsRejected(int length) throws Exception {
      SecondOrderMethods f = SecondOrderMethods.of("quadraticForm",
          new Class<?>[] {Matrix.class, double[].class}, 1);
      double[] out = new double[2];
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> call(f.hvp(), Matrix.zeros(2, 2), new double[2], new double[length], out));
      assertTrue(e.getMessage().contains("dir_x has length " + length), e.getMessage());
    }
  }
}
