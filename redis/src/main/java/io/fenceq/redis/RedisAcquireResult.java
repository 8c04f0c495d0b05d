package io.fenceq.redis;

import java.time.Duration;

/** What {@link FencedRedisLock#acquire(String)} did. */
public sealed interface RedisAcquireResult {

  /** The lock is this caller's, under {@code handle}'s fence, on as many replicas as asked. */
  record Acquired(RedisLockHandle handle) implements RedisAcquireResult {}

  /**
   * Another owner holds the lock.
   *
   * @param retryAfter the lock's remaining TTL on the primary
   */
  record Busy(String lockName, Duration retryAfter) implements RedisAcquireResult {}

  /**
   * The lock was taken and a fence minted, but {@code WAIT} saw fewer replicas acknowledge it than
   * asked within the timeout: a failover now could lose the fence and hand it out again. The fence
   * is not handed out and the lock was released (best effort; else it expires by its TTL).
   *
   * @param fence the fence minted and withheld
   * @param acknowledged replicas that acknowledged
   * @param asked replicas asked for ({@link RedisLockConfig#waitReplicas()})
   * @param waited how long {@code WAIT} blocked
   */
  record NotReplicated(String lockName, long fence, long acknowledged, int asked, Duration waited)
      implements RedisAcquireResult {}
}
