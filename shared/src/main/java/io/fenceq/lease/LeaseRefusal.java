package io.fenceq.lease;

import java.time.Duration;
import java.time.Instant;

/**
 * An acquire that was refused because someone else holds the lease. The caller waits {@link
 * #retryAfter()} before trying again, instead of spinning: in {@link ExpiryMode#WALL_CLOCK_HINT}
 * mode that is the holder's expiry on the caller's clock, in {@link ExpiryMode#OBSERVED} mode the
 * end of the caller's observation window, each plus random jitter.
 *
 * @param id the lease item's id
 * @param holder the current owner
 * @param holderFence the fence the current owner holds
 * @param holderExpiresAt the expiry the holder last wrote, from its own wall clock
 * @param mode the expiry mode the decision was made in
 * @param retryAfter how long to wait before the next acquire of this lease
 * @param reason a complete sentence naming the lease, the table, the holder and the retry time
 */
public record LeaseRefusal(
    String id,
    String holder,
    long holderFence,
    Instant holderExpiresAt,
    ExpiryMode mode,
    Duration retryAfter,
    String reason)
    implements AcquireResult {

  @Override
  public String toString() {
    return reason;
  }
}
