package io.fenceq.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A granted or renewed lease. The {@link #fence()} must travel with every downstream write made
 * under this lease, so that storage can reject the writes of a holder that was taken over while it
 * was paused.
 *
 * @param id the lease item's id, e.g. {@code lane#0042} or {@code leader#nightly}
 * @param owner the holder
 * @param fence the fencing token minted by the grant; strictly larger than any earlier grant's
 * @param expiresAt the expiry written to the item, from the holder's wall clock: a hint for
 *     contenders in {@link ExpiryMode#WALL_CLOCK_HINT} mode, not a promise
 * @param renewals how many times the item has been renewed, by any holder, ever
 * @param duration the lease duration the grant or renewal was made for
 * @param localDeadlineNanos on the ticker of the {@link LaneLeases} that granted it, the instant
 *     after which the holder must consider the lease gone unless renewed: the ticker reading taken
 *     before the write was sent, plus {@code duration}
 * @param recordedFailure the lane's failure record as the item read when this grant, renewal or
 *     record was written, or null for none; read it with {@link #failure()}
 */
public record Lease(
    String id,
    String owner,
    long fence,
    Instant expiresAt,
    long renewals,
    Duration duration,
    long localDeadlineNanos,
    FailureRecord recordedFailure)
    implements AcquireResult, RenewResult {

  /** A lease whose item carries no failure record. */
  public Lease(
      String id,
      String owner,
      long fence,
      Instant expiresAt,
      long renewals,
      Duration duration,
      long localDeadlineNanos) {
    this(id, owner, fence, expiresAt, renewals, duration, localDeadlineNanos, null);
  }

  /**
   * The failure record on the lease item, read for free by the acquire or renewal that returned
   * this lease: which job of the lane last failed, and how many times it actually ran and failed.
   */
  public Optional<FailureRecord> failure() {
    return Optional.ofNullable(recordedFailure);
  }

  /** This lease with {@code failure} as its item's record (null for none); the rest unchanged. */
  public Lease withFailure(FailureRecord failure) {
    return new Lease(id, owner, fence, expiresAt, renewals, duration, localDeadlineNanos, failure);
  }

  @Override
  public String toString() {
    return "Lease[" + id + " owner=" + owner + " fence=" + fence + " expiresAt=" + expiresAt + "]";
  }
}
