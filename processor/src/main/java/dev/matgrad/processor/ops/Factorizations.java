package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Emitter;
import dev.matgrad.processor.ir.Graph;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.ir.Node;
import dev.matgrad.processor.ir.Notation;
import dev.matgrad.processor.ir.Op;
import dev.matgrad.processor.ir.Shape;
import java.util.List;

/**
 * Solves, inverses, determinants and the Cholesky factor. The lowerings factor inline, with the
 * runtime's steps in the runtime's order (dev.matgrad.Ops: LU with partial pivoting, the first
 * largest pivot, whole-row swaps, sums with k ascending, the same singular-pivot bound), so a
 * generated value equals the Ops value bit for bit. The derivative rules solve rather than invert,
 * and are built from ops that have rules of their own, so they can be differentiated again.
 */
public final class Factorizations {
  private Factorizations() {}

  /** Bit of a triangular solve's {@code flags}: solve with Lᵀ instead of L. */
  public static final int TRANSPOSED = 1;
  /**
   * Bit of SOLVE's {@code flags}: no singularity test. Derivative rules set it: they solve with a
   * matrix whose own solve already passed the test in the forward pass (which runs before any
   * output is written), or one of det or logDet, which never throw.
   */
  public static final int UNCHECKED = 2;
  /** Bit of LOWER's {@code flags}: halve the diagonal (Φ of the Cholesky derivative). */
  public static final int HALF_DIAGONAL = 1;

  /** Ops' SINGULAR_PIVOT: a pivot at most n · 2⁻⁴⁰ · max|A_ij| means A is singular. */
  private static final String SINGULAR_PIVOT = "0x1.0p-40";

  /** X = A⁻¹ B for a vector or matrix B. */
  public static final Op SOLVE = Op.builder("SOLVE", Op.Category.OTHER)
      .signatures("solve(Matrix,double[])", "solve(Matrix,Matrix)")
      .shape(Factorizations::solveShape)
      .lower((e, n) -> lowerSolve(e, n, false, (n.flags() & UNCHECKED) == 0))
      .notation((a, n) -> Notation.paren(a[0]) + "⁻¹ " + Notation.paren(a[1]))
      // B̄ = A⁻ᵀ X̄, Ā = −B̄ Xᵀ; Ẋ = A⁻¹ (Ḃ − Ȧ X).
      .vjp((g, n, grad) -> {
        Node db = g.apply(Factorizations.SOLVE_TRANSPOSED, null, n.arg(0), grad);
        return List.of(g.apply(Arithmetic.NEG, null, timesTransposed(g, db, n)), db);
      })
      .jvp((g, n, t) -> uncheckedSolve(g, n.arg(0), rhsTangent(g, n, t, 0)))
      .mayThrow()
      .standIn(0, Rules::identityLike)
      .build();

  /**
   * X = A⁻ᵀ B, from the LU factorisation of A itself (not of Aᵀ): the adjoint of a solve uses
   * exactly the pivots of the solve it differentiates. Only derivative rules create it, so it
   * never tests for singularity (see {@link #UNCHECKED}).
   */
  public static final Op SOLVE_TRANSPOSED = Op.builder("SOLVE_TRANSPOSED", Op.Category.OTHER)
      .shape(Factorizations::solveShape)
      .lower((e, n) -> lowerSolve(e, n, true, false))
      .notation((a, n) -> Notation.paren(a[0]) + "⁻ᵀ " + Notation.paren(a[1]))
      // With C = Aᵀ: B̄ = C⁻ᵀ X̄ = A⁻¹ X̄ and Ā = C̄ᵀ = −X B̄ᵀ; Ẋ = A⁻ᵀ (Ḃ − Ȧᵀ X).
      .vjp((g, n, grad) -> {
        Node db = uncheckedSolve(g, n.arg(0), grad);
        return List.of(g.apply(Arithmetic.NEG, null, timesTransposed(g, n, db)), db);
      })
      .jvp((g, n, t) -> g.apply(Factorizations.SOLVE_TRANSPOSED, null, n.arg(0),
          rhsTangent(g, n, t, LinearAlgebra.TRANSPOSE_LEFT)))
      .mayThrow()
      .build();

