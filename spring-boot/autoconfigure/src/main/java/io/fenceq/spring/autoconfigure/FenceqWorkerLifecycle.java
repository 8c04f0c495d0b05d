package io.fenceq.spring.autoconfigure;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.engine.JobHandlers;
import io.fenceq.metrics.Metrics;
import io.fenceq.spring.autoconfigure.internal.LaneLosses;
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The fenceq {@link Worker} in the application context's lifecycle: started once every bean is
 * ready (after the web server), stopped first when the context closes, gracefully: no more
 * receiving, running jobs finish within {@code fenceq.worker.shutdown-timeout}, the rest go back to
 * the queue and the leases are released. Spring waits for the stop up to {@code
 * spring.lifecycle.timeout-per-shutdown-phase}; a shutdown timeout that does not fit in it is
 * logged at start.
 */
public class FenceqWorkerLifecycle implements SmartLifecycle {
  /** Started after, and stopped before, the web server and Spring's other lifecycle beans. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  /** Time the worker may take beyond its shutdown timeout to settle (give back, release). */
  static final Duration SETTLE_ALLOWANCE = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(FenceqWorkerLifecycle.class);

  private final Worker.Builder builder;
  private final ConsumerConfig config;
  private final LaneLosses laneLosses;
  private final boolean autoStartup;
  private final Duration phaseTimeout;
  private final Object lock = new Object();
  private Worker worker;
  private boolean running;

  /**
   * @param phaseTimeout Spring's {@code spring.lifecycle.timeout-per-shutdown-phase}
   */
  FenceqWorkerLifecycle(
      ConsumerConfig config,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      JobHandlers handlers,
      Metrics metrics,
      LaneLosses laneLosses,
      boolean autoStartup,
      Duration phaseTimeout) {
    this.config = config;
    this.laneLosses = laneLosses;
    this.autoStartup = autoStartup;
    this.phaseTimeout = phaseTimeout;
    this.builder =
        Worker.builder()
            .config(config)
            .sqs(sqs)
            .dynamoDb(dynamoDb)
            .handlers(handlers)
            .metrics(laneLosses.recording(metrics));
  }

  /**
   * Starts a new worker: checks the queue and the lease table, then receives.
   *
   * @throws io.fenceq.queue.QueueNotFoundException if the queue does not exist or is not FIFO
   * @throws io.fenceq.lease.LeaseException if the lease table is missing
   */
  @Override
  public void start() {
    synchronized (lock) {
      if (running) {
        return;
      }
      Duration needed = config.shutdownTimeout().plus(SETTLE_ALLOWANCE);
      if (needed.compareTo(phaseTimeout) > 0) {
        log.warn(
            "event=shutdown_timeout_beyond_phase shutdownSeconds={} phaseTimeoutSeconds={}"
                + " effect=\"Spring may stop waiting before the worker has given back its jobs;"
                + " lower fenceq.worker.shutdown-timeout or raise"
                + " spring.lifecycle.timeout-per-shutdown-phase\"",
            config.shutdownTimeout().toSeconds(),
            phaseTimeout.toSeconds());
      }
      // A Worker starts once; a restarted context gets a new one (and a new lease owner id).
      worker = builder.build().start();
      running = true;
    }
  }

  /** Stops gracefully and runs {@code callback} once the worker has stopped. */
  @Override
  public void stop(Runnable callback) {
    Worker stopping;
    synchronized (lock) {
      stopping = running ? worker : null;
      running = false;
    }
    if (stopping == null) {
      callback.run();
      return;
    }
    stopping.shutdown().whenComplete((report, error) -> callback.run());
  }

  /** Stops gracefully and waits for it. */
  @Override
  public void stop() {
    Worker stopping;
    synchronized (lock) {
      stopping = running ? worker : null;
      running = false;
    }
    if (stopping != null) {
      stopping.close();
    }
  }

  @Override
  public boolean isRunning() {
    synchronized (lock) {
      return running;
    }
  }

  @Override
  public boolean isAutoStartup() {
    return autoStartup;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The consumer configuration the worker runs with. */
  public ConsumerConfig config() {
    return config;
  }

  /** The worker started last, if any (it may have stopped since). */
  public Optional<Worker> worker() {
    synchronized (lock) {
      return Optional.ofNullable(worker);
    }
  }

  /** What the worker has done since it started; nothing before. */
  public WorkerProgress progress() {
    return worker().map(Worker::progress).orElse(WorkerProgress.none());
  }

  /** Lanes lost lately, for the health check. */
  LaneLosses laneLosses() {
    return laneLosses;
  }
}
