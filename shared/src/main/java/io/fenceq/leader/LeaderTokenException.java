package io.fenceq.leader;

import io.fenceq.FenceqException;

/** An SQS call of the leader token failed; the message names the queue, the leadership and why. */
public final class LeaderTokenException extends FenceqException {
  public LeaderTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
