package io.fenceq.engine;

import io.fenceq.FenceqException;

/**
 * The consumer lost a lane while a job of it was running: its lease was taken over or could not be
 * renewed, or its messages' visibility could not be extended. The job is not done; nothing more of
 * the lane is deleted by this consumer, and the lane's new holder will run the job again.
 */
public final class LaneLostException extends FenceqException {
  public LaneLostException(String message) {
    super(message);
  }
}
