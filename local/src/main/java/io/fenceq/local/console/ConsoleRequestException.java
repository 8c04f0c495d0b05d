package io.fenceq.local.console;

/** A request the console refuses, with the HTTP status and a one-line reason for the caller. */
final class ConsoleRequestException extends RuntimeException {
  private final int status;

  ConsoleRequestException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
