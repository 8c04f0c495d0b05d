package io.fenceq.lease;

import java.time.Duration;
import java.time.Instant;

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
 */
public record Lease(
    String id,
    String owner,
    long fence,
    Instant expiresAt,
    long renewals,
    Duration duration,
    long localDeadlineNanos)
    implements AcquireResult, RenewResult {

  @Override
  public String toString() {
    return "Lease[" + id + " owner=" + owner + " fence=" + fence + " expiresAt=" + expiresAt + "]";
  }
}
