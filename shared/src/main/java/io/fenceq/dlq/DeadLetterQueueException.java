package io.fenceq.dlq;

import io.fenceq.FenceqException;

/** A dead-letter operation could not read, send to or delete from a queue; the message names it. */
public final class DeadLetterQueueException extends FenceqException {
  public DeadLetterQueueException(String message, Throwable cause) {
    super(message, cause);
  }
}
