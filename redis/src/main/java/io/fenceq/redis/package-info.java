/**
 * A fenced lock on Redis (ElastiCache), for teams whose coordination must stay there. {@link
 * io.fenceq.redis.FencedRedisLock} takes a lock with a short TTL and a monotonic fence in one
 * script, waits for replicas ({@code WAIT}) and refuses to hand out a fence they did not
 * acknowledge; {@link io.fenceq.redis.RedisLockHandle#nextToken()} gives the {@link
 * io.fenceq.fence.FenceToken} that {@link io.fenceq.fence.DynamoDbFence} and {@link
 * io.fenceq.fence.JdbcFencedUpdate} check, so a holder paused past its TTL is refused downstream. A
 * {@link io.fenceq.redis.FenceFloor} keeps fences above what the store has accepted when a failover
 * loses increments. What it guarantees, and what not: {@code docs/redis-lock.md}.
 */
package io.fenceq.redis;
