package io.fenceq.worker.example;

import io.fenceq.engine.JobHandler;
import io.fenceq.worker.HandlerFactory;
import io.fenceq.worker.WorkerConfig;
import io.fenceq.worker.WorkerConfigException;
import io.fenceq.worker.WorkerResources;
import java.util.Map;

/**
 * The worker's default {@link HandlerFactory}: the {@link Inventory} handlers {@code reserve} and
 * {@code release} on the table named by {@value WorkerConfig#INVENTORY_TABLE}.
 */
public final class InventoryHandlers implements HandlerFactory {
  @Override
  public Map<String, JobHandler> handlers(WorkerResources resources) {
    String table =
        resources
            .config()
            .inventoryTable()
            .orElseThrow(
                () ->
                    new WorkerConfigException(
                        WorkerConfig.INVENTORY_TABLE
                            + " is required by the example handlers ("
                            + InventoryHandlers.class.getName()
                            + "), got nothing (not set); set it to the stack's"
                            + " InventoryTableName output, or "
                            + WorkerConfig.HANDLER
                            + " to your own HandlerFactory"));
    return new Inventory(resources.dynamoDb(), table).handlers();
  }
}
