package io.fenceq.local.template;

/**
 * A template could not be read, resolved or provisioned.
 *
 * <p>The message always says where: the file and line for YAML errors, the resource, property and
 * function for resolution errors, the queue or table for provisioning errors. It is unchecked
 * because none of these can be recovered from by the caller; the template or its parameters have to
 * change.
 */
public class TemplateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public TemplateException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public TemplateException(String message, Throwable cause) {
    super(message, cause);
  }
}
