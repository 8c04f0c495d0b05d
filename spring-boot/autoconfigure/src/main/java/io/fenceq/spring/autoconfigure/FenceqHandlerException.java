package io.fenceq.spring.autoconfigure;

/**
 * The application's handlers cannot run: a job type with two handlers, a handler method with
 * parameters fenceq cannot supply, a {@code JobHandler} bean without a job type, or a worker with
 * no handler at all. Fails start-up with a message naming the beans and methods concerned.
 */
public class FenceqHandlerException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public FenceqHandlerException(String message) {
    super(message);
  }

  public FenceqHandlerException(String message, Throwable cause) {
    super(message, cause);
  }
}
