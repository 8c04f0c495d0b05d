package io.fenceq.bench.throughput;

import com.amazonaws.services.dynamodbv2.AcquireLockOptions;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClient;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClientOptions;
import com.amazonaws.services.dynamodbv2.LockItem;
import io.fenceq.bench.support.ApplyLatency;
import io.fenceq.bench.support.Workload;
import io.fenceq.queue.JobEnvelope;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The boring alternative: consumers shaped like fenceq's workers ({@link GroupPipeline}) that
 * around every job take a per-key lock with the DynamoDB Lock Client, make the inventory write and
 * release the lock.
 */
final class LockClientDrain implements Drain {
  private final DynamoDbClient dynamoDb;
  private final String inventoryTable;
  private final List<AmazonDynamoDBLockClient> clients = new ArrayList<>();
  private final GroupPipeline pipeline;

  LockClientDrain(
      SqsClient sqs,
      String queueUrl,
      DynamoDbClient dynamoDb,
      String lockTable,
      String inventoryTable,
      int consumers,
      Duration receiveWait,
      ApplyLatency latency) {
    this.dynamoDb = dynamoDb;
    this.inventoryTable = inventoryTable;
    for (int i = 0; i < consumers; i++) {
      clients.add(
          new AmazonDynamoDBLockClient(
              AmazonDynamoDBLockClientOptions.builder(dynamoDb, lockTable)
                  .withOwnerName("bench-lock-consumer-" + i)
                  .withTimeUnit(TimeUnit.SECONDS)
                  .withLeaseDuration(10L)
                  .withHeartbeatPeriod(3L)
                  .withCreateHeartbeatBackgroundThread(true)
                  .build()));
    }
    this.pipeline =
        new GroupPipeline(
            sqs,
            queueUrl,
            consumers,
            receiveWait,
            latency,
            (consumer, group) -> runGroup(clients.get(consumer), group));
  }

  @Override
  public void start() {
    pipeline.start();
  }

  /** Runs a group's jobs in order, each under its key's lock; returns those that succeeded. */
  private List<Message> runGroup(AmazonDynamoDBLockClient locks, List<Message> group) {
    List<Message> succeeded = new ArrayList<>();
    for (Message m : group) {
      String key = JobEnvelope.parse(m.body()).key();
      LockItem lock;
      try {
        lock = locks.acquireLock(AcquireLockOptions.builder(key).build());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return succeeded;
      }
      try {
        Workload.plainReserve(dynamoDb, inventoryTable, m.body());
        succeeded.add(m);
      } finally {
        locks.releaseLock(lock);
      }
    }
    return succeeded;
  }

  @Override
  public long done() {
    return pipeline.done();
  }

  @Override
  public void close() {
    pipeline.close();
    for (AmazonDynamoDBLockClient c : clients) {
      try {
        c.close();
      } catch (IOException e) {
        // the heartbeat thread ends with the JVM anyway
      }
    }
  }
}