  /** A⁻¹, as Ops computes it: the solve of A X = I. */
  public static final Op INVERSE = Op.builder("INVERSE", Op.Category.OTHER)
      .signatures("inverse(Matrix)")
      .shape((g, args, flags, origin) -> {
        Shape a = args.get(0).shape();
        g.dims().unify(a.rows(), a.cols(), origin == null ? "inverse" : origin.source());
        return a;
      })
      .lower((e, n) -> lowerSolve(e, n, false, true))
      .notation((a, n) -> Notation.paren(a[0]) + "⁻¹")
      // Ā = −Yᵀ Ȳ Yᵀ; Ẏ = −Y Ȧ Y.
      .vjp((g, n, grad) -> List.of(g.apply(Arithmetic.NEG, null, product(g,
          product(g, n, grad, LinearAlgebra.TRANSPOSE_LEFT), n, LinearAlgebra.TRANSPOSE_RIGHT))))
      .jvp((g, n, t) -> g.apply(Arithmetic.NEG, null,
          product(g, product(g, n, t.get(0), 0), n, 0)))
      .mayThrow()
      .standIn(0, Rules::identityLike)
      .build();

  /** det A = (−1)ˢ Π U_kk; it never throws (a singular matrix gives 0 or rounding noise). */
  public static final Op DET = Op.builder("DET", Op.Category.OTHER)
      .signatures("det(Matrix)")
      .shape(Factorizations::squareToScalar)
      .lower((e, n) -> {
        Lu lu = factor(e, n, false);
        String k = e.fresh("k");
        String swaps = e.local("swaps");
        e.add("int " + swaps + " = 0");
        e.open(Emitter.loop(k, lu.n()));
        e.add(swaps + " += " + lu.pivots() + "[" + k + "] != " + k + " ? 1 : 0");
        e.close();
        e.add(e.declare(n) + " = " + swaps + " % 2 == 1 ? -1.0 : 1.0");
        e.open(Emitter.loop(k, lu.n()));
        e.add(e.ref(n) + " *= " + lu.f() + "[" + k + " * " + lu.n() + " + " + k + "]");
        e.close();
      })
      .notation((a, n) -> "det(" + a[0] + ")")
      // Ā = ḡ det(A) A⁻ᵀ, solved from (ḡ det A) I; ḋ = det(A) tr(A⁻¹ Ȧ). Like det itself they
      // never throw: at an exactly singular A they are not finite.
      .vjp((g, n, grad) -> List.of(inverseTransposedTimes(g, n.arg(0),
          g.apply(Arithmetic.MUL, null, grad, n))))
      .jvp((g, n, t) -> g.apply(Arithmetic.MUL, null, n, traceOfSolve(g, n.arg(0), t.get(0))))
      .mayThrow()
      .standIn(0, Rules::identityLike)
      .build();

  /** ln |det A| = Σ ln |U_kk|; it never throws (an exactly zero pivot gives −∞). */
  public static final Op LOG_DET = Op.builder("LOG_DET", Op.Category.OTHER)
      .signatures("logDet(Matrix)")
      .shape(Factorizations::squareToScalar)
      .lower((e, n) -> {
        Lu lu = factor(e, n, false);
        String k = e.fresh("k");
        e.add(e.declare(n) + " = 0.0");
        e.open(Emitter.loop(k, lu.n()));
        e.add(e.ref(n) + " += " + e.math("log") + "(" + e.math("abs") + "(" + lu.f() + "["
            + k + " * " + lu.n() + " + " + k + "]))");
        e.close();
      })
      .notation((a, n) -> "log |det(" + a[0] + ")|")
      // Ā = ḡ A⁻ᵀ; the tangent is tr(A⁻¹ Ȧ).
      .vjp((g, n, grad) -> List.of(inverseTransposedTimes(g, n.arg(0), grad)))
      .jvp((g, n, t) -> traceOfSolve(g, n.arg(0), t.get(0)))
      .mayThrow()
      .standIn(0, Rules::identityLike)
      .build();

