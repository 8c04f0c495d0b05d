package io.fenceq.spring.autoconfigure.internal;

import io.fenceq.engine.EngineMetrics;
import io.fenceq.metrics.Metrics;
import io.fenceq.time.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * When the worker lost lanes, for the health check: {@link #recording} passes every metric on and
 * notes the time of each {@link EngineMetrics#HEARTBEAT_FAILURES} (a heartbeat that could not renew
 * a lease or extend visibility, so lost its lane). Keeps the times within the window only.
 * Thread-safe.
 */
public final class LaneLosses {
  private final Ticker ticker;
  private final Duration window;
  private final Deque<Long> times = new ArrayDeque<>();

  public LaneLosses(Ticker ticker, Duration window) {
    this.ticker = ticker;
    this.window = window;
  }

  /** How far back {@link #recent()} counts. */
  public Duration window() {
    return window;
  }

  /** Notes {@code n} lanes lost now. */
  public synchronized void lost(long n) {
    long now = ticker.nanos();
    for (long i = 0; i < n; i++) {
      times.addLast(now);
    }
    forgetOlder(now);
  }

  /** Lanes lost within the window up to now. */
  public synchronized int recent() {
    forgetOlder(ticker.nanos());
    return times.size();
  }

  private void forgetOlder(long now) {
    long oldest = now - window.toNanos();
    while (!times.isEmpty() && times.peekFirst() - oldest < 0) {
      times.removeFirst();
    }
  }

  /** {@code metrics}, noting lost lanes here on the way. */
  public Metrics recording(Metrics metrics) {
    return new Metrics() {
      @Override
      public void count(String name, long n, Map<String, String> dimensions) {
        if (EngineMetrics.HEARTBEAT_FAILURES.equals(name) && n > 0) {
          lost(n);
        }
        metrics.count(name, n, dimensions);
      }

      @Override
      public void timing(String name, Duration duration, Map<String, String> dimensions) {
        metrics.timing(name, duration, dimensions);
      }

      @Override
      public String toString() {
        return metrics.toString();
      }
    };
  }
}
