package io.fenceq.engine.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a failed job waits before its next delivery: the base doubled for every delivery after
 * the first, capped, with equal jitter (between half the step and the whole step), so that the jobs
 * of many lanes failing together on one outage do not all come back at the same instant, yet never
 * come back much sooner than planned.
 *
 * <p>Pure: the randomness is a parameter.
 */
public final class Backoff {
  private final Duration base;
  private final Duration cap;

  /**
   * @param base the step of the first delivery; positive
   * @param cap the longest step; at least {@code base}
   */
  public Backoff(Duration base, Duration cap) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < base <= cap, got base " + base + " and cap " + cap);
    }
    this.base = base;
    this.cap = cap;
  }

  /**
   * The step after delivery {@code receiveCount}: {@code base * 2^(receiveCount - 1)}, at most the
   * cap. Never decreases as {@code receiveCount} grows.
   */
  public Duration ceiling(int receiveCount) {
    int doublings = Math.max(0, receiveCount - 1);
    // 2^40 times any base of a nanosecond or more is beyond any cap SQS allows.
    if (doublings >= 40) {
      return cap;
    }
    long baseNanos = base.toNanos();
    long factor = 1L << doublings;
    if (baseNanos > cap.toNanos() / factor) {
      return cap;
    }
    return Duration.ofNanos(baseNanos * factor);
  }

  /** The wait after delivery {@code receiveCount}: uniformly within [ceiling / 2, ceiling]. */
  public Duration delay(int receiveCount, RandomGenerator random) {
    long ceiling = ceiling(receiveCount).toNanos();
    long half = ceiling / 2;
    return Duration.ofNanos(ceiling - half + random.nextLong(half + 1));
  }

  public Duration base() {
    return base;
  }

  public Duration cap() {
    return cap;
  }
}
