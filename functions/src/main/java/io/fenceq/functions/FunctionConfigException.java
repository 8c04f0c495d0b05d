package io.fenceq.functions;

import io.fenceq.FenceqException;

/**
 * A function's environment is missing a variable or holds a bad value. The message is one line
 * naming the variable and the value refused; thrown from the constructors, so Lambda reports it as
 * an initialization error before any event is taken.
 */
public final class FunctionConfigException extends FenceqException {
  public FunctionConfigException(String message) {
    super(message);
  }

  public FunctionConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
