package io.fenceq.engine;

import io.fenceq.FenceqException;

/**
 * A job's handler ran past its time limit ({@link EngineConfig#jobTimeLimit()} or its type's own)
 * and was interrupted. The engine fails the job with it like any failure: it goes back with its
 * backoff, or to the dead-letter queue on its last delivery.
 */
public final class JobTimedOutException extends FenceqException {
  public JobTimedOutException(String message) {
    super(message);
  }
}