  /**
   * The Cholesky factor L of the symmetric matrix whose lower triangle is A's (dpotrf('L')).
   * With S = tril(A) + tril(A, −1)ᵀ, the matrix actually factored, and Φ the lower triangle with
   * the diagonal halved: L̇ = L Φ(L⁻¹ Ṡ L⁻ᵀ) with Ṡ = Φ(Ȧ) + Φ(Ȧ)ᵀ, and (Murray 2016, by the
   * adjoint of each step) S̄ = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, folded onto the entries read: Ā = Φ(S̄ + S̄ᵀ),
   * zero above the diagonal.
   */
  public static final Op CHOLESKY = Op.builder("CHOLESKY", Op.Category.OTHER)
      .signatures("cholesky(Matrix)")
      .shape((g, args, flags, origin) -> {
        Shape a = args.get(0).shape();
        g.dims().unify(a.rows(), a.cols(), origin == null ? "cholesky" : origin.source());
        return a;
      })
      .lower(Factorizations::lowerCholesky)
      .notation((a, n) -> "chol(" + a[0] + ")")
      .vjp((g, n, grad) -> {
        Node p = lower(g, product(g, n, grad, LinearAlgebra.TRANSPOSE_LEFT), HALF_DIAGONAL);
        Node q = triangularSolve(g, n, p, TRANSPOSED);                       // L⁻ᵀ P
        Node r = triangularSolve(g, n, g.apply(LinearAlgebra.TRANSPOSE, null, q), TRANSPOSED);
        // r = L⁻ᵀ Qᵀ = S̄ᵀ, so S̄ + S̄ᵀ = r + rᵀ.
        return List.of(lower(g, g.apply(Arithmetic.ADD, null, r,
            g.apply(LinearAlgebra.TRANSPOSE, null, r)), HALF_DIAGONAL));
      })
      .jvp((g, n, t) -> {
        Node h = lower(g, t.get(0), HALF_DIAGONAL);
        Node s = g.apply(Arithmetic.ADD, null, h, g.apply(LinearAlgebra.TRANSPOSE, null, h));
        // L⁻¹ Ṡ L⁻ᵀ = L⁻¹ (L⁻¹ Ṡ)ᵀ, Ṡ being symmetric.
        Node m = triangularSolve(g, n, g.apply(LinearAlgebra.TRANSPOSE, null,
            triangularSolve(g, n, s, 0)), 0);
        return product(g, n, lower(g, m, HALF_DIAGONAL), 0);
      })
      .mayThrow()
      .standIn(0, Rules::identityLike)
      .build();

  /**
   * X = tril(L)⁻¹ B, or tril(L)⁻ᵀ B with {@link #TRANSPOSED}: substitution reading only L's lower
   * triangle (the Cholesky factor's derivative rules). L̄ is therefore lower-triangular too.
   */
  public static final Op TRIANGULAR_SOLVE = Op.builder("TRIANGULAR_SOLVE", Op.Category.OTHER)
      .shape(Factorizations::solveShape)
      .lower(Factorizations::lowerTriangularSolve)
      .notation((a, n) -> "tril(" + a[0] + ")" + ((n.flags() & TRANSPOSED) != 0 ? "⁻ᵀ " : "⁻¹ ")
          + Notation.paren(a[1]))
      // As for SOLVE and SOLVE_TRANSPOSED, with L̄ restricted to the entries read.
      .vjp((g, n, grad) -> {
        boolean t = (n.flags() & TRANSPOSED) != 0;
        Node db = g.apply(Factorizations.TRIANGULAR_SOLVE, null, n.flags() ^ TRANSPOSED,
            List.of(n.arg(0), grad));
        Node outer = t ? timesTransposed(g, n, db) : timesTransposed(g, db, n);
        return List.of(lower(g, g.apply(Arithmetic.NEG, null, outer), 0), db);
      })
      .jvp((g, n, t) -> {
        List<Node> tangents = t.get(0) == null ? t : List.of(lower(g, t.get(0), 0), t.get(1));
        Node rhs = rhsTangent(g, n, tangents,
            (n.flags() & TRANSPOSED) != 0 ? LinearAlgebra.TRANSPOSE_LEFT : 0);
        return g.apply(Factorizations.TRIANGULAR_SOLVE, null, n.flags(), List.of(n.arg(0), rhs));
      })
      .mayThrow()
      .build();

