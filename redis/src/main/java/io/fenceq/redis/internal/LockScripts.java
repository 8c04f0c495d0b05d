package io.fenceq.redis.internal;

/**
 * The lock's Lua scripts. Each runs atomically on the primary that owns the lock's hash slot, so
 * the lock key and the fence counter, which share a hash tag, change together or not at all.
 *
 * <p>The lock key's value is {@code owner:fence}: renew and release compare both, so a holder whose
 * lock expired and was taken (even by a process that reused its owner id) cannot touch the new
 * holder's lock.
 */
public final class LockScripts {
  /**
   * KEYS: lock, fence counter. ARGV: owner, ttl in ms, floor. Returns {@code {0, pttl}} when the
   * lock is held, or {@code {1, fence, raised}}: the counter is first raised to the floor if it is
   * below it ({@code raised} = 1, a sign that increments were lost), then {@code INCR}ed, and the
   * lock set with {@code SET key owner:fence NX PX ttl}.
   */
  public static final String ACQUIRE =
      """
      if redis.call('EXISTS', KEYS[1]) == 1 then
        return {0, redis.call('PTTL', KEYS[1])}
      end
      local floor = tonumber(ARGV[3])
      local current = tonumber(redis.call('GET', KEYS[2]) or '0')
      local raised = 0
      if current < floor then
        redis.call('SET', KEYS[2], ARGV[3])
        raised = 1
      end
      local fence = redis.call('INCR', KEYS[2])
      redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'NX', 'PX', ARGV[2])
      return {1, fence, raised}
      """;

  /** KEYS: lock. ARGV: owner:fence, ttl in ms. Returns 1 if extended, 0 if not the holder's. */
  public static final String RENEW =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('PEXPIRE', KEYS[1], ARGV[2])
      end
      return 0
      """;

  /** KEYS: lock. ARGV: owner:fence. Returns 1 if deleted, 0 if not the holder's. */
  public static final String RELEASE =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
      end
      return 0
      """;

  private LockScripts() {}
}
