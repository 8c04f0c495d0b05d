package io.fenceq.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A wall {@link Clock} that moves only when told to, in either direction: tests use it to skew one
 * participant's clock against another's.
 */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  public ManualClock(Instant start) {
    this(new AtomicReference<>(start), ZoneOffset.UTC);
  }

  private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new ManualClock(now, zone);
  }

  /** Moves the clock by {@code by}, which may be negative (a clock step back). */
  public ManualClock advance(Duration by) {
    now.updateAndGet(t -> t.plus(by));
    return this;
  }

  public ManualClock set(Instant instant) {
    now.set(instant);
    return this;
  }
}
