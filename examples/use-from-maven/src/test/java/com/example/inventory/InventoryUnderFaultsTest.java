package com.example.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fenceq.aws.AwsClients;
import io.fenceq.engine.JobHandlers;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.testing.faults.CrashSwitch;
import io.fenceq.testing.faults.PauseGate;
import io.fenceq.queue.JobRequest;
import io.fenceq.testing.Eventually;
import io.fenceq.testing.FenceqLocal;
import io.fenceq.testing.FenceqStack;
import io.fenceq.testing.history.HistoryCheck;
import io.fenceq.testing.history.JobHistory;
import io.fenceq.testing.history.Violation.Kind;
import io.fenceq.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The example inventory handler under two faults, checked by fenceq-testing's history checker: a
 * worker crashes right after its handler's write and before SQS hears the job is done, so a second
 * worker gets the job again; a worker freezes with the fence in hand while a second one takes its
 * lane, then wakes and writes. Its fenced writes keep the history clean; its unfenced twin applies
 * jobs twice and writes with a stale fence, and the checker names the jobs.
 */
@FenceqLocal
class InventoryUnderFaultsTest {
  private static final List<String> SKUS = List.of("sku-1", "sku-2");
  private static final int JOBS = 6;
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration VISIBILITY = Duration.ofSeconds(4);
  private static final Duration DRAINED = Duration.ofMinutes(1);

  @Test
  void theFencedInventoryHandlerKeepsTheHistoryClean(
      FenceqStack stack, SqsClient sqs, DynamoDbClient dynamoDb, AwsClients.Target target) {
    String table = stack.table("InventoryTable");

    HistoryCheck check =
        crashAfterFirstWriteThenDrain(
            stack, sqs, dynamoDb, target, watched -> new Inventory(watched, table)::applyBatch);

    check.assertClean();
    assertEquals(JOBS, check.applied());
    assertEquals(
        JOBS / SKUS.size(), new Inventory(dynamoDb, table).read("sku-1").orElseThrow().reserved());
  }

  @Test
  void theUnfencedTwinIsCaughtApplyingAJobTwice(
      FenceqStack stack, SqsClient sqs, DynamoDbClient dynamoDb, AwsClients.Target target) {
    String table = stack.table("InventoryTable");

    HistoryCheck check =
        crashAfterFirstWriteThenDrain(
            stack, sqs, dynamoDb, target, watched -> unfencedReserve(watched, table));

    assertFalse(check.jobIds(Kind.APPLIED_TWICE).isEmpty(), check::describe);
    AssertionError failure = assertThrows(AssertionError.class, check::assertClean);
    assertTrue(failure.getMessage().contains("APPLIED_TWICE key=sku-"), failure.getMessage());
  }

  @Test
  void theFencedInventoryHandlerRefusesAPausedWorkersLateWrite(
      FenceqStack stack, SqsClient sqs, DynamoDbClient dynamoDb, AwsClients.Target target)
      throws InterruptedException {
    String table = stack.table("InventoryTable");

    HistoryCheck check =
        pauseInFirstRunThenResume(
            stack, sqs, dynamoDb, target, watched -> new Inventory(watched, table)::applyBatch);

    check.assertClean();
    assertEquals(JOBS, check.applied());
  }

  @Test
  void theUnfencedTwinIsCaughtWritingWithAStaleFence(
      FenceqStack stack, SqsClient sqs, DynamoDbClient dynamoDb, AwsClients.Target target)
      throws InterruptedException {
    String table = stack.table("InventoryTable");

    HistoryCheck check =
        pauseInFirstRunThenResume(
            stack, sqs, dynamoDb, target, watched -> unfencedReserve(watched, table));

    assertFalse(check.jobIds(Kind.APPLIED_TWICE).isEmpty(), check::describe);
    assertFalse(check.jobIds(Kind.STALE_FENCE).isEmpty(), check::describe);
  }

