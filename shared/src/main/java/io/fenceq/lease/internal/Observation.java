package io.fenceq.lease.internal;

/**
 * What one contender has seen of a held lease in {@code OBSERVED} mode: the item's (owner, fence,
 * renewals) and since when, on the contender's own ticker, it has seen exactly that state.
 *
 * <p>The holder's renewal count only grows, so if a later look shows the same triple, the holder
 * has not renewed in between, and its own local deadline (its last successful write's send time
 * plus its lease) lies before {@code sinceNanos + windowNanos}: {@code sinceNanos} is taken after
 * the response that showed the state, so after that write took effect.
 *
 * @param owner the holder seen
 * @param fence the holder's fence
 * @param renewals the item's renewal count
 * @param sinceNanos when this contender first saw this state, read after the response arrived
 * @param windowNanos how long to watch: the holder's lease duration as stored in the item
 */
public record Observation(
    String owner, long fence, long renewals, long sinceNanos, long windowNanos) {

  /**
   * The observation after seeing {@code item} at {@code nowNanos}: unchanged state keeps its start,
   * any change (a renewal, a new holder) starts a new window.
   *
   * @param previous the earlier observation of this lease, or null
   * @param fallbackWindowNanos the window when the item does not say its lease duration
   */
  public static Observation next(
      Observation previous, LeaseItem item, long nowNanos, long fallbackWindowNanos) {
    long window = item.leaseMillis() > 0 ? item.leaseMillis() * 1_000_000L : fallbackWindowNanos;
    if (previous != null && previous.sameState(item)) {
      return new Observation(
          previous.owner, previous.fence, previous.renewals, previous.sinceNanos, window);
    }
    return new Observation(item.owner(), item.fence(), item.renewals(), nowNanos, window);
  }

  public boolean sameState(LeaseItem item) {
    return owner.equals(item.owner()) && fence == item.fence() && renewals == item.renewals();
  }

  /** Whether the state has been seen unchanged for the holder's full lease by {@code nowNanos}. */
  public boolean fullLeaseObserved(long nowNanos) {
    return nowNanos - sinceNanos >= windowNanos;
  }

  /** Time left in the window at {@code nowNanos}, never negative. */
  public long remainingNanos(long nowNanos) {
    return Math.max(0, sinceNanos + windowNanos - nowNanos);
  }
}
