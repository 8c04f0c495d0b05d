package io.fenceq.fence;

import io.fenceq.FenceqException;

/**
 * A fenced write could not be decided: the entity is not set up for fencing (a missing row, a NULL
 * fence column), or the request would overwrite the fence or sequence number itself. The message
 * names the table, the entity and the fence and sequence number of the write.
 */
public final class FencedWriteException extends FenceqException {
  public FencedWriteException(String message) {
    super(message);
  }

  public FencedWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