  /** tril(X), or Φ(X) (the diagonal halved) with {@link #HALF_DIAGONAL}: a linear mask. */
  public static final Op LOWER = Op.builder("LOWER", Op.Category.OTHER)
      .shape((g, args, flags, origin) -> {
        Shape a = args.get(0).shape();
        g.dims().unify(a.rows(), a.cols(), "a lower triangle");
        return a;
      })
      .lower((e, n) -> Rules.eachEntry(e, n, (i, j, at) -> e.add(e.ref(n) + "[" + at + "] = "
          + j + " < " + i + " ? " + e.ref(n.arg(0)) + "[" + at + "] : " + j + " == " + i + " ? "
          + ((n.flags() & HALF_DIAGONAL) != 0 ? "0.5 * " : "") + e.ref(n.arg(0)) + "[" + at
          + "] : 0.0")))
      .notation((a, n) -> ((n.flags() & HALF_DIAGONAL) != 0 ? "Φ(" : "tril(") + a[0] + ")")
      // A mask is its own adjoint.
      .vjp((g, n, grad) -> List.of(lower(g, grad, n.flags())))
      .jvp(Rules.linear())
      .linear()
      .build();

  // ---- derivative-rule pieces --------------------------------------------------------------------

  private static Shape solveShape(Graph g, List<Node> args, int flags,
      dev.matgrad.processor.ast.Origin origin) {
    Shape a = args.get(0).shape();
    Shape b = args.get(1).shape();
    String context = origin == null ? "a linear solve" : origin.source();
    g.dims().unify(a.rows(), a.cols(), context);
    g.dims().unify(a.rows(), b.rows(), context);
    return b;
  }

  private static Shape squareToScalar(Graph g, List<Node> args, int flags,
      dev.matgrad.processor.ast.Origin origin) {
    Shape a = args.get(0).shape();
    g.dims().unify(a.rows(), a.cols(), origin == null ? "a determinant" : origin.source());
    return Shape.scalar(g.dims());
  }

  /** op(A)·op(B) with matmul's transpose flags. */
  private static Node product(Graph g, Node a, Node b, int flags) {
    return g.apply(LinearAlgebra.MATMUL, null, flags, List.of(a, b));
  }

  /** u xᵀ for vectors (an outer product), U Xᵀ for matrices. */
  private static Node timesTransposed(Graph g, Node u, Node x) {
    return u.shape().kind() == Kind.VECTOR ? g.apply(LinearAlgebra.OUTER, null, u, x)
        : product(g, u, x, LinearAlgebra.TRANSPOSE_RIGHT);
  }

  /** The tangent of a solve's right-hand side, Ḃ − op(Ȧ) X (either tangent may be null). */
  private static Node rhsTangent(Graph g, Node.Apply n, List<Node> t, int transposeFlag) {
    Node db = t.get(1);
    if (t.get(0) == null) {
      return db;
    }
    Node ax = product(g, t.get(0), n, transposeFlag);
    return db == null ? g.apply(Arithmetic.NEG, null, ax) : g.apply(Arithmetic.SUB, null, db, ax);
  }

  /** s A⁻ᵀ, solved from s I (no inverse formed). */
  private static Node inverseTransposedTimes(Graph g, Node a, Node s) {
    return g.apply(SOLVE_TRANSPOSED, null, a,
        g.applyShaped(LinearAlgebra.SCALED_IDENTITY, List.of(s), a.shape()));
  }

  /** tr(A⁻¹ Ȧ). */
  private static Node traceOfSolve(Graph g, Node a, Node tangent) {
    return g.apply(LinearAlgebra.TRACE, null, uncheckedSolve(g, a, tangent));
  }

  private static Node uncheckedSolve(Graph g, Node a, Node b) {
    return g.apply(SOLVE, null, UNCHECKED, List.of(a, b));
  }

  private static Node triangularSolve(Graph g, Node l, Node b, int flags) {
    return g.apply(TRIANGULAR_SOLVE, null, flags, List.of(l, b));
  }

  private static Node lower(Graph g, Node x, int flags) {
    return g.apply(LOWER, null, flags, List.of(x));
  }

  // ---- lowerings ----------------------------------------------------------------------------------

  /** The names of an inline LU factorisation: factors, order, each step's pivot row (as doubles). */
  private record Lu(String f, String n, String pivots) {}

