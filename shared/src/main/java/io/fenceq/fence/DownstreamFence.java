package io.fenceq.fence;

/**
 * The fence a downstream write carries: the ring epoch of the job in the high bits and the lane
 * lease's fence in the low {@value #LANE_FENCE_BITS} bits, {@code epoch * 2^40 + laneFence}.
 *
 * <p>Lane fences are counted per lane. A key that a reshard moves from lane {@code o} to lane
 * {@code n} meets lane {@code n}'s counter, unrelated to lane {@code o}'s and possibly lower. The
 * epoch in front keeps a key's downstream fences rising across the move: its jobs of the new epoch
 * run only after every job of the old epoch has run (the old lane's barrier), so they all carry a
 * higher fence than any write made under the old epoch, including a late one by a paused holder of
 * the old lane, which is then refused. Within one epoch and lane the order is the lane fence's. At
 * epoch 0 the downstream fence is the lane fence: a queue that never reshards sees no change.
 *
 * <p>The lease item keeps its own lane fence; renew and release compare that one, never this.
 */
public final class DownstreamFence {
  /** Bits of the lane fence. */
  public static final int LANE_FENCE_BITS = 40;

  /** The first lane fence that no longer fits: {@code 2^40}. */
  public static final long LANE_FENCE_LIMIT = 1L << LANE_FENCE_BITS;

  /** The largest epoch that fits in front of a lane fence: {@code 2^23 - 1}. */
  public static final long MAX_EPOCH = Long.MAX_VALUE >>> LANE_FENCE_BITS;

  private DownstreamFence() {}

  /**
   * The downstream fence of a job of {@code epoch} run under a lane lease of {@code laneFence}.
   *
   * @param epoch the ring epoch the fence is made for, 0 to {@link #MAX_EPOCH}
   * @param laneFence the lane lease's fence, 1 to {@code 2^40 - 1}
   * @throws IllegalArgumentException if either does not fit, naming the value
   */
  public static long of(long epoch, long laneFence) {
    if (laneFence < 1 || laneFence >= LANE_FENCE_LIMIT) {
      throw new IllegalArgumentException(
          "lane fence must be 1 to 2^40-1 to compose a downstream fence, got "
              + laneFence
              + (laneFence >= LANE_FENCE_LIMIT
                  ? ": the lane's lease counter has outgrown the epoch-major fence"
                  : ""));
    }
    if (epoch < 0 || epoch > MAX_EPOCH) {
      throw new IllegalArgumentException(
          "ring epoch must be 0 to " + MAX_EPOCH + " to compose a downstream fence, got " + epoch);
    }
    return (epoch << LANE_FENCE_BITS) | laneFence;
  }

  /** The epoch part of a downstream fence. */
  public static long epoch(long downstreamFence) {
    return downstreamFence >>> LANE_FENCE_BITS;
  }

  /** The lane fence part of a downstream fence. */
  public static long laneFence(long downstreamFence) {
    return downstreamFence & (LANE_FENCE_LIMIT - 1);
  }
}
