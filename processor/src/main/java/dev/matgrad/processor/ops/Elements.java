package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import java.util.Arrays;
import java.util.List;

/** Element reads, one-hot arrays, and the sizes of arrays as ints. */
public final class Elements {
  private Elements() {}

  /** x[i] of a vector, or the entry at flat index i of a matrix, with an int index. */
  public static final Op ELEMENT = Op.builder("ELEMENT", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> Shape.scalar(g.dims()))
      .lower((e, n) -> e.add(e.declare(n) + " = " + e.ref(n.arg(0)) + "[" + e.ref(n.arg(1)) + "]"))
      .notation((a, n) -> a[0] + "[" + a[1] + "]")
      .vjp((g, n, grad) -> Arrays.asList(
          g.applyShaped(Elements.ONE_HOT, List.of(grad, n.arg(1)), n.arg(0).shape()), null))
      .jvp(Rules.linear())
      .constantArgs(1)
      .linear()
      .build();

  /** A.get(i, j) of a matrix, with int indices checked as Matrix.get checks them. */
  public static final Op MATRIX_ELEMENT = Op.builder("MATRIX_ELEMENT", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> Shape.scalar(g.dims()))
      .lower((e, n) -> {
        Node m = n.arg(0);
        String i = e.ref(n.arg(1));
        String j = e.ref(n.arg(2));
        e.open("if (" + i + " < 0 || " + i + " >= " + e.rows(m) + " || " + j + " < 0 || " + j
            + " >= " + e.cols(m) + ")");
        e.add("throw new IndexOutOfBoundsException(\"(\" + " + i + " + \", \" + " + j
            + " + \") is outside a \" + " + e.rows(m) + " + \"×\" + " + e.cols(m)
            + " + \" Matrix\")");
        e.close();
        e.add(e.declare(n) + " = " + e.ref(m) + "[" + i + " * " + e.cols(m) + " + " + j + "]");
      })
      .notation((a, n) -> a[0] + "[" + a[1] + ", " + a[2] + "]")
      .vjp((g, n, grad) -> Arrays.asList(g.applyShaped(Elements.ONE_HOT, List.of(grad,
          g.apply(Arithmetic.ADD, null, g.apply(Arithmetic.MUL, null, n.arg(1),
              g.apply(Elements.COLS, null, n.arg(0))), n.arg(2))), n.arg(0).shape()), null, null))
      .jvp(Rules.linear())
      .constantArgs(1, 2)
      .linear()
      .build();

  /** g at flat index i, 0 elsewhere (the adjoint of an element read), in the shape given. */
  public static final Op ONE_HOT = Op.builder("ONE_HOT", Op.Category.OTHER)
      .lower((e, n) -> {
        Rules.fill(e, n, "0.0");
        e.add(e.ref(n) + "[" + e.ref(n.arg(1)) + "] = " + e.ref(n.arg(0)));
      })
      .notation((a, n) -> Notation.paren(a[0]) + " e_" + a[1])
      .vjp((g, n, grad) -> Arrays.asList(g.apply(ELEMENT, null, grad, n.arg(1)), null))
      .jvp(Rules.linear())
      .constantArgs(1)
      .linear()
      .build();

  /** The number of entries of an array, as an int (used by mean's adjoint). */
  public static final Op SIZE = intOf("SIZE", "size");

  /** {@code A.rows()} as an int. */
  public static final Op ROWS = intOf("ROWS", "rows");

  /** {@code A.cols()} as an int. */
  public static final Op COLS = intOf("COLS", "cols");

  private static Op intOf(String name, String function) {
    return Op.builder(name, Op.Category.OTHER)
        .shape((g, args, flags, origin) -> Shape.integer(g.dims()))
        .lower((e, n) -> e.add(e.declare(n) + " = " + switch (function) {
          case "rows" -> e.rows(n.arg(0));
          case "cols" -> e.cols(n.arg(0));
          default -> e.size(n.arg(0));
        }))
        .notation((a, n) -> function + "(" + a[0] + ")")
        .constantArgs(0)
        .build();
  }
}
