package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Arrays a method builds itself: {@code new double[] {a, b, c}}, a vector viewed as a matrix
 * ({@code new Matrix(r, c, data)}) and element writes. A write is a value: the array with one
 * entry replaced. The code generator writes it in place where nothing reads the old array
 * afterwards (the usual case: the name now denotes the new one), and into a copy otherwise.
 */
public final class LocalArrays {
  private LocalArrays() {}

  /** {@code new double[] {a, b, ...}}: a vector of its arguments. */
  public static final Op VECTOR_OF = Op.builder("VECTOR_OF", Op.Category.OTHER)
      .lower((e, n) -> {
        for (int k = 0; k < n.args().size(); k++) {
          e.add(e.ref(n) + "[" + k + "] = " + e.ref(n.arg(k)));
        }
      })
      .notation((a, n) -> "[" + String.join(", ", a) + "]")
      .vjp((g, n, grad) -> {
        List<Node> parts = new ArrayList<>();
        for (int k = 0; k < n.args().size(); k++) {
          parts.add(g.apply(Elements.ELEMENT, null, grad, g.intConstant(k)));
        }
        return parts;
      })
      .jvp((g, n, t) -> {
        if (t.stream().allMatch(x -> x == null)) {
          return null;
        }
        List<Node> args = new ArrayList<>();
        for (Node x : t) {
          args.add(x == null ? g.constant(0.0) : x);
        }
        return g.applyShaped(LocalArrays.VECTOR_OF, args, n.shape());
      })
      .linear()
      .build();

  /**
   * The same entries in another shape of as many entries (a vector as the row-major data of a
   * matrix, and back): checked at run time as the Matrix constructor checks it.
   */
  public static final Op RESHAPE = Op.builder("RESHAPE", Op.Category.OTHER)
      .lower((e, n) -> {
        Node from = n.arg(0);
        e.open("if (" + e.size(from) + " != " + e.size(n) + ")");
        e.add("throw new IllegalArgumentException(\"" + e.methodName() + ": data has length \" + "
            + e.size(from) + " + \" but a \" + " + e.rows(n) + " + \"×\" + " + e.cols(n)
            + " + \" Matrix has \" + " + e.size(n) + " + \" entries\")");
        e.close();
        String j = e.fresh("j");
        e.open(Emitter.loop(j, e.size(n)));
        e.add(e.ref(n) + "[" + j + "] = " + e.at(from, j));
        e.close();
      })
      .notation((a, n) -> a[0])
      .vjp((g, n, grad) -> List.of(g.applyShaped(LocalArrays.RESHAPE, List.of(grad), n.arg(0).shape())))
      .jvp(Rules.linear())
      .linear()
      .mayThrow()
      .build();

  /**
   * {@code y[i] = v}: y with entry i (a flat index) replaced by v, under the guard (argument 3)
   * of the branch the write is in, if any.
   */
  public static final Op SET = Op.builder("SET", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> args.get(0).shape())
      .lower((e, n) -> write(e, n, e.ref(n.arg(1)), 2, 3))
      .notation((a, n) -> a[0] + " with [" + a[1] + "] = " + a[2])
      // The new entry's adjoint is read before the adjoint of the old array clears it.
      .vjp((g, n, grad) -> {
        Node entry = g.apply(Elements.ELEMENT, null, 0, guarded(n, 3, grad, n.arg(1)));
        Node rest = g.apply(LocalArrays.SET, null, 0, guarded(n, 3, grad, n.arg(1), g.constant(0.0)));
        return Arrays.asList(rest, null, entry, null);
      })
      .jvp((g, n, t) -> g.apply(LocalArrays.SET, null, 0, guarded(n, 3,
          t.get(0) == null ? Rules.zerosLike(g, n) : t.get(0), n.arg(1),
          t.get(2) == null ? g.constant(0.0) : t.get(2))))
      .constantArgs(1, 3)
      .writesInto()
      .build();

  /** {@code M.set(i, j, v)}: M with entry (i, j) replaced, bounds checked as Matrix.set checks. */
  public static final Op SET_MATRIX = Op.builder("SET_MATRIX", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> args.get(0).shape())
      .lower((e, n) -> {
        String i = e.ref(n.arg(1));
        String j = e.ref(n.arg(2));
        String guard = n.args().size() > 4 ? e.ref(n.arg(4)) + " != 0 && " : "";
        e.open("if (" + guard + "(" + i + " < 0 || " + i + " >= " + e.rows(n) + " || " + j
            + " < 0 || " + j + " >= " + e.cols(n) + "))");
        e.add("throw new IndexOutOfBoundsException(\"(\" + " + i + " + \", \" + " + j
            + " + \") is outside a \" + " + e.rows(n) + " + \"×\" + " + e.cols(n)
            + " + \" Matrix\")");
        e.close();
        write(e, n, i + " * " + e.cols(n) + " + " + j, 3, 4);
      })
      .notation((a, n) -> a[0] + " with [" + a[1] + ", " + a[2] + "] = " + a[3])
      .vjp((g, n, grad) -> {
        Node entry = g.apply(Elements.MATRIX_ELEMENT, null, 0,
            guarded(n, 4, grad, n.arg(1), n.arg(2)));
        Node rest = g.apply(LocalArrays.SET_MATRIX, null, 0,
            guarded(n, 4, grad, n.arg(1), n.arg(2), g.constant(0.0)));
        return Arrays.asList(rest, null, null, entry, null);
      })
      .jvp((g, n, t) -> g.apply(LocalArrays.SET_MATRIX, null, 0, guarded(n, 4,
          t.get(0) == null ? Rules.zerosLike(g, n) : t.get(0), n.arg(1), n.arg(2),
          t.get(3) == null ? g.constant(0.0) : t.get(3))))
      .constantArgs(1, 2, 4)
      .writesInto()
      .build();

  /** The arguments with n's guard (its argument {@code guardArg}) appended if it has one. */
  private static List<Node> guarded(Node.Apply n, int guardArg, Node... args) {
    List<Node> all = new ArrayList<>(Arrays.asList(args));
    if (n.args().size() > guardArg) {
      all.add(n.arg(guardArg));
    }
    return all;
  }

  /**
   * The old array copied into the new one unless the write is in place (the generator gave both
   * the same storage), then the entry written.
   */
  private static void write(Emitter e, Node.Apply n, String index, int valueArg, int guardArg) {
    Node old = n.arg(0);
    if (!e.writesInPlace(n)) {
      String j = e.fresh("j");
      e.open(Emitter.loop(j, e.size(n)));
      e.add(e.ref(n) + "[" + j + "] = " + e.at(old, j));
      e.close();
    }
    String write = e.ref(n) + "[" + index + "] = " + e.ref(n.arg(valueArg));
    if (n.args().size() > guardArg) {
      e.open("if (" + e.ref(n.arg(guardArg)) + " != 0)");
      e.add(write);
      e.close();
    } else {
      e.add(write);
    }
  }

}
