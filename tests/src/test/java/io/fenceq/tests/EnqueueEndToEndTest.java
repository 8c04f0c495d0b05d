package io.fenceq.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.queue.BatchEnqueueResult;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.InvalidJobException;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import io.fenceq.queue.QueueNotFoundException;
import io.fenceq.ring.HashRing;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The producer half over real HTTP, with the real SDK, against the queue template.yaml declares.
 */
class EnqueueEndToEndTest {
  private final TestAws aws = TestAws.get();
  private final SqsClient sqs = aws.sqs();

  @Test
  void jobsOfAKeyArriveInEnqueueOrderOnTheLaneTheRingChose() {
    TestStack stack = aws.newStack("order");
    HashRing ring = HashRing.of(stack.lanes());
    Enqueuer enqueuer = enqueuer(stack, ring);
    List<JobRequest> jobs = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      jobs.add(JobRequest.ofJson("sku-" + (i % 6), "reserve", "{\"n\":" + i + "}"));
    }
    BatchEnqueueResult result = enqueuer.enqueueAll(jobs).requireAllAccepted();
    for (EnqueueResult r : result.accepted()) {
      assertThat(r.lane()).isEqualTo(ring.laneFor(r.key()));
    }

    List<Message> received = drain(stack.workQueueUrl(), 120);

