package io.fenceq.cron;

import io.fenceq.internal.Require;
import io.fenceq.lease.internal.Durations;
import io.fenceq.queue.BatchEnqueueResult;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns named schedules into jobs: the leader calls {@link #enqueueDue()} now and then (from the
 * listener of its {@link io.fenceq.lease.LeaderElection}, DynamoDB lease or SQS token, or from
 * {@link io.fenceq.lease.LeaderElection#runIfLeader}), and every tick that fell due since is
 * enqueued as a job with {@code jobId = cron:<name>:<tick>}.
 *
 * <p>Exactly once per tick comes from SQS deduplication, not from the leader being alone: two
 * processes that both believe they lead enqueue the same job id, and SQS keeps one. That only holds
 * within SQS's five-minute deduplication window, so a tick is enqueued only while it is less than
 * {@code catchUp} (at most {@value #MAX_CATCH_UP_MINUTES} minutes) old; older missed ticks are
 * skipped with a warning rather than risk running twice. The job itself then runs fenced like any
 * other.
 *
 * <p>Not thread-safe: one leader calls it from one thread at a time.
 */
public final class CronEnqueuer {
  /** Upper bound of catch-up, in minutes, kept inside SQS's five-minute deduplication window. */
  public static final int MAX_CATCH_UP_MINUTES = 4;

  private static final Duration MAX_CATCH_UP = Duration.ofMinutes(MAX_CATCH_UP_MINUTES);
  private static final int MAX_TICKS_PER_CALL = 1_000;
  private static final Logger log = LoggerFactory.getLogger(CronEnqueuer.class);

  private final Enqueuer enqueuer;
  private final Clock clock;
  private final Duration catchUp;
  private final Map<String, CronJob> jobs;
  private final Map<String, Instant> lastEnqueued = new HashMap<>();

  private CronEnqueuer(Builder b) {
    this.enqueuer = b.enqueuer;
    this.clock = b.clock;
    this.catchUp = b.catchUp;
    this.jobs = Map.copyOf(b.jobs);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Enqueues every tick of every schedule that fell due after the later of the last tick this
   * instance enqueued and {@code now - catchUp}, up to now, in tick order per schedule.
   *
   * @return the jobs SQS accepted (a tick another leader enqueued already is accepted as a
   *     duplicate and still listed)
   * @throws io.fenceq.queue.EnqueueException if any tick was not enqueued; those ticks are retried
   *     by the next call while they are within the catch-up window
   */
  public List<EnqueueResult> enqueueDue() {
    Instant now = clock.instant();
    Instant horizon = now.minus(catchUp);
    List<JobRequest> requests = new ArrayList<>();
    Map<String, List<Instant>> ticksByJob = new LinkedHashMap<>();
    for (CronJob job : jobs.values()) {
      List<Instant> ticks = dueTicks(job, horizon, now);
      ticksByJob.put(job.name(), ticks);
      for (Instant tick : ticks) {
        requests.add(job.jobAt(tick));
      }
    }
    if (requests.isEmpty()) {
      return List.of();
    }
    BatchEnqueueResult result = enqueuer.enqueueAll(requests);
    recordEnqueued(result, ticksByJob);
    for (EnqueueResult accepted : result.accepted()) {
      log.info(
          "event=cron_tick_enqueued jobId={} key={} lane={} seq={}",
          accepted.jobId(),
          accepted.key(),
          accepted.lane(),
          accepted.sequenceNumber());
    }
    result.requireAllAccepted();
    return result.accepted();
  }

  private List<Instant> dueTicks(CronJob job, Instant horizon, Instant now) {
    Instant last = lastEnqueued.get(job.name());
    Instant from = last != null && last.isAfter(horizon) ? last : horizon;
    if (last != null && last.isBefore(horizon)) {
      job.schedule()
          .nextAfter(last)
          .filter(missed -> !missed.isAfter(horizon))
          .ifPresent(
              missed ->
                  log.warn(
                      "event=cron_ticks_skipped job={} firstSkipped={} reason=\"older than the"
                          + " catch-up window of {}; enqueueing it could run it twice\"",
                      job.name(),
                      missed,
                      Durations.format(catchUp)));
    }
    List<Instant> ticks = new ArrayList<>();
    Optional<Instant> next = job.schedule().nextAfter(from);
    while (next.isPresent() && !next.get().isAfter(now) && ticks.size() < MAX_TICKS_PER_CALL) {
      ticks.add(next.get());
      next = job.schedule().nextAfter(next.get());
    }
    return ticks;
  }

  /** Remembers, per schedule, the last tick before its first failure. */
  private void recordEnqueued(BatchEnqueueResult result, Map<String, List<Instant>> ticksByJob) {
    Map<String, Boolean> ok = new HashMap<>();
    for (EnqueueResult accepted : result.accepted()) {
      ok.put(accepted.jobId(), true);
    }
    for (Map.Entry<String, List<Instant>> entry : ticksByJob.entrySet()) {
      for (Instant tick : entry.getValue()) {
        if (!ok.containsKey(CronJob.jobId(entry.getKey(), tick))) {
          break;
        }
        lastEnqueued.put(entry.getKey(), tick);
      }
    }
  }

  /** Configures a {@link CronEnqueuer}. */
  public static final class Builder {
    private Enqueuer enqueuer;
    private Clock clock = Clock.systemUTC();
    private Duration catchUp = MAX_CATCH_UP;
    private final Map<String, CronJob> jobs = new LinkedHashMap<>();

    private Builder() {}

    public Builder enqueuer(Enqueuer enqueuer) {
      this.enqueuer = enqueuer;
      return this;
    }

    /** Wall clock that decides which ticks are due. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * How old a tick may be and still be enqueued; default and maximum {@value
     * #MAX_CATCH_UP_MINUTES} minutes, inside SQS's deduplication window.
     */
    public Builder catchUp(Duration catchUp) {
      this.catchUp = catchUp;
      return this;
    }

    /** Adds a schedule; names must be unique. */
    public Builder job(CronJob job) {
      Require.notNull(job, "CronEnqueuer", "job");
      if (jobs.putIfAbsent(job.name(), job) != null) {
        throw new IllegalArgumentException("cron job name " + job.name() + " is used twice");
      }
      return this;
    }

    public CronEnqueuer build() {
      Require.notNull(enqueuer, "CronEnqueuer", "enqueuer");
      Require.notNull(clock, "CronEnqueuer", "clock");
      Require.argument(
          catchUp != null && catchUp.isPositive() && catchUp.compareTo(MAX_CATCH_UP) <= 0,
          "CronEnqueuer",
          "catchUp",
          "must be positive and at most "
              + Durations.format(MAX_CATCH_UP)
              + " (SQS deduplicates for 5 minutes), got "
              + Durations.format(catchUp));
      Require.argument(!jobs.isEmpty(), "CronEnqueuer", "job", "none given");
      return new CronEnqueuer(this);
    }
  }
}
