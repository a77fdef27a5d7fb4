package dev.matgrad.processor;

import static dev.matgrad.processor.ProcessorTesting.assertError;
import static dev.matgrad.processor.ProcessorTesting.classC;
import static dev.matgrad.processor.ProcessorTesting.compile;
import static dev.matgrad.processor.ProcessorTesting.matgradDiagnostics;
import static dev.matgrad.processor.ProcessorTesting.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.testing.compile.Compilation;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Diagnostics about what a @Differentiable body contains: each is an error on the line of the
 * offending statement or expression that names what was found.
 */
class BodyDiagnosticsTest {

  /**
   * One case: a class body with one bad @Differentiable method, the text of the line the error
   * belongs on, and what the message must mention.
   */
  static Arguments bad(String members, String line, String... mentions) {
    return Arguments.of(members, line, mentions);
  }

  /** Compiles {@code p.C} with {@code members}; asserts the error and that it is the only one. */
  private static void assertOnlyError(String tag, String members, String line, String... mentions) {
    JavaFileObject src = classC(members);
    Compilation c = compile(src);
    assertError(c, tag, src, line, mentions);
    assertEquals(1, matgradDiagnostics(c).size(), () -> "one error per bad method: "
        + ProcessorTesting.messages(c));
  }

  static Stream<Arguments> controlFlow() {
    return Stream.of(
        bad("""
            @Differentiable
            static double forEachLoop(double[] xs) {
              double s = 0.0;
              for (double v : xs) {
                s = s + v;
              }
              return s;
            }
            """, "for (double v : xs) {", "a for-each loop"),
        bad("""
            @Differentiable
            static double labelledLoop(double x) {
              double y = x;
              halving: while (y > 1.0) {
                y = y / 2.0;
              }
              return y;
            }
            """, "halving: while (y > 1.0) {", "a labeled statement"),
        bad("""
            @Differentiable
            static double doWhileLoop(double x) {
              double y = x;
              do {
                y = y / 2.0;
              } while (y > 1.0);
              return y;
            }
            """, "do {", "a do-while loop"),
        bad("""
            @Differentiable
            static double switchStatement(double x, int n) {
              double y = x;
              switch (n) {
                case 1:
                  y = 2.0 * x;
              }
              return y;
            }
            """, "switch (n) {", "a switch statement"),
        bad("""
            @Differentiable
            static double labelledBreak(double[] x) {
              double s = 0.0;
              outer:
              for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x.length; j++) {
                  if (x[j] < 0.0) {
                    break outer;
                  }
                  s += x[i] * x[j];
                }
              }
              return s;
            }
            """, "outer:", "a labeled statement"),
        bad("""
            @Differentiable
            static double returnsInLoop(double[] x) {
              for (int i = 0; i < x.length; i++) {
                return x[i];
              }
              return 0.0;
            }
            """, "return x[i];", "a return inside a loop"),
        bad("""
            @Differentiable
            static double matrixInBranch(double[] x) {
              double s = 0.0;
              if (x[0] > 0.0) {
                s = sum(new Matrix(2, 2, x));
              }
              return s;
            }
            """, "s = sum(new Matrix(2, 2, x));", "inside a branch", "compute it before the if"));
  }

  static Stream<Arguments> loopForms() {
    return Stream.of(
        bad("""
            @Differentiable
            static double writesIndex(double[] x) {
              double s = 0.0;
              for (int i = 0; i < x.length; i++) {
                s += x[i];
                i = i + 1;
              }
              return s;
            }
            """, "i = i + 1;", "its index i is assigned inside the loop"),
        bad("""
            @Differentiable
            static double movingBound(double x) {
              int n = 3;
              double s = 0.0;
              for (int i = 0; i < n; i++) {
                s += x;
                n = n - 1;
              }
              return s;
            }
            """, "for (int i = 0; i < n; i++) {", "reads n, which the loop assigns"),
        bad("""
            @Differentiable
            static double notEqual(double x) {
              double s = 0.0;
              for (int i = 0; i != 3; i++) {
                s += x;
              }
              return s;
            }
            """, "for (int i = 0; i != 3; i++) {", "its condition must compare the index"),
        bad("""
            @Differentiable
            static double twoUpdates(double x) {
              double s = 0.0;
              for (int i = 0, j = 0; i < 3; i++, j++) {
                s += x;
              }
              return s;
            }
            """, "for (int i = 0, j = 0; i < 3; i++, j++) {", "one int index"));
  }

  @ParameterizedTest
  @MethodSource
  void loopForms(String members, String line, String[] mentions) {
    assertOnlyError("loop-form", members, line, mentions);
  }

  @ParameterizedTest
  @MethodSource
  void controlFlow(String members, String line, String[] mentions) {
    assertOnlyError("control-flow", members, line, mentions);
  }

