package io.fenceq.bench.throughput;

import io.fenceq.bench.support.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Consumers with no coordination: receive up to 10, optionally make the inventory write without
 * lease or fence, delete the batch. Without the write it is the queue's ceiling.
 */
final class RawDrain implements Drain {
  private final SqsClient sqs;
  private final String queueUrl;
  private final DynamoDbClient dynamoDb;
  private final String inventoryTable;
  private final int consumers;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong done = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param dynamoDb null for receive + delete only
   */
  RawDrain(
      SqsClient sqs,
      String queueUrl,
      DynamoDbClient dynamoDb,
      String inventoryTable,
      int consumers) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.dynamoDb = dynamoDb;
    this.inventoryTable = inventoryTable;
    this.consumers = consumers;
  }

  @Override
  public void start() {
    for (int i = 0; i < consumers; i++) {
      threads.add(Thread.ofPlatform().name("bench-raw-" + i).daemon(true).start(this::consume));
    }
  }

  private void consume() {
    while (!stop.get()) {
      List<Message> batch =
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      if (batch.isEmpty()) {
        continue;
      }
      if (dynamoDb != null) {
        for (Message m : batch) {
          Workload.plainReserve(dynamoDb, inventoryTable, m.body());
        }
      }
      int deleted = Deletes.batch(sqs, queueUrl, batch);
      done.addAndGet(deleted);
    }
  }

  @Override
  public long done() {
    return done.get();
  }

  @Override
  public void close() {
    stop.set(true);
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
