/**
 * The example handlers: stock reservation for SKUs on the template's inventory table, with every
 * write fenced. Name {@link io.fenceq.examples.inventory.InventoryHandlers} in {@code
 * FENCEQ_HANDLER} to run them (the example stack of template.yaml does); {@code fenceq local
 * --workers N} and the demo run them too.
 */
package io.fenceq.examples.inventory;
