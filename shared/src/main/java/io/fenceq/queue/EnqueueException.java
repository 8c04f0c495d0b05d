package io.fenceq.queue;

import io.fenceq.FenceqException;

/**
 * SQS did not accept a job after the client's retries (throttling, a 5xx, the network). The job was
 * not enqueued; whether to try again later is the caller's decision.
 */
public final class EnqueueException extends FenceqException {
  public EnqueueException(String message, Throwable cause) {
    super(message, cause);
  }
}
