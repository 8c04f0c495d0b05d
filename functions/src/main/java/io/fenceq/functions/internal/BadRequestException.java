package io.fenceq.functions.internal;

/**
 * An HTTP request the enqueue API refuses, naming the offending field of the body ({@code key},
 * {@code jobs[3].type}, {@code body} for the body as a whole) and why. Nothing was enqueued.
 */
public final class BadRequestException extends RuntimeException {
  private final String field;

  public BadRequestException(String field, String detail) {
    super(field + " " + detail, null, false, false);
    this.field = field;
  }

  /** The offending field, as a path into the request body. */
  public String field() {
    return field;
  }

  /** The refusal, naming the field. */
  public String detail() {
    return getMessage();
  }
}
