package io.fenceq.local.demo;

import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.local.lambda.EventSourceProgress;
import io.fenceq.local.lambda.SqsEventSource;
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One in-process worker of a demo with its own SDK clients, so that a fault injected into its
 * clients, its network path or its clock hits it alone: an ECS worker, or with {@code --consumer
 * lambda} one Lambda execution environment (a local SQS event source invoking a Lambda consumer).
 */
final class DemoWorker {
  private final Supplier<WorkerProgress> progress;
  private final Supplier<CompletableFuture<?>> shutdown;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final List<AutoCloseable> extras;

  DemoWorker(
      Worker worker, SqsClient sqs, DynamoDbClient dynamoDb, List<? extends AutoCloseable> extras) {
    this(worker::progress, worker::shutdown, sqs, dynamoDb, extras);
  }

  private DemoWorker(
      Supplier<WorkerProgress> progress,
      Supplier<CompletableFuture<?>> shutdown,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      List<? extends AutoCloseable> extras) {
    this.progress = progress;
    this.shutdown = shutdown;
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.extras = new ArrayList<>(extras);
  }

  /**
   * A Lambda execution environment: {@code source} invokes {@code consumer}. Its progress counts
   * records as received, those not reported as done, reported ones as returned.
   */
  static DemoWorker lambda(
      String name,
      SqsEventSource source,
      LambdaConsumer consumer,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      List<? extends AutoCloseable> extras) {
    Supplier<WorkerProgress> progress =
        () -> {
          EventSourceProgress p = source.progress();
          return new WorkerProgress(
              p.invocations(),
              p.records(),
              p.records() - p.itemFailures(),
              p.itemFailures(),
              0,
              0,
              p.inFlight());
        };
    Supplier<CompletableFuture<?>> stop =
        () ->
            CompletableFuture.runAsync(
                () -> {
                  source.close();
                  consumer.close();
                },
                runnable -> Thread.ofPlatform().name("fenceq-demo-stop-" + name).start(runnable));
    return new DemoWorker(progress, stop, sqs, dynamoDb, extras);
  }

  WorkerProgress progress() {
    return progress.get();
  }

  /** Stops the worker (gracefully, or as far as its faults let it), then closes its clients. */
  CompletableFuture<Void> stop() {
    return shutdown.get().handle((report, error) -> null).thenRun(this::closeClients);
  }

  private void closeClients() {
    List<AutoCloseable> all = new ArrayList<>(List.of(sqs, dynamoDb));
    all.addAll(extras);
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing a client or proxy of a finished worker: nothing left to protect.
      }
    }
  }
}
