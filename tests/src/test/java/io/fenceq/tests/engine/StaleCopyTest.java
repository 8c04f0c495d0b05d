package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.tests.functions.TestContext;
import io.fenceq.tests.support.SqsEvents;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A consumer that wakes with a copy of a job another consumer has since received and deleted (a
 * long GC pause, SIGSTOP) does not dead-letter it, on the embedded SQS: the queue refuses the
 * receipt handle of that earlier delivery, so the consumer leaves the copy alone instead of putting
 * a job that was taken care of into the dead-letter queue.
 */
class StaleCopyTest {
  private static final Duration INVOCATION = Duration.ofMinutes(5);

  private final TestAws aws = TestAws.get();

  @Test
  void aCopyReceivedAgainAndDeletedSinceIsLeftAloneNotDeadLettered() throws Exception {
    TestStack stack = aws.newStack("stalecopy");
    HashRing ring = HashRing.of(stack.lanes());
    Enqueuer.builder()
        .sqs(aws.sqs())
        .queueUrl(stack.workQueueUrl())
        .ring(ring)
        .build()
        .enqueue(JobRequest.ofJson("sku-stale", "renamed", "{}").withJobId("stale-1"));
    // This consumer's delivery; then the job is delivered again and deleted, as another consumer
    // that ran it would (here the test does both).
    Message stale = receiveOne(stack);
    aws.sqs()
        .changeMessageVisibility(
            r ->
                r.queueUrl(stack.workQueueUrl())
                    .receiptHandle(stale.receiptHandle())
                    .visibilityTimeout(0));
    Message again = receiveOne(stack);
    assertThat(again.messageId()).isEqualTo(stale.messageId());
    aws.sqs()
        .deleteMessage(r -> r.queueUrl(stack.workQueueUrl()).receiptHandle(again.receiptHandle()));

    // This consumer knows no handler for the job's type, so it would dead-letter the job.
    try (LambdaConsumer consumer = consumer(stack)) {
      SQSBatchResponse answer =
          consumer.process(SqsEvents.of(List.of(stale)), new TestContext("a", INVOCATION));

      assertThat(answer.getBatchItemFailures())
          .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
          .containsExactly(stale.messageId());
    }
    List<Message> dead =
        aws.sqs()
            .receiveMessage(r -> r.queueUrl(stack.dlqUrl()).maxNumberOfMessages(10))
            .messages();
    assertThat(dead).as("dead letters of a job another consumer deleted").isEmpty();
  }

  private LambdaConsumer consumer(TestStack stack) {
    return aws.lambdaConsumer(stack).handler("step", (job, context) -> {}).build();
  }

  private Message receiveOne(TestStack stack) {
    return SqsEvents.receive(aws.sqs(), stack.workQueueUrl(), 1, INVOCATION).getFirst();
  }
}
