package dev.matgrad.processor;

import dev.matgrad.processor.ast.Origin;
import java.util.ArrayList;
import java.util.List;

/**
 * Aborts the processing of one method with catalogued diagnostics: one, or every independent
 * error found in the method ({@link #of}). The processor catches it per method, reports each on
 * its {@link #origin()}, and goes on with the other methods.
 */
public final class CompileError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Origin origin;
  private final Message messageKind;
  private final transient Object[] args;
  /** All the errors thrown together, this one first; null when it is only this one. */
  private transient List<CompileError> all;

  public CompileError(Origin origin, Message message, Object... args) {
    super(message.format(args), null, false, false);
    this.origin = origin;
    this.messageKind = message;
    this.args = args.clone();
  }

  /** Several errors of one method thrown together; each keeps its own origin and message. */
  public static CompileError of(List<CompileError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("no errors");
    }
    List<CompileError> flat = new ArrayList<>();
    for (CompileError e : errors) {
      flat.addAll(e.errors());
    }
    if (flat.size() == 1) {
      return flat.get(0);
    }
    CompileError first = flat.get(0);
    CompileError together = new CompileError(first.origin, first.messageKind, first.args);
    together.all = List.copyOf(flat);
    return together;
  }

  /** The errors to report, in the order found: this one alone, or all thrown together. */
  public List<CompileError> errors() {
    return all == null ? List.of(this) : all;
  }

  public Origin origin() {
    return origin;
  }

  public Message messageKind() {
    return messageKind;
  }

  public Object[] args() {
    return args.clone();
  }
}
