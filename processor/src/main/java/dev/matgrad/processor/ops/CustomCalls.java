package dev.matgrad.processor.ops;

import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ast.Origin;
import dev.matgrad.processor.ir.Dim;
import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A call of a user's method that has a {@code @CustomVjp} rule, from the body of another
 * {@code @Differentiable} method. matgrad does not read the callee's body: the call's value comes
 * from calling the method itself, and its adjoint from calling the rule with the call's
 * arguments and the adjoint of its result, one gradient per wrt parameter of the callee. Each
 * callee has its two ops (the call and the rule), made by {@link #callOp} and {@link #ruleOp}.
 *
 * <p>The user's method and rule take Java arrays of their exact sizes, so an argument that is
 * one of the caller's own parameters is passed as it is, and any other array is copied into an
 * array of its exact size from the workspace (a new array only when the workspace's buffer for it
 * is longer, after a call with larger shapes); a Matrix argument that is not a parameter is
 * wrapped in a new {@code Matrix} object (a few bytes, its data not copied). The method's own
 * result is whatever it allocates; it is copied into the workspace.
 */
public final class CustomCalls {
  private CustomCalls() {}

  /**
   * The method called and its rule.
   *
   * @param owner the qualified name of its class, as generated code refers to it
   * @param shown how messages show it, {@code Model.clip}
   * @param paramKinds its parameters' kinds in order
   * @param wrt the indices of its wrt parameters, in order (one gradient array each)
   * @param result its result's kind
   * @param body its body where matgrad can read it (it may tell the result's shape), else null
   */
  public record Callee(String owner, String shown, String method, String rule,
      List<String> paramNames, List<Kind> paramKinds, List<Integer> wrt, Kind result,
      MethodSource body) {
    /** The op calling the method; one per callee, so equal calls are shared. */
    Op.UserCall userCall() {
      return new Op.UserCall(shown, paramNames, owner);
    }

    /** The first parameter of the result's kind, whose shape an unreadable body's result takes; -1 if none. */
    public int firstOfResultKind() {
      return paramKinds.indexOf(result);
    }
  }

  /**
   * A dimension of a call's result: a side of an argument (rows or columns; a vector's length is
   * its rows), the value of an int argument (new double[n] in the callee), an int constant, or
   * (RETURNED, arg 0 for the rows or length and 1 for the columns) the size of what the call
   * returns, read where the generated method calls it at its start.
   */
  public record Side(int arg, Dim.Role role, String constant) {
    public static Side rows(int arg) {
      return new Side(arg, Dim.Role.ROWS, null);
    }

    public static Side cols(int arg) {
      return new Side(arg, Dim.Role.COLS, null);
    }

    public static Side value(int arg) {
      return new Side(arg, Dim.Role.VALUE, null);
    }

    public static Side constant(String value) {
      return new Side(-1, Dim.Role.CONSTANT, value);
    }

    /** The size (axis 0: rows or length, 1: columns) of what the call returns. */
    public static Side returned(int axis) {
      return new Side(axis, Dim.Role.RETURNED, null);
    }

    Dim of(Graph g, List<Node> args, Callee c, Origin origin) {
      return switch (role) {
        case CONSTANT -> g.dims().sized(constant, Dim.Role.CONSTANT);
        case RETURNED -> g.dims().returned(callText(args, c) + (c.result() == Kind.VECTOR
            ? ".length" : arg == 0 ? ".rows()" : ".cols()"));
        case VALUE -> Elements.sizeDimension(g, args.get(arg), "the result of " + c.shown(), origin);
        case COLS -> args.get(arg).shape().cols();
        default -> args.get(arg).shape().rows();
      };
    }

    String shown(Callee c) {
      if (role == Dim.Role.CONSTANT) {
        return constant;
      }
      if (role == Dim.Role.RETURNED) {
        return "what it returns";
      }
      String p = c.paramNames().get(arg);
      return switch (role) {
        case VALUE -> p;
        case COLS -> p + ".cols()";
        default -> c.paramKinds().get(arg) == Kind.VECTOR ? p + ".length" : p + ".rows()";
      };
    }
  }

  /**
   * The shape of an array result in terms of the call's arguments: each side is a side of an
   * argument, or 1 (null). Read from the callee's body where matgrad can read it (its result's
   * size made from its parameters' sizes), else the shape of its first parameter of the result's
   * kind; checked when the method returns.
   */
  public record ResultShape(Side rows, Side cols) {
    Shape of(Graph g, List<Node> args, Callee c, Origin origin) {
      Dim r = rows == null ? g.dims().one() : rows.of(g, args, c, origin);
      return c.result() == Kind.VECTOR ? Shape.vector(r, g.dims())
          : Shape.matrix(r, cols == null ? g.dims().one() : cols.of(g, args, c, origin));
    }

    /** As a user reads it: length x.length, A.rows()×B.cols(). */
    String shown(Callee c) {
      String r = rows == null ? "1" : rows.shown(c);
      return c.result() == Kind.VECTOR ? "length " + r
          : r + "×" + (cols == null ? "1" : cols.shown(c));
    }

    /** The shape of the callee's first parameter of the result's kind. */
    public static ResultShape ofParameter(int k, Kind kind) {
      return new ResultShape(Side.rows(k), kind == Kind.VECTOR ? null : Side.cols(k));
    }

    /** The shape of what the call returns, read at the generated method's start. */
    public static ResultShape returned(Kind kind) {
      return new ResultShape(Side.returned(0), kind == Kind.VECTOR ? null : Side.returned(1));
    }

    boolean isReturned() {
      return rows != null && rows.role() == Dim.Role.RETURNED;
    }
  }

  /**
   * Whether a call with these arguments can be made at the generated method's start: each is one
   * of the method's own parameters or a constant (so its result's size can be read there).
   */
  public static boolean callableAtEntry(List<Node> args, List<Node.Param> methodParams) {
    return args.stream().allMatch(a -> a instanceof Node.Const || methodParams.contains(a));
  }

  /** The call as a user writes it with the method's arguments, {@code firstK(x, 3)}. */
  private static String callText(List<Node> args, Callee c) {
    List<String> shown = new ArrayList<>();
    for (Node a : args) {
      shown.add(a instanceof Node.Param p ? p.name()
          : a instanceof Node.Const k ? Notation.number(k.value()) : "…");
    }
    return c.method() + "(" + String.join(", ", shown) + ")";
  }

  /** The op {@code callee(args...)}, its array result of the given shape (null for a double). */
  public static Op callOp(Callee c, ResultShape resultShape) {
    Op rule = ruleOp(c);
    int[] notWrt = IntStream.range(0, c.paramKinds().size())
        .filter(i -> !c.wrt().contains(i)).toArray();
    return Op.builder("CALL " + c.shown(), Op.Category.OTHER)
        .shape((g, args, flags, origin) -> c.result() == Kind.SCALAR ? Shape.scalar(g.dims())
            : resultShape.of(g, args, c, origin))
        .vjp((g, n, grad) -> {
          List<Node> parts = new ArrayList<>(Collections.nCopies(n.args().size(), null));
          List<Node> ruleArgs = new ArrayList<>(n.args());
          ruleArgs.add(grad);
          for (int k = 0; k < c.wrt().size(); k++) {
            parts.set(c.wrt().get(k), g.apply(rule, n.origin(), k, ruleArgs));
          }
          return parts;
        })
        .lower((e, n) -> lowerCall(e, n, c, resultShape))
        .atEntry(resultShape != null && resultShape.isReturned() ? (e, n) -> callAtEntry(e, n, c) : null)
        .notation((a, n) -> c.method() + "(" + String.join(", ", a) + ")")
        .constantArgs(notWrt)
        .callsUserMethod(c.userCall())
        .runsOnce()
        .build();
  }

  /**
   * The op giving the gradient for the callee's k-th wrt parameter (k in the flags) from its
   * rule: arguments the call's, then the adjoint of the call's result. The rule computes every
   * gradient at once; the nodes for its other wrt parameters reuse that call where it is in scope.
   */
  private static Op ruleOp(Callee c) {
    return Op.builder("RULE " + c.shown(), Op.Category.OTHER)
        .shape((g, args, flags, origin) -> args.get(c.wrt().get(flags)).shape())
        .lower((e, n) -> lowerRule(e, n, c))
        .notation((a, n) -> "(∂" + c.method() + "/∂" + c.paramNames().get(c.wrt().get(n.flags()))
            + ")ᵀ " + a[a.length - 1] + " by the @CustomVjp rule " + c.rule() + "("
            + String.join(", ", List.of(a).subList(0, a.length - 1)) + ", …)")
        .callsUserMethod(c.userCall())
        .build();
  }

  /** Whether {@code g} has a call of a user's method (then no forward mode is generated). */
  public static boolean in(Graph g) {
    return g.nodes().stream().anyMatch(n -> n instanceof Node.Apply a && a.op().userCall() != null);
  }

  /** The callees' names, as messages show them, in the order they are first called. */
  public static List<String> callees(Graph g) {
    return g.nodes().stream().filter(n -> n instanceof Node.Apply a && a.op().userCall() != null)
        .map(n -> ((Node.Apply) n).op().userCall().shown()).distinct().toList();
  }

  /**
   * Calls the method at the generated method's start (its arguments are the method's own) and
   * declares the sizes of what it returned; the call's place then copies that result. Every copy
   * of the call (a loop body's, recomputed in reverse) shares the one made here.
   */
  private static void callAtEntry(Emitter e, Node.Apply n, Callee c) {
    Dim rows = n.shape().rows();
    String key = "returned " + rows.param();
    if (e.recall(key) != null) {
      return;
    }
    String call = callExpression(e, n, c);
    String returned = e.local("returned_" + c.method());
    String text = callText(n.args(), c);
    boolean vector = c.result() == Kind.VECTOR;
    e.add((vector ? "double[] " : "dev.matgrad.Matrix ") + returned + " = " + call);
    e.open("if (" + returned + " == null)");
    e.add("throw new IllegalArgumentException(\"" + e.methodName() + ": " + text
        + " returned null\")");
    e.close();
    if (vector) {
      e.declareSize(rows, returned + ".length", c.method() + "_length");
    } else {
      e.declareSize(rows, returned + ".rows()", c.method() + "_rows");
      e.declareSize(n.shape().cols(), returned + ".cols()", c.method() + "_cols");
    }
    e.remember(key, List.of(vector ? returned : returned + ".data()"));
  }

  private static void lowerCall(Emitter e, Node.Apply n, Callee c, ResultShape resultShape) {
    List<String> atEntry = resultShape != null && resultShape.isReturned()
        ? e.recall("returned " + n.shape().rows().param()) : null;
    String returned = atEntry != null ? atEntry.get(0) : returnedChecked(e, n, c, resultShape);
    if (returned == null) {
      return;
    }
    String j = e.fresh("j");
    e.open(Emitter.loop(j, e.size(n)));
    e.add(e.ref(n) + "[" + j + "] = " + returned + "[" + j + "]");
    e.close();
  }

  /** {@code Owner.method(args)}, the call of the user's method. */
  private static String callExpression(Emitter e, Node.Apply n, Callee c) {
    return c.owner() + "." + c.method() + "(" + String.join(", ", arguments(e, n, c)) + ")";
  }

  /**
   * Calls the method where the call is and checks the shape of what it returned; returns the
   * array to copy the result from (null for a double result, declared here).
   */
  private static String returnedChecked(Emitter e, Node.Apply n, Callee c,
      ResultShape resultShape) {
    String call = callExpression(e, n, c);
    if (c.result() == Kind.SCALAR) {
      e.add(e.declare(n) + " = " + call);
      return null;
    }
    String expected = resultShape.shown(c);
    String returned = e.local("returned_" + c.method());
    String size = e.size(n);
    if (c.result() == Kind.VECTOR) {
      e.add("double[] " + returned + " = " + call);
      e.open("if (" + returned + " == null || " + returned + ".length != " + size + ")");
      e.add("throw new IllegalArgumentException(\"" + e.methodName() + ": " + c.shown()
          + " returned \" + (" + returned + " == null ? \"null\" : \"an array of length \" + "
          + returned + ".length) + \" but its result must have " + expected + " = \" + "
          + size + ")");
      e.close();
    } else {
      e.add("dev.matgrad.Matrix " + returned + " = " + call);
      e.open("if (" + returned + " == null || " + returned + ".rows() != " + e.rows(n) + " || "
          + returned + ".cols() != " + e.cols(n) + ")");
      e.add("throw new IllegalArgumentException(\"" + e.methodName() + ": " + c.shown()
          + " returned \" + (" + returned + " == null ? \"null\" : \"a \" + " + returned
          + ".rows() + \"×\" + " + returned + ".cols() + \" Matrix\") + \" but its result must"
          + " be " + expected + " = \" + " + e.rows(n) + " + \"×\" + " + e.cols(n) + ")");
      e.close();
      returned = returned + ".data()";
    }
    return returned;
  }

  private static void lowerRule(Emitter e, Node.Apply n, Callee c) {
    Node grad = n.arg(n.args().size() - 1);
    StringBuilder key = new StringBuilder("rule " + c.shown());
    n.args().forEach(a -> key.append(' ').append(a.id()));
    List<String> gradients = e.recall(grad, key.toString());
    if (gradients == null) {
      List<String> args = arguments(e, n, c);
      args.add(c.result() == Kind.SCALAR ? e.ref(grad) : exactCopy(e, grad, "gradOut_" + c.method()));
      List<String> buffers = new ArrayList<>();
      for (int w : c.wrt()) {
        Node arg = n.arg(w);
        String size = arg.shape().isScalar() ? "1" : e.size(arg);
        String buffer = exact(e, size, "grad_" + c.method() + "_" + c.paramNames().get(w));
        // The rule overwrites it; zeros first, so a rule that leaves an entry alone gives 0 there.
        e.add("java.util.Arrays.fill(" + buffer + ", 0.0)");
        buffers.add(buffer);
      }
      args.addAll(buffers);
      e.add(c.owner() + "." + c.rule() + "(" + String.join(", ", args) + ")");
      e.remember(grad, key.toString(), buffers);
      gradients = buffers;
    }
    String mine = gradients.get(n.flags());
    if (n.shape().isScalar()) {
      e.add(e.declare(n) + " = " + mine + "[0]");
      return;
    }
    String j = e.fresh("j");
    e.open(Emitter.loop(j, e.size(n)));
    e.add(e.ref(n) + "[" + j + "] = " + mine + "[" + j + "]");
    e.close();
  }

  /** The Java arguments of the callee's parameters, from the node's first arguments. */
  private static List<String> arguments(Emitter e, Node.Apply n, Callee c) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < c.paramKinds().size(); i++) {
      Node a = n.arg(i);
      String own = e.parameterObject(a);
      String hint = c.method() + "_" + c.paramNames().get(i);
      out.add(switch (c.paramKinds().get(i)) {
        case INT, SCALAR -> own != null ? own : e.ref(a);
        case VECTOR -> own != null ? own : exactCopy(e, a, hint);
        case MATRIX -> own != null ? own : "new dev.matgrad.Matrix(" + e.rows(a) + ", " + e.cols(a)
            + ", " + exactCopy(e, a, hint) + ")";
      });
    }
    return out;
  }

  /** An array of exactly {@code size} doubles from the workspace (see the class comment). */
  private static String exact(Emitter e, String size, String hint) {
    String v = e.local(hint);
    e.add("double[] " + v + " = " + e.scratch(size));
    e.open("if (" + v + ".length != " + size + ")");
    e.add(v + " = new double[" + size + "]");
    e.close();
    return v;
  }

  /** n's entries in an array of exactly its size. */
  private static String exactCopy(Emitter e, Node n, String hint) {
    String size = e.size(n);
    String v = exact(e, size, hint);
    String j = e.fresh("j");
    e.open(Emitter.loop(j, size));
    e.add(v + "[" + j + "] = " + e.at(n, j));
    e.close();
    return v;
  }
}
