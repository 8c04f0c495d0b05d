package io.fenceq.engine;

import io.fenceq.fence.FenceToken;
import io.fenceq.ring.Lane;
import java.time.Instant;

/**
 * What a handler needs to act safely on its job: the lane's fence, the job's sequence number, and
 * whether the lane's lease is still this consumer's.
 */
public interface JobContext {
  /** The job's key. */
  String key();

  /** The lane the ring assigned the key to. */
  Lane lane();

  /**
   * The downstream fence this job's writes carry: the fence of the lane's lease it runs under, with
   * the job's ring epoch in front ({@link io.fenceq.fence.DownstreamFence}, {@code epoch * 2^40 +
   * lane fence}). On a queue that never reshards (epoch 0) it is the lane lease's fence itself;
   * after a reshard it keeps rising for a key that moved to a lane whose lease counter is lower.
   * The lease's own fence, which renewals and releases compare, is not this one.
   */
  long fence();

  /** The job's SQS FIFO sequence number. */
  String seq();

  /** Which delivery of the job this is (1 = first). */
  int attempt();

  /**
   * When the consumer stops waiting for this job: the lease's local deadline or the host's own
   * limit (a Lambda invocation's remaining time), whichever is sooner.
   */
  Instant deadline();

  /**
   * The token every downstream write carries: {@link #fence()} and {@link #seq()}.
   *
   * @throws LaneLostException if the lane's lease or its messages' visibility was lost
   */
  FenceToken fenceToken();

  /**
   * Throws if this consumer no longer holds the lane; long handlers call it between steps.
   *
   * @throws LaneLostException naming the lane, the fence and why it was lost
   */
  void checkFence();

  /**
   * The exception to throw when a fenced write answered {@code FENCED}: a newer holder of the lane
   * has written to the entity, so this consumer must stop and delete nothing more. The engine
   * counts the job as fenced and leaves the lane's messages to the new holder.
   *
   * <pre>{@code
   * if (fence.update(request, context.fenceToken()) == FenceResult.FENCED) {
   *   throw context.fenced("inventory item " + sku);
   * }
   * }</pre>
   *
   * @param what the entity whose write was refused, for the message
   */
  default LaneLostException fenced(String what) {
    return new LaneLostException(
        "lane "
            + lane()
            + " at fence "
            + fence()
            + " was fenced: "
            + what
            + " already carries a newer fence, so another consumer holds the lane now");
  }
}
