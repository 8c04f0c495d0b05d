package io.fenceq.lease;

import io.fenceq.FenceqException;

/**
 * DynamoDB could not be asked or did not answer: a missing table, a table set up to delete lease
 * items, throttling or network errors after the client's retries. Never a refusal: refusals are
 * {@link LeaseRefusal} and {@link LeaseLoss} values. The message names the table, the lease, the
 * owner and the fence involved.
 */
public final class LeaseException extends FenceqException {
  public LeaseException(String message) {
    super(message);
  }

  public LeaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
