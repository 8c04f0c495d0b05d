package io.fenceq.local.demo;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import io.fenceq.consumer.HandlerFactory;
import io.fenceq.consumer.HandlerResources;
import io.fenceq.engine.JobHandler;
import io.fenceq.examples.inventory.InventoryHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The demo's {@link Reservations} handler for {@code fenceq worker} processes ({@code fenceq demo
 * --process-workers}): set {@value ConsumerConfig#HANDLER} to this class. Configured by the
 * environment:
 *
 * <ul>
 *   <li>{@value ConsumerConfig#INVENTORY_TABLE}: the SKU table (required).
 *   <li>{@value #WORKER}: the worker's name in the demo, e.g. {@code w3} (required).
 *   <li>{@value #FENCING}: {@code on} (default), or {@code off} for the unfenced control.
 *   <li>{@value #FAULT_DIR}: a directory shared with the demo, where crashes and pauses are armed
 *       and met mid-write ({@link FaultPoints}); unset, no fault point is ever met.
 * </ul>
 *
 * <p>Everything it writes is checkable from DynamoDB alone: the journal and fences lists of each
 * SKU's item.
 */
public final class DemoHandlers implements HandlerFactory {
  /** The worker's name in the demo. */
  public static final String WORKER = "FENCEQ_DEMO_WORKER";

  /** {@code on} or {@code off}. */
  public static final String FENCING = "FENCEQ_DEMO_FENCING";

  /** The directory of the fault handshake. */
  public static final String FAULT_DIR = "FENCEQ_DEMO_FAULT_DIR";

  public DemoHandlers() {}

  @Override
  public Map<String, JobHandler> handlers(HandlerResources resources) {
    Map<String, String> env = resources.environment();
    String table = env.get(InventoryHandlers.INVENTORY_TABLE);
    if (table == null || table.isBlank()) {
      throw missing(InventoryHandlers.INVENTORY_TABLE, "the SKU table");
    }
    String worker = env.get(WORKER);
    if (worker == null || !worker.matches("[A-Za-z0-9_-]+")) {
      throw invalid(WORKER, worker, "must be the worker's name: letters, digits, '_' or '-'");
    }
    Fencing fencing = fencing(env.get(FENCING));
    String dir = env.get(FAULT_DIR);
    if (dir == null || dir.isBlank()) {
      return new Reservations(
              resources.dynamoDb(), table, fencing, worker, Reservations.WriteHooks.NONE, a -> {})
          .handlers();
    }
    if (!Files.isDirectory(Path.of(dir))) {
      throw invalid(FAULT_DIR, dir, "must be an existing directory");
    }
    FaultPoints points = new FaultPoints(Path.of(dir));
    return new Reservations(
            resources.dynamoDb(),
            table,
            fencing,
            worker,
            points.hooks(worker),
            attempt ->
                points.takePausedJob().ifPresent(n -> points.outcome(worker, n, attempt.outcome())))
        .handlers();
  }

  private static Fencing fencing(String value) {
    if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("on")) {
      return Fencing.ON;
    }
    if (value.strip().equalsIgnoreCase("off")) {
      return Fencing.OFF;
    }
    throw invalid(FENCING, value, "must be on or off");
  }

  private static ConsumerConfigException missing(String variable, String what) {
    return new ConsumerConfigException(
        variable + " is required by " + DemoHandlers.class.getName() + " (" + what + "), not set");
  }

  private static ConsumerConfigException invalid(String variable, String value, String rule) {
    return new ConsumerConfigException(
        "invalid "
            + variable
            + " '"
            + value
            + "' for "
            + DemoHandlers.class.getName()
            + ": "
            + rule);
  }
}
