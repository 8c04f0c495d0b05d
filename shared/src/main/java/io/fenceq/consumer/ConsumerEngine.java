package io.fenceq.consumer;

import io.fenceq.engine.EngineConfig;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.JobHandlers;
import io.fenceq.engine.LaneProcessor;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseStore;
import io.fenceq.metrics.EmbeddedMetricFormat;
import io.fenceq.metrics.Metrics;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.LargePayloads;
import io.fenceq.queue.QueueDescription;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.time.Ticker;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The engine of one consumer, wired the same way for every host: a {@link LeaseStore} on the lease
 * table and a {@link LaneProcessor} over it, from a {@link ConsumerConfig}, the host's clients and
 * the handlers. Hosts differ only in what they set here: the ECS worker keeps the heartbeat and its
 * own threads, the Lambda consumer turns the heartbeat off, leases for its invocation's time and
 * runs on threads it keeps across invocations.
 *
 * <pre>{@code
 * ConsumerEngine engine = ConsumerEngine.builder()
 *     .config(config)
 *     .sqs(sqs)
 *     .dynamoDb(dynamoDb)
 *     .handlers(handlers)
 *     .queue(QueueDescription.read(sqs, config.engine().queueUrl()))
 *     .start();
 * engine.processor().submitLane(lane, null);
 * }</pre>
 *
 * <p>{@link #close()} closes the processor (a graceful shutdown of one lease duration); the clients
 * belong to the caller.
 */
public final class ConsumerEngine implements Closeable {
  private final LeaseStore leases;
  private final LaneProcessor processor;

  private ConsumerEngine(LeaseStore leases, LaneProcessor processor) {
    this.leases = leases;
    this.processor = processor;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where {@code config} says metrics go: EMF lines on standard output, or nowhere. */
  public static Metrics metricsFor(ConsumerConfig config) {
    return config.metrics() == ConsumerConfig.MetricsOutput.EMF
        ? EmbeddedMetricFormat.toStdout()
        : Metrics.none();
  }

  /** The lane leases. */
  public LeaseStore leases() {
    return leases;
  }

  /** The engine; hand it each received lane ({@link LaneProcessor#submitLane}) or batch. */
  public LaneProcessor processor() {
    return processor;
  }

  /** Closes the processor; see {@link LaneProcessor#close()}. Idempotent. */
  @Override
  public void close() {
    processor.close();
  }

  /**
   * Closes the processor with a shutdown grace of {@code timeout}, waiting at most that and the
   * engine's write-off grace; see {@link LaneProcessor#close(Duration)}. Idempotent.
   */
  public void close(Duration timeout) {
    processor.close(timeout);
  }

  @Override
  public String toString() {
    return "ConsumerEngine[" + processor.config() + "]";
  }

  /** Configures a {@link ConsumerEngine}. Required: config, sqs, dynamoDb and handlers. */
  public static final class Builder {
    private ConsumerConfig config;
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private JobHandlers handlers;
    private Metrics metrics;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private String owner;
    private LeaseConfig lease;
    private QueueDescription queue;
    private Consumer<EngineConfig.Builder> engineSettings = b -> {};
    private LargePayloads largePayloads;

    /**
     * Reads offloaded envelopes from this bucket and deletes them after success; see {@link
     * LaneProcessor.Builder#largePayloads}. Default none.
     */
    public Builder largePayloads(LargePayloads largePayloads) {
      this.largePayloads = largePayloads;
      return this;
    }

    private boolean checkTable = true;
    private Executor executor;
    private ScheduledExecutorService scheduler;
    private Runnable writeOffListener;

    private Builder() {}

    public Builder config(ConsumerConfig config) {
      this.config = config;
      return this;
    }

    /** For the queue calls of the engine. */
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

    /** Default {@link #metricsFor(ConsumerConfig)} of the configuration. */
    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Monotonic time for leases and timings; default {@link Ticker#system()}. */
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
     * This consumer's owner id in lane leases, new for every process incarnation; default the
     * configuration's {@link ConsumerConfig#workerId()}, else its engine's owner.
     */
    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    /** The leases' configuration for this engine; default the configuration's {@code lease()}. */
    public Builder lease(LeaseConfig lease) {
      this.lease = lease;
      return this;
    }

    /**
     * The work queue as read at start-up: its redrive {@code maxReceiveCount} becomes the engine's,
     * unless the configuration already has one. Default none (the count stays unknown).
     */
    public Builder queue(QueueDescription queue) {
      this.queue = queue;
      return this;
    }

    /**
     * What this host changes in the engine's configuration (e.g. {@code b -> b.heartbeat(false)}),
     * applied after the owner and the queue's redrive count.
     */
    public Builder engine(Consumer<EngineConfig.Builder> settings) {
      this.engineSettings = settings;
      return this;
    }

    /**
     * Whether {@link #start()} checks the lease table (it must exist and must not delete by TTL,
     * which would reset fences); default true. A host that wires several engines checks once.
     */
    public Builder checkTable(boolean checkTable) {
      this.checkTable = checkTable;
      return this;
    }

    /** Runs lanes on the caller's executor; see {@link LaneProcessor.Builder#executor}. */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /** Runs heartbeats on the caller's scheduler; see {@link LaneProcessor.Builder#scheduler}. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /**
     * Called each time a handler thread is written off; see {@link
     * LaneProcessor.Builder#writeOffListener}. Default none.
     */
    public Builder writeOffListener(Runnable writeOffListener) {
      this.writeOffListener = writeOffListener;
      return this;
    }

    /**
     * Builds the lease store (checking the lease table, unless told not to) and the processor.
     *
     * @throws IllegalArgumentException naming a missing or invalid setting
     * @throws ConsumerConfigException if the queue's redrive {@code maxReceiveCount} is not above
     *     the engine's {@code maxAttempts}, naming the queue and both numbers
     * @throws io.fenceq.lease.LeaseException if the lease table does not exist or deletes by TTL
     */
    public ConsumerEngine start() {
      require(config != null, "config");
      require(sqs != null, "sqs");
      require(dynamoDb != null, "dynamoDb");
      require(handlers != null, "handlers");
      require(ticker != null, "ticker");
      require(clock != null, "clock");
      require(engineSettings != null, "engine");
      EngineConfig.Builder engine = config.engine().toBuilder();
      String leaseOwner = owner != null ? owner : config.workerId().orElse(null);
      if (leaseOwner != null) {
        engine.owner(leaseOwner);
      }
      if (queue != null
          && config.engine().maxReceiveCount().isEmpty()
          && queue.maxReceiveCount().isPresent()) {
        engine.maxReceiveCount(queue.maxReceiveCount().getAsInt());
      }
      engineSettings.accept(engine);
      EngineConfig engineConfig = engine.build();
      requireRedriveBackstop(engineConfig);
      LeaseStore leases =
          LeaseStore.builder()
              .dynamoDb(dynamoDb)
              .table(config.leaseTable())
              .config(lease != null ? lease : config.lease())
              .ticker(ticker)
              .clock(clock)
              .checkTable(checkTable)
              .build();
      LaneProcessor.Builder processor =
          LaneProcessor.builder()
              .config(engineConfig)
              .leases(leases)
              .handlers(handlers)
              .sqs(sqs)
              .metrics(metrics != null ? metrics : metricsFor(config))
              .ticker(ticker)
              .clock(clock);
      if (executor != null) {
        processor.executor(executor);
      }
      if (scheduler != null) {
        processor.scheduler(scheduler);
      }
      if (writeOffListener != null) {
        processor.writeOffListener(writeOffListener);
      }
      if (largePayloads != null) {
        processor.largePayloads(largePayloads);
      }
      if (config.ringEpochs()) {
        processor.ringEpochs(
            new RingConfigTable(
                dynamoDb, config.leaseTable(), engineConfig.ring().laneCount(), clock),
            Enqueuer.DEFAULT_EPOCH_REFRESH);
      }
      return new ConsumerEngine(leases, processor.build());
    }

    /**
     * Refuses a work queue whose redrive would move jobs to the dead-letter queue before the engine
     * has counted {@code maxAttempts} real failures: SQS counts every receive, also the ones that
     * gave a job back unrun (its lane held elsewhere, a shutdown, a failing job ahead of it), so at
     * or below {@code maxAttempts} healthy jobs would be redriven without a reason.
     */
    private void requireRedriveBackstop(EngineConfig engine) {
      if (queue == null || queue.maxReceiveCount().isEmpty()) {
        return;
      }
      int maxReceiveCount = queue.maxReceiveCount().getAsInt();
      if (maxReceiveCount <= engine.maxAttempts()) {
        throw new ConsumerConfigException(
            "queue "
                + queue.queueUrl()
                + " redrives to its dead-letter queue after maxReceiveCount "
                + maxReceiveCount
                + " receives, which must be above "
                + ConsumerConfig.MAX_ATTEMPTS
                + " (maxAttempts) "
                + engine.maxAttempts()
                + ": SQS counts unrun returns as receives and would dead-letter healthy jobs;"
                + " raise the queue's maxReceiveCount (the template's MaxReceiveCount, default 50)"
                + " or lower maxAttempts");
      }
    }

    private static void require(boolean ok, String setting) {
      if (!ok) {
        throw new IllegalArgumentException("invalid ConsumerEngine setting " + setting + ": null");
      }
    }
  }
}
