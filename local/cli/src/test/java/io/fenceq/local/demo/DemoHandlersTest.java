package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import io.fenceq.consumer.HandlerResources;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryHandlers;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code FENCEQ_HANDLER=io.fenceq.local.demo.DemoHandlers}: configuration from the environment. */
class DemoHandlersTest {
  @TempDir Path directory;
  private DynamoDbClient dynamoDb;

  @BeforeEach
  void client() {
    // Never called: building handlers sends nothing.
    dynamoDb =
        DynamoDbClient.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .build();
  }

  @AfterEach
  void close() {
    dynamoDb.close();
  }

  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put(ConsumerConfig.QUEUE_URL, "http://127.0.0.1:9/000000000000/q.fifo");
    env.put(ConsumerConfig.LEASE_TABLE, "leases");
    env.put(InventoryHandlers.INVENTORY_TABLE, "inventory");
    env.put(ConsumerConfig.HANDLER, DemoHandlers.class.getName());
    env.put(DemoHandlers.WORKER, "w1");
    return env;
  }

  private HandlerResources resources(Map<String, String> env) {
    return new HandlerResources(ConsumerConfig.fromEnvironment(env), env, dynamoDb, null);
  }

  @Test
  void servesTheReserveJobsWithAndWithoutAFaultDirectory() {
    Map<String, String> env = environment();
    assertThat(new DemoHandlers().handlers(resources(env))).containsOnlyKeys(Inventory.RESERVE);

    env.put(DemoHandlers.FAULT_DIR, directory.toString());
    env.put(DemoHandlers.FENCING, "off");
    assertThat(new DemoHandlers().handlers(resources(env))).containsOnlyKeys(Inventory.RESERVE);
  }

  @Test
  void refusesABadSettingNamingItsVariableAndValue() {
    Map<String, String> env = environment();
    env.put(DemoHandlers.FENCING, "sometimes");
    assertThatThrownBy(() -> new DemoHandlers().handlers(resources(env)))
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessageContaining(DemoHandlers.FENCING)
        .hasMessageContaining("sometimes");

    env.remove(DemoHandlers.FENCING);
    env.remove(DemoHandlers.WORKER);
    assertThatThrownBy(() -> new DemoHandlers().handlers(resources(env)))
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessageContaining(DemoHandlers.WORKER);

    env.put(DemoHandlers.WORKER, "w1");
    env.put(DemoHandlers.FAULT_DIR, directory.resolve("missing").toString());
    assertThatThrownBy(() -> new DemoHandlers().handlers(resources(env)))
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessageContaining(DemoHandlers.FAULT_DIR)
        .hasMessageContaining("missing");
  }

  @Test
  void processWorkersRefuseTheFaultsInjectedInsideAWorker() {
    for (Fault f : DemoOptions.IN_PROCESS_ONLY) {
      assertThatThrownBy(
              () ->
                  DemoOptions.defaults()
                      .withProcessWorkers(true)
                      .withFaults(java.util.EnumSet.of(f)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--faults " + f.option())
          .hasMessageContaining("--process-workers");
    }
    assertThat(
            DemoOptions.defaults()
                .withProcessWorkers(true)
                .withFaults(java.util.EnumSet.of(Fault.CRASH, Fault.PAUSE, Fault.PARTITION))
                .processWorkers())
        .isTrue();
  }
}
