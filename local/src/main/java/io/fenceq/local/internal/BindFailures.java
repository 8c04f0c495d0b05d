package io.fenceq.local.internal;

import java.net.BindException;

/** Recognises "address already in use" however deeply an emulator wraps it. */
final class BindFailures {
  private BindFailures() {}

  static boolean isBindFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
      String message = t.getMessage();
      if (message != null
          && (message.contains("Address already in use") || message.contains("Bind failed"))) {
        return true;
      }
    }
    return false;
  }
}
