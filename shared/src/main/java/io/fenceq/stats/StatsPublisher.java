package io.fenceq.stats;

import io.fenceq.engine.EngineMetrics;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.JobHandlers;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.internal.Require;
import io.fenceq.metrics.Metrics;
import io.fenceq.ring.Lane;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Counts a worker's or a producer's throughput in memory and writes it to the lease table's stats
 * items ({@link StatsItems}) from one background thread every {@link Builder#interval(Duration)},
 * never per job: a worker's totals on its own item, and the per-lane applied and enqueued counts
 * added to the lanes' items.
 *
 * <p>A worker counts through {@link #metrics(Metrics)} (the engine's job, fence and lease refusal
 * counts, passed on to the given metrics) and {@link #handlers(Map)} (each handler's applied jobs
 * per lane); a producer through {@link #enqueued(Lane, long)}, or {@code
 * Enqueuer.Builder.stats(publisher)}.
 *
 * <pre>{@code
 * try (StatsPublisher stats =
 *     StatsPublisher.builder().dynamoDb(ddb).table(leaseTable).workerId(id).build().start()) {
 *   Worker.builder().metrics(stats.metrics(Metrics.none())).handlers(stats.handlers(handlers))...
 * }
 * }</pre>
 *
 * A failed write is logged and its lane counts are kept for the next one. {@link #close()} stops
 * the thread and writes what is left; it is idempotent. Thread-safe.
 */
public final class StatsPublisher implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(StatsPublisher.class);

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final String workerId;
  private final String queue;
  private final Duration interval;
  private final Duration expiry;
  private final Clock clock;
  private final LongAdder applied = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder fenced = new LongAdder();
  private final LongAdder leaseRefusals = new LongAdder();
  private final Map<Integer, LongAdder> laneApplied = new ConcurrentHashMap<>();
  private final Map<Integer, LongAdder> laneEnqueued = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object flushing = new Object();
  private ScheduledExecutorService scheduler;

  private StatsPublisher(Builder b) {
    this.dynamoDb = b.dynamoDb;
    this.table = b.table;
    this.workerId = b.workerId;
    this.queue = b.queue;
    this.interval = b.interval;
    this.expiry = b.expiry;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the background writer, thread {@code fenceq-stats}; idempotent. */
  public StatsPublisher start() {
    if (closed.get()) {
      throw new IllegalStateException("stats publisher for table " + table + " is closed");
    }
    if (started.compareAndSet(false, true)) {
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().name("fenceq-stats").daemon(true).factory());
      long ms = interval.toMillis();
      scheduler.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /**
   * {@code delegate}, which also counts the engine's {@link EngineMetrics#JOBS_OK}, {@link
   * EngineMetrics#JOBS_FAILED}, {@link EngineMetrics#JOBS_FENCED} and {@link
   * EngineMetrics#LEASE_REFUSALS} here.
   */
  public Metrics metrics(Metrics delegate) {
    Require.notNull(delegate, "StatsPublisher", "metrics");
    return new Metrics() {
      @Override
      public void count(String name, long n, Map<String, String> dimensions) {
        switch (name) {
          case EngineMetrics.JOBS_OK -> applied.add(n);
          case EngineMetrics.JOBS_FAILED -> failures.add(n);
          case EngineMetrics.JOBS_FENCED -> fenced.add(n);
          case EngineMetrics.LEASE_REFUSALS -> leaseRefusals.add(n);
          default -> {}
        }
        delegate.count(name, n, dimensions);
      }

      @Override
      public void timing(String name, Duration duration, Map<String, String> dimensions) {
        delegate.timing(name, duration, dimensions);
      }
    };
  }

  /** {@code handlers}, each counting the jobs it applies per lane here. */
  public Map<String, JobHandler> handlers(Map<String, ? extends JobHandler> handlers) {
    Map<String, JobHandler> counted = new LinkedHashMap<>();
    // One wrapper per handler instance, so that types sharing a batch handler still share one.
    Map<JobHandler, JobHandler> wrapped = new IdentityHashMap<>();
    handlers.forEach((type, h) -> counted.put(type, wrapped.computeIfAbsent(h, this::counting)));
    return counted;
  }

  /** {@code handlers}, each counting the jobs it applies per lane here; time limits kept. */
  public JobHandlers handlers(JobHandlers handlers) {
    JobHandlers.Builder b = JobHandlers.builder();
    Map<JobHandler, JobHandler> wrapped = new IdentityHashMap<>();
    for (String type : handlers.types()) {
      JobHandler h =
          wrapped.computeIfAbsent(handlers.handlerFor(type).orElseThrow(), this::counting);
      Optional<Duration> limit = handlers.timeLimitFor(type);
      if (limit.isPresent()) {
        b.on(type, h, limit.get());
      } else {
        b.on(type, h);
      }
    }
    return b.build();
  }

  private JobHandler counting(JobHandler handler) {
    if (handler instanceof KeyBatchHandler batch) {
      return (KeyBatchHandler)
          (jobs, context) -> {
            KeyBatchResult result = batch.handleBatch(jobs, context);
            // allDone() says Integer.MAX_VALUE: the engine caps it at the batch, and so do we.
            laneCounter(laneApplied, context.lane().index())
                .add(Math.min(result.done(), jobs.size()));
            return result;
          };
    }
    return (job, context) -> {
      handler.handle(job, context);
      laneCounter(laneApplied, context.lane().index()).increment();
    };
  }

  /** Counts {@code n} jobs enqueued to {@code lane}. */
  public void enqueued(Lane lane, long n) {
    laneCounter(laneEnqueued, lane.index()).add(n);
  }

  /** For tests: the applied jobs of lane {@code index} counted since the last write. */
  long pendingApplied(int index) {
    LongAdder n = laneApplied.get(index);
    return n == null ? 0 : n.sum();
  }

  /** How many items it has written so far. */
  public long writes() {
    return writes.get();
  }

  /**
   * Writes the counts now: the worker's totals (with a worker id) and every lane count gathered
   * since the last write.
   *
   * @throws SdkException if a write failed; the lane counts not written are kept for the next
   */
  public void flush() {
    synchronized (flushing) {
      long now = clock.millis();
      if (workerId != null) {
        dynamoDb.updateItem(
            r ->
                r.tableName(table)
                    .key(Map.of("id", AttributeValue.fromS(StatsItems.workerId(workerId))))
                    .updateExpression(
                        "SET #applied = :applied, #failures = :failures, #fenced = :fenced,"
                            + " #refusals = :refusals, #updated = :now, #expires = :expires,"
                            + " #queue = :queue")
                    .expressionAttributeNames(
                        Map.of(
                            "#applied", StatsItems.APPLIED,
                            "#failures", StatsItems.FAILURES,
                            "#fenced", StatsItems.FENCED,
                            "#refusals", StatsItems.LEASE_REFUSALS,
                            "#updated", StatsItems.UPDATED_AT,
                            "#expires", StatsItems.EXPIRES_AT,
                            "#queue", StatsItems.QUEUE))
                    .expressionAttributeValues(
                        Map.of(
                            ":applied", number(applied.sum()),
                            ":failures", number(failures.sum()),
                            ":fenced", number(fenced.sum()),
                            ":refusals", number(leaseRefusals.sum()),
                            ":now", number(now),
                            ":expires", number((now + expiry.toMillis()) / 1000),
                            ":queue", AttributeValue.fromS(queue))));
        writes.incrementAndGet();
      }
      addLanes(laneApplied, StatsItems.APPLIED, now);
      addLanes(laneEnqueued, StatsItems.ENQUEUED, now);
    }
  }

  private void addLanes(Map<Integer, LongAdder> counts, String attribute, long now) {
    for (Map.Entry<Integer, LongAdder> e : counts.entrySet()) {
      long n = e.getValue().sumThenReset();
      if (n == 0) {
        continue;
      }
      try {
        dynamoDb.updateItem(
            r ->
                r.tableName(table)
                    .key(Map.of("id", AttributeValue.fromS(StatsItems.laneId(e.getKey()))))
                    .updateExpression("ADD #count :n SET #updated = :now")
                    .expressionAttributeNames(
                        Map.of("#count", attribute, "#updated", StatsItems.UPDATED_AT))
                    .expressionAttributeValues(Map.of(":n", number(n), ":now", number(now))));
        writes.incrementAndGet();
      } catch (RuntimeException ex) {
        e.getValue().add(n); // kept for the next write
        throw ex;
      }
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn(
          "event=stats_write_failed table={} worker={} error=\"{}\"",
          table,
          workerId,
          e.toString());
    }
  }

  /** Stops the background writer and writes what is left. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("event=stats_writer_stuck table={} worker={}", table, workerId);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flushQuietly();
  }

  private static LongAdder laneCounter(Map<Integer, LongAdder> counts, int lane) {
    return counts.computeIfAbsent(lane, l -> new LongAdder());
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }

  /** Configures a {@link StatsPublisher}; {@link #build()} does no I/O. */
  public static final class Builder {
    private DynamoDbClient dynamoDb;
    private String table;
    private String workerId;
    private String queue = "";
    private Duration interval = Duration.ofSeconds(5);
    private Duration expiry = Duration.ofMinutes(10);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The DynamoDB client; the caller closes it. */
    public Builder dynamoDb(DynamoDbClient dynamoDb) {
      this.dynamoDb = dynamoDb;
      return this;
    }

    /** The lease table (required). */
    public Builder table(String table) {
      this.table = table;
      return this;
    }

    /** The worker whose totals to write; none for a producer, which writes lane counts only. */
    public Builder workerId(String workerId) {
      this.workerId = workerId;
      return this;
    }

    /** The work queue's name, written on the worker's item. */
    public Builder queue(String queue) {
      this.queue = queue;
      return this;
    }

    /** Between two writes (default 5 s, at least 1 s). */
    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    /** How long after its last write a worker's item is stale (default 10 min, at least 1 min). */
    public Builder expiry(Duration expiry) {
      this.expiry = expiry;
      return this;
    }

    /** The wall clock of {@link StatsItems#UPDATED_AT} and {@link StatsItems#EXPIRES_AT}. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public StatsPublisher build() {
      Require.notNull(dynamoDb, "StatsPublisher", "dynamoDb");
      Require.argument(table != null && !table.isBlank(), "StatsPublisher", "table", table);
      Require.argument(
          workerId == null || !workerId.isBlank(), "StatsPublisher", "workerId", workerId);
      Require.notNull(queue, "StatsPublisher", "queue");
      Require.argument(
          interval != null && interval.compareTo(Duration.ofSeconds(1)) >= 0,
          "StatsPublisher",
          "interval",
          interval);
      Require.argument(
          expiry != null && expiry.compareTo(Duration.ofMinutes(1)) >= 0,
          "StatsPublisher",
          "expiry",
          expiry);
      Require.notNull(clock, "StatsPublisher", "clock");
      return new StatsPublisher(this);
    }
  }
}
