package io.fenceq.local;

import io.fenceq.FenceqException;

/**
 * The embedded AWS services could not start or stop. The message names the emulator and the port,
 * and says what to do when the cause is known (a port in use, an unwritable temporary directory).
 */
public class LocalAwsException extends FenceqException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public LocalAwsException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public LocalAwsException(String message, Throwable cause) {
    super(message, cause);
  }
}