    Map<String, Integer> lastN = new HashMap<>();
    Map<String, BigInteger> lastSeqOfLane = new HashMap<>();
    for (Message m : received) {
      JobEnvelope job = JobEnvelope.parse(m.body());
      String group = m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
      assertThat(group).isEqualTo(ring.laneFor(job.key()).id());
      assertThat(m.messageAttributes().get(Enqueuer.RING_ATTRIBUTE).stringValue())
          .isEqualTo(ring.descriptor());
      int n = job.payload().get("n").asInt();
      assertThat(n)
          .as("order of key %s", job.key())
          .isGreaterThan(lastN.getOrDefault(job.key(), -1));
      lastN.put(job.key(), n);
      BigInteger seq =
          new BigInteger(m.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER));
      BigInteger previous = lastSeqOfLane.put(group, seq);
      if (previous != null) {
        assertThat(seq).isGreaterThan(previous);
      }
    }
    assertThat(received).hasSize(120);
  }

  @Test
  void theSameJobIdIsEnqueuedOnce() {
    TestStack stack = aws.newStack("dedup");
    Enqueuer enqueuer = enqueuer(stack, HashRing.of(stack.lanes()));
    JobRequest job =
        JobRequest.ofJson("account-9", "debit", "{\"cents\":500}").withJobId("order-1");
    enqueuer.enqueue(job);
    enqueuer.enqueue(job);
    enqueuer
        .enqueueAll(
            List.of(job, JobRequest.ofJson("account-9", "debit", "{}").withJobId("order-2")))
        .requireAllAccepted();

    List<Message> received = drain(stack.workQueueUrl(), 2);
    assertThat(received)
        .extracting(m -> JobEnvelope.parse(m.body()).jobId())
        .containsExactly("order-1", "order-2");
    assertThat(receiveOnce(stack.workQueueUrl(), 10)).isEmpty();
  }

  @Test
  void aLaneWithAJobInFlightIsNotHandedToASecondReceiver() {
    TestStack stack = aws.newStack("inflight");
    HashRing ring = HashRing.of(stack.lanes());
    Enqueuer enqueuer = enqueuer(stack, ring);
    enqueuer.enqueue(JobRequest.ofJson("sku-1", "reserve", "{\"n\":1}"));
    enqueuer.enqueue(JobRequest.ofJson("sku-1", "reserve", "{\"n\":2}"));
    String otherKey = keyOnAnotherLane(ring, "sku-1");
    enqueuer.enqueue(JobRequest.ofJson(otherKey, "reserve", "{\"n\":3}"));

    List<Message> first = receive(stack.workQueueUrl(), 1);
    assertThat(first).hasSize(1);
    assertThat(JobEnvelope.parse(first.get(0).body()).key()).isEqualTo("sku-1");

    // While sku-1's first job is in flight, a second receiver gets the other lane only.
    List<Message> second = receive(stack.workQueueUrl(), 10);
    assertThat(second).extracting(m -> JobEnvelope.parse(m.body()).key()).containsExactly(otherKey);
    delete(stack.workQueueUrl(), second);
    assertThat(receiveOnce(stack.workQueueUrl(), 10)).isEmpty();

    delete(stack.workQueueUrl(), first);
    List<Message> next = receive(stack.workQueueUrl(), 10);
    assertThat(next)
        .extracting(m -> JobEnvelope.parse(m.body()).payload().get("n").asInt())
        .containsExactly(2);
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsSent() {
    TestStack stack = aws.newStack("badinput");
    Enqueuer enqueuer = enqueuer(stack, HashRing.of(stack.lanes()));
    assertThat(enqueuer.maxMessageBytes()).isEqualTo(262_144);

    assertThatThrownBy(() -> enqueuer.enqueue(JobRequest.ofJson("", "t", "{}")))
        .isInstanceOf(InvalidJobException.class);
    assertThatThrownBy(() -> enqueuer.enqueue(JobRequest.ofJson("k".repeat(1025), "t", "{}")))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("1025 bytes");
    assertThatThrownBy(() -> JobRequest.ofJson("k", "t", "{\"qty\":"))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("not valid JSON");
    String big = "\"" + "x".repeat(262_000) + "\"";
    List<JobRequest> batch =
        List.of(JobRequest.ofJson("k", "t", "{}"), JobRequest.ofJson("k", "t", big));
    assertThatThrownBy(() -> enqueuer.enqueueAll(batch))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("job at index 1")
        .hasMessageContaining("262144 bytes queue " + stack.workQueueUrl());

    assertThat(receiveOnce(stack.workQueueUrl(), 10)).as("nothing was sent").isEmpty();
  }

  @Test
  void aMissingQueueIsNamed() {
    TestStack stack = aws.newStack("missing");
    String missing = stack.workQueueUrl().replace("-work.fifo", "-nosuch.fifo");
    assertThatThrownBy(() -> enqueuer(missing, HashRing.of(stack.lanes())))
        .isInstanceOf(QueueNotFoundException.class)
        .hasMessageContaining(missing);
  }

  private Enqueuer enqueuer(TestStack stack, HashRing ring) {
    return enqueuer(stack.workQueueUrl(), ring);
  }

  private Enqueuer enqueuer(String queueUrl, HashRing ring) {
    return Enqueuer.builder().sqs(sqs).queueUrl(queueUrl).ring(ring).build();
  }

  private static String keyOnAnotherLane(HashRing ring, String key) {
    for (int i = 0; ; i++) {
      String candidate = "other-" + i;
      if (!ring.laneFor(candidate).equals(ring.laneFor(key))) {
        return candidate;
      }
    }
  }

  /**
   * Receives and deletes until {@code expected} messages arrived (or a receive comes back empty).
   */
  private List<Message> drain(String queueUrl, int expected) {
    List<Message> all = new ArrayList<>();
    while (all.size() < expected) {
      List<Message> batch = receive(queueUrl, 10);
      if (batch.isEmpty()) {
        break;
      }
      all.addAll(batch);
      delete(queueUrl, batch);
    }
    return all;
  }

  /** A long-polling receive: returns as soon as something is there, empty after 2 s. */
  private List<Message> receive(String queueUrl, int max) {
    return sqs.receiveMessage(
            r ->
                r.queueUrl(queueUrl)
                    .maxNumberOfMessages(max)
                    .waitTimeSeconds(2)
                    .visibilityTimeout(60)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All"))
        .messages();
  }

  private List<Message> receiveOnce(String queueUrl, int max) {
    return sqs.receiveMessage(
            r ->
                r.queueUrl(queueUrl)
                    .maxNumberOfMessages(max)
                    .waitTimeSeconds(1)
                    .visibilityTimeout(60))
        .messages();
  }

  private void delete(String queueUrl, List<Message> messages) {
    for (Message m : messages) {
      sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
    }
  }
}
