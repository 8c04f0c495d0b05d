package io.fenceq.queue;

import io.fenceq.FenceqException;

/**
 * A message body that is not a job this version can run. Retrying cannot fix it, so consumers send
 * it to the dead-letter queue with this message as the reason.
 */
public final class MalformedJobException extends FenceqException {
  public MalformedJobException(String message) {
    super("malformed job: " + message);
  }
}
