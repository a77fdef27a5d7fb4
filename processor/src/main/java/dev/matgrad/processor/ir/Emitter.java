package dev.matgrad.processor.ir;

/**
 * What an op's lowering writes Java through. Arrays are flat {@code double[]} (row-major for
 * matrices); the emitter knows every node's variable and its run-time dimensions.
 */
public interface Emitter {
  /** The variable holding n's value (an array, a double or int local, or a literal). */
  String ref(Node n);

  /** n's element at a flat index; a scalar (or a broadcast scalar) is read as itself. */
  String at(Node n, String index);

  /**
   * n's element at a flat index, as a name or array access that may be read several times: a
   * value fused into the current loop is computed into a local first.
   */
  String element(Node n, String index);

  /** The number of rows of n as an int expression ("1" for vectors' columns and scalars). */
  String rows(Node n);

  String cols(Node n);

  /** rows·cols as an int expression. */
  String size(Node n);

  /**
   * A name based on {@code hint}, unique within the lowering of the current node: for loop
   * indices and for locals declared inside a loop body.
   */
  String fresh(String hint);

  /** A name based on {@code hint} for a helper declared at method level, unique in the method. */
  String local(String hint);

  /** "double t3" or "int t3": the declaration of scalar node n's local, to assign once. */
  String declare(Node n);

  /** Adds one statement (without the semicolon). */
  void add(String statement);

  /** Opens a block, e.g. {@code for (int i = 0; i < n; i++)}. */
  void open(String header);

  void close();

  /**
   * A reference to a static member of java.lang's {@code Math} ({@code "exp"} gives
   * {@code Math.exp}), qualified where the user's package shadows {@code Math}.
   */
  String math(String member);

  /**
   * A call target for a scalar function the generated class defines once as a private helper
   * ({@code "erf"}, {@code "normalCdf"}): the lowering writes {@code helper("erf") + "(" + x + ")"}.
   */
  String helper(String name);

  /** A reference to a static member of java.lang's {@code Double}, e.g. {@code POSITIVE_INFINITY}. */
  String doubles(String member);

  /**
   * A scratch {@code double[]} expression of at least {@code size} doubles for a lowering's own
   * working storage (a factorisation's copy of its matrix), from the same workspace as node
   * arrays; its contents are stale, so the lowering writes each entry before reading it.
   */
  String scratch(String size);

  /**
   * The names a lowering remembered under (n, what), e.g. the arrays of n's LU factorisation, if
   * the block they were declared in is still open here; null otherwise. Lets a later lowering
   * reuse work instead of repeating it (a solve's adjoint reuses the solve's factors).
   */
  java.util.List<String> recall(Node n, String what);

  /** Remembers names under (n, what) until the current block closes (see {@link #recall}). */
  void remember(Node n, String what, java.util.List<String> names);

  /** As {@link #recall} for a key of the lowering's own (the same for several nodes). */
  java.util.List<String> recall(String key);

  /** As {@link #remember} for a key of the lowering's own. */
  void remember(String key, java.util.List<String> names);

  /**
   * Declares the int local {@code int hint = expression;} holding dimension d, which a lowering
   * run at the method's start (Op#atEntry) reads from a call's result; the shape checks and every
   * size expression of d use it.
   */
  void declareSize(Dim d, String expression, String hint);

  /**
   * Declares and assigns a TAPE_READ node: the value its forward loop recorded, at the start of
   * the iteration the reverse loop is in.
   */
  void readTape(Node.Apply n);

  /** Declares and assigns a REPLAY node: the next value its call recorded. */
  void replay(Node.Apply n);

  /**
   * Whether a node whose op writes into its first argument (Op#writesInto) has that argument's
   * storage as its own: nothing reads the argument afterwards, so no copy is needed.
   */
  boolean writesInPlace(Node.Apply n);

  /**
   * The argument the caller of the generated method passed for n (its {@code double[]} or
   * {@code Matrix} object itself) if n is one of the method's parameters, else null: a call of a
   * user's method passes it on as it is.
   */
  String parameterObject(Node n);

  /** The user's method being generated, for run-time error messages ("nll: A is singular"). */
  String methodName();

  /** {@code for (int i = 0; i < bound; i++)}. */
  static String loop(String i, String bound) {
    return "for (int " + i + " = 0; " + i + " < " + bound + "; " + i + "++)";
  }

  /**
   * Emits C = op(A)·op(B) (m×n, depth k; arrays {@code a}, {@code b}, {@code c}, row-major): a call
   * of the runtime's product kernel when the product is large enough to gain from it, and the
   * inline {@code loops} otherwise (a run-time test when the sizes are not constants).
   */
  void matmul(String m, String n, String k, String a, boolean transposeA, String b,
      boolean transposeB, String c, Runnable loops);

  /**
   * As {@link #matmul} for a product known to be symmetric (m×m, e.g. Mᵀ diag(d) M): the kernel
   * computes the upper triangle, in blocks of rows, and the rest is mirrored from it (exactly
   * symmetric, about half the multiply-adds); small products run the inline {@code loops}, and
   * are mirrored the same way.
   */
  void symmetricMatmul(String m, String k, String a, boolean transposeA, String b,
      boolean transposeB, String c, Runnable loops);
}
