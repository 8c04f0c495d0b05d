package io.fenceq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
  private static final String QUEUE = "http://127.0.0.1:9324/000000000000/fenceq-local-work.fifo";
  private static final String DLQ = "http://127.0.0.1:9324/000000000000/fenceq-local-dlq.fifo";

  private static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put("FENCEQ_QUEUE_URL", QUEUE);
    env.put("FENCEQ_LEASE_TABLE", "fenceq-local-leases");
    return env;
  }

  @Test
  void unsetVariablesTakeTheirDefaults() {
    WorkerConfig config = WorkerConfig.fromEnvironment(minimal());

    assertThat(config.queueUrl()).isEqualTo(QUEUE);
    assertThat(config.leaseTable()).isEqualTo("fenceq-local-leases");
    assertThat(config.deadLetterQueueUrl()).isEmpty();
    assertThat(config.lanes()).isEqualTo(256);
    assertThat(config.concurrency()).isEqualTo(WorkerConfig.DEFAULT_CONCURRENCY);
    assertThat(config.maxLanesInFlight()).isEqualTo(WorkerConfig.DEFAULT_MAX_LANES_IN_FLIGHT);
    assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.receiveWait()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.handler()).isEqualTo("io.fenceq.worker.example.InventoryHandlers");
    assertThat(config.inventoryTable()).isEmpty();
    assertThat(config.metrics()).isEqualTo(WorkerConfig.MetricsOutput.NONE);
  }

  @Test
  void everyVariableIsRead() {
    Map<String, String> env = minimal();
    env.put("FENCEQ_DLQ_URL", DLQ);
    env.put("FENCEQ_LANES", "64");
    env.put("FENCEQ_CONCURRENCY", "4");
    env.put("FENCEQ_MAX_LANES_IN_FLIGHT", "40");
    env.put("FENCEQ_LEASE_SECONDS", "12");
    env.put("FENCEQ_SHUTDOWN_SECONDS", " 90 ");
    env.put("FENCEQ_RECEIVE_WAIT_SECONDS", "5");
    env.put("FENCEQ_HANDLER", "com.example.MyHandlers");
    env.put("FENCEQ_INVENTORY_TABLE", "fenceq-local-inventory");
    env.put("FENCEQ_METRICS", "EMF");

    WorkerConfig config = WorkerConfig.fromEnvironment(env);

    assertThat(config.deadLetterQueueUrl()).contains(DLQ);
    assertThat(config.lanes()).isEqualTo(64);
    assertThat(config.concurrency()).isEqualTo(4);
    assertThat(config.maxLanesInFlight()).isEqualTo(40);
    assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(12));
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.receiveWait()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.handler()).isEqualTo("com.example.MyHandlers");
    assertThat(config.inventoryTable()).contains("fenceq-local-inventory");
    assertThat(config.metrics()).isEqualTo(WorkerConfig.MetricsOutput.EMF);
  }

  @Test
  void emptyVariablesCountAsUnset() {
    Map<String, String> env = minimal();
    env.put("FENCEQ_LANES", "");
    env.put("FENCEQ_DLQ_URL", "  ");

    WorkerConfig config = WorkerConfig.fromEnvironment(env);

    assertThat(config.lanes()).isEqualTo(256);
    assertThat(config.deadLetterQueueUrl()).isEmpty();
  }

  @Test
  void aMissingRequiredVariableIsNamed() {
    Map<String, String> env = minimal();
    env.remove("FENCEQ_QUEUE_URL");

    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(env))
        .isInstanceOf(WorkerConfigException.class)
        .hasMessage("FENCEQ_QUEUE_URL (queueUrl) is required, got nothing (not set)");
    env.put("FENCEQ_QUEUE_URL", QUEUE);
    env.remove("FENCEQ_LEASE_TABLE");
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(env))
        .hasMessage("FENCEQ_LEASE_TABLE (leaseTable) is required, got nothing (not set)");
  }

  @Test
  void aBadValueIsNamedWithItsVariableInOneLine() {
    assertRefused("FENCEQ_LANES", "abc", "FENCEQ_LANES must be a whole number, got \"abc\"");
    assertRefused(
        "FENCEQ_LANES",
        "0",
        "FENCEQ_LANES (lanes) must be a whole number from 1 to 10000, got \"0\"");
    assertRefused(
        "FENCEQ_CONCURRENCY",
        "65",
        "FENCEQ_CONCURRENCY (concurrency) must be a whole number from 1 to 64, got \"65\"");
    assertRefused(
        "FENCEQ_LEASE_SECONDS",
        "0",
        "FENCEQ_LEASE_SECONDS (leaseDuration) must be whole seconds from 1 to 3600, got"
            + " \"0\"");
    assertRefused(
        "FENCEQ_SHUTDOWN_SECONDS",
        "-1",
        "FENCEQ_SHUTDOWN_SECONDS (shutdownTimeout) must be whole seconds from 0 to 3600, got"
            + " \"-1\"");
    assertRefused(
        "FENCEQ_RECEIVE_WAIT_SECONDS",
        "21",
        "FENCEQ_RECEIVE_WAIT_SECONDS (receiveWait) must be whole seconds from 0 to 20, got"
            + " \"21\"");
    assertRefused(
        "FENCEQ_QUEUE_URL",
        "http://127.0.0.1:9324/000000000000/work",
        "FENCEQ_QUEUE_URL (queueUrl) must be a FIFO queue's URL (ending in .fifo): lanes are"
            + " message groups, got \"http://127.0.0.1:9324/000000000000/work\"");
    assertRefused("FENCEQ_METRICS", "statsd", "FENCEQ_METRICS must be none or emf, got \"statsd\"");
    assertRefused(
        "FENCEQ_DLQ_URL",
        QUEUE,
        "FENCEQ_DLQ_URL (deadLetterQueueUrl) must be a FIFO queue's URL (ending in .fifo) other"
            + " than the work queue, got \""
            + QUEUE
            + "\"");
  }

  @Test
  void theBuilderChecksDurationsToo() {
    assertThatThrownBy(
            () ->
                WorkerConfig.builder()
                    .queueUrl(QUEUE)
                    .leaseTable("t")
                    .leaseDuration(Duration.ofMillis(1500))
                    .build())
        .isInstanceOf(WorkerConfigException.class)
        .hasMessage(
            "FENCEQ_LEASE_SECONDS (leaseDuration) must be whole seconds from 1 to 3600, got"
                + " \"1.5\"");
  }

  @Test
  void everyConfigurationHasItsOwnWorkerId() {
    WorkerConfig a = WorkerConfig.fromEnvironment(minimal());
    WorkerConfig b = WorkerConfig.fromEnvironment(minimal());

    assertThat(a.workerId()).isNotBlank().isNotEqualTo(b.workerId());
    assertThat(a.toBuilder().build().workerId()).isNotEqualTo(a.workerId());
    assertThat(WorkerConfig.builder().queueUrl(QUEUE).leaseTable("t").workerId("w-1").build())
        .extracting(WorkerConfig::workerId)
        .isEqualTo("w-1");
  }

  private static void assertRefused(String variable, String value, String message) {
    Map<String, String> env = minimal();
    env.put(variable, value);
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(env))
        .isInstanceOf(WorkerConfigException.class)
        .hasMessage(message)
        .hasMessageNotContaining("\n");
  }
}