  /**
   * How run-time messages call the factored matrix: its parameter name, or its expression (a
   * derivative rule's node has no origin of its own, but the matrix it factors does).
   */
  private static String describe(Node.Apply n) {
    Node a = n.arg(0);
    String text = a instanceof Node.Param p ? p.name()
        : a instanceof Node.Apply m && m.origin() != null ? "the matrix " + m.origin().source()
        : n.origin() != null ? "the matrix of " + n.origin().source() : "the matrix";
    // It goes into a Java string literal of the generated code.
    return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
  }

  /**
   * Ops.luFactor inline: P A = L U of arg 0 into a scratch copy, with each step's pivot row
   * recorded (P's swaps, in order), once per matrix in a scope: later calls reuse the factors.
   * With {@code check}, Ops.solveFactored's singularity test follows, before the caller writes
   * anything.
   */
  private static Lu factor(Emitter e, Node.Apply node, boolean check) {
    Node a = node.arg(0);
    String n = e.rows(a);
    String av = e.ref(a);
    List<String> known = e.recall(a, "lu");
    if (known != null) {
      // Factored already (a solve's adjoint after the solve, fJacobian's loop after the forward
      // pass): the factors are unchanged, only the test may be new.
      Lu lu = new Lu(known.get(0), n, known.get(1));
      if (check) {
        checkPivots(e, node, lu);
      }
      return lu;
    }
    String f = e.local("lu");
    String piv = e.local("pivotRow");
    String i = e.fresh("i");
    String j = e.fresh("j");
    String k = e.fresh("k");
    e.add("double[] " + f + " = " + e.scratch(n + " * " + n));
    e.add("double[] " + piv + " = " + e.scratch(n));
    e.open(Emitter.loop(i, n + " * " + n));
    e.add(f + "[" + i + "] = " + av + "[" + i + "]");
    e.close();
    e.open(Emitter.loop(k, n));
    String p = e.fresh("p");
    String best = e.fresh("best");
    e.add("int " + p + " = " + k);
    e.add("double " + best + " = " + e.math("abs") + "(" + f + "[" + k + " * " + n + " + " + k + "])");
    e.open("for (int " + i + " = " + k + " + 1; " + i + " < " + n + "; " + i + "++)");
    String v = e.fresh("v");
    e.add("double " + v + " = " + e.math("abs") + "(" + f + "[" + i + " * " + n + " + " + k + "])");
    e.open("if (" + v + " > " + best + ")");
    e.add(best + " = " + v);
    e.add(p + " = " + i);
    e.close();
    e.close();
    e.add(piv + "[" + k + "] = " + p);
    e.open("if (" + p + " != " + k + ")");
    swapRows(e, f, k, p, n);
    e.close();
    String pivot = e.fresh("pivot");
    e.add("double " + pivot + " = " + f + "[" + k + " * " + n + " + " + k + "]");
    // A zero pivot (its column is zero below too) eliminates nothing, as in Ops.
    e.open("if (" + pivot + " != 0.0)");
    e.open("for (int " + i + " = " + k + " + 1; " + i + " < " + n + "; " + i + "++)");
    String l = e.fresh("l");
    e.add("double " + l + " = " + f + "[" + i + " * " + n + " + " + k + "] / " + pivot);
    e.add(f + "[" + i + " * " + n + " + " + k + "] = " + l);
    e.open("for (int " + j + " = " + k + " + 1; " + j + " < " + n + "; " + j + "++)");
    e.add(f + "[" + i + " * " + n + " + " + j + "] -= " + l + " * " + f + "[" + k + " * " + n + " + " + j + "]");
    e.close();
    e.close();
    e.close();
    e.close();
    Lu lu = new Lu(f, n, piv);
    e.remember(a, "lu", List.of(f, piv));
    if (check) {
      checkPivots(e, node, lu);
    }
    return lu;
  }

