package io.fenceq.engine.internal;

import io.fenceq.engine.EngineMetrics;
import io.fenceq.engine.Job;
import io.fenceq.lease.internal.Durations;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time limit of one running job. At the limit the handler's thread is interrupted, and the job
 * counts as failed whatever the handler does next; if the thread has still not left the handler
 * {@link io.fenceq.engine.EngineConfig#writeOffGrace()} later, the lane is settled without it
 * ({@link LaneRun#writeOff}).
 *
 * <p>Threads: the lane's own starts and stops the watch; the scheduler's fires the limit and the
 * write-off. They agree under the run's monitor, so a job that returns just as its limit comes is
 * either stopped first (and never interrupted) or timed out first (and failed).
 */
final class JobWatch {
  private static final Logger log = LoggerFactory.getLogger(JobWatch.class);

  private enum State {
    RUNNING,
    TIMED_OUT,
    STOPPED
  }

  private final LaneRun run;
  private final EngineParts parts;
  private final int index;
  private final Job job;
  private final Duration limit;
  private final Thread thread;

  // Guarded by run.
  private State state = State.RUNNING;
  private ScheduledFuture<?> timer;

  private JobWatch(LaneRun run, EngineParts parts, int index, Job job, Duration limit) {
    this.run = run;
    this.parts = parts;
    this.index = index;
    this.job = job;
    this.limit = limit;
    this.thread = Thread.currentThread();
  }

  /** Starts watching job {@code index}, which is about to run on the calling thread. */
  static JobWatch start(LaneRun run, EngineParts parts, int index, Job job) {
    Duration limit =
        parts.handlers().timeLimitFor(job.type()).orElse(parts.config().jobTimeLimit());
    JobWatch watch = new JobWatch(run, parts, index, job, limit);
    synchronized (run) {
      watch.timer = watch.schedule(watch::limitReached, limit);
    }
    return watch;
  }

  /** The limit this job ran under. */
  Duration limit() {
    return limit;
  }

  /** Why the job failed if it ran past its limit: names the limit and the job type. */
  String reason() {
    return "job ran past its time limit of "
        + Durations.format(limit)
        + " (job type "
        + job.type()
        + ")";
  }

  /**
   * The handler has left: stops the watch.
   *
   * @return whether the job had run past its limit (its thread was interrupted for it)
   */
  boolean stop() {
    synchronized (run) {
      boolean timedOut = state == State.TIMED_OUT;
      state = State.STOPPED;
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      return timedOut;
    }
  }

  private void limitReached() {
    synchronized (run) {
      if (state != State.RUNNING || run.finishedUnderMonitor()) {
        return;
      }
      state = State.TIMED_OUT;
      thread.interrupt();
      timer = schedule(this::writeOff, parts.config().writeOffGrace());
    }
    parts.metrics().count(EngineMetrics.JOBS_TIMED_OUT, 1, parts.jobDimensions(job.type()));
    log.warn(
        "event=job_timed_out queue={} lane={} key={} seq={} messageId={} limit={} thread={}",
        parts.queueName(),
        run.groupId(),
        job.key(),
        job.seq(),
        job.messageId(),
        Durations.format(limit),
        thread.getName());
  }

  private void writeOff() {
    synchronized (run) {
      if (state != State.TIMED_OUT || run.finishedUnderMonitor()) {
        return;
      }
      state = State.STOPPED;
      timer = null;
    }
    String why =
        reason()
            + ", and its thread "
            + thread.getName()
            + " ignored the interrupt for "
            + Durations.format(parts.config().writeOffGrace())
            + ": the thread was written off";
    run.writeOff(index, job, why, thread);
  }

  /**
   * Schedules {@code task}; a scheduler that no longer runs tasks is shutting down the lane too.
   */
  private ScheduledFuture<?> schedule(Runnable task, Duration after) {
    try {
      return parts.scheduler().schedule(task, after.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }
}