  /**
   * Worker A freezes, fence in hand, as its first handler run starts (a long GC pause); its lease
   * and its messages' visibility run out, worker B takes the lane and drains the queue; then A
   * wakes and its handler goes on with the old fence.
   */
  private static HistoryCheck pauseInFirstRunThenResume(
      FenceqStack stack,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      AwsClients.Target target,
      Function<DynamoDbClient, KeyBatchHandler> handlerOn)
      throws InterruptedException {
    String table = stack.table("InventoryTable");
    JobHistory history = enqueueJobs(stack, sqs, dynamoDb);

    PauseGate gate = PauseGate.named("worker-a");
    AtomicBoolean first = new AtomicBoolean();
    CountDownLatch lateRunEnded = new CountDownLatch(1);
    try (SqsClient sqsA = AwsClients.sqs(target, List.of(gate));
        DynamoDbClient dynamoDbA = AwsClients.dynamoDb(target, List.of(gate))) {
      KeyBatchHandler handler = handlerOn.apply(history.watch(dynamoDbA, table));
      KeyBatchHandler pausedOnce =
          (jobs, context) -> {
            if (!first.compareAndSet(false, true)) {
              return handler.handleBatch(jobs, context);
            }
            gate.pause();
            try {
              gate.awaitOpen();
              return handler.handleBatch(jobs, context);
            } finally {
              lateRunEnded.countDown();
            }
          };
      Worker a = worker(stack, "worker-a", sqsA, dynamoDbA, history.record(pausedOnce));
      try {
        Eventually.await("worker-a paused in its first run", DRAINED, gate::paused);
        KeyBatchHandler handlerB = handlerOn.apply(history.watch(dynamoDb, table));
        try (Worker b = worker(stack, "worker-b", sqs, dynamoDb, history.record(handlerB))) {
          Eventually.await(
              "worker-b drained the queue",
              DRAINED,
              () -> stack.messagesLeft() == 0);
        }
        gate.resume();
        assertTrue(
            lateRunEnded.await(DRAINED.toSeconds(), TimeUnit.SECONDS), "worker-a's late run ended");
      } finally {
        gate.resume();
        a.close();
      }
    }
    return history.check(sqs, stack.deadLetterQueueUrl());
  }

  /** Seeds the SKUs, keeps a stopped worker's messages' visibility short, enqueues the jobs. */
  private static JobHistory enqueueJobs(FenceqStack stack, SqsClient sqs, DynamoDbClient dynamoDb) {
    new Inventory(dynamoDb, stack.table("InventoryTable")).seed(SKUS, 100);
    // A crashed or frozen worker's messages come back when their visibility runs out.
    sqs.setQueueAttributes(
        r ->
            r.queueUrl(stack.queueUrl())
                .attributes(
                    Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT,
                        Long.toString(VISIBILITY.toSeconds()))));
    JobHistory history = JobHistory.create();
    for (int i = 0; i < JOBS; i++) {
      history.enqueued(
          stack
              .enqueuer()
              .enqueue(
                  JobRequest.of(SKUS.get(i % SKUS.size()), Inventory.RESERVE, Map.of("qty", 1))));
    }
    return history;
  }

  /**
   * Enqueues the jobs, runs worker A until its first handler run has written, crashes it there,
   * then lets worker B drain the queue, and checks the history.
   */
  private static HistoryCheck crashAfterFirstWriteThenDrain(
      FenceqStack stack,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      AwsClients.Target target,
      Function<DynamoDbClient, KeyBatchHandler> handlerOn) {
    String table = stack.table("InventoryTable");
    JobHistory history = enqueueJobs(stack, sqs, dynamoDb);

    CrashSwitch crash = CrashSwitch.named("worker-a");
    try (SqsClient sqsA = AwsClients.sqs(target, List.of(crash));
        DynamoDbClient dynamoDbA = AwsClients.dynamoDb(target, List.of(crash))) {
      KeyBatchHandler handler = handlerOn.apply(history.watch(dynamoDbA, table));
      KeyBatchHandler crashAfterWrite =
          (jobs, context) -> {
            KeyBatchResult result = handler.handleBatch(jobs, context);
            crash.trip();
            return result;
          };
      try (Worker a = worker(stack, "worker-a", sqsA, dynamoDbA, history.record(crashAfterWrite))) {
        Eventually.await("worker-a crashed after a write", DRAINED, crash::tripped);
      }
    }

    KeyBatchHandler handler = handlerOn.apply(history.watch(dynamoDb, table));
    try (Worker b = worker(stack, "worker-b", sqs, dynamoDb, history.record(handler))) {
      Eventually.await(
          "worker-b drained the queue", DRAINED, () -> stack.messagesLeft() == 0);
    }
    return history.check(sqs, stack.deadLetterQueueUrl());
  }

  private static Worker worker(
      FenceqStack stack,
      String id,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      io.fenceq.engine.JobHandler handler) {
    return Worker.builder()
        .config(stack.consumerConfig().workerId(id).leaseDuration(LEASE).build())
        .sqs(sqs)
        .dynamoDb(dynamoDb)
        .handlers(JobHandlers.builder().on(Inventory.RESERVE, handler).build())
        .build()
        .start();
  }

  /** Reserves with one plain update per job: no fence, no sequence number, no condition. */
  private static KeyBatchHandler unfencedReserve(DynamoDbClient dynamoDb, String table) {
    return (jobs, context) -> {
      for (var job : jobs) {
        dynamoDb.updateItem(
            r ->
                r.tableName(table)
                    .key(Map.of(Inventory.SKU, AttributeValue.fromS(job.key())))
                    .updateExpression("SET #stock = #stock - :qty, #reserved = #reserved + :qty")
                    .expressionAttributeNames(Map.of("#stock", "stock", "#reserved", "reserved"))
                    .expressionAttributeValues(Map.of(":qty", AttributeValue.fromN("1"))));
      }
      return KeyBatchResult.allDone();
    };
  }
}
