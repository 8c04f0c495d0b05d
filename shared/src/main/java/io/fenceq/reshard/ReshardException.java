package io.fenceq.reshard;

import io.fenceq.FenceqException;

/** A reshard could not start or go on; the message names the queue's table, epoch and lanes. */
public class ReshardException extends FenceqException {
  public ReshardException(String message) {
    super(message);
  }

  public ReshardException(String message, Throwable cause) {
    super(message, cause);
  }
}
