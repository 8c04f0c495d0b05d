package io.fenceq.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Ticker} that moves only when told to; for tests of anything that waits. */
public final class ManualTicker implements Ticker {
  private final AtomicLong nanos;

  public ManualTicker() {
    this(0);
  }

  public ManualTicker(long startNanos) {
    this.nanos = new AtomicLong(startNanos);
  }

  @Override
  public long nanos() {
    return nanos.get();
  }

  /** Moves time forward; a negative duration is refused, since a ticker never goes back. */
  public ManualTicker advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("a ticker only moves forward, got " + by);
    }
    nanos.addAndGet(by.toNanos());
    return this;
  }
}
