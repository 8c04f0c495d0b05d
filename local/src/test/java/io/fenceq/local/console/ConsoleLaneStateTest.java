package io.fenceq.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.lease.LeaseSnapshot;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The state a lane tile shows, from the lease item alone. */
class ConsoleLaneStateTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);

  private static LeaseSnapshot lane(String owner, Instant expiresAt, boolean handedOver) {
    return new LeaseSnapshot("lane#0001", owner, 3, expiresAt, 0, LEASE, handedOver);
  }

  @Test
  void aLaneIsFreeHeldIdleOrExpired() {
    assertThat(ConsoleState.state(lane(null, Instant.EPOCH, false), NOW)).isEqualTo("free");
    assertThat(ConsoleState.state(lane("w-1", NOW.plusSeconds(5), true), NOW)).isEqualTo("held");
    assertThat(ConsoleState.state(lane("w-1", NOW.plusSeconds(5), false), NOW)).isEqualTo("held");
    // Past its expiry after a grant the lane's next batch is handed over from: nothing is stuck.
    assertThat(ConsoleState.state(lane("w-1", NOW.minusSeconds(1), true), NOW)).isEqualTo("idle");
    // Past its expiry with neither a release nor a handover to wait for.
    assertThat(ConsoleState.state(lane("w-1", NOW.minusSeconds(1), false), NOW))
        .isEqualTo("expired");
  }
}
