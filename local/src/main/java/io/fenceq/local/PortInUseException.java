package io.fenceq.local;

/**
 * An embedded emulator could not listen because its port is taken, most often by another {@code
 * fenceq local}. Carries the service and the port, so that a caller can name its own setting for
 * that port (a command-line option, a builder method) in what it tells the user.
 */
public final class PortInUseException extends LocalAwsException {
  private static final long serialVersionUID = 1L;

  /** The emulated service whose port is taken. */
  public enum Service {
    SQS("SQS"),
    DYNAMODB("DynamoDB");

    private final String displayName;

    Service(String displayName) {
      this.displayName = displayName;
    }

    /** The service's name as people write it. */
    public String displayName() {
      return displayName;
    }
  }

  private final Service service;
  private final int port;

  /** The port {@code port} of {@code service} is in use; {@code message} says so for the log. */
  public PortInUseException(Service service, int port, String message, Throwable cause) {
    super(message, cause);
    this.service = service;
    this.port = port;
  }

  /** The service whose port is taken. */
  public Service service() {
    return service;
  }

  /** The port that is taken. */
  public int port() {
    return port;
  }
}
