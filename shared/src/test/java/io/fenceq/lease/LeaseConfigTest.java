package io.fenceq.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseConfigTest {
  @Test
  void defaultsAreAThirtySecondLeaseRenewedEveryTenSecondsOnTheWallClockHint() {
    LeaseConfig c = LeaseConfig.defaults();
    assertThat(c.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.renewInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.expiryMode()).isEqualTo(ExpiryMode.WALL_CLOCK_HINT);
    assertThat(c.retryJitter()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void renewIntervalMustLeaveRoomForARetryWithinTheLease() {
    assertThatThrownBy(
            () ->
                LeaseConfig.builder()
                    .leaseDuration(Duration.ofSeconds(30))
                    .renewInterval(Duration.ofSeconds(20))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("renewInterval must be less than leaseDuration / 2, got 20s for a 30s lease");
    assertThatThrownBy(() -> LeaseConfig.builder().renewInterval(Duration.ofSeconds(15)).build())
        .hasMessage("renewInterval must be less than leaseDuration / 2, got 15s for a 30s lease");
    assertThat(
            LeaseConfig.builder().renewInterval(Duration.ofMillis(14_999)).build().renewInterval())
        .isEqualTo(Duration.ofMillis(14_999));
  }

  @Test
  void everyBadSettingIsNamedWithItsValue() {
    assertThatThrownBy(() -> LeaseConfig.builder().leaseDuration(Duration.ofMillis(50)).build())
        .hasMessage("leaseDuration must be between 100ms and 3600s, got 50ms");
    assertThatThrownBy(() -> LeaseConfig.builder().leaseDuration(null).build())
        .hasMessage("leaseDuration must be set, got null");
    assertThatThrownBy(() -> LeaseConfig.builder().renewInterval(Duration.ZERO).build())
        .hasMessage("renewInterval must be positive, got 0ms");
    assertThatThrownBy(() -> LeaseConfig.builder().expiryMode(null).build())
        .hasMessage("expiryMode must be set, got null");
    assertThatThrownBy(() -> LeaseConfig.builder().retryJitter(Duration.ofMillis(-1)).build())
        .hasMessage("retryJitter must be between 0 and leaseDuration (30s), got -1ms");
  }

  @Test
  void shortLeasesGetProportionalDefaults() {
    LeaseConfig c = LeaseConfig.builder().leaseDuration(Duration.ofMillis(1500)).build();
    assertThat(c.renewInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.retryJitter()).isEqualTo(Duration.ofMillis(150));
    assertThat(c.toString()).contains("leaseDuration=1.5s", "renewInterval=500ms");
  }

  @Test
  void toBuilderKeepsEverythingElse() {
    LeaseConfig c =
        LeaseConfig.builder()
            .leaseDuration(Duration.ofSeconds(9))
            .expiryMode(ExpiryMode.OBSERVED)
            .retryJitter(Duration.ZERO)
            .build();
    LeaseConfig d = c.toBuilder().renewInterval(Duration.ofSeconds(2)).build();
    assertThat(d.expiryMode()).isEqualTo(ExpiryMode.OBSERVED);
    assertThat(d.retryJitter()).isZero();
    assertThat(d.leaseDuration()).isEqualTo(Duration.ofSeconds(9));
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }
}
