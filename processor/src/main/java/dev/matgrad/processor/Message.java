package dev.matgrad.processor;

import javax.tools.Diagnostic;

/**
 * Every diagnostic matgrad reports, in one catalogue. Each message starts with a stable tag
 * ({@code [matgrad:tag]}) so users can search for it and tests can match it; the text says what
 * was found and what is supported.
 */
public enum Message {
  NOT_STATIC(Diagnostic.Kind.ERROR, "not-static",
      "@Differentiable method %s must be static: matgrad differentiates static functions of their parameters"),
  UNSUPPORTED_PARAMETER_TYPE(Diagnostic.Kind.ERROR, "parameter-type",
      "parameter %s has type %s; supported parameter types are double, double[] (a column vector), Matrix and int"),
  UNSUPPORTED_RETURN_TYPE(Diagnostic.Kind.ERROR, "return-type",
      "@Differentiable method %s returns %s; supported return types are double, double[] and Matrix"),
  WRT_NOT_A_PARAMETER(Diagnostic.Kind.ERROR, "wrt-unknown",
      "wrt names \"%s\", which is not a parameter of %s; its parameters are: %s"),
  WRT_NOT_DIFFERENTIABLE(Diagnostic.Kind.ERROR, "wrt-type",
      "wrt names \"%s\" of type %s; only double, double[] and Matrix parameters can be differentiated"),
  WRT_DUPLICATE(Diagnostic.Kind.ERROR, "wrt-duplicate", "wrt names \"%s\" more than once"),
  NOTHING_TO_DIFFERENTIATE(Diagnostic.Kind.ERROR, "no-wrt",
      "%s has no double, double[] or Matrix parameter to differentiate with respect to"),
  CONTROL_FLOW(Diagnostic.Kind.ERROR, "control-flow",
      "%s is not supported yet; a @Differentiable body may hold if/else, the conditional ?:, counted for loops and while loops (nested, carrying locals, with break and continue), element reads and writes, local arrays, and a return ending each path outside loops; do-while loops, labels, switch and for-each loops are not supported yet"),
  LOOP_FORM(Diagnostic.Kind.ERROR, "loop-form",
      "this for loop is not a counted loop matgrad supports: %s; write for (int i = a; i < b; i++), also with <=, >, >=, i--, i += k or i -= k, where a, b and k do not change inside the loop (or a while loop for any other condition)"),
  UNSUPPORTED_STATEMENT(Diagnostic.Kind.ERROR, "statement",
      "this statement (%s) is not supported; a @Differentiable body holds local variable declarations, assignments to locals and a final return"),
  WRITE_TO_ARRAY(Diagnostic.Kind.ERROR, "array-write",
      "writing into %s is not supported: a @Differentiable method must not modify its parameters, nor an array that another local also names; write into a local array of your own (new double[n], Matrix.zeros(r, c)) or compute a new value with Ops"),
  WRITE_TO_PARAMETER(Diagnostic.Kind.ERROR, "parameter-write",
      "assignment to parameter %s is not supported; declare a new local variable instead"),
  UNSUPPORTED_EXPRESSION(Diagnostic.Kind.ERROR, "expression",
      "%s is not supported in a @Differentiable body; supported: parameters, locals, numeric literals, + - * / and unary minus on numbers, Math functions, dev.matgrad.Ops methods and calls of other @Differentiable methods"),
  UNSUPPORTED_LITERAL(Diagnostic.Kind.ERROR, "literal",
      "literal %s is not supported; use int or double literals"),
  UNKNOWN_NAME(Diagnostic.Kind.ERROR, "unknown-name",
      "%s is not a parameter or local variable of this method; fields and other variables are not supported, pass values as parameters"),
  UNKNOWN_CALL(Diagnostic.Kind.ERROR, "unknown-call",
      "call of %s is not supported; supported calls are the dev.matgrad.Ops methods, Math.%s and other @Differentiable methods"),
  UNKNOWN_CALL_NEAR_NAME(Diagnostic.Kind.ERROR, "unknown-call",
      "call of %s is not supported; did you mean %s? (supported calls are the dev.matgrad.Ops methods, Math.%s and other @Differentiable methods)"),
  NOT_DIFFERENTIABLE_CALL(Diagnostic.Kind.ERROR, "call-not-differentiable",
      "%s is not annotated @Differentiable, so matgrad cannot differentiate through it; annotate it or inline its body"),
  CALLEE_UNAVAILABLE(Diagnostic.Kind.ERROR, "callee-unavailable",
      "the body of %s is not part of this compilation; matgrad inlines the @Differentiable methods it calls, so they must be compiled together"),
  CALLEE_INVALID(Diagnostic.Kind.ERROR, "callee-invalid",
      "%s cannot be differentiated (see the error reported on it), so neither can this call"),
  RECURSIVE_CALL(Diagnostic.Kind.ERROR, "recursion",
      "recursive call of %s: matgrad inlines calls, so recursion is not supported"),
  NO_MATCHING_OVERLOAD(Diagnostic.Kind.ERROR, "overload",
      "no overload %s(%s); available: %s"),
  OVERLOAD_ON_ARRAYS(Diagnostic.Kind.ERROR, "overload",
      "no overload %s(%s); available: %s. %s works on numbers only: for arrays write %s"),
  TYPE_MISMATCH(Diagnostic.Kind.ERROR, "type",
      "%s has type %s but its value has type %s"),
  MISSING_RETURN(Diagnostic.Kind.ERROR, "missing-return",
      "a @Differentiable body must end with a return statement"),
  UNREACHABLE_STATEMENT(Diagnostic.Kind.ERROR, "after-return",
      "statement after the return statement"),
  NOT_DIFFERENTIABLE_ARGUMENT(Diagnostic.Kind.ERROR, "argument-not-differentiable",
      "%s is not differentiable with respect to its %s, which depends on %s; make it a constant (a parameter not in wrt)"),
  NO_BODY(Diagnostic.Kind.ERROR, "no-body",
      "%s is %s: it has no body to differentiate"),
  GENERATED_CLASS_CLASH(Diagnostic.Kind.ERROR, "class-clash",
      "matgrad generates %s for both %s and %s; rename one of the classes"),
  SIGNATURE_CLASH(Diagnostic.Kind.ERROR, "signature-clash",
      "the generated method %s would clash with the one generated for another @Differentiable method; rename one of them"),
  TOO_LARGE(Diagnostic.Kind.ERROR, "too-large",
      "the generated %s would need about %d KB of bytecode, over the JVM's 64 KB limit for one method; differentiate smaller pieces: make each part (a layer, say) its own @Differentiable method and chain their generated Grad/Vjp methods in your code (calls between @Differentiable methods are inlined, so they do not split the code)"),
  TOO_DEEP(Diagnostic.Kind.ERROR, "too-deep",
      "the body of %s is nested too deeply for matgrad to differentiate (it ran out of stack); split long or deeply nested expressions into local variables"),
  CUSTOM_VJP_SIGNATURE(Diagnostic.Kind.ERROR, "custom-vjp-signature",
      "the rule %s named by @CustomVjp on %s must be declared as: %s (the method's parameters, the result's adjoint, then one gradient array per wrt parameter, which it overwrites); %s"),
  CUSTOM_VJP_HESSIAN(Diagnostic.Kind.ERROR, "custom-vjp-hessian",
      "hessian = true is not supported on %s: %s a @CustomVjp rule, which gives first derivatives only (matgrad does not read the body it stands for); it gets no fJvp either"),
  CUSTOM_VJP_NOT_WRT(Diagnostic.Kind.ERROR, "custom-vjp-wrt",
      "%s passes to parameter %s of %s a value that depends on %s, but %s is not in the wrt of %s, so its @CustomVjp rule gives no gradient for it; add \"%s\" to its wrt (and a gradient array to the rule) or pass a value that does not depend on the differentiated parameters"),
  CUSTOM_VJP_ACCESS(Diagnostic.Kind.ERROR, "custom-vjp-access",
      "%s cannot be called from the generated class %s: %s; declare it package-private or public (public if it is in another package)"),
  CUSTOM_VJP_RESULT_SHAPE(Diagnostic.Kind.ERROR, "custom-vjp-result",
      "%s returns a %s whose shape matgrad cannot tell before calling it (%s): it reads the shape from the method's body where the body holds only what a @Differentiable body may, or from what the call returns where its arguments are the caller's own parameters or constants (the call is then made first), or else takes that of the method's first %s parameter, and it has none; pass it the caller's parameters, size the result from the parameters' sizes in a readable body, or give the method a %s parameter of the result's shape (the shape is checked when it returns)"),
  SIZE_NOT_A_DIMENSION(Diagnostic.Kind.ERROR, "size",
      "%s takes its size from the size of an array parameter (A.rows(), A.cols() or x.length), an int parameter or an int constant, or a sum or product of those (n * n, x.length + 1), so that every shape can be checked when the generated method starts; the size in %s is another int expression"),
  HESSIAN_NOT_SCALAR(Diagnostic.Kind.ERROR, "hessian-not-scalar",
      "hessian = true needs a method returning double, but %s returns %s (its second derivatives would be a tensor); put hessian = true on a scalar function of its result, a loss"),
  ZERO_GRADIENT(Diagnostic.Kind.WARNING, "zero-gradient",
      "the result of %s does not depend on %s, so its gradient is zero"),
  NO_TREE_API(Diagnostic.Kind.ERROR, "no-tree-api",
      "matgrad reads method bodies with the javac Tree API (com.sun.source), which this compiler's processing environment (%s) does not provide; compile with javac (Maven, Gradle and IntelliJ's javac are supported)"),
  INTERNAL_ERROR(Diagnostic.Kind.ERROR, "internal",
      "matgrad could not process %s because of an internal error (%s); no gradient was generated for it. Please report this with the method's source");

  private final Diagnostic.Kind kind;
  private final String tag;
  private final String format;

  Message(Diagnostic.Kind kind, String tag, String format) {
    this.kind = kind;
    this.tag = tag;
    this.format = format;
  }

  public Diagnostic.Kind kind() {
    return kind;
  }

  /** The stable tag, e.g. {@code matgrad:control-flow}. */
  public String tag() {
    return "matgrad:" + tag;
  }

  /** The full text: {@code [matgrad:tag] } followed by the formatted message. */
  public String format(Object... args) {
    return "[" + tag() + "] " + String.format(format, args);
  }
}
