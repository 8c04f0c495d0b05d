package io.fenceq.testing.faults;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A wall clock that is wrong by an offset: the base clock's instant plus {@link #offset()}, which
 * may be changed at run time to model a clock that jumps (NTP step, VM migration). Give one to a
 * worker's {@code clock(...)} setting to make its lease expiry hints early or late; fencing must
 * keep downstream state safe whatever the offset.
 *
 * <p>It skews wall time only. Durations in fenceq come from a {@link io.fenceq.time.Ticker}, which
 * this clock does not touch, just as a skewed system clock leaves {@code System.nanoTime} alone.
 * Thread-safe.
 */
public final class SkewedClock extends Clock {
  private final Clock base;
  private final AtomicReference<Duration> offset;

  private SkewedClock(Clock base, AtomicReference<Duration> offset) {
    this.base = base;
    this.offset = offset;
  }

  /** {@code base} shifted by {@code offset} (negative: behind). */
  public static SkewedClock of(Clock base, Duration offset) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(offset, "offset");
    return new SkewedClock(base, new AtomicReference<>(offset));
  }

  /**
   * {@code base} shifted by an offset drawn uniformly from {@code [-maxAbs, +maxAbs]} (millisecond
   * steps) by a generator seeded with {@code seed}: the same seed always gives the same offset.
   */
  public static SkewedClock random(Clock base, Duration maxAbs, long seed) {
    Objects.requireNonNull(maxAbs, "maxAbs");
    if (maxAbs.isNegative()) {
      throw new IllegalArgumentException("maxAbs must not be negative, was " + maxAbs);
    }
    long bound = maxAbs.toMillis();
    long millis = new SplittableRandom(seed).nextLong(-bound, bound + 1);
    return of(base, Duration.ofMillis(millis));
  }

  /** How far this clock is ahead of its base (negative: behind). */
  public Duration offset() {
    return offset.get();
  }

  /** Changes the offset from now on; every clock made by {@link #withZone} follows. */
  public void offset(Duration newOffset) {
    offset.set(Objects.requireNonNull(newOffset, "offset"));
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  /** The same skew (shared: setting the offset on either changes both) in another zone. */
  @Override
  public SkewedClock withZone(ZoneId zone) {
    return new SkewedClock(base.withZone(zone), offset);
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }

  @Override
  public long millis() {
    return instant().toEpochMilli();
  }

  @Override
  public String toString() {
    return "SkewedClock[" + base + " " + offset.get() + "]";
  }
}
