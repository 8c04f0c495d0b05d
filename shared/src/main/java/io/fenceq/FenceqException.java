package io.fenceq;

/**
 * Base of every exception fenceq throws on purpose. Messages name the queue, lane, key, job and
 * fence involved, so that a log line alone tells what went wrong and where.
 */
public class FenceqException extends RuntimeException {
  public FenceqException(String message) {
    super(message);
  }

  public FenceqException(String message, Throwable cause) {
    super(message, cause);
  }
}
