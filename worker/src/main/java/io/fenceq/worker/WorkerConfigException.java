package io.fenceq.worker;

import io.fenceq.FenceqException;

/**
 * A worker setting is missing or invalid. The message is one line naming the setting, the
 * environment variable it comes from, and the value that was refused.
 */
public final class WorkerConfigException extends FenceqException {
  public WorkerConfigException(String message) {
    super(message);
  }

  public WorkerConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
