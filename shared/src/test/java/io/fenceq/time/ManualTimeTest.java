package io.fenceq.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualTimeTest {
  @Test
  void tickerMovesOnlyForwardAndOnlyWhenTold() {
    ManualTicker ticker = new ManualTicker(5);
    assertThat(ticker.nanos()).isEqualTo(5);
    ticker.advance(Duration.ofMillis(2));
    assertThat(ticker.nanos()).isEqualTo(2_000_005);
    assertThatThrownBy(() -> ticker.advance(Duration.ofNanos(-1)))
        .hasMessageContaining("only moves forward");
  }

  @Test
  void clockCanBeSkewedBothWaysAndSharesTimeAcrossZones() {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    clock.advance(Duration.ofSeconds(-30));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2025-12-31T23:59:30Z"));
    var other = clock.withZone(java.time.ZoneId.of("Europe/Paris"));
    clock.advance(Duration.ofSeconds(30));
    assertThat(other.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
  }
}
