package io.fenceq.redis;

import io.fenceq.fence.FenceToken;
import io.fenceq.time.Ticker;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One holding of a {@link FencedRedisLock}: its fence, and the tokens its downstream writes carry.
 *
 * <p><b>The seq of a lock holder.</b> {@link io.fenceq.fence.DynamoDbFence DynamoDbFence} and
 * {@link io.fenceq.fence.JdbcFencedUpdate JdbcFencedUpdate} apply a write only if the entity has
 * seen no newer fence and no equal or later seq. A queue job's seq is its SQS sequence number; a
 * lock holder has none, so {@link #nextToken()} makes one: {@code seq = fence × 10^19 + n}, where
 * {@code n} counts this holder's writes from 1. Since every fence fits 19 digits, seqs are ordered
 * by fence first, then by write: a newer holder's first write comes after all of an older holder's
 * writes, each new write of one holder after its earlier ones, and a retry of the same write with
 * the same token is a {@code DUPLICATE}, never applied twice. The seq is at most 38 digits, what a
 * DynamoDB Number and {@code NUMERIC(38,0)} hold exactly. An entity written under this lock should
 * be written only under it: a seq from elsewhere (an SQS sequence number) is on another scale.
 *
 * <p>Thread-safe: several threads may draw tokens from one handle.
 *
 * @see io.fenceq.fence.DynamoDbFence
 * @see io.fenceq.fence.JdbcFencedUpdate
 */
public final class RedisLockHandle {
  private static final BigInteger WRITES_PER_FENCE = BigInteger.TEN.pow(19);

  private final String lockName;
  private final String owner;
  private final long fence;
  private final long replicasAcknowledged;
  private final Duration replicationWait;
  private final Ticker ticker;
  private final AtomicLong writes = new AtomicLong();
  private volatile long expiresAtNanos;

  RedisLockHandle(
      String lockName,
      String owner,
      long fence,
      long replicasAcknowledged,
      Duration replicationWait,
      Ticker ticker,
      long expiresAtNanos) {
    this.lockName = lockName;
    this.owner = owner;
    this.fence = fence;
    this.replicasAcknowledged = replicasAcknowledged;
    this.replicationWait = replicationWait;
    this.ticker = ticker;
    this.expiresAtNanos = expiresAtNanos;
  }

  public String lockName() {
    return lockName;
  }

  /** This holding's random owner id, part of the lock key's value. */
  public String owner() {
    return owner;
  }

  /** The fence minted for this holding: above every fence minted before it on this primary. */
  public long fence() {
    return fence;
  }

  /** Replicas that acknowledged the acquire ({@code WAIT}'s answer; 0 if not asked). */
  public long replicasAcknowledged() {
    return replicasAcknowledged;
  }

  /** How long the acquire's {@code WAIT} blocked ({@link Duration#ZERO} if not asked). */
  public Duration replicationWait() {
    return replicationWait;
  }

  /**
   * The token of this holder's next write: this fence and the next seq (see the class comment).
   * Draw one per write and keep it for the write's retries.
   */
  public FenceToken nextToken() {
    BigInteger seq =
        BigInteger.valueOf(fence)
            .multiply(WRITES_PER_FENCE)
            .add(BigInteger.valueOf(writes.incrementAndGet()));
    return new FenceToken(fence, seq.toString());
  }

  /**
   * True once the TTL, counted from before the acquire or last renewal was sent, has passed on this
   * process' ticker. A holder past it must assume another holds the lock; its writes are refused
   * downstream if one has written since. False does not prove the lock is still held: the fence
   * does.
   */
  public boolean expired() {
    return ticker.nanos() - expiresAtNanos >= 0;
  }

  void extendTo(long expiresAtNanos) {
    this.expiresAtNanos = expiresAtNanos;
  }

  /** The lock key's value: owner and fence, so only this holding can renew or release. */
  String value() {
    return owner + ":" + fence;
  }

  @Override
  public String toString() {
    return "lock=" + lockName + " fence=" + fence + " owner=" + owner;
  }
}
