package io.fenceq.lease;

import io.fenceq.ring.Lane;
import java.time.Duration;

/**
 * The leases of lanes, as the engine uses them: one lease per lane, granted to one holder at a
 * time, each grant with a fence. {@link LeaseStore} is the implementation on the DynamoDB lease
 * table; the engine depends only on this interface, so its tests can run on a plain in-memory one.
 *
 * <p>What every implementation guarantees:
 *
 * <ul>
 *   <li>Every grant of one lease id mints a fence strictly larger than every earlier grant's of
 *       that id, to any owner, and the counter never restarts.
 *   <li>At most one owner holds a lease id at a time, as the lease's own record sees it; a holder
 *       whose lease ran out may be taken over while it still runs, and is then stopped by its fence
 *       downstream, not by the lease.
 *   <li>Only the owner at its fence can renew or release a grant, so a holder that was taken over
 *       can neither extend nor free the newer grant.
 *   <li>A grant made for a lane-batch ({@link #acquire(String, String, SequenceSpan)}) also passes,
 *       without a release, to a contender whose batch starts above the holder's: the holder's whole
 *       batch was deleted, so it has nothing left to do under the lease.
 *   <li>Refusals and losses say who holds the lease, at which fence, and until when.
 *   <li>Only the owner at its fence can write or clear the lane's failure record, and every grant
 *       and renewal returns the record as the item holds it.
 * </ul>
 *
 * <p>Implementations are thread-safe. Timing comes from the implementation's own injected ticker
 * (validity) and clock (expiry hints).
 */
public interface LaneLeases {

  /** The lease id of a lane: {@code lane#0042}. The same id on every implementation. */
  static String leaseId(Lane lane) {
    return String.format("lane#%04d", lane.index());
  }

  /** The lease duration, renew interval and expiry mode every grant and renewal is made with. */
  LeaseConfig config();

  /**
   * Tries once to acquire {@code leaseId} for {@code owner}, for {@link
   * LeaseConfig#leaseDuration()}. A lease is granted when nobody holds it, when {@code owner}
   * already does (then with a new fence), or when the holder is deemed gone by the {@link
   * LeaseConfig#expiryMode()}.
   *
   * <p>The grant records no lane-batch, so it is never handed over: it is released or runs out.
   *
   * @return a {@link Lease} whose fence is larger than any earlier grant's of {@code leaseId}, or a
   *     {@link LeaseRefusal} naming the holder, its fence and expiry, and when to try again
   * @throws LeaseException if the lease could not be asked for; nothing is known to be granted
   */
  AcquireResult acquire(String leaseId, String owner);

  /**
   * Tries once to acquire the lease of a lane for the lane-batch whose SQS sequence numbers {@code
   * batch} spans: granted as by {@link #acquire(String, String)}, and also when the holder's grant
   * was made for a lane-batch that ended below {@code batch.first()}. That is a handover, not a
   * takeover: SQS delivered this batch only after deleting every message of the holder's. The grant
   * records {@code batch.last()}, so that the holder of this batch need not release the lease once
   * every message of it is deleted: the lane's next batch takes it over.
   *
   * @return a {@link Lease} whose fence is larger than any earlier grant's of {@code leaseId}, or a
   *     {@link LeaseRefusal} naming the holder, its fence and expiry, and when to try again
   * @throws LeaseException if the lease could not be asked for; nothing is known to be granted
   */
  AcquireResult acquire(String leaseId, String owner, SequenceSpan batch);

  /**
   * Extends {@code lease} by the lease duration, if it is still its owner's at its fence. The fence
   * stays.
   *
   * @return the renewed {@link Lease}, with a later local deadline; or a {@link LeaseLoss} saying
   *     to whom and at which fence it was lost, which is final
   * @throws LeaseException if the lease could not be asked for; it may still be the caller's until
   *     {@link #isValid} turns false
   */
  RenewResult renew(Lease lease);

  /**
   * Frees {@code lease} if it is still its owner's at its fence, so the next acquire by anyone is
   * granted at once, with a larger fence.
   *
   * @return {@link ReleaseResult.Released}, or a {@link LeaseLoss} if the lease had passed to
   *     someone else (then nothing was changed)
   * @throws LeaseException if the lease could not be asked for; it then lapses by itself
   */
  ReleaseResult release(Lease lease);

  /**
   * Counts a real failure of job {@code messageId} in the lane's {@link FailureRecord}, if {@code
   * lease} is still its owner's at its fence: one more than {@code lease.failure()} when that names
   * the same job, otherwise 1. Written only when a handler failed, so successful jobs pay nothing;
   * every later acquire of the lane reads the record back with its grant ({@link Lease#failure()}).
   *
   * @return {@code lease} carrying the record as written, or a {@link LeaseLoss} if the lease had
   *     passed to someone else or to a newer grant (then nothing was written)
   * @throws LeaseException if the lease could not be asked for; nothing is known to be written
   */
  RenewResult recordFailure(Lease lease, String messageId, String reason);

  /**
   * Removes the lane's failure record, if {@code lease} is still its owner's at its fence: the job
   * it counted succeeded or was dead-lettered.
   *
   * @return {@code lease} without a record, or a {@link LeaseLoss} (then nothing was changed)
   * @throws LeaseException if the lease could not be asked for
   */
  RenewResult clearFailure(Lease lease);

  /**
   * Whether {@code lease} is still within its local deadline on this implementation's ticker. A
   * holder acts under a lease only while this is true; past it, a contender may already hold it.
   */
  boolean isValid(Lease lease);

  /**
   * Time left before {@code lease}'s local deadline on this implementation's ticker; zero past it.
   */
  Duration remaining(Lease lease);
}
