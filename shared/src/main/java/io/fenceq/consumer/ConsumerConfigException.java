package io.fenceq.consumer;

import io.fenceq.FenceqException;

/**
 * A consumer setting is missing or invalid, or the handlers named cannot be loaded. The message is
 * one line naming the setting, the environment variable it comes from, and the value refused.
 */
public final class ConsumerConfigException extends FenceqException {
  public ConsumerConfigException(String message) {
    super(message);
  }

  public ConsumerConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
