package dev.matgrad.processor.ast;

/**
 * Where a piece of the method body came from. Diagnostics are reported on it, and its source text
 * names the expression in generated error messages.
 */
public interface Origin {
  /** The source text of the expression or statement, as written. */
  String source();

  /** Where a diagnostic about this origin is reported (itself, unless it was inlined). */
  default Origin reportAt() {
    return this;
  }
}
