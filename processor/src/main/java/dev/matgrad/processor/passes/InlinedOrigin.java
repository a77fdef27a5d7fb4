package dev.matgrad.processor.passes;

import dev.matgrad.processor.ast.Origin;

/**
 * The origin of a value computed inside an inlined callee: its source text is the callee's
 * expression (for run-time messages), but diagnostics go to the call in the method being
 * compiled, since that is where the user's change is needed.
 */
record InlinedOrigin(Origin written, Origin callSite) implements Origin {
  @Override
  public String source() {
    return written.source();
  }

  @Override
  public Origin reportAt() {
    return callSite.reportAt();
  }
}
