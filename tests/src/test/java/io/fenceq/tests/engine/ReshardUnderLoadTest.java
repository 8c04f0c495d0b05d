package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.JobHandler;
import io.fenceq.fence.FenceResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.reshard.Resharding;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.RingKeys;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A live reshard from 64 to 96 lanes while a producer enqueues and three workers run: every key's
 * jobs take effect exactly once and in enqueue order across the epoch change, through fenced writes
 * (a moved key's writes in its new lane are not refused), nothing reaches the dead-letter queue,
 * and the keys whose lane changed are exactly those the rings predict.
 */
class ReshardUnderLoadTest {
  private static final int KEYS = 200;
  private static final Duration PRODUCER_REFRESH = Duration.ofSeconds(1);

  /**
   * At least the consumers' refresh interval (Enqueuer.DEFAULT_EPOCH_REFRESH) and the producer's.
   */
  private static final Duration GRACE = Duration.ofSeconds(11);

  private final TestAws aws = TestAws.get();

  /** What the handler saw of one key: the seqs its applied writes carried, and its lanes. */
  private record Seen(List<BigInteger> seqs, Set<String> lanes) {}

  private static Seen seen(Map<String, Seen> seen, String key) {
    return seen.computeIfAbsent(
        key, k -> new Seen(new ArrayList<>(), ConcurrentHashMap.newKeySet()));
  }

  @Test
  void reshardingUnderLoadKeepsEveryKeysOrderAndLosesNothing() throws Exception {
    TestStack stack =
        aws.newStack(
            "reshard",
            Map.of("LaneCount", "64", "MaxReceiveCount", "100", "VisibilityTimeoutSeconds", "10"));
    HashRing before = HashRing.of(64);
    RingConfigTable table =
        new RingConfigTable(aws.dynamoDb(), stack.leaseTable(), 64, Clock.systemUTC());
    Map<String, Seen> seen = new ConcurrentHashMap<>();
    Set<String> written = ConcurrentHashMap.newKeySet();
    AtomicInteger failedAfterWrite = new AtomicInteger();
    // Each job appends its number to its key's journal item through DynamoDbFence: a redelivery
    // of a job already applied (a failure after the write, a lane lost under load) is a
    // DUPLICATE, and a moved key's writes carry fences above its old lane's (the epoch in front).
    StepJournal journal =
        new StepJournal(
            aws.dynamoDb(),
            stack.inventoryTable(),
            (job, result) -> {
              written.add(job.jobId());
              if (result == FenceResult.APPLIED) {
                Seen s = seen(seen, job.key());
                synchronized (s) {
                  s.seqs().add(new BigInteger(job.seq()));
                }
              }
            });
    JobHandler recording =
        (job, context) -> {
          journal.step(job, context);
          seen(seen, job.key()).lanes().add(context.lane().id());
          if (job.payload().get("n").asInt() % 5 == 2 && job.attempt() == 1) {
            // A failure after the write: the job took effect but goes back, and runs again.
            failedAfterWrite.incrementAndGet();
            throw new IllegalStateException("scripted failure after the write of " + job.jobId());
          }
        };
    Enqueuer enqueuer =
        Enqueuer.builder()
            .sqs(aws.sqs())
            .queueUrl(stack.workQueueUrl())
            .ring(before)
            .ringEpochs(table, PRODUCER_REFRESH)
            .build();
    int[] next = new int[KEYS];
    AtomicInteger enqueued = new AtomicInteger();
    AtomicBoolean producing = new AtomicBoolean(true);
    Thread producer =
        Thread.ofPlatform()
            .name("reshard-test-producer")
            .start(
                () -> {
                  int k = 0;
                  while (producing.get()) {
                    List<JobRequest> batch = new ArrayList<>();
                    for (int j = 0; j < 10; j++, k = (k + 7) % KEYS) {
                      int n = next[k]++;
                      batch.add(
                          JobRequest.ofJson("key-" + k, "t", "{\"n\":" + n + "}")
                              .withJobId("key-" + k + ":" + n));
                    }
                    enqueuer.enqueueAll(batch).requireAllAccepted();
                    enqueued.addAndGet(batch.size());
                    try {
                      Thread.sleep(200);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });

    try (Workers workers = new Workers(aws, stack)) {
      List<io.fenceq.worker.Worker> started = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        started.add(
            workers.start(workers.config().ringEpochs(true).build(), Map.of("t", recording)));
      }
      Eventually.await(
          // Every key, so that each one has run in its epoch-0 lane before the reshard, and the
          // keys that run in two lanes are exactly the moved ones.
          "jobs of every key to run under epoch 0",
          Duration.ofSeconds(60),
          () -> seen.size() >= KEYS,
          seen::size);
      Resharding resharding =
          Resharding.builder()
              .table(table)
              .sqs(aws.sqs())
              .queueUrl(stack.workQueueUrl())
              .grace(GRACE)
              .build();
      System.out.println("reshard starts: enqueued=" + enqueued.get() + " " + workers.progress());
      // While the producers switch, one worker stops (its lanes go back) and another replaces it.
      Thread replace =
          Thread.ofPlatform()
              .name("reshard-test-replace")
              .start(
                  () -> {
                    started.getFirst().shutdown().join();
                    workers.start(
                        workers.config().ringEpochs(true).build(), Map.of("t", recording));
                  });
      RingEpoch next96 = resharding.start(96);
      replace.join(30_000);
      assertThat(next96.epoch()).isEqualTo(1);
      Eventually.await(
          "every barrier to pass",
          Duration.ofSeconds(30),
          () -> !resharding.progress().resharding(),
          () -> resharding.progress().describe());
      System.out.println("barriers passed: enqueued=" + enqueued.get() + " " + workers.progress());
      Thread.sleep(1_000);
      producing.set(false);
      producer.join(10_000);
      int total = enqueued.get();
      Eventually.await(
          "every job to run (the barriers count as done too)",
          Duration.ofSeconds(90),
          () -> written.size() + workers.progress().deadLettered() >= total,
          () -> "written=" + written.size() + " of " + total + " " + workers.progress());
      assertThat(workers.progress().deadLettered()).isZero();
    }

    HashRing after = before.withLanes(96);
    int moved = 0;
    int observedMoved = 0;
    for (int k = 0; k < KEYS; k++) {
      String key = "key-" + k;
      Seen s = seen.get(key);
      List<Integer> expected = new ArrayList<>();
      for (int n = 0; n < next[k]; n++) {
        expected.add(n);
      }
      assertThat(journal.journal(key)).as("effects of %s in order", key).isEqualTo(expected);
      // Across the move too, the key's seqs must rise: a lower one would be refused as applied.
      assertThat(s.seqs()).as("sequence numbers of %s", key).isSorted().doesNotHaveDuplicates();
      Lane from = before.laneFor(key);
      Lane to = after.laneFor(key);
      assertThat(s.lanes()).isSubsetOf(from.id(), to.id());
      if (RingKeys.moves(before, after, key)) {
        moved++;
      }
      if (s.lanes().size() == 2) {
        observedMoved++;
      }
    }
    assertThat(failedAfterWrite.get()).as("failures after the write").isPositive();
    assertThat(observedMoved).as("keys whose jobs ran in two lanes").isEqualTo(moved);
    double fraction = (double) moved / KEYS;
    double predicted = Resharding.predictedMove(before, 96, 100_000).movedFraction();
    assertThat(fraction).isCloseTo(predicted, org.assertj.core.data.Offset.offset(0.06));
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isZero();
  }
}
