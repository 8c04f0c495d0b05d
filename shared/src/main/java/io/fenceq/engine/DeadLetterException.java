package io.fenceq.engine;

import io.fenceq.FenceqException;

/**
 * A message could not be sent to the dead-letter queue. It stays on the work queue, so nothing is
 * lost: it fails normally and reaches the dead-letter queue through the redrive policy.
 */
public final class DeadLetterException extends FenceqException {
  public DeadLetterException(String message) {
    super(message);
  }

  public DeadLetterException(String message, Throwable cause) {
    super(message, cause);
  }
}
