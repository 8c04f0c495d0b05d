package io.fenceq.lease.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.internal.ExpiryRules.AcquireKind;
import org.junit.jupiter.api.Test;

/**
 * The takeover decisions of both expiry modes as pure functions of what a contender has seen. The
 * wall-clock condition itself is evaluated by DynamoDB; LeaseStoreTest checks it, boundary and skew
 * included.
 */
class ExpiryRulesTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long LEASE_MS = 30_000;
  private static final long T0_MILLIS = 1_800_000_000_000L;

  private static LeaseItem held(String owner, long fence, long expiresAt, long renewals) {
    return new LeaseItem(true, owner, fence, expiresAt, renewals, LEASE_MS);
  }

  @Test
  void wallClockRetryIsTheHoldersExpiryOnTheContendersClock() {
    LeaseItem item = held("a", 3, T0_MILLIS + LEASE_MS, 0);
    assertThat(ExpiryRules.retryAfterNanos(ExpiryMode.WALL_CLOCK_HINT, item, null, T0_MILLIS, 0))
        .isEqualTo((LEASE_MS + 1) * 1_000_000);
    assertThat(
            ExpiryRules.retryAfterNanos(
                ExpiryMode.WALL_CLOCK_HINT, item, null, T0_MILLIS + LEASE_MS, 0))
        .as("never zero, so a caller looping on refusals does not spin")
        .isEqualTo(1_000_000);
  }

  @Test
  void wallClockRetryNeverExceedsTheHoldersLeaseWhenTheContendersClockRunsBehind() {
    LeaseItem item = held("a", 3, T0_MILLIS + LEASE_MS, 0);
    long skewedBehind = T0_MILLIS - 30_000;
    assertThat(ExpiryRules.retryAfterNanos(ExpiryMode.WALL_CLOCK_HINT, item, null, skewedBehind, 0))
        .isEqualTo((LEASE_MS + 1) * 1_000_000);
    LeaseItem unknownDuration = new LeaseItem(true, "a", 3, T0_MILLIS + LEASE_MS, 0, 0);
    assertThat(
            ExpiryRules.retryAfterNanos(
                ExpiryMode.WALL_CLOCK_HINT, unknownDuration, null, skewedBehind, 0))
        .as("without the holder's duration the expiry hint is all there is")
        .isEqualTo((2 * LEASE_MS + 1) * 1_000_000);
  }

  @Test
  void wallClockModeAlwaysSendsTheExpiryCondition() {
    assertThat(ExpiryRules.acquireKind(ExpiryMode.WALL_CLOCK_HINT, null, 0))
        .isEqualTo(AcquireKind.FREE_MINE_OR_EXPIRED);
  }

  @Test
  void observedTakesOverOnlyAfterAFullLeaseOfUnchangedStateOnTheContendersTicker() {
    long t = 5 * SECOND;
    assertThat(ExpiryRules.acquireKind(ExpiryMode.OBSERVED, null, t))
        .isEqualTo(AcquireKind.FREE_OR_MINE);
    Observation seen = Observation.next(null, held("a", 3, 0, 7), t, 0);
    assertThat(seen.sinceNanos()).isEqualTo(t);
    assertThat(seen.windowNanos()).isEqualTo(30 * SECOND);

    long almost = t + 30 * SECOND - 1;
    assertThat(ExpiryRules.acquireKind(ExpiryMode.OBSERVED, seen, almost))
        .isEqualTo(AcquireKind.FREE_OR_MINE);
    assertThat(ExpiryRules.retryAfterNanos(ExpiryMode.OBSERVED, null, seen, 0, almost))
        .isEqualTo(1_000_000);
    assertThat(ExpiryRules.acquireKind(ExpiryMode.OBSERVED, seen, t + 30 * SECOND))
        .isEqualTo(AcquireKind.FREE_MINE_OR_UNCHANGED);
    assertThat(ExpiryRules.retryAfterNanos(ExpiryMode.OBSERVED, null, seen, 0, t + SECOND))
        .isEqualTo(29 * SECOND);
  }

  @Test
  void observedIgnoresTheWallClockEntirely() {
    Observation seen = Observation.next(null, held("a", 3, T0_MILLIS + LEASE_MS, 7), 0, 0);
    // The same ticker reading with wall clocks 30 s apart in either direction: same answers.
    for (long wall : new long[] {T0_MILLIS - 30_000, T0_MILLIS, T0_MILLIS + 30_000, 0}) {
      assertThat(ExpiryRules.retryAfterNanos(ExpiryMode.OBSERVED, null, seen, wall, 10 * SECOND))
          .isEqualTo(20 * SECOND);
    }
  }

  @Test
  void anyChangeOfOwnerFenceOrRenewalsRestartsTheObservation() {
    Observation first = Observation.next(null, held("a", 3, 0, 7), 0, 0);
    assertThat(Observation.next(first, held("a", 3, 999, 7), 20 * SECOND, 0).sinceNanos())
        .as("same owner, fence and renewals: the expiry hint does not matter")
        .isZero();
    assertThat(Observation.next(first, held("a", 3, 0, 8), 20 * SECOND, 0).sinceNanos())
        .as("a renewal")
        .isEqualTo(20 * SECOND);
    assertThat(Observation.next(first, held("a", 4, 0, 7), 20 * SECOND, 0).sinceNanos())
        .as("a new grant to the same owner")
        .isEqualTo(20 * SECOND);
    assertThat(Observation.next(first, held("c", 3, 0, 7), 20 * SECOND, 0).sinceNanos())
        .as("another owner")
        .isEqualTo(20 * SECOND);
  }

  @Test
  void theWindowIsTheHoldersLeaseNotTheContenders() {
    LeaseItem longLease = new LeaseItem(true, "a", 1, 0, 0, 120_000);
    assertThat(Observation.next(null, longLease, 0, 30 * SECOND).windowNanos())
        .isEqualTo(120 * SECOND);
    LeaseItem unknown = new LeaseItem(true, "a", 1, 0, 0, 0);
    assertThat(Observation.next(null, unknown, 0, 30 * SECOND).windowNanos())
        .isEqualTo(30 * SECOND);
  }
}
