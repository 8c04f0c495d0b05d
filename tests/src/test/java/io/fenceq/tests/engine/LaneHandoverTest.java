package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.lease.LaneLeases;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.tests.functions.TestContext;
import io.fenceq.tests.support.SqsEvents;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A lane's lease passes from one consumer to the next without a release, on the embedded SQS and
 * DynamoDB: the first consumer's lane-batch is all deleted, so SQS delivers the lane's next
 * message, at a higher sequence number, and the second consumer is granted the lease at once,
 * though the first one's lease of minutes was never released.
 */
class LaneHandoverTest {
  /**
   * The invocations' time, which bounds their leases: long enough that no grant by expiry can
   * happen during the test.
   */
  private static final Duration INVOCATION = Duration.ofMinutes(5);

  private final TestAws aws = TestAws.get();

  @Test
  void theLanesNextBatchIsHandedTheLeaseWithoutARelease() throws Exception {
    TestStack stack = aws.newStack("handover");
    HashRing ring = HashRing.of(stack.lanes());
    String key = "sku-handover";
    String leaseId = LaneLeases.leaseId(ring.laneFor(key));
    Enqueuer.builder()
        .sqs(aws.sqs())
        .queueUrl(stack.workQueueUrl())
        .ring(ring)
        .build()
        .enqueueAll(
            List.of(
                JobRequest.ofJson(key, "step", "{}").withJobId(key + ":0"),
                JobRequest.ofJson(key, "step", "{}").withJobId(key + ":1")))
        .requireAllAccepted();
    List<String> ran = new ArrayList<>();

    try (LambdaConsumer a = consumer(stack, ran);
        LambdaConsumer b = consumer(stack, ran)) {
      Message first = receiveOne(stack);
      SQSBatchResponse answerA =
          a.process(SqsEvents.of(List.of(first)), new TestContext("a", INVOCATION));
      assertThat(answerA.getBatchItemFailures()).isEmpty();
      Map<String, AttributeValue> afterA = leaseItem(stack, leaseId);
      // Deleted (the consumer deletes its successes), not released: a's grant stays, recording its
      // batch, for the lane's next batch.
      assertThat(afterA).containsKeys("owner", "heldThrough");

      Message second = receiveOne(stack);
      SQSBatchResponse answerB =
          b.process(SqsEvents.of(List.of(second)), new TestContext("b", INVOCATION));

      assertThat(answerB.getBatchItemFailures()).isEmpty();
      assertThat(ran).containsExactly(key + ":0", key + ":1");
      Map<String, AttributeValue> afterB = leaseItem(stack, leaseId);
      assertThat(afterB.get("owner").s()).isNotEqualTo(afterA.get("owner").s());
      assertThat(Long.parseLong(afterB.get("fence").n()))
          .isEqualTo(Long.parseLong(afterA.get("fence").n()) + 1);
      assertThat(aws.dynamoDb().scan(r -> r.tableName(stack.leaseTable())).items())
          .noneMatch(i -> i.containsKey("expiresAt") && "0".equals(i.get("expiresAt").n()));
    }
  }

  private LambdaConsumer consumer(TestStack stack, List<String> ran) {
    return aws.lambdaConsumer(stack)
        .handler("step", (job, context) -> ran.add(job.jobId()))
        .build();
  }

  private Map<String, AttributeValue> leaseItem(TestStack stack, String leaseId) {
    return aws.dynamoDb()
        .getItem(
            r ->
                r.tableName(stack.leaseTable())
                    .key(Map.of("id", AttributeValue.fromS(leaseId)))
                    .consistentRead(true))
        .item();
  }

  private Message receiveOne(TestStack stack) {
    return SqsEvents.receive(aws.sqs(), stack.workQueueUrl(), 1, INVOCATION).getFirst();
  }
}
