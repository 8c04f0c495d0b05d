package io.fenceq.bench.throughput;

import com.amazonaws.services.dynamodbv2.AcquireLockOptions;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClient;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClientOptions;
import com.amazonaws.services.dynamodbv2.LockItem;
import io.fenceq.bench.support.Workload;
import io.fenceq.queue.JobEnvelope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The boring alternative: each consumer receives up to 10, runs the batch's message groups in
 * parallel (as fenceq runs lanes), and around every job takes a per-key lock with the DynamoDB Lock
 * Client, makes the inventory write, releases the lock; then deletes the batch.
 */
final class LockClientDrain implements Drain {
  private final SqsClient sqs;
  private final String queueUrl;
  private final DynamoDbClient dynamoDb;
  private final String lockTable;
  private final String inventoryTable;
  private final int consumers;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong done = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final List<AmazonDynamoDBLockClient> clients = new ArrayList<>();
  private final List<ExecutorService> pools = new ArrayList<>();

  LockClientDrain(
      SqsClient sqs,
      String queueUrl,
      DynamoDbClient dynamoDb,
      String lockTable,
      String inventoryTable,
      int consumers) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.dynamoDb = dynamoDb;
    this.lockTable = lockTable;
    this.inventoryTable = inventoryTable;
    this.consumers = consumers;
  }

  @Override
  public void start() {
    for (int i = 0; i < consumers; i++) {
      AmazonDynamoDBLockClient locks =
          new AmazonDynamoDBLockClient(
              AmazonDynamoDBLockClientOptions.builder(dynamoDb, lockTable)
                  .withOwnerName("bench-lock-consumer-" + i)
                  .withTimeUnit(TimeUnit.SECONDS)
                  .withLeaseDuration(10L)
                  .withHeartbeatPeriod(3L)
                  .withCreateHeartbeatBackgroundThread(true)
                  .build());
      ExecutorService pool = Executors.newFixedThreadPool(10);
      clients.add(locks);
      pools.add(pool);
      threads.add(
          Thread.ofPlatform()
              .name("bench-lock-" + i)
              .daemon(true)
              .start(() -> consume(locks, pool)));
    }
  }

  private void consume(AmazonDynamoDBLockClient locks, ExecutorService pool) {
    while (!stop.get()) {
      List<Message> batch =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(queueUrl)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID))
              .messages();
      if (batch.isEmpty()) {
        continue;
      }
      Map<String, List<Message>> groups = new LinkedHashMap<>();
      for (Message m : batch) {
        groups
            .computeIfAbsent(
                m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                g -> new ArrayList<>())
            .add(m);
      }
      List<CompletableFuture<List<Message>>> runs = new ArrayList<>();
      for (List<Message> group : groups.values()) {
        runs.add(CompletableFuture.supplyAsync(() -> runGroup(locks, group), pool));
      }
      List<Message> succeeded = new ArrayList<>();
      for (CompletableFuture<List<Message>> run : runs) {
        succeeded.addAll(run.join());
      }
      done.addAndGet(Deletes.batch(sqs, queueUrl, succeeded));
    }
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
    pools.forEach(ExecutorService::shutdownNow);
    for (AmazonDynamoDBLockClient c : clients) {
      try {
        c.close();
      } catch (IOException e) {
        // the heartbeat thread ends with the JVM anyway
      }
    }
  }
}
