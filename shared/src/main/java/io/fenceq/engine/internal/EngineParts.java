package io.fenceq.engine.internal;

import io.fenceq.engine.EngineConfig;
import io.fenceq.engine.EngineMetrics;
import io.fenceq.engine.JobHandlers;
import io.fenceq.engine.QueueActions;
import io.fenceq.lease.LaneLeases;
import io.fenceq.metrics.Metrics;
import io.fenceq.time.Ticker;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every lane run of one processor shares.
 *
 * @param heartbeat null when the configuration turns heartbeats off
 * @param lanePermits one per lane allowed to run at once
 * @param shutdownReturns messages given back because of the shutdown, for its report
 * @param scheduler runs the heartbeats, the shutdown deadline and the jobs' time limits
 * @param threadsWrittenOff handler threads written off so far
 * @param hooks what the processor does when a lane ends or a thread is written off
 * @param payloads reads offloaded envelopes and deletes them after success
 * @param keyThreads runs the key sequences of a lane beyond its own thread, or null when lanes run
 *     one key at a time
 * @param epochs follows the ring's epoch, or null when the consumer runs the configured ring only
 */
public record EngineParts(
    EngineConfig config,
    LaneLeases leases,
    JobHandlers handlers,
    QueueActions actions,
    Metrics metrics,
    Ticker ticker,
    Clock clock,
    Backoff backoff,
    Heartbeat heartbeat,
    ShutdownGate<LaneRun> gate,
    Semaphore lanePermits,
    AtomicInteger shutdownReturns,
    ScheduledExecutorService scheduler,
    AtomicInteger threadsWrittenOff,
    Hooks hooks,
    Payloads payloads,
    Executor keyThreads,
    EpochGuard epochs) {

  /** Calls from the lane runs back into their processor. */
  public interface Hooks {
    /**
     * A lane ended without its thread: it was written off, so the processor's wrapper around the
     * lane's thread will not say so.
     */
    void laneEndedWithoutItsThread();

    /**
     * A handler thread was written off; it may never end.
     *
     * @param keyThread whether it was a key thread of the processor's pool, not a lane's own
     */
    void threadWrittenOff(boolean keyThread);
  }

  /** The work queue's name, the last part of its URL: the metrics' queue dimension. */
  public String queueName() {
    String url = config.queueUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  /** Dimensions of a lane-level metric. */
  public Map<String, String> queueDimensions() {
    return Map.of(EngineMetrics.QUEUE, queueName());
  }

  /** Dimensions of a job-level metric. */
  public Map<String, String> jobDimensions(String type) {
    return Map.of(EngineMetrics.QUEUE, queueName(), EngineMetrics.TYPE, type);
  }
}