  static Stream<Arguments> arrayWrites() {
    return Stream.of(
        bad("""
            @Differentiable
            static double assignElement(double[] x) {
              x[0] = 1.0;
              return sum(x);
            }
            """, "x[0] = 1.0;", "writing into x[0]"),
        bad("""
            @Differentiable
            static double compoundAssignElement(double[] x) {
              x[1] += 1.0;
              return sum(x);
            }
            """, "x[1] += 1.0;", "writing into x[1]"),
        bad("""
            @Differentiable
            static double assignMatrixData(Matrix A) {
              A.data()[0] = 1.0;
              return sum(A);
            }
            """, "A.data()[0] = 1.0;", "A.data()[0]"),
        bad("""
            @Differentiable
            static double aliasedLocal(double[] x) {
              double[] y = new double[x.length];
              double[] z = y;
              z[0] = x[0];
              return sum(y);
            }
            """, "z[0] = x[0];", "writing into z[0]", "another local"),
        // an inlined callee's local named like the caller's aliased one (found by the
        // robustness fuzzer: seed 20261209, mutant 114, where it compiled to a wrong value)
        bad("""
            @Differentiable
            static double helper(double[] x) {
              double t0 = 1.0;
              return t0 + sum(x);
            }

            @Differentiable
            static double aliasedAcrossACall(double[] x) {
              double[] t0 = softplus(x);
              double[] alias = t0;
              double h = helper(x);
              t0[0] += h;
              return sum(alias);
            }
            """, "t0[0] += h;", "writing into t0[0]", "another local"),
        bad("""
            @Differentiable
            static double aliasOfParameter(double[] x) {
              double[] y = x;
              y[0] = 1.0;
              return sum(y);
            }
            """, "y[0] = 1.0;", "writing into y[0]", "parameters"),
        bad("""
            @Differentiable
            static double matrixParameterSet(Matrix A) {
              A.set(0, 0, 1.0);
              return sum(A);
            }
            """, "A.set(0, 0, 1.0);", "A.set(0, 0, 1.0)"));
  }

  @ParameterizedTest
  @MethodSource
  void arrayWrites(String members, String line, String[] mentions) {
    assertOnlyError("array-write", members, line, mentions);
  }

  static Stream<Arguments> parameterWrites() {
    return Stream.of(
        bad("""
            @Differentiable
            static double assign(double x) {
              x = 2.0 * x;
              return x;
            }
            """, "x = 2.0 * x;", "assignment to parameter x"),
        bad("""
            @Differentiable
            static double compound(double x, double y) {
              y *= x;
              return y;
            }
            """, "y *= x;", "assignment to parameter y"),
        bad("""
            @Differentiable
            static double vector(double[] v) {
              v = exp(v);
              return sum(v);
            }
            """, "v = exp(v);", "assignment to parameter v"));
  }

  @ParameterizedTest
  @MethodSource
  void parameterWrites(String members, String line, String[] mentions) {
    assertOnlyError("parameter-write", members, line, mentions);
  }

  static Stream<Arguments> unsupportedExpressions() {
    return Stream.of(
        bad("""
            static double apply(java.util.function.DoubleUnaryOperator f, double v) {
              return f.applyAsDouble(v);
            }

            @Differentiable
            static double lambda(double x) {
              return apply(t -> t * 2.0, x);
            }
            """, "return apply(t -> t * 2.0, x);", "a lambda expression"),
        bad("""
            @Differentiable
            static double remainder(double x) {
              return x % 2.0;
            }
            """, "return x % 2.0;", "the % operator on doubles"),
        bad("""
            @Differentiable
            static double floatCast(double x) {
              return (float) x;
            }
            """, "return (float) x;", "the cast to float"),
        bad("""
            @Differentiable
            static double intCast(double x) {
              int n = (int) x;
              return n;
            }
            """, "int n = (int) x;", "a cast of a double to int"),
        bad("""
            @Differentiable
            static double increment(double x) {
              double y = x;
              double z = 2 * y++;
              return z;
            }
            """, "y++", "a postfix increment (y++)"),
        bad("""
            @Differentiable
            static double chainedAssignment(double x) {
              double y = x;
              double z = y = 2.0 * x;
              return z;
            }
            """, "double z = y = 2.0 * x;", "an assignment inside an expression"),
        bad("""
            @Differentiable
            static double matrixData(Matrix A) {
              return sum(A.data());
            }
            """, "return sum(A.data());", "A.data"),
        bad("""
            @Differentiable
            static double javaPlusOnAVector(double[] x) {
              return sum(x + 1.0);
            }
            """, "return sum(x + 1.0);", "the Java operator + on a double[]", "Ops.add"),
        bad("""
            static double SCALE = 2.0;

            @Differentiable
            static double qualifiedField(double x) {
              return C.SCALE * x;
            }
            """, "return C.SCALE * x;", "C.SCALE"));
  }

  @ParameterizedTest
  @MethodSource
  void unsupportedExpressions(String members, String line, String[] mentions) {
    assertOnlyError("expression", members, line, mentions);
  }

  @Test
  void methodCallOnAVectorDoesNotTalkAboutMatrices() {
    JavaFileObject src = classC("""
        @Differentiable
        static double cloned(double[] x) {
          return sum(x.clone());
        }
        """);
    Compilation c = compile(src);
    var d = assertError(c, "expression", src, "return sum(x.clone());", "x.clone");
    // x is a double[]: explaining what may be read "of a Matrix" does not apply.
    assertFalse(message(d).contains("of a Matrix"), message(d));
  }

