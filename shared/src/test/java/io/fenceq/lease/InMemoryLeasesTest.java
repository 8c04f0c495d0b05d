package io.fenceq.lease;

import static io.fenceq.testing.InMemoryLeases.Write.ACQUIRE;
import static io.fenceq.testing.InMemoryLeases.Write.RENEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.testing.InMemoryLeases;
import io.fenceq.time.ManualClock;
import io.fenceq.time.ManualTicker;
import io.fenceq.time.Ticker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link LaneLeasesContract} on the in-memory leases the engine tests run on, and what those tests
 * use beyond the contract: counted writes, scripted outages and a hook after a grant.
 */
class InMemoryLeasesTest extends LaneLeasesContract {
  /** The leases of the contract's contenders; the first one made creates the table. */
  private InMemoryLeases first;

  /** The leases of the tests below. */
  private final InMemoryLeases leases =
      new InMemoryLeases(CONFIG, new ManualTicker(0), new ManualClock(T0));

  @Override
  LaneLeases contender(Ticker ticker, Clock clock) {
    if (first == null) {
      first = new InMemoryLeases(CONFIG, ticker, clock);
      return first;
    }
    return first.contender(ticker, clock);
  }

  @Test
  void writesAreCountedRefusedAndFailedOnesIncludedAndAnOutageChangesNothing() {
    Lease lease = (Lease) leases.acquire("lane#0001", "a");
    assertThat(leases.contender(new ManualTicker(0), new ManualClock(T0)).acquire("lane#0001", "b"))
        .isInstanceOf(LeaseRefusal.class);
    leases.failNextWrites(1);

    assertThatThrownBy(() -> leases.renew(lease))
        .isInstanceOf(LeaseException.class)
        .hasMessageContaining("renew of " + lease);
    // The failed renewal was not counted on the lease: this one is its first.
    assertThat(((Lease) leases.renew(lease)).renewals()).isEqualTo(1);

    assertThat(leases.writes(ACQUIRE)).isEqualTo(2);
    assertThat(leases.writes(RENEW)).isEqualTo(2);
    assertThat(leases.writes()).isEqualTo(4);
    assertThat(leases.holder("lane#0001")).contains("a");
    assertThat(leases.holder("lane#0002")).isEmpty();
  }

  @Test
  void theHookRunsAfterTheGrantIsWrittenAndBeforeItIsReturned() {
    List<Optional<String>> seen = new ArrayList<>();
    leases.afterGrant(() -> seen.add(leases.holder("lane#0001")));

    AcquireResult result = leases.acquire("lane#0001", "a");

    assertThat(result).isInstanceOf(Lease.class);
    assertThat(seen).containsExactly(Optional.of("a"));
  }

  @Test
  void theObservedModeIsRefusedRatherThanImitated() {
    LeaseConfig observed = CONFIG.toBuilder().expiryMode(ExpiryMode.OBSERVED).build();

    assertThatThrownBy(() -> new InMemoryLeases(observed, new ManualTicker(0), new ManualClock(T0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OBSERVED");
  }
}
