package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.LaneLostException;
import io.fenceq.lease.LaneLeases;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.tests.functions.TestContext;
import io.fenceq.tests.support.SqsEvents;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A Lambda invocation whose handler outlasts it, on the embedded emulators: the invocation answers
 * before its time is up with the stuck job as its only batch item failure, deletes what finished,
 * releases the lane's lease, and the stuck thread, resumed later as after a freeze, can neither
 * delete nor take a fence.
 */
class LambdaDeadlineTest {
  private static final long WAIT_SECONDS = 30;

  /** Half a second of reserve, a two-second lease: the lane is given up after 1.75 s. */
  private static final Duration INVOCATION = Duration.ofSeconds(3);

  private final TestAws aws = TestAws.get();
  private final CountDownLatch thaw = new CountDownLatch(1);
  private final CountDownLatch stuckEnded = new CountDownLatch(1);
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final AtomicReference<LaneLostException> fenceAfterThaw = new AtomicReference<>();

  @Test
  void aHandlerPastTheBudgetIsReportedAndItsThreadCanDoNothingAfterTheThaw() throws Exception {
    TestStack stack = aws.newStack("lambdadeadline");
    HashRing ring = HashRing.of(stack.lanes());
    String stuckKey = "stuck-0";
    String otherKey = otherLaneThan(ring, stuckKey);
    Enqueuer.builder()
        .sqs(aws.sqs())
        .queueUrl(stack.workQueueUrl())
        .ring(ring)
        .build()
        .enqueueAll(
            List.of(
                JobRequest.ofJson(stuckKey, "stuck", "{}"),
                JobRequest.ofJson(otherKey, "quick", "{}")))
        .requireAllAccepted();
    List<Message> received = receive(stack, 2);
    String stuckId = idOfKey(received, ring, stuckKey);

    SQSBatchResponse answer;
    try (LambdaConsumer consumer = consumer(stack)) {
      answer = consumer.process(SqsEvents.of(received), new TestContext("consumer", INVOCATION));

      assertThat(answer.getBatchItemFailures())
          .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
          .containsExactly(stuckId);
      // The stuck job's lane was released; the quick job's, all deleted, waits for its next batch.
      assertThat(LeaseTable.held(aws.dynamoDb(), stack.leaseTable()))
          .containsOnlyKeys(LaneLeases.leaseId(ring.laneFor(otherKey)));
      assertThat(LeaseTable.heldNotHandedOver(aws.dynamoDb(), stack.leaseTable())).isEmpty();
      // The stuck job went back with visibility 0: the next receive has it, and only it.
      List<Message> again = receive(stack, 1);
      assertThat(again).extracting(Message::messageId).containsExactly(stuckId);

      // The environment thaws: the old thread returns; nothing of it is deleted or fenced.
      thaw.countDown();
      assertThat(stuckEnded.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(interrupted).as("the abandoned thread was interrupted").isTrue();
    assertThat(fenceAfterThaw.get()).isNotNull().hasMessageContaining("time ran out");
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl()))
        .as("the stuck job is still on the queue, the quick one deleted")
        .isEqualTo(1);
  }

  private LambdaConsumer consumer(TestStack stack) {
    return aws.lambdaConsumer(stack)
        .handler("quick", (job, context) -> {})
        .handler("stuck", this::stuck)
        .build();
  }

  /** Blocks until interrupted, then, like a thread frozen with the environment, until the thaw. */
  private void stuck(io.fenceq.engine.Job job, JobContext context) {
    try {
      new CountDownLatch(1).await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted.set(true);
    }
    while (thaw.getCount() > 0) {
      try {
        thaw.await();
      } catch (InterruptedException e) {
        // A frozen thread sees no interrupt either; it resumes at the thaw.
      }
    }
    try {
      context.fenceToken();
    } catch (LaneLostException e) {
      fenceAfterThaw.set(e);
    } finally {
      stuckEnded.countDown();
    }
  }

  private List<Message> receive(TestStack stack, int count) {
    return SqsEvents.receive(aws.sqs(), stack.workQueueUrl(), count, Duration.ofSeconds(30));
  }

  private static String idOfKey(List<Message> messages, HashRing ring, String key) {
    String lane = ring.laneFor(key).id();
    return messages.stream()
        .filter(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID).equals(lane))
        .findFirst()
        .orElseThrow()
        .messageId();
  }

  private static String otherLaneThan(HashRing ring, String key) {
    for (int i = 0; ; i++) {
      String other = "quick-" + i;
      if (!ring.laneFor(other).equals(ring.laneFor(key))) {
        return other;
      }
    }
  }
}
