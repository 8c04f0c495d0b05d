package io.fenceq.local.template.internal;

import io.fenceq.local.template.TemplateException;

/**
 * A value refers to a resource that is not created locally: a type the emulators do not provide
 * (functions, alarms, roles) or one whose condition is false. Outputs that need such a resource are
 * left out rather than failing the whole stack.
 */
public final class NotProvisionedLocallyException extends TemplateException {
  private static final long serialVersionUID = 1L;

  /** A reference to a resource that does not exist here, explained by {@code message}. */
  public NotProvisionedLocallyException(String message) {
    super(message);
  }
}
