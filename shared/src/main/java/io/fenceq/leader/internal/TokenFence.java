package io.fenceq.leader.internal;

/**
 * The fence of one holding of an SQS leader token: {@code generation * 2^24 + receiveCount}.
 *
 * <p>The generation is written in the token's body and grows by one at every re-send; the receive
 * count is the {@code ApproximateReceiveCount} SQS returns with the receive, which grows by one at
 * every receive of one message and starts again at 1 for a re-sent one. Putting the generation in
 * the high bits makes a re-sent token's first holder outrank every holder of the message before it,
 * however often that message was received; the receive count orders the holders of one message. The
 * argument, and where it needs the generation to be unique per message, is in
 * docs/leader-election.md.
 */
public final class TokenFence {
  /** Bits of the fence that hold the receive count. */
  public static final int RECEIVE_COUNT_BITS = 24;

  /**
   * Receives of one token message the fence can tell apart. A token received this often is re-sent
   * (a new generation) before anyone leads with it.
   */
  public static final long MAX_RECEIVE_COUNT = (1L << RECEIVE_COUNT_BITS) - 1;

  /** Largest generation whose fences still fit a positive {@code long}. */
  public static final long MAX_GENERATION = Long.MAX_VALUE >>> RECEIVE_COUNT_BITS;

  private TokenFence() {}

  /**
   * @throws IllegalArgumentException if either part is out of range
   */
  public static long of(long generation, long receiveCount) {
    if (generation < 1 || generation > MAX_GENERATION) {
      throw new IllegalArgumentException(
          "token generation must be 1 to " + MAX_GENERATION + ", got " + generation);
    }
    if (receiveCount < 1 || receiveCount > MAX_RECEIVE_COUNT) {
      throw new IllegalArgumentException(
          "token receive count must be 1 to " + MAX_RECEIVE_COUNT + ", got " + receiveCount);
    }
    return (generation << RECEIVE_COUNT_BITS) | receiveCount;
  }

  /** The generation part of {@code fence}. */
  public static long generation(long fence) {
    return fence >>> RECEIVE_COUNT_BITS;
  }

  /** The receive-count part of {@code fence}. */
  public static long receiveCount(long fence) {
    return fence & MAX_RECEIVE_COUNT;
  }
}
