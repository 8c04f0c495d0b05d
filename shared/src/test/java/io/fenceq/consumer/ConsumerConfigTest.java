package io.fenceq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.engine.EngineConfig;
import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.ring.HashRing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerConfigTest {
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
    ConsumerConfig config = ConsumerConfig.fromEnvironment(minimal());

    assertThat(config.engine().queueUrl()).isEqualTo(QUEUE);
    assertThat(config.leaseTable()).isEqualTo("fenceq-local-leases");
    assertThat(config.engine().deadLetterQueueUrl()).isEmpty();
    assertThat(config.engine().ring().laneCount()).isEqualTo(256);
    assertThat(config.concurrency()).isEqualTo(ConsumerConfig.DEFAULT_CONCURRENCY);
    assertThat(config.engine().maxLanesInFlight())
        .isEqualTo(ConsumerConfig.DEFAULT_MAX_LANES_IN_FLIGHT);
    assertThat(config.engine().maxAttempts()).isEqualTo(5);
    assertThat(config.lease().leaseDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.lease()).isEqualTo(LeaseConfig.defaults());
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.receiveWait()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.handler()).as("no silent default: the hosts refuse to start").isEmpty();
    assertThat(config.metrics()).isEqualTo(ConsumerConfig.MetricsOutput.NONE);
    assertThat(config.engine().backoffBase()).isEqualTo(EngineConfig.DEFAULT_BACKOFF_BASE);
    assertThat(config.engine().heartbeat()).isTrue();
    assertThat(config.engine().jobTimeLimit()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.unhealthyWrittenOffThreads()).isEqualTo(1);
    assertThat(config.healthFile()).isEmpty();
  }

  @Test
  void everyVariableIsRead() {
    Map<String, String> env = minimal();
    env.put("FENCEQ_DLQ_URL", DLQ);
    env.put("FENCEQ_LANES", "64");
    env.put("FENCEQ_CONCURRENCY", "4");
    env.put("FENCEQ_MAX_LANES_IN_FLIGHT", "40");
    env.put("FENCEQ_MAX_ATTEMPTS", "8");
    env.put("FENCEQ_KEY_CONCURRENCY", "6");
    env.put("FENCEQ_ORDER_SCOPE", "Lane");
    env.put("FENCEQ_LEASE_SECONDS", "12");
    env.put("FENCEQ_SHUTDOWN_SECONDS", " 90 ");
    env.put("FENCEQ_RECEIVE_WAIT_SECONDS", "5");
    env.put("FENCEQ_HANDLER", "com.example.MyHandlers");
    env.put("FENCEQ_METRICS", "EMF");
    env.put("FENCEQ_JOB_TIMEOUT_SECONDS", "120");
    env.put("FENCEQ_UNHEALTHY_WRITTEN_OFF_THREADS", "3");
    env.put("FENCEQ_HEALTH_FILE", "/tmp/fenceq-healthy");

    ConsumerConfig config = ConsumerConfig.fromEnvironment(env);

    assertThat(config.engine().deadLetterQueueUrl()).contains(DLQ);
    assertThat(config.engine().ring().laneCount()).isEqualTo(64);
    assertThat(config.concurrency()).isEqualTo(4);
    assertThat(config.engine().maxLanesInFlight()).isEqualTo(40);
    assertThat(config.engine().maxAttempts()).isEqualTo(8);
    assertThat(config.engine().keyConcurrency()).isEqualTo(6);
    assertThat(config.engine().orderScope()).isEqualTo(io.fenceq.engine.OrderScope.LANE);
    assertThat(config.lease().leaseDuration()).isEqualTo(Duration.ofSeconds(12));
    assertThat(config.lease().renewInterval()).isEqualTo(Duration.ofSeconds(4));
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.receiveWait()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.handler()).contains("com.example.MyHandlers");
    assertThat(config.metrics()).isEqualTo(ConsumerConfig.MetricsOutput.EMF);
    assertThat(config.engine().jobTimeLimit()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.unhealthyWrittenOffThreads()).isEqualTo(3);
    assertThat(config.healthFile()).contains(Path.of("/tmp/fenceq-healthy"));
    assertThat(config.toBuilder().build().healthFile()).isEqualTo(config.healthFile());
    assertThat(config.toBuilder().build().engine().jobTimeLimit()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void emptyVariablesCountAsUnset() {
    Map<String, String> env = minimal();
    env.put("FENCEQ_LANES", "");
    env.put("FENCEQ_DLQ_URL", "  ");

    ConsumerConfig config = ConsumerConfig.fromEnvironment(env);

    assertThat(config.engine().ring().laneCount()).isEqualTo(256);
    assertThat(config.engine().deadLetterQueueUrl()).isEmpty();
  }

  @Test
  void ringEpochsAreFollowedOnlyWhenTheVariableSaysTrue() {
    Map<String, String> env = minimal();
    assertThat(ConsumerConfig.fromEnvironment(env).ringEpochs()).isFalse();

    env.put("FENCEQ_RING_EPOCHS", "true");
    ConsumerConfig config = ConsumerConfig.fromEnvironment(env);
    assertThat(config.ringEpochs()).isTrue();
    assertThat(config.toBuilder().build().ringEpochs()).isTrue();

    env.put("FENCEQ_RING_EPOCHS", "yes");
    assertThatThrownBy(() -> ConsumerConfig.fromEnvironment(env))
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessage("FENCEQ_RING_EPOCHS must be true or false, got \"yes\"");
  }

  @Test
  void aFlagIsTrueOrFalseInLowerCaseAndFalseWhenUnset() {
    assertThat(ConsumerConfig.flag("FENCEQ_X", null)).isFalse();
    assertThat(ConsumerConfig.flag("FENCEQ_X", " ")).isFalse();
    assertThat(ConsumerConfig.flag("FENCEQ_X", "false")).isFalse();
    assertThat(ConsumerConfig.flag("FENCEQ_X", "true")).isTrue();
    assertThat(ConsumerConfig.flag("FENCEQ_X", " true\n")).isTrue();
    for (String refused : new String[] {"TRUE", "True", "yes", "1", "on", "false!"}) {
      assertThatThrownBy(() -> ConsumerConfig.flag("FENCEQ_X", refused))
          .isInstanceOf(ConsumerConfigException.class)
          .hasMessage("FENCEQ_X must be true or false, got \"" + refused + "\"");
    }
  }

  @Test
  void aMissingRequiredVariableIsNamed() {
    Map<String, String> env = minimal();
    env.remove("FENCEQ_QUEUE_URL");

    assertThatThrownBy(() -> ConsumerConfig.fromEnvironment(env))
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessage("FENCEQ_QUEUE_URL (queueUrl) is required, got nothing (not set)");
    env.put("FENCEQ_QUEUE_URL", QUEUE);
    env.remove("FENCEQ_LEASE_TABLE");
    assertThatThrownBy(() -> ConsumerConfig.fromEnvironment(env))
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
    assertRefused(
        "FENCEQ_MAX_ATTEMPTS",
        "0",
        "FENCEQ_MAX_ATTEMPTS (maxAttempts) must be a whole number from 1 to 999, got \"0\"");
    assertRefused(
        "FENCEQ_MAX_ATTEMPTS",
        "1000",
        "FENCEQ_MAX_ATTEMPTS (maxAttempts) must be a whole number from 1 to 999, got \"1000\"");
    assertRefused(
        "FENCEQ_KEY_CONCURRENCY",
        "11",
        "FENCEQ_KEY_CONCURRENCY (keyConcurrency) must be a whole number from 1 to 10, got \"11\"");
    assertRefused(
        "FENCEQ_ORDER_SCOPE",
        "group",
        "FENCEQ_ORDER_SCOPE (orderScope) must be key or lane, got \"group\"");
    assertRefused(
        "FENCEQ_MAX_ATTEMPTS", "five", "FENCEQ_MAX_ATTEMPTS must be a whole number, got \"five\"");
    assertRefused(
        "FENCEQ_JOB_TIMEOUT_SECONDS",
        "0",
        "FENCEQ_JOB_TIMEOUT_SECONDS (jobTimeLimit) must be seconds from 1 to 3600, got \"0\"");
    assertRefused(
        "FENCEQ_JOB_TIMEOUT_SECONDS",
        "3601",
        "FENCEQ_JOB_TIMEOUT_SECONDS (jobTimeLimit) must be seconds from 1 to 3600, got"
            + " \"3601\"");
    assertRefused(
        "FENCEQ_UNHEALTHY_WRITTEN_OFF_THREADS",
        "0",
        "FENCEQ_UNHEALTHY_WRITTEN_OFF_THREADS (unhealthyWrittenOffThreads) must be a whole number"
            + " from 1 to 1000, got \"0\"");
    assertRefused(
        "FENCEQ_HEALTH_FILE",
        "/tmp/bad\0name",
        "FENCEQ_HEALTH_FILE must be a file path, got \"/tmp/bad\0name\": Nul character not"
            + " allowed");
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
  void theBuilderChecksEachSettingWhenItIsSet() {
    assertThatThrownBy(
            () -> ConsumerConfig.builder().queueUrl(QUEUE).leaseDuration(Duration.ofMillis(1500)))
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessage(
            "FENCEQ_LEASE_SECONDS (leaseDuration) must be whole seconds from 1 to 3600, got"
                + " \"1.5\"");
  }

  @Test
  void aWorkerIdIsKeptOnlyWhenSetAndNotCopied() {
    ConsumerConfig named =
        ConsumerConfig.builder().queueUrl(QUEUE).leaseTable("t").workerId("w-1").build();

    assertThat(ConsumerConfig.fromEnvironment(minimal()).workerId()).isEmpty();
    assertThat(named.workerId()).contains("w-1");
    assertThat(named.engine().owner()).isEqualTo("w-1");
    assertThat(named.toBuilder().build().workerId()).isEmpty();
    assertThat(named.toBuilder().build().engine().owner()).isNotEqualTo("w-1");
  }

  @Test
  void theRingIsTheDefaultUnlessSetAndACopyKeepsTheOneItCopies() {
    ConsumerConfig plain = ConsumerConfig.builder().queueUrl(QUEUE).leaseTable("t").build();
    HashRing drained = HashRing.of(8).withoutLane(HashRing.of(8).lanes().get(3));
    ConsumerConfig custom =
        ConsumerConfig.builder()
            .engine(EngineConfig.builder().queueUrl(QUEUE).ring(drained).build())
            .leaseTable("t")
            .build();

    assertThat(plain.engine().ring()).isEqualTo(HashRing.of(ConsumerConfig.DEFAULT_LANES));
    assertThat(ConsumerConfig.builder().queueUrl(QUEUE).leaseTable("t").lanes(16).build().engine())
        .extracting(EngineConfig::ring)
        .isEqualTo(HashRing.of(16));
    assertThat(custom.toBuilder().concurrency(2).build().engine().ring()).isSameAs(drained);
    assertThat(custom.toBuilder().lanes(8).build().engine().ring()).isEqualTo(HashRing.of(8));
  }

  @Test
  void theEngineAndLeaseConfigurationsComposeWithTheVariables() {
    EngineConfig engine =
        EngineConfig.builder()
            .queueUrl(QUEUE)
            .ring(HashRing.of(32))
            .backoffBase(Duration.ofMillis(200))
            .backoffCap(Duration.ofSeconds(1))
            .build();
    LeaseConfig lease =
        LeaseConfig.builder()
            .leaseDuration(Duration.ofSeconds(20))
            .expiryMode(ExpiryMode.OBSERVED)
            .build();

    ConsumerConfig config =
        ConsumerConfig.builder()
            .engine(engine)
            .lease(lease)
            .leaseTable("t")
            .maxLanesInFlight(8)
            .build();

    assertThat(config.engine().ring().laneCount()).isEqualTo(32);
    assertThat(config.engine().maxLanesInFlight()).isEqualTo(8);
    assertThat(config.engine().backoffBase()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.lease()).isEqualTo(lease);
    ConsumerConfig shorter = config.toBuilder().leaseDuration(Duration.ofSeconds(9)).build();
    assertThat(shorter.lease().leaseDuration()).isEqualTo(Duration.ofSeconds(9));
    assertThat(shorter.lease().renewInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(shorter.lease().expiryMode()).isEqualTo(ExpiryMode.OBSERVED);
    assertThat(shorter.engine().backoffCap()).isEqualTo(Duration.ofSeconds(1));
  }

  private static void assertRefused(String variable, String value, String message) {
    Map<String, String> env = minimal();
    env.put(variable, value);
    assertThatThrownBy(() -> ConsumerConfig.fromEnvironment(env))
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessage(message)
        .hasMessageNotContaining("\n");
  }
}
