package io.fenceq.worker;

import io.fenceq.engine.EngineConfig;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.JobHandlers;
import io.fenceq.engine.LaneProcessor;
import io.fenceq.engine.ShutdownReport;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseStore;
import io.fenceq.metrics.Metrics;
import io.fenceq.ring.HashRing;
import io.fenceq.time.Ticker;
import io.fenceq.worker.internal.LaneSlots;
import io.fenceq.worker.internal.Progress;
import io.fenceq.worker.internal.QueueCheck;
import io.fenceq.worker.internal.ReceiveLoop;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The long-running consumer of a work queue: {@link WorkerConfig#concurrency()} receive loops
 * long-poll the queue and hand each batch to a {@link LaneProcessor}, which runs it under fenced
 * lane leases. A receive loop polls only when there is room for a whole batch's lanes within {@link
 * WorkerConfig#maxLanesInFlight()}, so received messages never wait in the worker.
 *
 * <p>{@link #shutdown()} stops it gracefully: no more receiving, running jobs may finish until the
 * shutdown timeout (less a reserve to settle the rest), then the unfinished messages go back with
 * visibility 0 and the leases are released. {@link WorkerMain} calls it on SIGTERM.
 *
 * <pre>{@code
 * Worker worker = Worker.builder()
 *     .config(WorkerConfig.fromEnvironment(System.getenv()))
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

  private final WorkerConfig config;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final JobHandlers handlers;
  private final Metrics metrics;
  private final Ticker ticker;
  private final Clock clock;
  private final EngineConfig engineConfig;
  private final int number = WORKERS.incrementAndGet();
  private final LaneSlots slots;
  private final Progress progress = new Progress();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CompletableFuture<ShutdownReport> stopped = new CompletableFuture<>();
  private final Object lifecycle = new Object();
  private final List<Thread> loops = new ArrayList<>();
  private LaneProcessor processor;
  private boolean started;
  private boolean shutdownBegun;

  private Worker(Builder b) {
    this.config = b.config;
    this.sqs = b.sqs;
    this.dynamoDb = b.dynamoDb;
    this.handlers = b.handlers;
    this.metrics = b.metrics;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.engineConfig = engineConfig(b.config, b.backoffBase, b.backoffCap);
    this.slots = new LaneSlots(config.maxLanesInFlight());
  }

  public static Builder builder() {
    return new Builder();
  }

  public WorkerConfig config() {
    return config;
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
            "worker "
                + config.workerId()
                + " was "
                + (started ? "started" : "shut down")
                + " before");
      }
      QueueCheck queue = QueueCheck.of(sqs, config.queueUrl());
      LeaseStore leases =
          LeaseStore.builder()
              .dynamoDb(dynamoDb)
              .table(config.leaseTable())
              .config(LeaseConfig.builder().leaseDuration(config.leaseDuration()).build())
              .ticker(ticker)
              .clock(clock)
              .build();
      processor =
          LaneProcessor.builder()
              .config(withMaxReceiveCount(engineConfig, queue))
              .leases(leases)
              .handlers(handlers)
              .sqs(sqs)
              .metrics(metrics)
              .ticker(ticker)
              .clock(clock)
              .build();
      // A message must stay invisible until the first heartbeat can extend it: at least a lease.
      Duration visibility =
          queue.visibilityTimeout().compareTo(config.leaseDuration()) < 0
              ? config.leaseDuration()
              : null;
      for (int i = 1; i <= config.concurrency(); i++) {
        ReceiveLoop loop =
            new ReceiveLoop(
                sqs,
                config.queueUrl(),
                config.receiveWait(),
                visibility,
                slots,
                lane -> processor.submitLane(lane, null),
                progress,
                stopping);
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
            config.workerId(),
            config.receiveWait().toSeconds(),
            config.shutdownTimeout().toSeconds());
      }
      log.info(
          "event=worker_started worker={} queue={} leaseTable={} lanes={} receiveLoops={}"
              + " maxLanesInFlight={} leaseSeconds={} shutdownSeconds={} queueVisibilitySeconds={}"
              + " jobTypes={}",
          config.workerId(),
          config.queueUrl(),
          config.leaseTable(),
          config.lanes(),
          config.concurrency(),
          config.maxLanesInFlight(),
          config.leaseDuration().toSeconds(),
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
   * worker takes up to {@link WorkerConfig#receiveWait()} to stop.
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
      slots.close();
      if (!started) {
        stopped.complete(new ShutdownReport(false, 0, 0));
        return stopped.copy();
      }
      Duration grace = config.shutdownTimeout().minus(settleReserve(config.shutdownTimeout()));
      log.info(
          "event=worker_stopping worker={} queue={} lanesInFlight={} graceMs={}",
          config.workerId(),
          config.queueUrl(),
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
              config.workerId(),
              loop.getName());
        }
      }
      ShutdownReport report =
          drained.get(
              Math.max(1, deadline - ticker.nanos()) + MAX_SETTLE_RESERVE.toNanos(),
              TimeUnit.NANOSECONDS);
      processor.close();
      log.info(
          "event=worker_stopped worker={} queue={} forced={} lanesAbandoned={}"
              + " messagesReturned={} {}",
          config.workerId(),
          config.queueUrl(),
          report.forced(),
          report.lanesAbandoned(),
          report.messagesReturned(),
          progress());
      stopped.complete(report);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped.completeExceptionally(e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.error(
          "event=worker_stop_failed worker={} queue={}", config.workerId(), config.queueUrl(), e);
      stopped.completeExceptionally(e instanceof ExecutionException ? e.getCause() : e);
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
      log.error("event=worker_close_failed worker={} error={}", config.workerId(), e.toString());
    }
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
    return "Worker[" + config.workerId() + " queue=" + config.queueUrl() + "]";
  }

  /** The part of the timeout kept back for settling: a fifth, at most 5 s. */
  static Duration settleReserve(Duration timeout) {
    Duration fifth = timeout.dividedBy(5);
    return fifth.compareTo(MAX_SETTLE_RESERVE) > 0 ? MAX_SETTLE_RESERVE : fifth;
  }

  /** The queue's redrive count, read at start, unless the configuration already has one. */
  private static EngineConfig withMaxReceiveCount(EngineConfig config, QueueCheck queue) {
    if (config.maxReceiveCount().isPresent() || queue.maxReceiveCount().isEmpty()) {
      return config;
    }
    return config.toBuilder().maxReceiveCount(queue.maxReceiveCount().getAsInt()).build();
  }

  private static EngineConfig engineConfig(
      WorkerConfig config, Duration backoffBase, Duration backoffCap) {
    return EngineConfig.builder()
        .queueUrl(config.queueUrl())
        .deadLetterQueueUrl(config.deadLetterQueueUrl().orElse(null))
        .owner(config.workerId())
        .ring(HashRing.of(config.lanes()))
        .maxLanesInFlight(config.maxLanesInFlight())
        .backoffBase(backoffBase)
        .backoffCap(backoffCap)
        .build();
  }

  /** Configures a {@link Worker}. Required: config, sqs, dynamoDb and handlers. */
  public static final class Builder {
    private WorkerConfig config;
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private JobHandlers handlers;
    private Metrics metrics = Metrics.none();
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private Duration backoffBase = EngineConfig.DEFAULT_BACKOFF_BASE;
    private Duration backoffCap = EngineConfig.DEFAULT_BACKOFF_CAP;

    private Builder() {}

    public Builder config(WorkerConfig config) {
      this.config = config;
      return this;
    }

    /** For receiving, deleting, changing visibility and dead-lettering. */
    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** For the lane leases. */
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

    /** Default {@link Metrics#none()}. */
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
     * Backoff of a failed job on its first delivery, doubling with each further one; default {@link
     * EngineConfig#DEFAULT_BACKOFF_BASE}.
     */
    public Builder backoffBase(Duration backoffBase) {
      this.backoffBase = backoffBase;
      return this;
    }

    /** Longest backoff of a failed job; default {@link EngineConfig#DEFAULT_BACKOFF_CAP}. */
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
      require(metrics != null, "metrics");
      require(ticker != null, "ticker");
      require(clock != null, "clock");
      require(backoffBase != null, "backoffBase");
      require(backoffCap != null, "backoffCap");
      return new Worker(this);
    }

    private static void require(boolean ok, String setting) {
      if (!ok) {
        throw new IllegalArgumentException("invalid Worker setting " + setting + ": null");
      }
    }
  }
}
