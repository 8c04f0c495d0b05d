package io.fenceq.queue;

import io.fenceq.FenceqException;
import java.util.OptionalInt;

/**
 * A job that fenceq refuses before anything is sent: nothing of it (or of the batch it came in) has
 * reached the queue, so the caller can fix the input and try again without creating duplicates.
 */
public final class InvalidJobException extends FenceqException {
  private final String field;
  private final int index;

  public InvalidJobException(String field, String message) {
    super("invalid job: " + field + ": " + message);
    this.field = field;
    this.index = -1;
  }

  /** The same refusal, naming the job's position in a bulk enqueue. */
  public InvalidJobException atIndex(int index) {
    return new InvalidJobException(field, "job at index " + index + ": " + getMessage(), index);
  }

  private InvalidJobException(String field, String fullMessage, int index) {
    super(fullMessage);
    this.field = field;
    this.index = index;
  }

  /** The job's position in a bulk enqueue, if the refusal came from one. */
  public OptionalInt index() {
    return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
  }

  /**
   * The offending field of the job: {@code key}, {@code type}, {@code payload} or {@code jobId}.
   */
  public String field() {
    return field;
  }
}
