package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.HashRing;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class EngineConfigTest {
  private static EngineConfig.Builder valid() {
    return EngineConfig.builder()
        .queueUrl("https://sqs.eu-west-1.amazonaws.com/1/work.fifo")
        .ring(HashRing.of(256));
  }

  private static void refused(UnaryOperator<EngineConfig.Builder> change, String... parts) {
    assertThatThrownBy(() -> change.apply(valid()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(parts);
  }

  @Test
  void hasDefaultsForEverythingButTheQueueAndTheRing() {
    EngineConfig config = valid().build();

    assertThat(config.deadLetterQueueUrl()).isEmpty();
    assertThat(config.owner()).startsWith("engine-");
    assertThat(valid().build().owner()).isNotEqualTo(config.owner());
    assertThat(config.maxLanesInFlight()).isEqualTo(16);
    assertThat(config.backoffBase()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.backoffCap()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.heartbeat()).isTrue();
    assertThat(config.maxReceiveCount()).isEmpty();
    assertThat(config.maxAttempts()).isEqualTo(5);
    assertThat(config.keyConcurrency()).isEqualTo(4);
    assertThat(config.orderScope()).isEqualTo(OrderScope.KEY);
    assertThat(config.partialBatchResponse()).isFalse();
    assertThat(valid().maxAttempts(9).build().toBuilder().build().maxAttempts()).isEqualTo(9);
    assertThat(valid().maxReceiveCount(5).build().toBuilder().build().maxReceiveCount())
        .hasValue(5);
    assertThat(config.toBuilder().build().toString()).isEqualTo(config.toString());
  }

  @Test
  void refusesBadSettingsNamingTheSettingAndTheValue() {
    refused(b -> b.queueUrl(null), "queueUrl", "required", "null");
    refused(b -> b.queueUrl("https://sqs/1/work"), "queueUrl", ".fifo", "https://sqs/1/work");
    refused(b -> b.deadLetterQueueUrl("https://sqs/1/dlq"), "deadLetterQueueUrl", ".fifo");
    refused(
        b -> b.deadLetterQueueUrl("https://sqs.eu-west-1.amazonaws.com/1/work.fifo"),
        "deadLetterQueueUrl",
        "work queue itself");
    refused(b -> b.owner(" "), "owner", "\" \"");
    refused(b -> b.ring(null), "ring", "null");
    refused(b -> b.maxLanesInFlight(0), "maxLanesInFlight", "between 1 and 1024", "got 0");
    refused(b -> b.maxLanesInFlight(5000), "maxLanesInFlight", "got 5000");
    refused(b -> b.keyConcurrency(0), "keyConcurrency", "between 1 and 10", "got 0");
    refused(b -> b.keyConcurrency(11), "keyConcurrency", "got 11");
    refused(b -> b.orderScope(null), "orderScope", "KEY or LANE");
    refused(b -> b.backoffBase(Duration.ZERO), "backoffBase", "positive", "got 0ms");
    refused(
        b -> b.backoffBase(Duration.ofHours(1)),
        "backoffBase",
        "at most backoffCap (900s)",
        "got 3600s");
    refused(b -> b.backoffCap(Duration.ofHours(13)), "backoffCap", "12h", "got 46800s");
    refused(b -> b.backoffCap(null), "backoffCap", "positive", "got null");
    refused(b -> b.maxReceiveCount(-1), "maxReceiveCount", "between 1 and 1000", "got -1");
    refused(b -> b.maxReceiveCount(1001), "maxReceiveCount", "got 1001");
    refused(b -> b.maxAttempts(0), "maxAttempts", "between 1 and 999", "got 0");
    refused(b -> b.maxAttempts(1000), "maxAttempts", "got 1000");
  }
}
