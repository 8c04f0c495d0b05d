package io.fenceq.redis;

import io.fenceq.metrics.Metrics;
import io.fenceq.time.Ticker;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link FencedRedisLock}. Build with {@link #builder()}; every setting is
 * checked when set, and a bad one is refused with its name and value.
 *
 * @param ttl how long the lock lives without a renewal; short, since a crashed holder blocks others
 *     for up to this long
 * @param waitReplicas replicas that must acknowledge the acquire ({@code WAIT}) before the fence is
 *     handed out; 0 hands it out unreplicated. Set it to the shard's replica count to make a
 *     failover unable to lose a handed-out fence (see {@code docs/redis-lock.md})
 * @param waitTimeout how long {@code WAIT} may block; below the connection's command timeout
 * @param keyPrefix the keys' prefix, without braces
 * @param fenceFloor the fenced store's highest accepted fence, read before each acquire
 * @param metrics where acquires, refusals and the {@code WAIT} latency are reported
 * @param ticker the clock the handle's local expiry and the {@code WAIT} latency are read on
 */
public record RedisLockConfig(
    Duration ttl,
    int waitReplicas,
    Duration waitTimeout,
    String keyPrefix,
    FenceFloor fenceFloor,
    Metrics metrics,
    Ticker ticker) {
  /** Redis' {@code PX} takes whole milliseconds; a day is far beyond any sane lock. */
  private static final Duration MAX_TTL = Duration.ofDays(1);

  public RedisLockConfig {
    requireDuration("ttl", ttl, MAX_TTL);
    require(waitReplicas >= 0, "waitReplicas", "must be 0 or more", waitReplicas);
    requireDuration("waitTimeout", waitTimeout, MAX_TTL);
    require(keyPrefix != null, "keyPrefix", "must not be null", keyPrefix);
    require(
        keyPrefix.indexOf('{') < 0 && keyPrefix.indexOf('}') < 0,
        "keyPrefix",
        "must not contain braces (the lock name is the keys' hash tag)",
        '"' + keyPrefix + '"');
    require(fenceFloor != null, "fenceFloor", "must not be null", null);
    require(metrics != null, "metrics", "must not be null", null);
    require(ticker != null, "ticker", "must not be null", null);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .ttl(ttl)
        .waitReplicas(waitReplicas)
        .waitTimeout(waitTimeout)
        .keyPrefix(keyPrefix)
        .fenceFloor(fenceFloor)
        .metrics(metrics)
        .ticker(ticker);
  }

  private static void requireDuration(String setting, Duration d, Duration max) {
    require(d != null, setting, "must not be null", null);
    require(
        d.toMillis() >= 1 && d.compareTo(max) <= 0,
        setting,
        "must be 1 ms to " + max.toHours() + " h",
        d);
  }

  private static void require(boolean ok, String setting, String rule, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(
          "RedisLockConfig " + setting + " " + rule + ", got " + value);
    }
  }

  /** Defaults: ttl 5 s, one replica acknowledging within 250 ms, prefix {@code fenceq:}. */
  public static final class Builder {
    private Duration ttl = Duration.ofSeconds(5);
    private int waitReplicas = 1;
    private Duration waitTimeout = Duration.ofMillis(250);
    private String keyPrefix = "fenceq:";
    private FenceFloor fenceFloor = FenceFloor.none();
    private Metrics metrics = Metrics.none();
    private Ticker ticker = Ticker.system();

    private Builder() {}

    public Builder ttl(Duration ttl) {
      requireDuration("ttl", ttl, MAX_TTL);
      this.ttl = ttl;
      return this;
    }

    public Builder waitReplicas(int waitReplicas) {
      require(waitReplicas >= 0, "waitReplicas", "must be 0 or more", waitReplicas);
      this.waitReplicas = waitReplicas;
      return this;
    }

    public Builder waitTimeout(Duration waitTimeout) {
      requireDuration("waitTimeout", waitTimeout, MAX_TTL);
      this.waitTimeout = waitTimeout;
      return this;
    }

    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    public Builder fenceFloor(FenceFloor fenceFloor) {
      this.fenceFloor = Objects.requireNonNull(fenceFloor, "fenceFloor");
      return this;
    }

    public Builder metrics(Metrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    public RedisLockConfig build() {
      return new RedisLockConfig(
          ttl, waitReplicas, waitTimeout, keyPrefix, fenceFloor, metrics, ticker);
    }
  }
}
