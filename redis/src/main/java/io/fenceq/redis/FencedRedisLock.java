package io.fenceq.redis;

import io.fenceq.redis.internal.LockKeys;
import io.fenceq.redis.internal.LockScripts;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock on Redis whose every holding carries a fence for downstream writes: for teams whose
 * coordination must stay on Redis (ElastiCache). The lock alone is not safe — a holder paused past
 * its TTL still believes it holds it — so its writes must go through {@link
 * io.fenceq.fence.DynamoDbFence} or {@link io.fenceq.fence.JdbcFencedUpdate} with {@link
 * RedisLockHandle#nextToken()}: the store refuses the late write once a newer holder has written.
 *
 * <ul>
 *   <li>Acquire is one script: {@code SET key owner:fence NX PX ttl} and the fence from {@code
 *       INCR} of a counter in the same hash slot, first raised to the {@link FenceFloor}.
 *   <li>Then {@code WAIT replicas timeout}; fewer acknowledgements than {@link
 *       RedisLockConfig#waitReplicas()} is {@link RedisAcquireResult.NotReplicated}: the fence is
 *       withheld and the lock released. {@code WAIT}'s latency is the metric {@code
 *       RedisLockWaitTime}.
 *   <li>Renew and release are scripts that act only if the key still holds this owner and fence.
 * </ul>
 *
 * <p>The connection belongs to the caller and must reach the primary that owns the lock's slot (the
 * primary endpoint; in cluster mode, the node connection for {@link #keys(String)}' slot), so that
 * {@code WAIT} counts the replicas of the write it follows. Thread-safe; {@code WAIT} holds up
 * other commands on the same connection while it blocks.
 */
public final class FencedRedisLock {
  /** Counter: acquires that handed out a fence. */
  public static final String ACQUIRED = "RedisLockAcquired";

  /** Counter: acquires that found the lock held. */
  public static final String BUSY = "RedisLockBusy";

  /** Counter: acquires refused because fewer replicas than asked acknowledged. */
  public static final String NOT_REPLICATED = "RedisLockNotReplicated";

  /** Counter: acquires that found the counter below the fence floor (lost increments). */
  public static final String FLOOR_RAISED = "RedisLockFloorRaised";

  /** Counter: renewals or releases refused because the lock was no longer this holding's. */
  public static final String LOST = "RedisLockLost";

  /** Timing: how long the acquire's {@code WAIT} blocked. */
  public static final String WAIT_TIME = "RedisLockWaitTime";

  private static final Logger log = LoggerFactory.getLogger(FencedRedisLock.class);
  private static final Map<String, String> NO_DIMENSIONS = Map.of();

  private final RedisCommands<String, String> redis;
  private final RedisLockConfig config;

  private FencedRedisLock(RedisCommands<String, String> redis, RedisLockConfig config) {
    this.redis = redis;
    this.config = config;
  }

  /** A lock over {@code connection}, a connection to the primary, with {@code config}. */
  public static FencedRedisLock on(
      StatefulRedisConnection<String, String> connection, RedisLockConfig config) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(config, "config");
    return new FencedRedisLock(connection.sync(), config);
  }

  public RedisLockConfig config() {
    return config;
  }

  /**
   * The lock's two keys, lock then fence counter; they share the hash tag {@code {lockName}}, so a
   * cluster keeps them in one slot.
   */
  public List<String> keys(String lockName) {
    LockKeys keys = LockKeys.of(config.keyPrefix(), requireName(lockName));
    return List.of(keys.lock(), keys.fence());
  }

  /**
   * Tries once to take lock {@code lockName}.
   *
   * @throws RedisLockException if Redis does not answer; the outcome is then unknown
   * @throws RuntimeException from the {@link FenceFloor}, before anything is minted
   */
  public RedisAcquireResult acquire(String lockName) {
    LockKeys keys = LockKeys.of(config.keyPrefix(), requireName(lockName));
    long floor = config.fenceFloor().highestAcceptedFence(lockName);
    if (floor < 0) {
      throw new IllegalStateException(
          "the fence floor of lock " + lockName + " is negative (" + floor + ")");
    }
    String owner = UUID.randomUUID().toString();
    long sent = config.ticker().nanos();
    List<Object> answer;
    try {
      answer =
          redis.eval(
              LockScripts.ACQUIRE,
              ScriptOutputType.MULTI,
              new String[] {keys.lock(), keys.fence()},
              owner,
              Long.toString(config.ttl().toMillis()),
              Long.toString(floor));
    } catch (RedisException e) {
      throw new RedisLockException("acquire of lock " + lockName + " failed: " + e, e);
    }
    if ((Long) answer.get(0) == 0) {
      config.metrics().count(BUSY, 1, NO_DIMENSIONS);
      return new RedisAcquireResult.Busy(
          lockName, Duration.ofMillis(Math.max(0, (Long) answer.get(1))));
    }
    long fence = (Long) answer.get(1);
    if ((Long) answer.get(2) == 1) {
      config.metrics().count(FLOOR_RAISED, 1, NO_DIMENSIONS);
      log.warn(
          "event=redis_fence_below_floor lock={} floor={} fence={} (the counter lost increments,"
              + " e.g. in a failover)",
          lockName,
          floor,
          fence);
    }
    RedisLockHandle handle =
        new RedisLockHandle(lockName, owner, fence, 0, Duration.ZERO, config.ticker(), 0);
    long acknowledged = 0;
    Duration waited = Duration.ZERO;
    if (config.waitReplicas() > 0) {
      long before = config.ticker().nanos();
      try {
        acknowledged =
            redis.waitForReplication(config.waitReplicas(), config.waitTimeout().toMillis());
      } catch (RedisException e) {
        throw new RedisLockException(
            "WAIT after acquiring lock " + lockName + " fence " + fence + " failed: " + e, e);
      }
      waited = Duration.ofNanos(config.ticker().nanos() - before);
      config.metrics().timing(WAIT_TIME, waited, NO_DIMENSIONS);
      if (acknowledged < config.waitReplicas()) {
        config.metrics().count(NOT_REPLICATED, 1, NO_DIMENSIONS);
        log.warn(
            "event=redis_lock_not_replicated lock={} fence={} acknowledged={} asked={} wait_ms={}",
            lockName,
            fence,
            acknowledged,
            config.waitReplicas(),
            waited.toMillis());
        releaseQuietly(keys, handle);
        return new RedisAcquireResult.NotReplicated(
            lockName, fence, acknowledged, config.waitReplicas(), waited);
      }
    }
    config.metrics().count(ACQUIRED, 1, NO_DIMENSIONS);
    log.debug(
        "event=redis_lock_acquired lock={} fence={} acknowledged={} wait_ms={}",
        lockName,
        fence,
        acknowledged,
        waited.toMillis());
    return new RedisAcquireResult.Acquired(
        new RedisLockHandle(
            lockName,
            owner,
            fence,
            acknowledged,
            waited,
            config.ticker(),
            sent + config.ttl().toNanos()));
  }

  /**
   * Extends {@code handle}'s lock to a full TTL from now, if it is still this holding's.
   *
   * @return true if extended; false if it had expired or been taken (the holder must stop)
   * @throws RedisLockException if Redis does not answer
   */
  public boolean renew(RedisLockHandle handle) {
    LockKeys keys = LockKeys.of(config.keyPrefix(), handle.lockName());
    long sent = config.ticker().nanos();
    boolean renewed =
        run(
            "renew",
            handle,
            LockScripts.RENEW,
            keys,
            handle.value(),
            Long.toString(config.ttl().toMillis()));
    if (renewed) {
      handle.extendTo(sent + config.ttl().toNanos());
    }
    return renewed;
  }

  /**
   * Deletes {@code handle}'s lock if it is still this holding's. Idempotent.
   *
   * @return true if deleted; false if it had expired or been taken already
   * @throws RedisLockException if Redis does not answer
   */
  public boolean release(RedisLockHandle handle) {
    LockKeys keys = LockKeys.of(config.keyPrefix(), handle.lockName());
    return run("release", handle, LockScripts.RELEASE, keys, handle.value());
  }

  private boolean run(
      String what, RedisLockHandle handle, String script, LockKeys keys, String... args) {
    Long done;
    try {
      done = redis.eval(script, ScriptOutputType.INTEGER, new String[] {keys.lock()}, args);
    } catch (RedisException e) {
      throw new RedisLockException(what + " of " + handle + " failed: " + e, e);
    }
    if (done == null || done == 0) {
      config.metrics().count(LOST, 1, NO_DIMENSIONS);
      log.info(
          "event=redis_lock_lost action={} lock={} fence={}",
          what,
          handle.lockName(),
          handle.fence());
      return false;
    }
    return true;
  }

  private void releaseQuietly(LockKeys keys, RedisLockHandle handle) {
    try {
      redis.eval(
          LockScripts.RELEASE,
          ScriptOutputType.INTEGER,
          new String[] {keys.lock()},
          handle.value());
    } catch (RedisException e) {
      log.warn(
          "event=redis_lock_release_failed lock={} fence={} error=\"{}\" (it expires by its TTL)",
          handle.lockName(),
          handle.fence(),
          e.toString());
    }
  }

  private static String requireName(String lockName) {
    if (lockName == null
        || lockName.isEmpty()
        || lockName.indexOf('{') >= 0
        || lockName.indexOf('}') >= 0) {
      throw new IllegalArgumentException(
          "lock name must be non-empty and without braces (it is the keys' hash tag), got "
              + (lockName == null ? "null" : '"' + lockName + '"'));
    }
    return lockName;
  }
}
