package io.fenceq.tests.lease;

import io.fenceq.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time shared by a fixed set of worker threads, moved only by the workers: each operation {@link
 * #tick}s it forward, and a worker with nothing to do until some instant {@link #awaitUntil blocks}
 * without sleeping. When every running worker is blocked, time jumps to the earliest instant any of
 * them waits for. Runs contend for real, at full speed, with leases of realistic length, and no
 * thread ever sleeps.
 */
final class VirtualTime implements Ticker {
  /** The reading before any tick. */
  static final long START_NANOS = 1_000_000_000_000L;

  private final AtomicLong nanos = new AtomicLong(START_NANOS);
  private final Instant origin;
  private final PriorityQueue<Long> waiting = new PriorityQueue<>(); // guarded by this
  private int running; // guarded by this
  private volatile boolean anyWaiting;

  VirtualTime(Instant origin, int workers) {
    this.origin = origin;
    this.running = workers;
  }

  @Override
  public long nanos() {
    return nanos.get();
  }

  /** A wall clock reading this time plus {@code skew}. */
  Clock clock(Duration skew) {
    long offsetNanos = skew.toNanos() - nanos.get();
    return new Clock() {
      @Override
      public Instant instant() {
        return origin.plusNanos(nanos.get() + offsetNanos);
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
      }
    };
  }

  void tick(Duration by) {
    nanos.addAndGet(by.toNanos());
    if (anyWaiting) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** Blocks until time reaches {@code target}. */
  synchronized void awaitUntil(long target) throws InterruptedException {
    waiting.add(target);
    anyWaiting = true;
    try {
      while (nanos.get() < target) {
        if (waiting.size() >= running) {
          jumpToEarliest();
          if (nanos.get() >= target) {
            break;
          }
        }
        wait();
      }
    } finally {
      waiting.remove(target);
      anyWaiting = !waiting.isEmpty();
    }
  }

  /** The calling worker is done; the others need not wait for its ticks any more. */
  synchronized void finished() {
    running--;
    if (!waiting.isEmpty() && waiting.size() >= running) {
      jumpToEarliest();
    }
  }

  private void jumpToEarliest() {
    nanos.accumulateAndGet(waiting.peek(), Math::max);
    notifyAll();
  }
}