  /** Ops.solveFactored's singularity test: a pivot at most n · 2⁻⁴⁰ · max|A_ij| throws. */
  private static void checkPivots(Emitter e, Node.Apply node, Lu lu) {
    String n = lu.n();
    String f = lu.f();
    String av = e.ref(node.arg(0));
    String i = e.fresh("i");
    String k = e.fresh("k");
    String largest = e.local("largest");
    String tolerance = e.local("tolerance");
    e.add("double " + largest + " = 0.0");
    e.open(Emitter.loop(i, n + " * " + n));
    e.open("if (" + e.doubles("isFinite") + "(" + av + "[" + i + "]))");
    e.add(largest + " = " + e.math("max") + "(" + largest + ", " + e.math("abs") + "(" + av
        + "[" + i + "]))");
    e.close();
    e.close();
    e.add("double " + tolerance + " = " + n + " * " + SINGULAR_PIVOT + " * " + largest);
    e.open(Emitter.loop(k, n));
    String kk = f + "[" + k + " * " + n + " + " + k + "]";
    e.open("if (" + e.math("abs") + "(" + kk + ") <= " + tolerance + ")");
    e.add("throw new IllegalArgumentException(\"" + e.methodName() + ": " + describe(node)
        + " is singular to working precision: the LU pivot of column \" + " + k + " + \" is \" + "
        + kk + " + \", at most n·2⁻⁴⁰·max|A_ij| = \" + " + tolerance + ")");
    e.close();
    e.close();
  }

  private static void swapRows(Emitter e, String x, String r1, String r2, String cols) {
    String c = e.fresh("c");
    String t = e.fresh("swap");
    e.open(Emitter.loop(c, cols));
    e.add("double " + t + " = " + x + "[" + r1 + " * " + cols + " + " + c + "]");
    e.add(x + "[" + r1 + " * " + cols + " + " + c + "] = " + x + "[" + r2 + " * " + cols + " + " + c + "]");
    e.add(x + "[" + r2 + " * " + cols + " + " + c + "] = " + t);
    e.close();
  }

  /**
   * Ops.solveFactored inline for SOLVE and INVERSE (B = I), or the solve with Aᵀ = Uᵀ Lᵀ P from
   * the same factors: Uᵀ Z = B forward, Lᵀ W = Z backward, then X = Pᵀ W (the swaps undone in
   * reverse order).
   */
  private static void lowerSolve(Emitter e, Node.Apply node, boolean transposed, boolean check) {
    Lu lu = factor(e, node, check);
    String n = lu.n();
    String f = lu.f();
    String x = e.ref(node);
    boolean inverse = node.args().size() == 1;
    String p = e.cols(node);
    String i = e.fresh("i");
    String k = e.fresh("k");
    String c = e.fresh("col");
    String s = e.fresh("s");
    if (inverse) {
      Rules.fill(e, node, "0.0");
      e.open(Emitter.loop(i, n));
      e.add(x + "[" + i + " * " + n + " + " + i + "] = 1.0");
      e.close();
    } else {
      e.open(Emitter.loop(i, e.size(node)));
      e.add(x + "[" + i + "] = " + e.at(node.arg(1), i));
      e.close();
    }
    if (!transposed) {
      // The rows of B in the factors' order: P B, as Ops reads b[perm[i]].
      applySwaps(e, lu, x, p, false);
    }
    String xi = x + "[" + i + " * " + p + " + " + c + "]";
    String xk = x + "[" + k + " * " + p + " + " + c + "]";
    String fik = f + "[" + i + " * " + n + " + " + k + "]";
    String fki = f + "[" + k + " * " + n + " + " + i + "]";
    String fii = f + "[" + i + " * " + n + " + " + i + "]";
    e.open(Emitter.loop(c, p));
    // Forward: L y = P b (unit diagonal), or Uᵀ z = b.
    e.open(Emitter.loop(i, n));
    e.add("double " + s + " = " + xi);
    e.open(Emitter.loop(k, i));
    e.add(s + " -= " + (transposed ? fki : fik) + " * " + xk);
    e.close();
    e.add(xi + " = " + s + (transposed ? " / " + fii : ""));
    e.close();
    // Backward: U x = y, or Lᵀ w = z (unit diagonal).
    e.open("for (int " + i + " = " + n + " - 1; " + i + " >= 0; " + i + "--)");
    e.add("double " + s + " = " + xi);
    e.open("for (int " + k + " = " + i + " + 1; " + k + " < " + n + "; " + k + "++)");
    e.add(s + " -= " + (transposed ? fki : fik) + " * " + xk);
    e.close();
    e.add(xi + " = " + s + (transposed ? "" : " / " + fii));
    e.close();
    e.close();
    if (transposed) {
      applySwaps(e, lu, x, p, true);
    }
  }

