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
 */
public final class Heartbeat {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final Map<LaneLiveness, ScheduledFuture<?>> beats = new ConcurrentHashMap<>();

  public Heartbeat(ScheduledExecutorService scheduler, Duration interval) {
    this.scheduler = scheduler;
    this.interval = interval;
  }

  public Duration interval() {
    return interval;
  }

  /**
   * Starts beating for {@code lane}.
   *
   * @return false if the scheduler no longer runs tasks (it was shut down)
   */
  boolean start(LaneLiveness lane) {
    long nanos = interval.toNanos();
    try {
      beats.put(
          lane,
          scheduler.scheduleWithFixedDelay(() -> beat(lane), nanos, nanos, TimeUnit.NANOSECONDS));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Stops beating for {@code lane}; a beat already running finishes. */
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

  private static void beat(LaneLiveness lane) {
    try {
      lane.beat();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again, silently: keep it alive, and say why.
      log.error("event=heartbeat_crashed lane={}", lane.groupId(), e);
    }
  }
}
