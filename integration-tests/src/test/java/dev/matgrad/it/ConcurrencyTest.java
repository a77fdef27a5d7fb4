package dev.matgrad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.matgrad.Matrix;
import dev.matgrad.Workspace;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Generated methods are reentrant: called from 8 threads at once, many times, with shared inputs,
 * every result equals (bit for bit) the one computed on a single thread. The plain overloads are
 * called as they are; the Workspace overloads with one workspace per thread, shared by all the
 * methods and shapes that thread calls (as the Workspace contract says).
 */
class ConcurrencyTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 60;

  /**
   * One generated method (fGrad, fVjp or fJacobian, with or without a workspace) on fixed inputs.
   * The inputs are shared by all threads; output arrays are new per call.
   */
  record Call(String name, Method method, Object[] inputs, double[] gradOut, int[] outputSizes) {
    /** Runs the call and returns everything it produced: the value (if any), then each output. */
    List<double[]> run(Workspace workspace) {
      List<Object> args = new ArrayList<>(Arrays.asList(inputs));
      if (gradOut != null) {
        args.add(gradOut);
      }
      List<double[]> outputs = new ArrayList<>();
      for (int size : outputSizes) {
        double[] out = Inputs.filled(size, Double.NaN);
        outputs.add(out);
        args.add(out);
      }
      if (workspace != null) {
        args.add(workspace);
      }
      Object value = GradientChecker.invoke(method, args.toArray());
      List<double[]> produced = new ArrayList<>();
      if (value instanceof Double d) {
        produced.add(new double[] {d});
      }
      produced.addAll(outputs);
      return produced;
    }

    boolean takesWorkspace() {
      Class<?>[] types = method.getParameterTypes();
      return types.length > 0 && types[types.length - 1] == Workspace.class;
    }
  }

  private final Inputs draw = new Inputs(20241126);

  /**
   * Every generated method of {@code fixture.name} (both overloads) on the given inputs, whose
   * parameters at {@code wrt} are differentiated.
   */
  private List<Call> callsOf(Class<?> fixture, String name, int[] wrt, Object... inputs) {
    Method forward = GradientChecker.uniqueMethod(fixture, name);
    Object result = GradientChecker.invoke(forward, GradientChecker.deepCopy(inputs));
    int m = result instanceof Double ? 1 : GradientChecker.size(result);
    boolean scalar = result instanceof Double;
    int[] sizes = Arrays.stream(wrt).map(p -> GradientChecker.size(inputs[p])).toArray();
    int[] jacobianSizes = Arrays.stream(sizes).map(s -> s * m).toArray();
    double[] gradOut = scalar ? null : draw.vector(m);
    List<Call> calls = new ArrayList<>();
    for (Method g : GradientChecker.gradientsClass(fixture).getDeclaredMethods()) {
      if (g.getName().equals(name + "Grad") || g.getName().equals(name + "Vjp")) {
        calls.add(new Call(g.getName(), g, inputs, g.getName().endsWith("Vjp") ? gradOut : null, sizes));
      } else if (g.getName().equals(name + "Jacobian")) {
        calls.add(new Call(g.getName(), g, inputs, null, jacobianSizes));
      }
    }
    assertTrue(calls.size() >= 2, "no generated methods found for " + fixture.getSimpleName() + "." + name);
    return calls;
  }

  private List<Call> calls() {
    List<Call> calls = new ArrayList<>();
    for (int[] shape : new int[][] {{3, 4, 2}, {7, 5, 6}}) {
      int d = shape[0];
      int n = shape[1];
      int k = shape[2];
      calls.addAll(callsOf(Losses.class, "firstLayerLoss", new int[] {0},
          draw.matrix(d, n), draw.matrix(n, k), draw.vector(d), draw.vector(k)));
      calls.addAll(callsOf(UserModels.class, "mlpTanh", new int[] {0, 1, 2, 3},
          draw.matrix(n, d), draw.vector(n), draw.matrix(k, n), draw.vector(k), draw.matrix(d, 4), draw.oneHotColumns(k, 4), 4));
      calls.addAll(callsOf(UserModels.class, "dense", new int[] {0, 1, 2},
          draw.matrix(n, d), draw.vector(n), draw.matrix(d, k)));
      calls.addAll(callsOf(LinearAlgebraOps.class, "matmulOfMatricesValued", new int[] {0, 1},
          draw.matrix(d, n), draw.matrix(n, k)));
      calls.addAll(callsOf(SoftmaxOps.class, "logSoftmaxMatrixValued", new int[] {0}, draw.matrix(n, k)));
      calls.addAll(callsOf(StabilityFixtures.class, "crossEntropy", new int[] {0, 1}, draw.vector(n), draw.vector(n)));
      calls.addAll(callsOf(StabilityFixtures.class, "norm2OfVector", new int[] {0}, draw.vector(d)));
      calls.addAll(callsOf(Reductions.class, "normPOfVector", new int[] {0}, draw.vector(n), 3.0));
    }
    return calls;
  }

  @Test
  void generatedMethodsGiveTheSameResultsOnEightThreadsAsOnOne() throws Exception {
    List<Call> calls = calls();
    assertTrue(calls.stream().anyMatch(Call::takesWorkspace), "no Workspace overload was exercised");
    List<List<double[]>> expected = new ArrayList<>();
    Workspace single = new Workspace();
    for (Call c : calls) {
      expected.add(c.run(c.takesWorkspace() ? single : null));
    }

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = t;
        results.add(pool.submit(() -> {
          Workspace own = new Workspace();
          List<Integer> order = new ArrayList<>();
          for (int i = 0; i < calls.size(); i++) {
            order.add(i);
          }
          Random shuffle = new Random(seed);
          List<String> mismatches = new ArrayList<>();
          start.await();
          for (int round = 0; round < ROUNDS; round++) {
            Collections.shuffle(order, shuffle);
            for (int i : order) {
              Call c = calls.get(i);
              List<double[]> got = c.run(c.takesWorkspace() ? own : null);
              if (!sameBits(expected.get(i), got)) {
                mismatches.add(c.name() + " " + Arrays.toString(c.method().getParameterTypes())
                    + " in round " + round);
              }
            }
          }
          return mismatches;
        }));
      }
      start.countDown();
      List<String> all = new ArrayList<>();
      for (Future<List<String>> f : results) {
        all.addAll(f.get(5, TimeUnit.MINUTES));
      }
      if (!all.isEmpty()) {
        fail(all.size() + " results differed from the single-threaded ones, e.g. " + all.subList(0,
            Math.min(5, all.size())));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean sameBits(List<double[]> a, List<double[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      // Arrays.equals compares doubles by their bits (NaN equal to NaN, 0.0 unequal to -0.0).
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