  /** Swaps the rows of x (n × cols) as the factorisation did, in order or undone in reverse. */
  private static void applySwaps(Emitter e, Lu lu, String x, String cols, boolean reverse) {
    String k = e.fresh("step");
    String r = e.fresh("r");
    e.open(reverse ? "for (int " + k + " = " + lu.n() + " - 1; " + k + " >= 0; " + k + "--)"
        : Emitter.loop(k, lu.n()));
    e.add("int " + r + " = (int) " + lu.pivots() + "[" + k + "]");
    e.open("if (" + r + " != " + k + ")");
    swapRows(e, x, k, r, cols);
    e.close();
    e.close();
  }

  /** Ops.cholesky inline: column by column, reading only the lower triangle of A. */
  private static void lowerCholesky(Emitter e, Node.Apply node) {
    String n = e.rows(node);
    String a = e.ref(node.arg(0));
    String l = e.ref(node);
    String i = e.fresh("i");
    String j = e.fresh("j");
    String k = e.fresh("k");
    String d = e.fresh("d");
    String s = e.fresh("s");
    String ljj = e.fresh("l_jj");
    String what = describe(node);
    Rules.fill(e, node, "0.0");
    e.open(Emitter.loop(j, n));
    e.add("double " + d + " = " + a + "[" + j + " * " + n + " + " + j + "]");
    e.open(Emitter.loop(k, j));
    e.add(d + " -= " + l + "[" + j + " * " + n + " + " + k + "] * " + l + "[" + j + " * " + n + " + " + k + "]");
    e.close();
    e.open("if (!(" + d + " > 0))");
    e.add("throw new IllegalArgumentException(\"" + e.methodName() + ": " + what
        + " is not positive definite: the pivot of column \" + " + j + " + \" (" + what
        + "[\" + " + j + " + \"][\" + " + j + " + \"] minus the squares of row \" + " + j
        + " + \" of L) is \" + " + d + " + \", not positive\")");
    e.close();
    e.add("double " + ljj + " = " + e.math("sqrt") + "(" + d + ")");
    e.add(l + "[" + j + " * " + n + " + " + j + "] = " + ljj);
    e.open("for (int " + i + " = " + j + " + 1; " + i + " < " + n + "; " + i + "++)");
    e.add("double " + s + " = " + a + "[" + i + " * " + n + " + " + j + "]");
    e.open(Emitter.loop(k, j));
    e.add(s + " -= " + l + "[" + i + " * " + n + " + " + k + "] * " + l + "[" + j + " * " + n + " + " + k + "]");
    e.close();
    e.add(l + "[" + i + " * " + n + " + " + j + "] = " + s + " / " + ljj);
    e.close();
    e.close();
  }

  /** Substitution with tril(L) or its transpose, column by column of B. */
  private static void lowerTriangularSolve(Emitter e, Node.Apply node) {
    boolean transposed = (node.flags() & TRANSPOSED) != 0;
    String n = e.rows(node.arg(0));
    String l = e.ref(node.arg(0));
    String x = e.ref(node);
    String p = e.cols(node);
    String i = e.fresh("i");
    String k = e.fresh("k");
    String c = e.fresh("col");
    String s = e.fresh("s");
    e.open(Emitter.loop(i, e.size(node)));
    e.add(x + "[" + i + "] = " + e.at(node.arg(1), i));
    e.close();
    e.open(Emitter.loop(c, p));
    e.open(transposed ? "for (int " + i + " = " + n + " - 1; " + i + " >= 0; " + i + "--)"
        : Emitter.loop(i, n));
    e.add("double " + s + " = " + x + "[" + i + " * " + p + " + " + c + "]");
    e.open(transposed ? "for (int " + k + " = " + i + " + 1; " + k + " < " + n + "; " + k + "++)"
        : Emitter.loop(k, i));
    e.add(s + " -= " + l + "[" + (transposed ? k + " * " + n + " + " + i : i + " * " + n + " + " + k)
        + "] * " + x + "[" + k + " * " + p + " + " + c + "]");
    e.close();
    e.add(x + "[" + i + " * " + p + " + " + c + "] = " + s + " / " + l + "[" + i + " * " + n + " + " + i + "]");
    e.close();
    e.close();
  }
}
