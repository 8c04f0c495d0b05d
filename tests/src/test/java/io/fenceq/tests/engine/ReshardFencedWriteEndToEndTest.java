package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.JobHandler;
import io.fenceq.engine.LaneLostException;
import io.fenceq.fence.DownstreamFence;
import io.fenceq.fence.DynamoDbFence;
import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.reshard.Resharding;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.ring.HashRing;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.RingKeys;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Fenced writes across a live reshard from 8 to 12 lanes, on the emulators: every write of a key
 * that moved to a new lane, whose lease counter is far below its old lane's, is applied, because
 * the downstream fence has the job's epoch in front; a late write of the old lane's holder at the
 * old epoch is refused.
 */
class ReshardFencedWriteEndToEndTest {
  private static final int ROUNDS_BEFORE = 4;

  /**
   * At least the consumers' refresh interval (Enqueuer.DEFAULT_EPOCH_REFRESH) and the producer's.
   */
  private static final Duration GRACE = Duration.ofSeconds(11);

  private final TestAws aws = TestAws.get();

  @Test
  void aMovedKeysWritesAreAppliedAfterTheMoveAndTheOldHoldersLateWriteIsFenced() throws Exception {
    TestStack stack = aws.newStack("reshardfence", Map.of("LaneCount", "8"));
    HashRing before = HashRing.of(8);
    HashRing after = before.withLanes(12);
    List<String> moved = RingKeys.moved(before, after, 4);
    List<String> staying = RingKeys.staying(before, after, 4);
    List<String> all = new ArrayList<>(moved);
    all.addAll(staying);
    RingConfigTable table =
        new RingConfigTable(aws.dynamoDb(), stack.leaseTable(), 8, Clock.systemUTC());
    Enqueuer enqueuer =
        Enqueuer.builder()
            .sqs(aws.sqs())
            .queueUrl(stack.workQueueUrl())
            .ring(before)
            .ringEpochs(table, Duration.ofSeconds(1))
            .build();
    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    Map<String, Long> fenceOf = new ConcurrentHashMap<>();
    List<String> fenced = new CopyOnWriteArrayList<>();
    JobHandler fencedStep =
        (job, context) -> {
          try {
            journal.step(job, context);
          } catch (LaneLostException e) {
            fenced.add(job.jobId() + ": " + e.getMessage());
            throw e;
          }
          fenceOf.put(job.jobId(), context.fence());
        };

    try (Workers workers = new Workers(aws, stack)) {
      workers.start(
          workers.config().ringEpochs(true).build(), Map.of(StepJournal.TYPE, fencedStep));
      // Rounds of one job per key, each awaited: every old lane's lease is granted again and
      // again, so its fence climbs well above a new lane's first one.
      for (int n = 0; n < ROUNDS_BEFORE; n++) {
        enqueueRound(enqueuer, all, n);
        awaitApplied(journal, all, n + 1);
      }
      Resharding resharding =
          Resharding.builder()
              .table(table)
              .sqs(aws.sqs())
              .queueUrl(stack.workQueueUrl())
              .grace(GRACE)
              .build();
      assertThat(resharding.start(12).epoch()).isEqualTo(1);
      enqueueRound(enqueuer, all, ROUNDS_BEFORE);
      enqueueRound(enqueuer, all, ROUNDS_BEFORE + 1);
      awaitApplied(journal, all, ROUNDS_BEFORE + 2);
      Eventually.await(
          "every barrier to pass",
          Duration.ofSeconds(30),
          () -> !resharding.progress().resharding(),
          () -> resharding.progress().describe());
      assertThat(workers.progress().deadLettered()).isZero();
    }

    assertThat(fenced).as("writes answered FENCED").isEmpty();
    List<Integer> steps = IntStream.range(0, ROUNDS_BEFORE + 2).boxed().toList();
    int lowerLaneFence = 0;
    for (String key : all) {
      assertThat(journal.journal(key)).as("steps of %s that took effect", key).isEqualTo(steps);
      long old = fenceOf.get(key + ":" + (ROUNDS_BEFORE - 1));
      long next = fenceOf.get(key + ":" + ROUNDS_BEFORE);
      assertThat(next).as("downstream fence of %s across the reshard", key).isGreaterThan(old);
      assertThat(DownstreamFence.epoch(next)).isEqualTo(1);
      if (moved.contains(key) && DownstreamFence.laneFence(next) < DownstreamFence.laneFence(old)) {
        lowerLaneFence++;
      }
    }
    // The case a per-lane fence got wrong: the new lane's lease counter below the old lane's.
    assertThat(lowerLaneFence).as("moved keys whose new lane's fence was lower").isPositive();

    // A paused holder of a moved key's old lane wakes and writes its epoch-0 job late: whatever
    // its seq, its fence is below every epoch-1 write, and the item refuses it.
    String key = moved.getFirst();
    long zombie = fenceOf.get(key + ":" + (ROUNDS_BEFORE - 1));
    FenceResult late =
        new DynamoDbFence(aws.dynamoDb())
            .update(
                UpdateItemRequest.builder()
                    .tableName(stack.inventoryTable())
                    .key(Map.of("sku", AttributeValue.fromS(key)))
                    .updateExpression("SET #journal = list_append(#journal, :n)")
                    .expressionAttributeNames(Map.of("#journal", "journal"))
                    .expressionAttributeValues(
                        Map.of(":n", AttributeValue.fromL(List.of(AttributeValue.fromN("99")))))
                    .build(),
                new FenceToken(zombie, "9".repeat(30)));
    assertThat(late).isEqualTo(FenceResult.FENCED);
    assertThat(journal.journal(key)).isEqualTo(steps);
  }

  private static void enqueueRound(Enqueuer enqueuer, List<String> keys, int n) {
    List<JobRequest> round = new ArrayList<>();
    for (String key : keys) {
      round.add(
          JobRequest.ofJson(key, StepJournal.TYPE, "{\"n\":" + n + "}").withJobId(key + ":" + n));
    }
    enqueuer.enqueueAll(round).requireAllAccepted();
  }

  private static void awaitApplied(StepJournal journal, List<String> keys, int steps) {
    Eventually.await(
        "every key's journal to hold " + steps + " steps",
        Duration.ofSeconds(60),
        () -> keys.stream().allMatch(k -> journal.journal(k).size() >= steps),
        () -> keys.stream().map(k -> k + "=" + journal.journal(k)).toList().toString());
  }
}
