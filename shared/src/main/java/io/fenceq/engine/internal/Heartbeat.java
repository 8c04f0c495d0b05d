package io.fenceq.engine.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link LaneLiveness#beat()} of every lane holding a lease, every {@code interval} (the
 * lease's renew interval, a third of it by default), from when the lease was granted until the lane
 * finishes.
 *
 * <p>Each lane has its own chain of beats: a beat schedules the lane's next one when it ends, one
 * interval after the beat began, or sooner to retry a transient failure (see {@link #retryDelay}).
 * A lane whose calls are slow therefore delays only its own beats, and a retry waits on the
 * scheduler's queue, not on a thread. The scheduler's threads make the DynamoDB and SQS calls
 * themselves; {@link #threadsFor} sizes a pool for the lanes in flight.
 */
public final class Heartbeat {
  /** Lanes per heartbeat thread when the processor owns the pool. */
  static final int LANES_PER_THREAD = 8;

  /** The fewest heartbeat threads a processor with that many lanes owns. */
  static final int MIN_THREADS = 4;

  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final Map<LaneLiveness, ScheduledFuture<?>> beats = new ConcurrentHashMap<>();

  public Heartbeat(ScheduledExecutorService scheduler, Duration interval) {
    this.scheduler = scheduler;
    this.interval = interval;
  }

  /**
   * Heartbeat threads for {@code lanes} lanes in flight: one per {@value #LANES_PER_THREAD} lanes,
   * at least {@value #MIN_THREADS}, at most one per lane. A beat makes two calls; at a renew
   * interval of 10 s, 8 lanes a thread keep up while each call takes up to about 600 ms.
   */
  public static int threadsFor(int lanes) {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes must be at least 1, was " + lanes);
    }
    int perLoad = (lanes + LANES_PER_THREAD - 1) / LANES_PER_THREAD;
    return Math.min(lanes, Math.max(MIN_THREADS, perLoad));
  }

  public Duration interval() {
    return interval;
  }

  /**
   * How long to wait before retry {@code retry} (1 for the first) of a beat that failed
   * transiently: a twentieth of the interval, doubling up to a quarter of it, so a lane retries
   * several times before its lease (three intervals by default) runs out.
   */
  Duration retryDelay(int retry) {
    Duration first = interval.dividedBy(20);
    Duration cap = interval.dividedBy(4);
    int doublings = Math.min(Math.max(retry - 1, 0), 16);
    Duration delay = first.multipliedBy(1L << doublings);
    return delay.compareTo(cap) < 0 ? delay : cap;
  }

  /**
   * How long a lane's finish waits for a beat whose calls are in flight, so that the beat's
   * extension never lands after the finish's own visibility changes: one interval. A beat that
   * takes longer already put the lease at risk.
   */
  Duration finishWait() {
    return interval;
  }

  /**
   * Starts beating for {@code lane}, one interval from now.
   *
   * @return false if the scheduler no longer runs tasks (it was shut down)
   */
  boolean start(LaneLiveness lane) {
    try {
      beats.compute(lane, (l, old) -> schedule(l, interval));
      return true;
    } catch (RejectedExecutionException e) {
      beats.remove(lane);
      return false;
    }
  }

  /** Stops beating for {@code lane}; a beat already running finishes and schedules no other. */
  void stop(LaneLiveness lane) {
    ScheduledFuture<?> beat = beats.remove(lane);
    if (beat != null) {
      beat.cancel(false);
    }
  }

  /** Lanes being beaten for. */
  public int lanes() {
    return beats.size();
  }

  private ScheduledFuture<?> schedule(LaneLiveness lane, Duration delay) {
    return scheduler.schedule(() -> beat(lane), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void beat(LaneLiveness lane) {
    Duration next;
    try {
      next = lane.beat();
    } catch (RuntimeException e) {
      // Keep the lane's chain alive, and say why: the next beat may succeed.
      log.error("event=heartbeat_crashed lane={}", lane.groupId(), e);
      next = interval;
    }
    if (next == null) {
      beats.remove(lane);
      return;
    }
    Duration delay = next;
    try {
      // Only while the lane is still registered: a lane stopped meanwhile gets no further beat.
      beats.computeIfPresent(lane, (l, done) -> schedule(l, delay));
    } catch (RejectedExecutionException e) {
      // The scheduler was shut down: the processor is closing, and its lanes finish without us.
      beats.remove(lane);
      log.debug(
          "event=heartbeat_stopped lane={} reason=\"the scheduler is shut down\"", lane.groupId());
    }
  }
}
