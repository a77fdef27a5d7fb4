package dev.matgrad.processor;

import dev.matgrad.processor.ast.Origin;

/**
 * Aborts the processing of one method with a catalogued diagnostic. The processor catches it per
 * method, reports it on {@link #origin()}, and goes on with the other methods.
 */
public final class CompileError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Origin origin;
  private final Message messageKind;
  private final transient Object[] args;

  public CompileError(Origin origin, Message message, Object... args) {
    super(message.format(args), null, false, false);
    this.origin = origin;
    this.messageKind = message;
    this.args = args.clone();
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
