package io.fenceq.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.Lane;
import io.fenceq.time.ManualClock;
import io.fenceq.time.ManualTicker;
import io.fenceq.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LaneLeases} guarantees, checked on each implementation by a subclass: the
 * DynamoDB one, so that the in-memory one the engine tests run on is held to the same answers.
 * Contenders share one table; each has its own ticker and a wall clock that may be skewed, and
 * {@link #advance} moves everyone's time together.
 */
abstract class LaneLeasesContract {
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  static final LeaseConfig CONFIG = LeaseConfig.builder().retryJitter(Duration.ZERO).build();
  private static final String LANE = "lane#0001";

  private final List<ManualTicker> tickers = new ArrayList<>();
  private final List<ManualClock> clocks = new ArrayList<>();

  /** A contender on the table every contender of this test shares, with {@link #CONFIG}. */
  abstract LaneLeases contender(Ticker ticker, Clock clock);

  /** A contender whose wall clock reads {@code skew} ahead of true time. */
  private LaneLeases contender(Duration skew) {
    // Tickers of different processes have unrelated origins; only their rates agree.
    ManualTicker ticker = new ManualTicker(3_000_000_000L * (tickers.size() + 1));
    ManualClock clock = new ManualClock(T0.plus(skew));
    tickers.add(ticker);
    clocks.add(clock);
    return contender(ticker, clock);
  }

  private LaneLeases contender() {
    return contender(Duration.ZERO);
  }

  private void advance(Duration by) {
    tickers.forEach(t -> t.advance(by));
    clocks.forEach(c -> c.advance(by));
  }

  private static Lease granted(AcquireResult result) {
    assertThat(result).isInstanceOf(Lease.class);
    return (Lease) result;
  }

  private static Lease granted(RenewResult result) {
    assertThat(result).isInstanceOf(Lease.class);
    return (Lease) result;
  }

  @Test
  void everyGrantOfALeaseHasALargerFenceWhoeverItGoesTo() {
    LaneLeases a = contender();
    LaneLeases b = contender();

    Lease first = granted(a.acquire(LANE, "a"));
    Lease again = granted(a.acquire(LANE, "a"));
    assertThat(a.release(again)).isInstanceOf(ReleaseResult.Released.class);
    Lease other = granted(b.acquire(LANE, "b"));
    Lease elsewhere = granted(b.acquire("lane#0002", "b"));

    assertThat(List.of(first.fence(), again.fence(), other.fence())).containsExactly(1L, 2L, 3L);
    assertThat(elsewhere.fence()).isEqualTo(1);
    assertThat(first.expiresAt()).isEqualTo(T0.plus(CONFIG.leaseDuration()));
    assertThat(first.duration()).isEqualTo(CONFIG.leaseDuration());
  }

  @Test
  void aHeldLeaseIsRefusedNamingItsHolderItsFenceAndWhenToRetry() {
    LaneLeases a = contender();
    LaneLeases b = contender();
    granted(a.acquire(LANE, "a"));
    advance(Duration.ofSeconds(12));

    AcquireResult result = b.acquire(LANE, "b");

    assertThat(result).isInstanceOf(LeaseRefusal.class);
    LeaseRefusal refusal = (LeaseRefusal) result;
    assertThat(refusal.holder()).isEqualTo("a");
    assertThat(refusal.holderFence()).isEqualTo(1);
    assertThat(refusal.holderExpiresAt()).isEqualTo(T0.plusSeconds(30));
    assertThat(refusal.mode()).isEqualTo(ExpiryMode.WALL_CLOCK_HINT);
    // The condition is expiresAt < now: the lease is free 1 ms after its expiry.
    assertThat(refusal.retryAfter()).isEqualTo(Duration.ofMillis(18_001));
    assertThat(refusal.reason()).contains(LANE).contains("held by a at fence 1");
  }

  @Test
  void aLeasePastItsExpiryOnTheContendersClockIsTakenAndTheOldHolderCanNeitherRenewNorRelease() {
    LaneLeases a = contender();
    LaneLeases fast = contender(Duration.ofSeconds(31));
    Lease old = granted(a.acquire(LANE, "a"));

    Lease taken = granted(fast.acquire(LANE, "b"));
    RenewResult renewed = a.renew(old);
    ReleaseResult released = a.release(old);

    assertThat(taken.fence()).isEqualTo(2);
    for (Object refused : List.of(renewed, released)) {
      assertThat(refused).isInstanceOf(LeaseLoss.class);
      LeaseLoss loss = (LeaseLoss) refused;
      assertThat(loss.heldBy()).isEqualTo("b");
      assertThat(loss.currentFence()).isEqualTo(2);
      assertThat(loss.fence()).isEqualTo(1);
      assertThat(loss.reason()).contains("held by b at fence 2");
    }
    assertThat(fast.renew(taken)).isInstanceOf(Lease.class);
  }

  @Test
  void aGrantToTheSameOwnerAgainMakesTheEarlierGrantLost() {
    LaneLeases a = contender();
    Lease first = granted(a.acquire(LANE, "a"));
    granted(a.acquire(LANE, "a"));

    RenewResult renewed = a.renew(first);

    assertThat(renewed).isInstanceOf(LeaseLoss.class);
    assertThat(((LeaseLoss) renewed).currentFence()).isEqualTo(2);
  }

  @Test
  void aRenewalKeepsTheFenceAndMovesTheExpiryAndTheLocalDeadline() {
    LaneLeases a = contender();
    Lease lease = granted(a.acquire(LANE, "a"));
    assertThat(a.remaining(lease)).isEqualTo(CONFIG.leaseDuration());
    advance(Duration.ofSeconds(20));

    RenewResult result = a.renew(lease);

    assertThat(result).isInstanceOf(Lease.class);
    Lease renewed = (Lease) result;
    assertThat(renewed.fence()).isEqualTo(lease.fence());
    assertThat(renewed.renewals()).isEqualTo(lease.renewals() + 1);
    assertThat(renewed.expiresAt()).isEqualTo(T0.plusSeconds(50));
    advance(Duration.ofSeconds(29));
    assertThat(a.isValid(lease)).isFalse();
    assertThat(a.remaining(lease)).isZero();
    assertThat(a.isValid(renewed)).isTrue();
    assertThat(a.remaining(renewed)).isEqualTo(Duration.ofSeconds(1));
    advance(Duration.ofSeconds(1));
    assertThat(a.isValid(renewed)).isFalse();
  }

  @Test
  void aReleasedLeaseIsGrantedAtOnceAndCannotBeReleasedTwice() {
    LaneLeases a = contender();
    LaneLeases b = contender();
    Lease lease = granted(a.acquire(LANE, "a"));

    ReleaseResult released = a.release(lease);
    ReleaseResult twice = a.release(lease);
    Lease next = granted(b.acquire(LANE, "b"));

    assertThat(released).isEqualTo(new ReleaseResult.Released(LANE, "a", 1));
    assertThat(twice).isInstanceOf(LeaseLoss.class);
    assertThat(((LeaseLoss) twice).heldBy()).isNull();
    assertThat(next.fence()).isEqualTo(2);
  }

  @Test
  void aCallOnAnInterruptedThreadFailsAndChangesNothing() {
    LaneLeases a = contender();
    LaneLeases b = contender();
    Lease lease = granted(a.acquire(LANE, "a"));

    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> a.release(lease)).isInstanceOf(LeaseException.class);
    } finally {
      Thread.interrupted();
    }

    assertThat(b.acquire(LANE, "b")).isInstanceOf(LeaseRefusal.class);
  }

  @Test
  void ownersAndLeaseIdsAreChecked() {
    LaneLeases a = contender();

    assertThatThrownBy(() -> a.acquire(" ", "a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.acquire(LANE, null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailureRecordCountsTheSameJobsFailuresAndIsReadBackByTheNextGrantToAnyone() {
    LaneLeases a = contender();
    LaneLeases b = contender();
    Lease lease = granted(a.acquire(LANE, "a"));
    assertThat(lease.failure()).isEmpty();

    Lease once = granted(a.recordFailure(lease, "m-1", "boom 1"));
    Lease twice = granted(a.recordFailure(once, "m-1", "boom 2"));
    assertThat(a.release(twice)).isInstanceOf(ReleaseResult.Released.class);
    Lease next = granted(b.acquire(LANE, "b"));
    Lease renewed = granted(b.renew(next));

    assertThat(once.failure()).contains(new FailureRecord("m-1", 1, "boom 1"));
    assertThat(next.failure()).contains(new FailureRecord("m-1", 2, "boom 2"));
    assertThat(renewed.failure()).isEqualTo(next.failure());
    // Another job failing starts its own count.
    Lease other = granted(b.recordFailure(renewed, "m-2", "bang"));
    assertThat(other.failure()).contains(new FailureRecord("m-2", 1, "bang"));
  }

  @Test
  void aClearedFailureRecordIsGoneForTheNextGrant() {
    LaneLeases a = contender();
    Lease lease = granted(a.recordFailure(granted(a.acquire(LANE, "a")), "m-1", "boom"));

    Lease cleared = granted(a.clearFailure(lease));
    a.release(cleared);

    assertThat(cleared.failure()).isEmpty();
    assertThat(granted(a.acquire(LANE, "a")).failure()).isEmpty();
  }

  @Test
  void aStaleFenceCanNeitherWriteNorClearTheFailureRecord() {
    LaneLeases a = contender();
    LaneLeases fast = contender(Duration.ofSeconds(31));
    Lease old = granted(a.acquire(LANE, "a"));
    Lease taken = granted(fast.acquire(LANE, "b"));
    Lease counted = granted(fast.recordFailure(taken, "m-1", "boom"));

    RenewResult written = a.recordFailure(old, "m-1", "zombie");
    RenewResult cleared = a.clearFailure(old);

    for (RenewResult refused : List.of(written, cleared)) {
      assertThat(refused).isInstanceOf(LeaseLoss.class);
      LeaseLoss loss = (LeaseLoss) refused;
      assertThat(loss.heldBy()).isEqualTo("b");
      assertThat(loss.currentFence()).isEqualTo(2);
      assertThat(loss.fence()).isEqualTo(1);
    }
    fast.release(counted);
    assertThat(granted(fast.acquire(LANE, "b")).failure())
        .contains(new FailureRecord("m-1", 1, "boom"));
  }

  private static SequenceSpan span(long first, long last) {
    return new SequenceSpan(Long.toString(first), Long.toString(last));
  }

  @Test
  void aLaneBatchThatStartsAboveTheHoldersIsHandedTheLeaseWithoutARelease() {
    LaneLeases a = contender();
    LaneLeases b = contender();
    Lease held = granted(a.acquire(LANE, "a", span(1, 10)));

    Lease next = granted(b.acquire(LANE, "b", span(11, 15)));

    assertThat(next.fence()).isEqualTo(held.fence() + 1);
    assertThat(next.owner()).isEqualTo("b");
    assertThat(a.renew(held)).isInstanceOf(LeaseLoss.class);
    assertThat(a.release(held)).isInstanceOf(LeaseLoss.class);
    // The new grant records its own batch: the one after it is handed over above 15, not 10.
    assertThat(a.acquire(LANE, "a", span(12, 20))).isInstanceOf(LeaseRefusal.class);
    assertThat(granted(a.acquire(LANE, "a", span(16, 16))).fence()).isEqualTo(next.fence() + 1);
  }

  @Test
  void aLaneBatchThatStartsAtOrBelowTheHoldersLastNumberIsRefusedWhileTheLeaseLasts() {
    LaneLeases a = contender();
    LaneLeases b = contender();
    Lease held = granted(a.acquire(LANE, "a", span(5, 10)));

    // Redelivered messages of the holder's batch: it may still be running them.
    for (SequenceSpan redelivered : List.of(span(10, 12), span(5, 10), span(7, 7))) {
      AcquireResult result = b.acquire(LANE, "b", redelivered);
      assertThat(result).as("batch %s", redelivered).isInstanceOf(LeaseRefusal.class);
      assertThat(((LeaseRefusal) result).holder()).isEqualTo("a");
    }
    assertThat(granted(a.renew(held)).fence()).isEqualTo(held.fence());
  }

  @Test
  void sequenceNumbersCompareAsNumbersNotAsText() {
    LaneLeases a = contender();
    LaneLeases b = contender();
    granted(a.acquire(LANE, "a", span(9, 9)));

    // As text, "10" sorts before "9".
    Lease next = granted(b.acquire(LANE, "b", span(10, 10)));

    assertThat(next.owner()).isEqualTo("b");
    assertThat(
            a.acquire(LANE, "a", new SequenceSpan("18849496460467696128", "18849496460467696130")))
        .isInstanceOf(Lease.class);
  }

  @Test
  void aGrantThatRecordedNoBatchIsNeverHandedOver() {
    LaneLeases a = contender();
    LaneLeases b = contender();
    granted(a.acquire(LANE, "a", span(1, 10)));
    // The same owner again, without a batch: the batch recorded before no longer counts.
    Lease plain = granted(a.acquire(LANE, "a"));

    AcquireResult result = b.acquire(LANE, "b", span(1_000, 1_001));

    assertThat(result).isInstanceOf(LeaseRefusal.class);
    advance(CONFIG.leaseDuration().plusMillis(1));
    assertThat(granted(b.acquire(LANE, "b", span(1_000, 1_001))).fence())
        .isEqualTo(plain.fence() + 1);
  }

  @Test
  void aReleasedOrExpiredLaneIsGrantedWhateverTheBatch() {
    LaneLeases a = contender();
    LaneLeases b = contender();
    Lease held = granted(a.acquire(LANE, "a", span(5, 10)));
    a.release(held);

    Lease redelivery = granted(b.acquire(LANE, "b", span(5, 10)));
    advance(CONFIG.leaseDuration().plusMillis(1));
    Lease afterExpiry = granted(a.acquire(LANE, "a", span(5, 6)));

    assertThat(afterExpiry.fence()).isEqualTo(redelivery.fence() + 1);
  }

  @Test
  void aLongFailureReasonIsShortened() {
    LaneLeases a = contender();
    Lease lease = granted(a.acquire(LANE, "a"));

    Lease recorded = granted(a.recordFailure(lease, "m-1", "x".repeat(5000)));

    assertThat(recorded.failure().orElseThrow().reason())
        .hasSize(FailureRecord.MAX_REASON_LENGTH)
        .endsWith("…");
  }

  @Test
  void theLaneLeaseIdIsTheLanesIndexInFourDigits() {
    assertThat(LaneLeases.leaseId(new Lane(42))).isEqualTo("lane#0042");
    assertThat(LeaseStore.laneLeaseId(new Lane(42))).isEqualTo("lane#0042");
  }
}
