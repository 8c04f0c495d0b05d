package io.fenceq.examples.inventory;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import io.fenceq.consumer.HandlerFactory;
import io.fenceq.consumer.HandlerResources;
import io.fenceq.engine.JobHandler;
import java.util.Map;

/**
 * The example {@link HandlerFactory}: the {@link Inventory} handlers {@code reserve} and {@code
 * release} on the table named by {@value #INVENTORY_TABLE}. Never a default: a host runs them only
 * when {@value ConsumerConfig#HANDLER} names this class.
 */
public final class InventoryHandlers implements HandlerFactory {
  /** The example handlers' inventory table; required by them. */
  public static final String INVENTORY_TABLE = "FENCEQ_INVENTORY_TABLE";

  @Override
  public Map<String, JobHandler> handlers(HandlerResources resources) {
    String table = resources.environment().get(INVENTORY_TABLE);
    if (table == null || table.isBlank()) {
      throw new ConsumerConfigException(
          INVENTORY_TABLE
              + " is required by the example handlers ("
              + InventoryHandlers.class.getName()
              + "), got nothing (not set); set it to the stack's InventoryTableName output, or "
              + ConsumerConfig.HANDLER
              + " to your own HandlerFactory");
    }
    return new Inventory(resources.dynamoDb(), table.strip()).handlers();
  }
}
