package io.fenceq.testing.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SkewedClockTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Clock BASE = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void addsTheOffsetToTheBaseAndFollowsChanges() {
    SkewedClock clock = SkewedClock.of(BASE, Duration.ofSeconds(-7));

    assertThat(clock.instant()).isEqualTo(NOW.minusSeconds(7));
    assertThat(clock.millis()).isEqualTo(NOW.minusSeconds(7).toEpochMilli());

    clock.offset(Duration.ofMinutes(2));
    assertThat(clock.instant()).isEqualTo(NOW.plusSeconds(120));
    assertThat(clock.offset()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void anotherZoneSharesTheOffset() {
    SkewedClock clock = SkewedClock.of(BASE, Duration.ofSeconds(1));
    SkewedClock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.offset(Duration.ofSeconds(30));

    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.instant()).isEqualTo(NOW.plusSeconds(30));
  }

  @Test
  void randomOffsetsAreReproducibleBoundedAndVaried() {
    Duration max = Duration.ofSeconds(5);
    Set<Duration> offsets = new HashSet<>();
    for (long seed = 0; seed < 50; seed++) {
      Duration offset = SkewedClock.random(BASE, max, seed).offset();
      assertThat(SkewedClock.random(BASE, max, seed).offset()).isEqualTo(offset);
      assertThat(offset.abs()).isLessThanOrEqualTo(max);
      offsets.add(offset);
    }
    assertThat(offsets).hasSizeGreaterThan(40);
    assertThat(offsets)
        .anyMatch(Duration::isNegative)
        .anyMatch(d -> d.compareTo(Duration.ZERO) > 0);
  }

  @Test
  void aNegativeBoundIsRefused() {
    assertThatThrownBy(() -> SkewedClock.random(BASE, Duration.ofSeconds(-1), 1))
        .hasMessage("maxAbs must not be negative, was PT-1S");
  }
}
