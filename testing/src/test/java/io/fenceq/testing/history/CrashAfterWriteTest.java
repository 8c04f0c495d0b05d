package io.fenceq.testing.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.aws.AwsClients;
import io.fenceq.engine.JobHandlers;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.local.faults.CrashSwitch;
import io.fenceq.queue.JobRequest;
import io.fenceq.testing.Eventually;
import io.fenceq.testing.FenceqLocal;
import io.fenceq.testing.FenceqStack;
import io.fenceq.testing.history.Violation.Kind;
import io.fenceq.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A worker crashes right after its handler's write and before SQS hears the job is done; a second
 * worker gets the job again. The example inventory handler's fenced writes keep the history clean;
 * its unfenced twin applies the job twice, and the checker names it.
 */
@FenceqLocal
class CrashAfterWriteTest {
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
    assertThat(check.applied()).isEqualTo(JOBS);
    assertThat(new Inventory(dynamoDb, table).read("sku-1").orElseThrow().reserved())
        .isEqualTo(JOBS / SKUS.size());
  }

  @Test
  void theUnfencedTwinIsCaughtApplyingAJobTwice(
      FenceqStack stack, SqsClient sqs, DynamoDbClient dynamoDb, AwsClients.Target target) {
    String table = stack.table("InventoryTable");

    HistoryCheck check =
        crashAfterFirstWriteThenDrain(
            stack, sqs, dynamoDb, target, watched -> unfencedReserve(watched, table));

    assertThat(check.jobIds(Kind.APPLIED_TWICE)).isNotEmpty();
    assertThatThrownBy(check::assertClean)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("APPLIED_TWICE key=sku-");
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
    new Inventory(dynamoDb, table).seed(SKUS, 100);
    // The crashed worker's messages come back when their visibility runs out: keep that short.
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
          "worker-b drained the queue", DRAINED, () -> messagesLeft(sqs, stack.queueUrl()) == 0);
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

  private static long messagesLeft(SqsClient sqs, String queueUrl) {
    return sqs
        .getQueueAttributes(
            r ->
                r.queueUrl(queueUrl)
                    .attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
        .attributes()
        .values()
        .stream()
        .mapToLong(Long::parseLong)
        .sum();
  }
}
