package io.fenceq.lease.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void formatsExactlyAndShortly() {
    assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("1500ns");
    assertThat(Durations.format(Duration.ofMillis(-20))).isEqualTo("-20ms");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
  }
}
