package io.fenceq.queue;

import io.fenceq.FenceqException;

/** The configured queue does not exist at the endpoint, or is not a FIFO queue fenceq can use. */
public final class QueueNotFoundException extends FenceqException {
  public QueueNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
