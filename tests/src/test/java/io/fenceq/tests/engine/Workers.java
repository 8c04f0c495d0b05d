package io.fenceq.tests.engine;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.engine.JobHandler;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.s3.S3Client;

/** In-process workers on one test stack; {@link #close()} stops those still running. */
final class Workers implements AutoCloseable {
  /** Backoff of failed jobs in tests: short, so a poison job reaches the DLQ in seconds. */
  static final Duration TEST_BACKOFF = Duration.ofMillis(200);

  private final TestAws aws;
  private final TestStack stack;
  private final List<Worker> started = new ArrayList<>();
  private boolean publishStats;

  Workers(TestAws aws, TestStack stack) {
    this.aws = aws;
    this.stack = stack;
  }

  /** The stack's queues and tables, with settings sized for tests. */
  ConsumerConfig.Builder config() {
    return ConsumerConfig.builder()
        .queueUrl(stack.workQueueUrl())
        .deadLetterQueueUrl(stack.dlqUrl())
        .leaseTable(stack.leaseTable())
        .lanes(stack.lanes())
        .concurrency(2)
        .maxLanesInFlight(16)
        .leaseDuration(Duration.ofSeconds(10))
        .shutdownTimeout(Duration.ofSeconds(10))
        // A stop waits for the polls in progress: short polls keep the tests' stops short.
        .receiveWait(Duration.ofSeconds(2));
  }

  /** Whether the workers started from now on publish their stats for the console. */
  Workers publishStats(boolean publishStats) {
    this.publishStats = publishStats;
    return this;
  }

  /** Starts a worker. */
  Worker start(ConsumerConfig config, Map<String, ? extends JobHandler> handlers) {
    return start(config, handlers, null);
  }

  /** Starts a worker with an S3 client for large payloads. */
  Worker start(ConsumerConfig config, Map<String, ? extends JobHandler> handlers, S3Client s3) {
    Worker worker =
        Worker.builder()
            .config(config)
            .sqs(aws.sqs())
            .dynamoDb(aws.dynamoDb())
            .s3(s3)
            .handlers(handlers)
            .backoffBase(TEST_BACKOFF)
            .backoffCap(TEST_BACKOFF.multipliedBy(4))
            .publishStats(publishStats)
            .build()
            .start();
    synchronized (started) {
      started.add(worker);
    }
    return worker;
  }

  WorkerProgress progress() {
    synchronized (started) {
      return started.stream()
          .map(Worker::progress)
          .reduce(WorkerProgress.none(), WorkerProgress::plus);
    }
  }

  @Override
  public void close() {
    List<Worker> all;
    synchronized (started) {
      all = List.copyOf(started);
    }
    CompletableFuture.allOf(all.stream().map(Worker::shutdown).toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .join();
  }
}
