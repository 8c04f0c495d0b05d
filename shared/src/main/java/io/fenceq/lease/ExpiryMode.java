package io.fenceq.lease;

/**
 * How a contender decides that the holder of a lease has gone. Either way, safety comes from the
 * fence that every grant mints: a holder that was taken over too early is rejected by fenced
 * writes. The mode only decides how early a takeover can happen, which matters for side effects
 * that cannot be fenced. All contenders of one lease must use the same mode.
 */
public enum ExpiryMode {
  /**
   * The holder's {@code expiresAt}, written from the holder's wall clock, is compared with the
   * contender's wall clock. Takeover is fast, but a contender whose clock runs ahead by {@code s}
   * may take over up to {@code s} early while the old holder still believes it holds the lease.
   */
  WALL_CLOCK_HINT,

  /**
   * A contender takes over only after it has itself seen the lease item's owner, fence and renewal
   * count unchanged for the holder's full lease duration on its own monotonic ticker, and the
   * takeover write is conditional on the item still being in that observed state. Wall clocks play
   * no part, so a skewed clock neither speeds nor delays a takeover; the price is that a takeover
   * takes at least one lease duration after the contender first looks.
   */
  OBSERVED
}
