package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.JobHandler;
import io.fenceq.engine.SqsQueueActions;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A worker that follows the ring's epoch, on the emulators: a job stamped with an epoch the lease
 * table does not know goes to the dead-letter queue with the reason, and the jobs of epoch 0 behind
 * it in its lane run.
 */
class UnknownEpochEndToEndTest {
  private final TestAws aws = TestAws.get();

  @Test
  void aJobOfAnUnknownEpochIsDeadLetteredWithItsReasonAndTheLaneGoesOn() throws Exception {
    TestStack stack = aws.newStack("unknownepoch", Map.of("LaneCount", "8"));
    HashRing ring = HashRing.of(8);
    String key = "sku-7";
    String lane = ring.laneFor(key).id();
    String body =
        JobEnvelope.of(JobRequest.ofJson(key, "t", "{}"), "stale-1", Instant.now()).toJson();
    aws.sqs()
        .sendMessage(
            r ->
                r.queueUrl(stack.workQueueUrl())
                    .messageGroupId(lane)
                    .messageDeduplicationId("stale-1")
                    .messageBody(body)
                    .messageAttributes(
                        Map.of(
                            Enqueuer.RING_ATTRIBUTE,
                            MessageAttributeValue.builder()
                                .dataType("String")
                                .stringValue(ring.descriptor())
                                .build(),
                            Enqueuer.EPOCH_ATTRIBUTE,
                            MessageAttributeValue.builder()
                                .dataType("Number")
                                .stringValue("3")
                                .build())));
    stack.enqueuer(aws.sqs()).enqueue(JobRequest.ofJson(key, "t", "{}").withJobId("fresh-1"));
    List<String> ran = new CopyOnWriteArrayList<>();
    JobHandler recording = (job, context) -> ran.add(job.jobId());

    try (Workers workers = new Workers(aws, stack)) {
      workers.start(workers.config().ringEpochs(true).build(), Map.of("t", recording));
      // A worker's progress counts a lane-batch's messages when the batch ends, after its
      // handlers ran: wait for the count too.
      Eventually.await(
          "the epoch-0 job to run and the stale one to be dead-lettered",
          Duration.ofSeconds(30),
          () -> !ran.isEmpty() && workers.progress().deadLettered() >= 1,
          () -> ran + " " + workers.progress());
      assertThat(workers.progress().deadLettered()).isEqualTo(1);
    }

    assertThat(ran).containsExactly("fresh-1");
    List<Message> dead =
        aws.sqs()
            .receiveMessage(
                r ->
                    r.queueUrl(stack.dlqUrl())
                        .maxNumberOfMessages(10)
                        .messageAttributeNames("All")
                        .waitTimeSeconds(1))
            .messages();
    assertThat(dead).hasSize(1);
    assertThat(
            dead.getFirst().messageAttributes().get(SqsQueueActions.REASON_ATTRIBUTE).stringValue())
        .isEqualTo(
            "job of key \"sku-7\" in "
                + lane
                + " is of epoch 3, newer than the ring's epoch 0 with 8 lanes in the lease table:"
                + " it was not placed through this queue's ring");
  }
}
