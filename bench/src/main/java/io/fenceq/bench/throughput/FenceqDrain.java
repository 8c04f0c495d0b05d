package io.fenceq.bench.throughput;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * fenceq workers with the example inventory handlers: one {@link Worker} per consumer, each with
 * one receive loop and up to 10 lanes in flight, as the baselines' {@link GroupPipeline} consumers.
 */
final class FenceqDrain implements Drain {
  private final ConsumerConfig config;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final Inventory inventory;
  private final int consumers;
  private final List<Worker> workers = new ArrayList<>();

  FenceqDrain(
      ConsumerConfig base,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      Inventory inventory,
      int consumers) {
    this.config =
        base.toBuilder()
            .concurrency(1)
            .maxLanesInFlight(10)
            .leaseDuration(Duration.ofSeconds(10))
            .receiveWait(Duration.ofSeconds(1))
            .shutdownTimeout(Duration.ofSeconds(5))
            .build();
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.inventory = inventory;
    this.consumers = consumers;
  }

  @Override
  public void start() {
    for (int i = 0; i < consumers; i++) {
      workers.add(
          Worker.builder()
              .config(config.toBuilder().build())
              .sqs(sqs)
              .dynamoDb(dynamoDb)
              .handlers(inventory.handlers())
              .build()
              .start());
    }
  }

  @Override
  public long done() {
    return workers.stream()
        .map(Worker::progress)
        .reduce(WorkerProgress.none(), WorkerProgress::plus)
        .done();
  }

  @Override
  public void close() {
    CompletableFuture.allOf(
            workers.stream().map(Worker::shutdown).toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .join();
  }
}
