package io.fenceq.examples.inventory;

import io.fenceq.FenceqException;

/**
 * A job the inventory cannot run as given: an SKU that was never stocked, or a payload without a
 * valid quantity. The message names the SKU, the job and its fence.
 */
public final class InventoryException extends FenceqException {
  public InventoryException(String message) {
    super(message);
  }
}
