package io.fenceq.local.demo;

import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One in-process worker of a demo with its own SDK clients, so that a fault injected into its
 * clients, its network path or its clock hits it alone.
 */
final class DemoWorker {
  private final String name;
  private final Worker worker;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final List<AutoCloseable> extras;

  DemoWorker(
      String name,
      Worker worker,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      List<? extends AutoCloseable> extras) {
    this.name = name;
    this.worker = worker;
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.extras = new ArrayList<>(extras);
  }

  String name() {
    return name;
  }

  WorkerProgress progress() {
    return worker.progress();
  }

  /** Stops the worker (gracefully, or as far as its faults let it), then closes its clients. */
  CompletableFuture<Void> stop() {
    return worker.shutdown().handle((report, error) -> null).thenRun(this::closeClients);
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
