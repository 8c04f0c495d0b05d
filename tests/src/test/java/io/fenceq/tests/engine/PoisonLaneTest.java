package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.JobHandler;
import io.fenceq.engine.SqsQueueActions;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * L2 poison isolation: a job whose handler always fails blocks only its own lane, for the engine's
 * maxAttempts (5) real attempts with backoff, counted in its lane's failure record (the queue's
 * maxReceiveCount, 50, is only a backstop); after the last one the engine moves it to the
 * dead-letter queue with its error and the count, and its lane goes on.
 */
class PoisonLaneTest {
  private static final int MAX_ATTEMPTS = 5;
  private static final String POISON = "poison";

  private final TestAws aws = TestAws.get();

  @Test
  void aFailingJobBlocksOnlyItsLaneThenGoesToTheDeadLetterQueue() throws Exception {
    TestStack stack = aws.newStack("poison");
    HashRing ring = HashRing.of(stack.lanes());
    Lane poisonLane = ring.laneFor(POISON);
    List<String> others =
        IntStream.range(0, 200)
            .mapToObj(i -> "key-" + i)
            .filter(k -> !sameLane(ring, k))
            .limit(40)
            .toList();
    String neighbour =
        IntStream.range(0, 100_000)
            .mapToObj(i -> "neighbour-" + i)
            .filter(k -> sameLane(ring, k))
            .findFirst()
            .orElseThrow();

    assertThat(ring.laneFor(neighbour)).isEqualTo(poisonLane);
    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    List<Integer> poisonAttempts = new CopyOnWriteArrayList<>();
    CountDownLatch othersDone = new CountDownLatch(others.size());
    AtomicBoolean othersFinishedWhilePoisonFailed = new AtomicBoolean();
    JobHandler step =
        (job, context) -> {
          // Every delivery fails. The fourth first waits until every other lane has finished:
          // that they finish while this lane is still failing is what "blocks only its lane"
          // means, and the wait makes it independent of how fast the lanes run.
          if (job.key().equals(POISON) && job.payload().path("n").asInt() == 0) {
            poisonAttempts.add(job.attempt());
            if (poisonAttempts.size() == MAX_ATTEMPTS - 1) {
              othersFinishedWhilePoisonFailed.set(othersDone.await(90, TimeUnit.SECONDS));
            }
            throw new IllegalStateException(
                "poison job " + job.jobId() + " fails, attempt " + job.attempt());
          }
          journal.step(job, context);
          if (others.contains(job.key()) && job.payload().path("n").asInt() == 2) {
            othersDone.countDown();
          }
        };

    List<JobRequest> jobs = new ArrayList<>();
    jobs.addAll(StepJournal.jobs(POISON, 2, 0));
    jobs.addAll(StepJournal.jobs(neighbour, 2, 0));
    others.forEach(k -> jobs.addAll(StepJournal.jobs(k, 3, 0)));
    Enqueuer.builder()
        .sqs(aws.sqs())
        .queueUrl(stack.workQueueUrl())
        .ring(ring)
        .build()
        .enqueueAll(jobs)
        .requireAllAccepted();

    List<Message> deadLetters = new ArrayList<>();
    try (Workers workers = new Workers(aws, stack)) {
      workers.start(workers.config().build(), Map.of(StepJournal.TYPE, step));
      workers.start(workers.config().build(), Map.of(StepJournal.TYPE, step));
      Eventually.await(
          "the poison job's lane to move on",
          Duration.ofMinutes(2),
          () -> journal.journal(POISON).size() == 1 && journal.journal(neighbour).size() == 2,
          () -> workers.progress() + " poisonAttempts=" + poisonAttempts);
      deadLetters.addAll(
          aws.sqs()
              .receiveMessage(
                  r ->
                      r.queueUrl(stack.dlqUrl())
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(5)
                          .messageAttributeNames("All"))
              .messages());
    }

    // Five runs; SQS's receive counts may skip where the lane was given back unrun in between.
    assertThat(poisonAttempts).hasSize(MAX_ATTEMPTS).isSorted().doesNotHaveDuplicates();
    assertThat(othersFinishedWhilePoisonFailed).isTrue();
    assertThat(deadLetters)
        .singleElement()
        .extracting(m -> JobEnvelope.parse(m.body()).jobId())
        .isEqualTo(POISON + ":0");
    // Dead-lettered by the engine after its fifth real failure, with the handler's error and the
    // count, so that the jobs received behind it (whose deliveries SQS counted too) ran instead of
    // following it.
    assertThat(deadLetters.get(0).messageAttributes().get(SqsQueueActions.REASON_ATTRIBUTE))
        .isNotNull()
        .extracting(MessageAttributeValue::stringValue)
        .asString()
        .contains("its handler failed 5 times (maxAttempts 5)")
        .contains("poison job " + POISON + ":0 fails, attempt " + poisonAttempts.get(4));
    // Behind the poison job in its lane: its key's next job and another key of the same lane.
    assertThat(journal.journal(POISON)).containsExactly(1);
    assertThat(journal.journal(neighbour)).containsExactly(0, 1);
    for (String key : others) {
      assertThat(journal.journal(key)).as("journal of %s", key).containsExactly(0, 1, 2);
    }
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isZero();
  }

  private static boolean sameLane(HashRing ring, String key) {
    return ring.laneFor(key).equals(ring.laneFor(POISON));
  }
}
