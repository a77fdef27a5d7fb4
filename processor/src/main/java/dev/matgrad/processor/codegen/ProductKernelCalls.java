package dev.matgrad.processor.codegen;

import com.palantir.javapoet.ClassName;

/**
 * When a matrix product in generated code calls the runtime's product kernel
 * ({@code dev.matgrad.Products.matmul}) instead of its inline loops: from {@value
 * #DEFAULT_THRESHOLD} multiply-adds (m·n·k) on. Below that the kernel's packing costs more than
 * its register tiles save; above it the kernel is 3× (plain Java) to 10× (Vector API) faster on
 * this project's measurements.
 *
 * <p>The system property {@value #THRESHOLD_PROPERTY}, read when a method is generated, moves the
 * threshold; tests set it low so that every product of small test shapes takes the kernel path.
 */
final class ProductKernelCalls {
  static final ClassName PRODUCTS = ClassName.get("dev.matgrad", "Products");
  static final long DEFAULT_THRESHOLD = 4096;
  static final String THRESHOLD_PROPERTY = "matgrad.productKernelThreshold";

  enum Choice { KERNEL, LOOPS, AT_RUN_TIME }

  private ProductKernelCalls() {}

  static long threshold() {
    String value = System.getProperty(THRESHOLD_PROPERTY);
    if (value == null || value.isBlank()) {
      return DEFAULT_THRESHOLD;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return DEFAULT_THRESHOLD;
    }
  }

  /** Decided now when the three sizes are int literals, else by a test in the generated code. */
  static Choice decide(String m, String n, String k) {
    long threshold = threshold();
    Long mv = literal(m);
    Long nv = literal(n);
    Long kv = literal(k);
    if (mv == null || nv == null || kv == null) {
      return threshold <= 0 ? Choice.KERNEL : Choice.AT_RUN_TIME;
    }
    return mv * nv * kv >= threshold ? Choice.KERNEL : Choice.LOOPS;
  }

  /** The generated test: {@code (long) m * n * k >= threshold}. */
  static String largeEnough(String m, String n, String k) {
    return "(long) " + operand(m) + " * " + operand(n) + " * " + operand(k) + " >= " + threshold()
        + "L";
  }

  private static String operand(String size) {
    return size.matches("[\\w.()]+") ? size : "(" + size + ")";
  }

  private static Long literal(String size) {
    return size.matches("\\d{1,9}") ? Long.valueOf(size) : null;
  }
}
