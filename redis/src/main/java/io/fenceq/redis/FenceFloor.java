package io.fenceq.redis;

/**
 * The highest fence the fenced store has accepted for a lock, read before each acquire. The acquire
 * script raises Redis' fence counter to it before minting, so a new fence is always above every
 * fence the store has seen, even after a failover promoted a replica that had lost increments.
 *
 * <p>For a {@code JdbcFencedUpdate} table, {@code SELECT MAX(fence) FROM accounts WHERE ...}; for a
 * {@code DynamoDbFence} item, a consistent read of its {@code fence} attribute. It may return a
 * lower value than the truth (a cache, a replica), never a higher one than any fence that could be
 * accepted... a higher value is safe too: it only skips fences. Return 0 when nothing was written.
 */
@FunctionalInterface
public interface FenceFloor {
  /**
   * The highest fence accepted under lock {@code lockName}, or 0.
   *
   * @throws RuntimeException if it cannot be read; the acquire fails with it and mints nothing
   */
  long highestAcceptedFence(String lockName);

  /** No floor: the Redis counter alone decides, and a failover may hand out a fence again. */
  static FenceFloor none() {
    return lockName -> 0;
  }
}
