package io.fenceq.bench.throughput;

import io.fenceq.bench.support.ApplyLatency;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
  private final Map<String, JobHandler> handlers;
  private final List<Worker> workers = new ArrayList<>();

  FenceqDrain(
      ConsumerConfig base,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      Inventory inventory,
      int consumers,
      Duration receiveWait,
      boolean perJob,
      ApplyLatency latency) {
    this.config =
        base.toBuilder()
            .concurrency(1)
            .maxLanesInFlight(10)
            .leaseDuration(Duration.ofSeconds(10))
            .receiveWait(receiveWait)
            .shutdownTimeout(Duration.ofSeconds(5))
            .build();
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.inventory = inventory;
    this.consumers = consumers;
    this.handlers = timed(perJob ? inventory.perJobHandlers() : inventory.handlers(), latency);
  }

  /** The handlers, each job's enqueue-to-apply time recorded as it is done. */
  static Map<String, JobHandler> timed(Map<String, JobHandler> handlers, ApplyLatency latency) {
    Map<String, JobHandler> timed = new HashMap<>();
    Map<JobHandler, JobHandler> wrapped = new IdentityHashMap<>();
    handlers.forEach(
        (type, handler) ->
            timed.put(
                type,
                // One wrapper per handler, so that types sharing a batch handler still share it.
                wrapped.computeIfAbsent(
                    handler,
                    h -> {
                      if (h instanceof KeyBatchHandler batch) {
                        return (KeyBatchHandler)
                            (jobs, context) -> {
                              KeyBatchResult result = batch.handleBatch(jobs, context);
                              int done =
                                  result.failure() == null
                                      ? jobs.size()
                                      : Math.min(result.done(), jobs.size());
                              for (int k = 0; k < done; k++) {
                                latency.applied(jobs.get(k).enqueuedAt());
                              }
                              return result;
                            };
                      }
                      return (job, context) -> {
                        h.handle(job, context);
                        latency.applied(job.enqueuedAt());
                      };
                    })));
    return timed;
  }

  @Override
  public void start() {
    for (int i = 0; i < consumers; i++) {
      workers.add(
          Worker.builder()
              .config(config.toBuilder().build())
              .sqs(sqs)
              .dynamoDb(dynamoDb)
              .handlers(handlers)
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
