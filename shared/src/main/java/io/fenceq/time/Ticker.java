package io.fenceq.time;

/**
 * A monotonic nanosecond source for durations: lease validity, heartbeat intervals, backoff. Never
 * wall time, which can jump; wall time comes from a {@link java.time.Clock}. Both are injected so
 * that tests advance time instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds from an arbitrary origin; only differences between two readings mean anything. */
  long nanos();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
