package io.fenceq.consumer.internal;

import io.fenceq.lease.LeaseConfig;
import java.time.Duration;
import java.time.Instant;

/**
 * How one consumer invocation spends its remaining time. Without a heartbeat a lane's lease must
 * last the whole batch, and it must end before Lambda could cut the invocation off, so both derive
 * from the time left:
 *
 * <ul>
 *   <li>a reserve, a tenth of the time left, between {@link #MIN_RESERVE} and {@link #MAX_RESERVE},
 *       is kept at the end to release leases, delete and give back messages, and answer;
 *   <li>the lease lasts the time left less the reserve, rounded down to whole seconds (so that
 *       invocations of one function share one engine configuration);
 *   <li>no job starts in the last reserve of the lease: a job started just before that still has
 *       half a reserve to finish in;
 *   <li>half a reserve before the lease ends, whatever still runs is abandoned ({@link
 *       InvocationDeadline}): the lane is settled while its lease is still valid, so that finished
 *       jobs can be deleted, and the invocation keeps a reserve after the lease to answer.
 * </ul>
 *
 * @param leaseDuration the lane lease of this invocation
 * @param notAfter no job starts at or after this instant
 * @param abandonAfter how long after the invocation's start its unfinished lanes are abandoned
 */
public record InvocationBudget(Duration leaseDuration, Instant notAfter, Duration abandonAfter) {
  public static final Duration MIN_RESERVE = Duration.ofMillis(500);
  public static final Duration MAX_RESERVE = Duration.ofSeconds(5);

  /** The shortest lease worth acquiring; with less time left the batch is not started. */
  public static final Duration MIN_LEASE = Duration.ofSeconds(1);

  /**
   * The budget of an invocation with {@code remainingMillis} left at {@code now}, or null if too
   * little time is left to run anything.
   */
  public static InvocationBudget of(long remainingMillis, Instant now) {
    Duration remaining = Duration.ofMillis(Math.max(0, remainingMillis));
    Duration reserve = clamp(remaining.dividedBy(10));
    Duration lease = Duration.ofSeconds(remaining.minus(reserve).toSeconds());
    if (lease.compareTo(LeaseConfig.MAX_LEASE_DURATION) > 0) {
      lease = LeaseConfig.MAX_LEASE_DURATION;
    }
    Duration startWindow = lease.minus(reserve);
    if (lease.compareTo(MIN_LEASE) < 0 || !startWindow.isPositive()) {
      return null;
    }
    return new InvocationBudget(lease, now.plus(startWindow), lease.minus(reserve.dividedBy(2)));
  }

  private static Duration clamp(Duration reserve) {
    if (reserve.compareTo(MIN_RESERVE) < 0) {
      return MIN_RESERVE;
    }
    return reserve.compareTo(MAX_RESERVE) > 0 ? MAX_RESERVE : reserve;
  }
}
