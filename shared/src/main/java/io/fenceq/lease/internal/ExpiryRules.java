package io.fenceq.lease.internal;

import io.fenceq.lease.ExpiryMode;

/**
 * The decisions a contender makes around one acquire, as pure functions of what it has seen and its
 * own clocks, so that every rule can be checked without DynamoDB: which condition to send, and how
 * long to wait after a refusal.
 */
public final class ExpiryRules {
  private ExpiryRules() {}

  /** Which acquire condition a contender sends. */
  public enum AcquireKind {
    /** Free, mine, or expired by the wall clock ({@code WALL_CLOCK_HINT}). */
    FREE_MINE_OR_EXPIRED,
    /** Free or mine only ({@code OBSERVED}, before a full lease has been watched). */
    FREE_OR_MINE,
    /** Free, mine, or still exactly as observed for a full lease ({@code OBSERVED}). */
    FREE_MINE_OR_UNCHANGED
  }

  /**
   * @param observation this contender's observation of the lease, or null if it has none
   * @param nowNanos the contender's ticker now
   */
  public static AcquireKind acquireKind(ExpiryMode mode, Observation observation, long nowNanos) {
    if (mode == ExpiryMode.WALL_CLOCK_HINT) {
      return AcquireKind.FREE_MINE_OR_EXPIRED;
    }
    return observation != null && observation.fullLeaseObserved(nowNanos)
        ? AcquireKind.FREE_MINE_OR_UNCHANGED
        : AcquireKind.FREE_OR_MINE;
  }

  /**
   * How long a refused contender waits before trying again, jitter not included: until the holder's
   * expiry on the contender's clock ({@code WALL_CLOCK_HINT}) or until the end of the observation
   * window on its ticker ({@code OBSERVED}); at least one millisecond, so that a caller that loops
   * on refusals never spins.
   *
   * <p>In {@code WALL_CLOCK_HINT} the wait is at most the holder's own lease duration, when the
   * item records it: a lease never has more than that left, so more means the contender's clock
   * runs behind the holder's, and waiting the skew as well would only delay the lane (by up to the
   * skew, for every refusal).
   *
   * @param observation the observation updated with the refusal's item ({@code OBSERVED} only)
   */
  public static long retryAfterNanos(
      ExpiryMode mode, LeaseItem holder, Observation observation, long nowMillis, long nowNanos) {
    long wait;
    if (mode == ExpiryMode.WALL_CLOCK_HINT) {
      long millis = holder.expiresAtMillis() - nowMillis;
      // The condition is expiresAt < now, so at expiresAt == now the lease is still held.
      if (holder.leaseMillis() > 0 && millis > holder.leaseMillis()) {
        millis = holder.leaseMillis();
      }
      wait = millis < 0 ? 0 : Math.multiplyExact(millis + 1, 1_000_000L);
    } else {
      wait = observation.remainingNanos(nowNanos);
    }
    return Math.max(wait, 1_000_000L);
  }
}
