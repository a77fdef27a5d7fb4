package dev.matgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The exact set of public Ops signatures users (and generated code checks) program against. */
class OpsApiTest {

  private static final String D = "double";
  private static final String V = "double[]";
  private static final String M = "Matrix";

  private static String sig(String ret, String name, String... params) {
    return ret + " " + name + "(" + String.join(", ", params) + ")";
  }

  private static Set<String> expected() {
    List<String> s = new ArrayList<>();
    s.add(sig(M, "matmul", M, M));
    s.add(sig(V, "matmul", M, V));
    s.add(sig(M, "transpose", M));
    s.add(sig(D, "dot", V, V));
    s.add(sig(M, "outer", V, V));
    s.add(sig(D, "trace", M));
    s.add(sig(M, "diag", V));
    for (String op : List.of("add", "sub", "mul", "div")) {
      s.add(sig(V, op, V, V));
      s.add(sig(M, op, M, M));
    }
    s.add(sig(V, "scale", D, V));
    s.add(sig(M, "scale", D, M));
    s.add(sig(M, "addToEachColumn", M, V));
    for (String op : List.of("neg", "exp", "log", "sqrt", "square", "abs", "tanh", "sigmoid",
        "relu", "softplus")) {
      s.add(sig(D, op, D));
      s.add(sig(V, op, V));
      s.add(sig(M, op, M));
    }
    s.add(sig(D, "pow", D, D));
    s.add(sig(V, "pow", V, D));
    s.add(sig(M, "pow", M, D));
    for (String op : List.of("sum", "mean", "sumSq", "norm1", "norm2", "logSumExp")) {
      s.add(sig(D, op, V));
      s.add(sig(D, op, M));
    }
    s.add(sig(D, "normP", V, D));
    for (String op : List.of("softmax", "logSoftmax")) {
      s.add(sig(V, op, V));
      s.add(sig(M, op, M));
    }
    // More Ops. erfc is not in the contract's table, but Φ's tail needs it and users may too.
    for (String op : List.of("log1p", "expm1", "atan", "sinh", "cosh", "erf", "erfc",
        "normalCdf")) {
      s.add(sig(D, op, D));
      s.add(sig(V, op, V));
      s.add(sig(M, op, M));
    }
    for (String op : List.of("maximum", "minimum")) {
      s.add(sig(V, op, V, V));
      s.add(sig(M, op, M, M));
    }
    for (String op : List.of("add", "sub", "mul", "div", "maximum", "minimum")) {
      s.add(sig(V, op, D, V));
      s.add(sig(V, op, V, D));
      s.add(sig(M, op, D, M));
      s.add(sig(M, op, M, D));
    }
    s.add(sig(V, "rowSums", M));
    s.add(sig(V, "colSums", M));
    s.add(sig(V, "row", M, "int"));
    s.add(sig(V, "col", M, "int"));
    s.add(sig(M, "addToEachRow", M, V));
    s.add(sig(D, "max", V));
    s.add(sig(D, "min", V));
    s.add(sig(M, "identity", "int"));
    s.add(sig(V, "ones", "int"));
    s.add(sig(V, "concat", V, V));
    s.add(sig(M, "hstack", M, M));
    s.add(sig(M, "vstack", M, M));
    s.add(sig(M, "kron", M, M));
    s.add(sig(M, "inverse", M));
    s.add(sig(V, "solve", M, V));
    s.add(sig(M, "solve", M, M));
    s.add(sig(D, "det", M));
    s.add(sig(D, "logDet", M));
    s.add(sig(M, "cholesky", M));
    return new TreeSet<>(s);
  }

  @Test
  void publicMethodsAreExactlyTheContractAllStatic() {
    Set<String> actual = new TreeSet<>();
    for (Method m : Ops.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(m.getModifiers())) {
        continue;
      }
      assertTrue(Modifier.isStatic(m.getModifiers()), m + " must be static");
      String[] params = Arrays.stream(m.getParameterTypes())
          .map(Class::getSimpleName).toArray(String[]::new);
      actual.add(sig(m.getReturnType().getSimpleName(), m.getName(), params));
    }
    assertEquals(expected(), actual);
  }

  @Test
  void isAFinalUtilityClass() {
    assertTrue(Modifier.isFinal(Ops.class.getModifiers()));
    Constructor<?>[] constructors = Ops.class.getDeclaredConstructors();
    assertEquals(1, constructors.length);
    assertTrue(Modifier.isPrivate(constructors[0].getModifiers()));
  }
}
