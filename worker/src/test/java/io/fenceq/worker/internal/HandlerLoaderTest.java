package io.fenceq.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.engine.JobHandler;
import io.fenceq.worker.HandlerFactory;
import io.fenceq.worker.WorkerConfig;
import io.fenceq.worker.WorkerConfigException;
import io.fenceq.worker.WorkerResources;
import io.fenceq.worker.example.InventoryHandlers;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandlerLoaderTest {
  /** A factory as a user writes one. */
  public static final class Good implements HandlerFactory {
    @Override
    public Map<String, JobHandler> handlers(WorkerResources resources) {
      return Map.of("ping", (job, context) -> {});
    }
  }

  public static final class Empty implements HandlerFactory {
    @Override
    public Map<String, JobHandler> handlers(WorkerResources resources) {
      return Map.of();
    }
  }

  public static final class NeedsArgument implements HandlerFactory {
    public NeedsArgument(String table) {}

    @Override
    public Map<String, JobHandler> handlers(WorkerResources resources) {
      return Map.of();
    }
  }

  @Test
  void loadsTheNamedFactoryAndAsksItForHandlers() {
    WorkerConfig config = config(Good.class.getName());

    HandlerFactory factory = HandlerLoader.factory(config);

    assertThat(HandlerLoader.handlers(factory, resources(config))).containsOnlyKeys("ping");
  }

  @Test
  void theDefaultIsTheExampleInventory() {
    assertThat(HandlerLoader.factory(config(WorkerConfig.DEFAULT_HANDLER)))
        .isInstanceOf(InventoryHandlers.class);
  }

  @Test
  void theExampleNeedsItsTable() {
    WorkerConfig config = config(WorkerConfig.DEFAULT_HANDLER);

    assertThatThrownBy(() -> HandlerLoader.handlers(new InventoryHandlers(), resources(config)))
        .isInstanceOf(WorkerConfigException.class)
        .hasMessageStartingWith(
            "FENCEQ_INVENTORY_TABLE is required by the example handlers"
                + " (io.fenceq.worker.example.InventoryHandlers), got nothing (not set)");
  }

  @Test
  void anUnusableClassIsNamedWithWhatIsWrong() {
    assertThatThrownBy(() -> HandlerLoader.factory(config("com.example.Missing")))
        .isInstanceOf(WorkerConfigException.class)
        .hasMessageStartingWith(
            "FENCEQ_HANDLER names com.example.Missing, which is not usable: no such class");
    assertThatThrownBy(() -> HandlerLoader.factory(config("java.lang.String")))
        .hasMessage(
            "FENCEQ_HANDLER names java.lang.String, which is not usable: it does not implement"
                + " io.fenceq.worker.HandlerFactory");
    assertThatThrownBy(() -> HandlerLoader.factory(config(NeedsArgument.class.getName())))
        .hasMessageEndingWith("it has no public no-argument constructor");
    WorkerConfig empty = config(Empty.class.getName());
    assertThatThrownBy(() -> HandlerLoader.handlers(HandlerLoader.factory(empty), resources(empty)))
        .hasMessageEndingWith("whose handlers() returned no handlers");
  }

  private static WorkerConfig config(String handler) {
    return WorkerConfig.builder()
        .queueUrl("http://127.0.0.1:9324/000000000000/q.fifo")
        .leaseTable("leases")
        .handler(handler)
        .build();
  }

  private static WorkerResources resources(WorkerConfig config) {
    return new WorkerResources(config, Map.of(), null, null);
  }
}