  static Stream<Arguments> unsupportedLiterals() {
    return Stream.of(
        bad("""
            @Differentiable
            static double floatLiteral(double x) {
              return x * 1.0f;
            }
            """, "return x * 1.0f;", "literal 1.0"),
        bad("""
            @Differentiable
            static double longLiteral(double x) {
              return x * 2L;
            }
            """, "return x * 2L;", "literal 2L"),
        bad("""
            @Differentiable
            static double stringLiteral(double x) {
              return Double.parseDouble("1.5") * x;
            }
            """, "return Double.parseDouble(\"1.5\") * x;", "literal \"1.5\""),
        bad("""
            @Differentiable
            static double charLiteral(double x) {
              return x * 'a';
            }
            """, "return x * 'a';", "literal 'a'"));
  }

  @ParameterizedTest
  @MethodSource
  void unsupportedLiterals(String members, String line, String[] mentions) {
    assertOnlyError("literal", members, line, mentions);
  }

  static Stream<Arguments> unknownNames() {
    return Stream.of(
        bad("""
            static double SCALE = 2.0;

            @Differentiable
            static double readsField(double x) {
              return SCALE * x;
            }
            """, "return SCALE * x;", "SCALE is not a parameter or local variable"),
        bad("""
            static double counter;

            @Differentiable
            static double writesField(double x) {
              counter = x;
              return x;
            }
            """, "counter = x;", "counter is not a parameter or local variable"));
  }

  @ParameterizedTest
  @MethodSource
  void unknownNames(String members, String line, String[] mentions) {
    assertOnlyError("unknown-name", members, line, mentions);
  }

  static Stream<Arguments> unsupportedStatements() {
    return Stream.of(
        bad("""
            @Differentiable
            static double prints(double x) {
              System.out.println(x);
              return x;
            }
            """, "System.out.println(x);", "System.out.println(x)"),
        bad("""
            @Differentiable
            static double stringLocal(double x) {
              String label = "x";
              return x;
            }
            """, "String label = \"x\";", "a local of type String"),
        bad("""
            @Differentiable
            static double throwing(double x) {
              throw new IllegalStateException("no");
            }
            """, "throw new IllegalStateException(\"no\");", "a throw"),
        bad("""
            @Differentiable
            static double tryFinally(double x) {
              try {
                return x;
              } finally {
                System.gc();
              }
            }
            """, "try {", "a try"),
        bad("""
            @Differentiable
            static double asserting(double x) {
              assert x > 0.0;
              return x;
            }
            """, "assert x > 0.0;", "an assert"));
  }

  @ParameterizedTest
  @MethodSource
  void unsupportedStatements(String members, String line, String[] mentions) {
    assertOnlyError("statement", members, line, mentions);
  }

  static Stream<Arguments> typeMismatches() {
    return Stream.of(
        bad("""
            @Differentiable
            static double local(double[] x) {
              double[] h = sum(x);
              return sum(h);
            }
            """, "double[] h = sum(x);", "h has type double[] but its value has type double"),
        bad("""
            @Differentiable
            static double returned(double[] x) {
              return exp(x);
            }
            """, "return exp(x);",
            "the result of returned has type double but its value has type double[]"),
        bad("""
            @Differentiable
            static double reassigned(double[] x) {
              var v = exp(x);
              v = sum(x);
              return sum(v);
            }
            """, "v = sum(x);", "v has type double[] but its value has type double"),
        bad("""
            @Differentiable
            static Matrix matrixResult(double[] x) {
              return exp(x);
            }
            """, "return exp(x);", "has type Matrix but its value has type double[]"));
  }

  @ParameterizedTest
  @MethodSource
  void typeMismatches(String members, String line, String[] mentions) {
    assertOnlyError("type", members, line, mentions);
  }

  @Test
  void statementAfterReturn() {
    assertOnlyError("after-return", """
        @Differentiable
        static double early(double x) {
          return x * x;
          double after = x;
        }
        """, "double after = x;", "statement after the return statement");
  }

  @Test
  void bodyWithoutReturn() {
    // javac rejects this too, but only after annotation processing: matgrad sees it first.
    assertOnlyError("missing-return", """
        @Differentiable
        static double noReturn(double x) {
          double y = x * x;
        }
        """, "static double noReturn(double x)", "must end with a return statement");
  }

  @Test
  void normPExponentInWrt() {
    assertOnlyError("argument-not-differentiable", """
        @Differentiable
        static double norm(double[] x, double p) {
          return normP(x, p);
        }
        """, "return normP(x, p);", "normP(x, p) is not differentiable", "depends on p");
  }

  @Test
  void normPExponentDerivedFromAWrtParameter() {
    assertOnlyError("argument-not-differentiable", """
        @Differentiable
        static double norm(double[] x, double s) {
          double p = 1.0 + s * s;
          return normP(x, p);
        }
        """, "return normP(x, p);", "depends on s");
  }
}
