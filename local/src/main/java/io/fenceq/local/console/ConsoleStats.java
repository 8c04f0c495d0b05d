package io.fenceq.local.console;

import io.fenceq.metrics.Metrics;
import io.fenceq.stats.LaneBacklogs;
import io.fenceq.stats.LaneStats;
import io.fenceq.stats.StatsReader;
import io.fenceq.stats.StatsSnapshot;
import io.fenceq.stats.WorkerStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's view of the stats items: it samples the workers' totals at most every {@link
 * #SAMPLE_EVERY} and keeps {@link #HISTORY} of samples, from which it answers rates per second
 * (jobs applied, failures, fenced writes, lease refusals), and each lane's backlog with a warning
 * near the FIFO scan window ({@link LaneBacklogs}), which it also reports to {@link Metrics} at
 * each sample. Thread-safe.
 */
public final class ConsoleStats {
  /** The least time between two samples. */
  public static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);

  /** How far back the charts go. */
  public static final Duration HISTORY = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(ConsoleStats.class);

  private final StatsReader reader;
  private final Clock clock;
  private final Metrics metrics;
  private final String queue;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private StatsSnapshot last;

  private record Sample(Instant at, Map<String, WorkerStats> workers) {}

  /**
   * @param reader the lease table's stats
   * @param clock when samples are taken, and what has expired
   * @param metrics where the lane backlog metrics go ({@link Metrics#none()} for nowhere)
   * @param queue the work queue's name, the metrics' dimension
   */
  public ConsoleStats(StatsReader reader, Clock clock, Metrics metrics, String queue) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.queue = Objects.requireNonNull(queue, "queue");
  }

  /** The stats as a JSON object, sampling first if the last sample is old enough. */
  synchronized String read() {
    Instant now = clock.instant();
    if (last == null || !now.isBefore(samples.peekLast().at().plus(SAMPLE_EVERY))) {
      try {
        last = reader.read(now);
      } catch (RuntimeException e) {
        // The leases and queues are still worth showing without the stats.
        log.warn("event=console_stats_failed error=\"{}\"", e.toString());
        return Json.object()
            .field("error", "could not read the stats items: " + e.getMessage())
            .end();
      }
      Map<String, WorkerStats> byId = new HashMap<>();
      last.workers().forEach(w -> byId.put(w.workerId(), w));
      samples.addLast(new Sample(now, byId));
      while (samples.peekFirst().at().isBefore(now.minus(HISTORY))) {
        samples.removeFirst();
      }
      LaneBacklogs.report(last, queue, metrics);
    }
    return json(now);
  }

  private String json(Instant now) {
    Json workers = Json.array();
    for (WorkerStats w : last.workers()) {
      workers.element(
          Json.object()
              .field("workerId", w.workerId())
              .field("applied", w.applied())
              .field("failures", w.failures())
              .field("fenced", w.fenced())
              .field("leaseRefusals", w.leaseRefusals())
              .field("updatedAt", w.updatedAt().toString())
              .end());
    }
    Json lanes = Json.array();
    for (LaneStats l : last.lanes()) {
      lanes.element(
          Json.object()
              .field("lane", String.format("lane#%04d", l.lane()))
              .field("enqueued", l.enqueued())
              .field("applied", l.applied())
              .field("backlog", l.backlog())
              .field("nearScanWindow", l.backlog() >= LaneBacklogs.WARNING_BACKLOG)
              .end());
    }
    Json series = Json.array();
    Sample previous = null;
    for (Sample s : samples) {
      if (previous != null) {
        series.element(rates(previous, s));
      }
      previous = s;
    }
    return Json.object()
        .field("sampledAt", samples.peekLast().at().toString())
        .field("sampleEveryMillis", SAMPLE_EVERY.toMillis())
        .field("warningBacklog", LaneBacklogs.WARNING_BACKLOG)
        .field("fifoScanWindow", LaneBacklogs.FIFO_SCAN_WINDOW)
        .fieldJson("workers", workers.end())
        .fieldJson("lanes", lanes.end())
        .fieldJson("series", series.end())
        .end();
  }

  /**
   * Per second between two samples, summed over the workers in both; a worker that restarted
   * (totals going down) counts from zero.
   */
  private static String rates(Sample a, Sample b) {
    double seconds = Math.max(0.001, Duration.between(a.at(), b.at()).toMillis() / 1000.0);
    long applied = 0;
    long failures = 0;
    long fenced = 0;
    long refusals = 0;
    for (WorkerStats w : b.workers().values()) {
      WorkerStats before = a.workers().get(w.workerId());
      applied += delta(before == null ? 0 : before.applied(), w.applied());
      failures += delta(before == null ? 0 : before.failures(), w.failures());
      fenced += delta(before == null ? 0 : before.fenced(), w.fenced());
      refusals += delta(before == null ? 0 : before.leaseRefusals(), w.leaseRefusals());
    }
    return Json.object()
        .field("at", b.at().toString())
        .fieldJson("applied", rate(applied, seconds))
        .fieldJson("failures", rate(failures, seconds))
        .fieldJson("fenced", rate(fenced, seconds))
        .fieldJson("leaseRefusals", rate(refusals, seconds))
        .end();
  }

  private static long delta(long before, long after) {
    return after >= before ? after - before : after;
  }

  private static String rate(long n, double seconds) {
    return String.format(java.util.Locale.ROOT, "%.3f", n / seconds);
  }

  /** For tests: the lanes near the scan window at the last sample. */
  synchronized List<LaneStats> nearScanWindow() {
    return last == null ? List.of() : LaneBacklogs.nearScanWindow(last);
  }
}
