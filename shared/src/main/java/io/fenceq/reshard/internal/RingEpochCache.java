package io.fenceq.reshard.internal;

import io.fenceq.reshard.RingEpoch;
import io.fenceq.reshard.RingEpochSource;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import io.fenceq.time.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A producer's or consumer's view of the ring's epoch: read from its source on first use and again
 * once {@code refreshEvery} has passed on the ticker, never once per job; {@link #refresh()} reads
 * at once (a consumer that meets a newer epoch than it knows). A producer's cache keeps the last
 * value when a refresh fails (logged, tried again after the interval): a job sent under a stale
 * epoch is dead-lettered by the consumers, never run out of order. A consumer's cache ({@code
 * strict}) throws instead, so that it never decides on a value older than its interval.
 *
 * <p>Also holds the rings of the lane counts it has met, built once each from the configured ring's
 * virtual nodes. Thread-safe; one reader at a time goes to the source, the others use the last
 * value meanwhile.
 */
public final class RingEpochCache {
  private static final Logger log = LoggerFactory.getLogger(RingEpochCache.class);

  private final RingEpochSource source;
  private final HashRing configured;
  private final Ticker ticker;
  private final long refreshNanos;
  private final ReentrantLock reading = new ReentrantLock();
  private final Map<Integer, HashRing> rings = new ConcurrentHashMap<>();

  private final boolean strict;
  private volatile RingEpoch last;
  private volatile long readAt;

  public RingEpochCache(
      RingEpochSource source,
      HashRing configured,
      Ticker ticker,
      Duration refreshEvery,
      boolean strict) {
    this.source = source;
    this.strict = strict;
    this.configured = configured;
    this.ticker = ticker;
    this.refreshNanos = refreshEvery.toNanos();
    rings.put(configured.laneCount(), configured);
  }

  /** The epoch as last read, reading it first if never read or older than the refresh interval. */
  public RingEpoch current() {
    RingEpoch seen = last;
    if (seen != null && ticker.nanos() - readAt < refreshNanos) {
      return seen;
    }
    if (seen != null && !reading.tryLock()) {
      return seen;
    }
    if (seen == null) {
      reading.lock();
    }
    try {
      if (last != null && last != seen) {
        return last;
      }
      return readNow(seen);
    } finally {
      reading.unlock();
    }
  }

  /** Reads the epoch now; on failure keeps the last value if there is one. */
  public RingEpoch refresh() {
    reading.lock();
    try {
      return readNow(last);
    } finally {
      reading.unlock();
    }
  }

  /** Lets the next {@link #current()} read the source. */
  public void invalidate() {
    readAt = ticker.nanos() - refreshNanos;
  }

  /** Marks a barrier passed at the source and, if the cached epoch is that one, here too. */
  public boolean clearBarrier(long epoch, Lane lane) {
    boolean cleared = source.clearBarrier(epoch, lane);
    RingEpoch seen = last;
    if (seen != null && seen.epoch() == epoch) {
      last = seen.cleared(lane);
    }
    return cleared;
  }

  /** The ring of {@code lanes} lanes, with the configured ring's virtual nodes. */
  public HashRing ring(int lanes) {
    return rings.computeIfAbsent(lanes, configured::withLanes);
  }

  private RingEpoch readNow(RingEpoch fallback) {
    try {
      RingEpoch read = source.read();
      last = read;
      readAt = ticker.nanos();
      return read;
    } catch (RuntimeException e) {
      if (fallback == null || strict) {
        throw e;
      }
      readAt = ticker.nanos();
      log.warn(
          "event=ring_epoch_read_failed epoch={} lanes={} error=\"{}\"",
          fallback.epoch(),
          fallback.lanes(),
          e.getMessage());
      return fallback;
    }
  }
}
