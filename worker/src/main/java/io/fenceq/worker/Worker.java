package io.fenceq.worker;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerEngine;
import io.fenceq.engine.EngineConfig;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.JobHandlers;
import io.fenceq.engine.LaneProcessor;
import io.fenceq.engine.ShutdownReport;
import io.fenceq.metrics.Metrics;
import io.fenceq.queue.LargePayloads;
import io.fenceq.queue.QueueDescription;
import io.fenceq.stats.StatsPublisher;
import io.fenceq.time.Ticker;
import io.fenceq.worker.internal.LaneSink;
import io.fenceq.worker.internal.Progress;
import io.fenceq.worker.internal.ReceiveLoop;
import io.fenceq.worker.internal.WorkerHealth;
import java.io.Closeable;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The long-running consumer of a work queue: {@link ConsumerConfig#concurrency()} receive loops
 * long-poll the queue and hand each lane of a receive to the engine ({@link ConsumerEngine}), which
 * runs it under its fenced lane lease. A receive loop polls only when the engine has room for a
 * lane within {@link EngineConfig#maxLanesInFlight()} ({@link LaneProcessor#reserveLane()}), so
 * received messages do not wait in the worker.
 *
 * <p>{@link #shutdown()} stops it gracefully: no more receiving, running jobs may finish until the
 * shutdown timeout (less a reserve to settle the rest), then the unfinished messages go back with
 * visibility 0 and the leases are released. {@link WorkerMain} calls it on SIGTERM.
 *
 * <pre>{@code
 * Worker worker = Worker.builder()
 *     .config(ConsumerConfig.fromEnvironment(System.getenv()))
 *     .sqs(sqs)
 *     .dynamoDb(dynamoDb)
 *     .handlers(Map.of("reserve", reserveHandler))
 *     .build()
 *     .start();
 * ...
 * worker.shutdown().join();
 * }</pre>
 *
 * <p>Thread-safe. The clients belong to the caller.
 */
public final class Worker implements Closeable {
  /**
   * Most of the shutdown timeout kept back from running jobs, to give the rest back and release
   * leases before the host's own deadline (ECS kills at its stop timeout).
   */
  static final Duration MAX_SETTLE_RESERVE = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final AtomicInteger WORKERS = new AtomicInteger();

  private final ConsumerConfig config;
  private final String workerId;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final LargePayloads largePayloads;
  private final JobHandlers handlers;
  private final Metrics metrics;
  private final Ticker ticker;
  private final Clock clock;
  private final Duration backoffBase;
  private final Duration backoffCap;
  private final int number = WORKERS.incrementAndGet();
  private final Progress progress = new Progress();
  private final WorkerHealth health;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CompletableFuture<ShutdownReport> stopped = new CompletableFuture<>();
  private final Object lifecycle = new Object();
  private final List<Thread> loops = new ArrayList<>();
  private final StatsPublisher stats;
  private LaneProcessor processor;
  private boolean started;
  private boolean shutdownBegun;

  private Worker(Builder b) {
    this.config = b.config;
    this.workerId = b.config.workerId().orElseGet(Worker::newWorkerId);
    this.sqs = b.sqs;
    this.dynamoDb = b.dynamoDb;
    this.largePayloads =
        b.config
            .payloadBucket()
            .map(bucket -> LargePayloads.builder().s3(b.s3).bucket(bucket).build())
            .orElse(null);
    Metrics chosen = b.metrics != null ? b.metrics : ConsumerEngine.metricsFor(b.config);
    if (b.publishStats) {
      String queueUrl = b.config.engine().queueUrl();
      this.stats =
          StatsPublisher.builder()
              .dynamoDb(b.dynamoDb)
              .table(b.config.leaseTable())
              .workerId(workerId)
              .queue(queueUrl.substring(queueUrl.lastIndexOf('/') + 1))
              .clock(b.clock)
              .build();
      this.handlers = stats.handlers(b.handlers);
      this.metrics = stats.metrics(chosen);
    } else {
      this.stats = null;
      this.handlers = b.handlers;
      this.metrics = chosen;
    }
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.backoffBase = b.backoffBase;
    this.backoffCap = b.backoffCap;
    this.health = new WorkerHealth(b.config, workerId);
  }

  public static Builder builder() {
    return new Builder();
  }

  public ConsumerConfig config() {
    return config;
  }

  /**
   * This worker's owner id in lane leases: the configuration's {@link ConsumerConfig#workerId()},
   * or else the host name and a random suffix, new for every worker built, so that a restarted
   * worker never takes its previous incarnation's grants for its own.
   */
  public String workerId() {
    return workerId;
  }

  /**
   * Checks the queue and the lease table, then starts the receive loops (daemon threads named
   * {@code fenceq-receive-<w>-<n>}, {@code w} numbering the workers of this JVM).
   *
   * @return this worker
   * @throws IllegalStateException if started before, or shut down
   * @throws io.fenceq.queue.QueueNotFoundException if the work queue does not exist or is not FIFO
   * @throws io.fenceq.lease.LeaseException if the lease table does not exist or deletes by TTL
   */
  public Worker start() {
    synchronized (lifecycle) {
      if (started || shutdownBegun) {
        throw new IllegalStateException(
            "worker " + workerId + " was " + (started ? "started" : "shut down") + " before");
      }
      String queueUrl = config.engine().queueUrl();
      QueueDescription queue = QueueDescription.read(sqs, queueUrl).requireFifo();
      health.started();
      if (stats != null) {
        stats.start();
      }
      ConsumerEngine engine =
          ConsumerEngine.builder()
              .config(config)
              .sqs(sqs)
              .dynamoDb(dynamoDb)
              .handlers(handlers)
              .metrics(metrics)
              .ticker(ticker)
              .clock(clock)
              .owner(workerId)
              .queue(queue)
              .writeOffListener(health::threadWrittenOff)
              .largePayloads(largePayloads)
              .engine(
                  b -> {
                    if (backoffBase != null) {
                      b.backoffBase(backoffBase);
                    }
                    if (backoffCap != null) {
                      b.backoffCap(backoffCap);
                    }
                  })
              .start();
      processor = engine.processor();
      Duration leaseDuration = config.lease().leaseDuration();
      // A message must stay invisible until the first heartbeat can extend it: at least a lease.
      Duration visibility =
          queue.visibilityTimeout().compareTo(leaseDuration) < 0 ? leaseDuration : null;
      LaneSink lanes = LaneSink.of(processor);
      for (int i = 1; i <= config.concurrency(); i++) {
        ReceiveLoop loop =
            new ReceiveLoop(
                sqs, queueUrl, config.receiveWait(), visibility, lanes, progress, stopping);
        Thread thread =
            Thread.ofPlatform()
                .name("fenceq-receive-" + number + "-" + i)
                .daemon(true)
                .unstarted(loop);
        loops.add(thread);
      }
      loops.forEach(Thread::start);
      started = true;
      if (config.receiveWait().compareTo(config.shutdownTimeout()) >= 0) {
        log.warn(
            "event=receive_wait_not_below_shutdown worker={} receiveWaitSeconds={}"
                + " shutdownSeconds={} effect=\"a stop may end while a poll still waits; messages"
                + " it then receives stay invisible for their visibility timeout\"",
            workerId,
            config.receiveWait().toSeconds(),
            config.shutdownTimeout().toSeconds());
      }
      log.info(
          "event=worker_started worker={} queue={} leaseTable={} lanes={} receiveLoops={}"
              + " maxLanesInFlight={} leaseSeconds={} shutdownSeconds={} queueVisibilitySeconds={}"
              + " jobTypes={}",
          workerId,
          queueUrl,
          config.leaseTable(),
          config.engine().ring().laneCount(),
          config.concurrency(),
          config.engine().maxLanesInFlight(),
          leaseDuration.toSeconds(),
          config.shutdownTimeout().toSeconds(),
          queue.visibilityTimeout().toSeconds(),
          handlers.types());
      return this;
    }
  }

  /**
   * Stops gracefully, at most once: stops receiving, lets running jobs finish until the shutdown
   * timeout less a settling reserve, gives the rest back with visibility 0, releases the leases and
   * ends the worker's threads. Idempotent: every call returns the same future. Returns at once.
   *
   * <p>A long poll already waiting is not cut short: SQS may have handed it messages that a cut
   * connection would leave invisible for their whole visibility timeout. It ends within the receive
   * wait, and the draining processor gives back whatever it brought, with visibility 0. So an idle
   * worker takes up to {@link ConsumerConfig#receiveWait()} to stop.
   *
   * @return completes when the worker has stopped
   */
  public CompletableFuture<ShutdownReport> shutdown() {
    synchronized (lifecycle) {
      if (shutdownBegun) {
        return stopped.copy();
      }
      shutdownBegun = true;
      long begun = ticker.nanos();
      stopping.countDown();
      if (!started) {
        closeStats();
        stopped.complete(new ShutdownReport(false, 0, 0));
        return stopped.copy();
      }
      Duration grace = config.shutdownTimeout().minus(settleReserve(config.shutdownTimeout()));
      log.info(
          "event=worker_stopping worker={} queue={} lanesInFlight={} graceMs={}",
          workerId,
          config.engine().queueUrl(),
          processor.lanesInFlight(),
          grace.toMillis());
      CompletableFuture<ShutdownReport> drained = processor.shutdown(grace);
      Thread.ofPlatform()
          .name("fenceq-worker-stop-" + number)
          .daemon(true)
          .start(() -> finishShutdown(drained, begun));
      return stopped.copy();
    }
  }

  /**
   * Waits for the receive loops (whose last batches the draining processor gives back), then for
   * the processor's own threads, within the shutdown timeout; anything slower is logged, not waited
   * for.
   */
  private void finishShutdown(CompletableFuture<ShutdownReport> drained, long begunNanos) {
    long deadline = begunNanos + config.shutdownTimeout().toNanos();
    try {
      for (Thread loop : loops) {
        loop.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - ticker.nanos())));
        if (loop.isAlive()) {
          log.warn(
              "event=receive_loop_still_polling worker={} thread={} effect=\"a batch it receives"
                  + " now is given back by the stopped processor\"",
              workerId,
              loop.getName());
        }
      }
      ShutdownReport report =
          drained.get(
              Math.max(1, deadline - ticker.nanos()) + MAX_SETTLE_RESERVE.toNanos(),
              TimeUnit.NANOSECONDS);
      // All lanes are settled; a handler thread that ignores its interrupt is not waited for
      // beyond the deadline (its lease is released, its writes are fenced).
      boolean threadsEnded =
          processor.awaitTermination(Duration.ofNanos(Math.max(0, deadline - ticker.nanos())));
      log.info(
          "event=worker_stopped worker={} queue={} forced={} lanesAbandoned={}"
              + " messagesReturned={} threadsEnded={} {}",
          workerId,
          config.engine().queueUrl(),
          report.forced(),
          report.lanesAbandoned(),
          report.messagesReturned(),
          threadsEnded,
          progress());
      closeStats();
      stopped.complete(report);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeStats();
      stopped.completeExceptionally(e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.error(
          "event=worker_stop_failed worker={} queue={}", workerId, config.engine().queueUrl(), e);
      closeStats();
      stopped.completeExceptionally(e instanceof ExecutionException ? e.getCause() : e);
    }
  }

  /** Writes the stats once more and stops publishing them, before {@link #stopped} completes. */
  private void closeStats() {
    if (stats != null) {
      stats.close();
    }
  }

  /** Completes when the worker has stopped; does not stop it. */
  public CompletableFuture<ShutdownReport> stopped() {
    return stopped.copy();
  }

  /**
   * Shuts down and waits for it, at most the shutdown timeout and its reserve. An interrupt ends
   * the wait early and stays set.
   */
  @Override
  public void close() {
    CompletableFuture<ShutdownReport> done = shutdown();
    try {
      done.get(
          config.shutdownTimeout().plus(MAX_SETTLE_RESERVE).multipliedBy(2).toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.error("event=worker_close_failed worker={} error={}", workerId, e.toString());
    }
  }

  /**
   * False once {@link ConsumerConfig#unhealthyWrittenOffThreads()} handler threads were written
   * off: the worker still runs, but should be replaced (see {@link ConsumerConfig#healthFile()}).
   */
  public boolean healthy() {
    return health.healthy();
  }

  /** What the worker has done so far. */
  public WorkerProgress progress() {
    LaneProcessor p;
    synchronized (lifecycle) {
      p = processor;
    }
    return progress.snapshot(p == null ? 0 : p.lanesInFlight());
  }

  @Override
  public String toString() {
    return "Worker[" + workerId + " queue=" + config.engine().queueUrl() + "]";
  }

  /** The part of the timeout kept back for settling: a fifth, at most 5 s. */
  static Duration settleReserve(Duration timeout) {
    Duration fifth = timeout.dividedBy(5);
    return fifth.compareTo(MAX_SETTLE_RESERVE) > 0 ? MAX_SETTLE_RESERVE : fifth;
  }

  private static String newWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "worker";
    }
    String clean = host.replaceAll("[^A-Za-z0-9.-]", "-");
    if (clean.length() > 64) {
      clean = clean.substring(0, 64);
    }
    return clean + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Configures a {@link Worker}. Required: config, sqs, dynamoDb and handlers. */
  public static final class Builder {
    private ConsumerConfig config;
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private JobHandlers handlers;
    private Metrics metrics;
    private boolean publishStats;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private Duration backoffBase;
    private Duration backoffCap;

    private Builder() {}

    public Builder config(ConsumerConfig config) {
      this.config = config;
      return this;
    }

    /** For receiving, deleting, changing visibility and dead-lettering. */
    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** For the lane leases. */
    /**
     * The S3 client of offloaded envelopes; required when the configuration names a {@link
     * ConsumerConfig#PAYLOAD_BUCKET}. The caller closes it.
     */
    public Builder s3(S3Client s3) {
      this.s3 = s3;
      return this;
    }

    public Builder dynamoDb(DynamoDbClient dynamoDb) {
      this.dynamoDb = dynamoDb;
      return this;
    }

    public Builder handlers(JobHandlers handlers) {
      this.handlers = handlers;
      return this;
    }

    /** Handlers by job type. */
    public Builder handlers(Map<String, ? extends JobHandler> handlers) {
      this.handlers = JobHandlers.of(handlers);
      return this;
    }

    /**
     * Whether to publish this worker's throughput to the lease table's stats items every few
     * seconds for {@code fenceq console} ({@link StatsPublisher}); off by default.
     */
    public Builder publishStats(boolean publishStats) {
      this.publishStats = publishStats;
      return this;
    }

    /** Default where the configuration's {@code FENCEQ_METRICS} says. */
    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Monotonic time for leases and the shutdown deadline; default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /** Wall time for lease expiry hints and job deadlines; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Backoff of a failed job on its first delivery, doubling with each further one; default the
     * configuration's engine's ({@link EngineConfig#DEFAULT_BACKOFF_BASE} unless set there).
     */
    public Builder backoffBase(Duration backoffBase) {
      this.backoffBase = backoffBase;
      return this;
    }

    /** Longest backoff of a failed job; default the configuration's engine's. */
    public Builder backoffCap(Duration backoffCap) {
      this.backoffCap = backoffCap;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming a missing or invalid setting
     */
    public Worker build() {
      require(config != null, "config");
      require(sqs != null, "sqs");
      require(dynamoDb != null, "dynamoDb");
      require(handlers != null, "handlers");
      require(ticker != null, "ticker");
      require(clock != null, "clock");
      if (config.payloadBucket().isPresent() && s3 == null) {
        throw new IllegalArgumentException(
            "invalid Worker setting s3: null, but "
                + ConsumerConfig.PAYLOAD_BUCKET
                + " names bucket "
                + config.payloadBucket().get());
      }
      return new Worker(this);
    }

    private static void require(boolean ok, String setting) {
      if (!ok) {
        throw new IllegalArgumentException("invalid Worker setting " + setting + ": null");
      }
    }
  }
}
