package io.fenceq.engine;

/**
 * The names of the metrics a {@link LaneProcessor} reports through {@link
 * io.fenceq.metrics.Metrics}, for dashboards and alarms. Every metric carries the dimension {@link
 * #QUEUE}; job metrics also carry {@link #TYPE}. Lanes and keys are never dimensions: they are in
 * the logs, where their number costs nothing.
 */
public final class EngineMetrics {
  /** Dimension: the work queue's name (the last part of its URL). */
  public static final String QUEUE = "queue";

  /** Dimension: the job type, or {@code unknown} when the envelope could not be read. */
  public static final String TYPE = "type";

  /** Count: jobs whose handler returned normally. */
  public static final String JOBS_OK = "JobsOk";

  /** Count: jobs whose handler threw (other than for a lost lane). */
  public static final String JOBS_FAILED = "JobsFailed";

  /**
   * Count: jobs stopped because the lane was lost: the handler threw {@link LaneLostException}
   * (from {@link JobContext#checkFence()}, or on a {@code FENCED} write) or the lease was lost
   * while it ran.
   */
  public static final String JOBS_FENCED = "JobsFenced";

  /** Count: messages sent to the dead-letter queue as permanent errors. */
  public static final String JOBS_DEAD_LETTERED = "JobsDeadLettered";

  /** Count: lanes whose lease another live consumer held, so their messages were given back. */
  public static final String LEASE_REFUSALS = "LaneLeaseRefusals";

  /** Count: heartbeats that could not renew a lease or extend visibility, so lost their lane. */
  public static final String HEARTBEAT_FAILURES = "HeartbeatFailures";

  /**
   * Count: heartbeat steps retried after a transient failure (throttling, a server error, a
   * timeout, a connection error) while the lease still had time left.
   */
  public static final String HEARTBEAT_RETRIES = "HeartbeatRetries";

  /**
   * Count: jobs whose handler ran past its time limit ({@link EngineConfig#jobTimeLimit()} or its
   * type's own) and was interrupted; each is also counted in {@link #JOBS_FAILED}.
   */
  public static final String JOBS_TIMED_OUT = "JobsTimedOut";

  /**
   * Count: handler threads that ignored the interrupt at their job's time limit for {@link
   * EngineConfig#writeOffGrace()} and were written off: the lane was settled without them. Each is
   * a thread that may run for ever; a long-running host should be replaced after a few.
   */
  public static final String THREADS_WRITTEN_OFF = "ThreadsWrittenOff";

  /** Timing: from the producer's {@code enqueuedAt} to the handler's return (wall clocks). */
  public static final String ENQUEUE_TO_APPLY = "EnqueueToApply";

  /** Timing: how long the handler ran. */
  public static final String HANDLER_TIME = "HandlerTime";

  private EngineMetrics() {}
}
