package io.fenceq.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventSourceConfigTest {
  @Test
  void settingsOutOfRangeAreRefusedByName() {
    assertThatThrownBy(() -> EventSourceConfig.builder().batchSize(11).build())
        .hasMessage("invalid EventSourceConfig setting batchSize: must be from 1 to 10, got 11");
    assertThatThrownBy(() -> EventSourceConfig.builder().maximumConcurrency(0).build())
        .hasMessage(
            "invalid EventSourceConfig setting maximumConcurrency: must be from 1 to 1000, got 0");
    assertThatThrownBy(
            () -> EventSourceConfig.builder().receiveWait(Duration.ofSeconds(21)).build())
        .hasMessageStartingWith("invalid EventSourceConfig setting receiveWait:");
    assertThatThrownBy(() -> EventSourceConfig.builder().functionName("a b").build())
        .hasMessageStartingWith("invalid EventSourceConfig setting functionName:");
    assertThatThrownBy(
            () -> SqsEventSource.builder().queueUrl("q").function((e, c) -> null).start())
        .hasMessage("invalid SqsEventSource setting sqs: null");
  }

  @Test
  void pollersAreFromOneToTheMaximumConcurrency() {
    assertThatThrownBy(() -> EventSourceConfig.builder().pollers(0).build())
        .hasMessage(
            "invalid EventSourceConfig setting pollers: must be from 1 to maximumConcurrency (5),"
                + " got 0");
    assertThatThrownBy(() -> EventSourceConfig.builder().maximumConcurrency(3).pollers(4).build())
        .hasMessage(
            "invalid EventSourceConfig setting pollers: must be from 1 to maximumConcurrency (3),"
                + " got 4");
    assertThat(EventSourceConfig.builder().maximumConcurrency(40).pollers(40).build().pollers())
        .isEqualTo(40);
    assertThat(EventSourceConfig.builder().maximumConcurrency(40).pollers(1).build().pollers())
        .isEqualTo(1);
  }

  @Test
  void pollersDefaultToFiveOrTheMaximumConcurrencyIfSmaller() {
    assertThat(EventSourceConfig.builder().build().pollers())
        .isEqualTo(EventSourceConfig.DEFAULT_POLLERS)
        .isEqualTo(5);
    assertThat(EventSourceConfig.builder().maximumConcurrency(40).build().pollers()).isEqualTo(5);
    assertThat(EventSourceConfig.builder().maximumConcurrency(2).build().pollers()).isEqualTo(2);
    assertThat(EventSourceConfig.builder().maximumConcurrency(40).build().toString())
        .contains("maximumConcurrency=40 pollers=5");
  }
}
