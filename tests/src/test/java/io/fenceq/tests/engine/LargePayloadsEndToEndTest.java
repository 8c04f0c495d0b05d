package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.engine.JobHandler;
import io.fenceq.local.lambda.EventSourceConfig;
import io.fenceq.local.lambda.SqsEventSource;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.InvalidJobException;
import io.fenceq.queue.JobRequest;
import io.fenceq.queue.LargePayloads;
import io.fenceq.ring.HashRing;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Jobs past the queue's inline threshold travel through the stack's payload bucket: a 2 MiB job
 * round-trips through the ECS worker and through the Lambda consumer, in its key's order, and its
 * S3 object is gone once the job succeeded; a job past the maximum is refused before anything is
 * sent; a dead-lettered offloaded job keeps its object.
 */
class LargePayloadsEndToEndTest {
  private static final Duration LIMIT = Duration.ofMinutes(2);

  /** The largest payload text that keeps the envelope within the default 2 MiB maximum. */
  private static final int BIG = LargePayloads.DEFAULT_MAX_PAYLOAD_BYTES - 1024;

  private final TestAws aws = TestAws.get();

  @Test
  void aTwoMebibyteJobRoundTripsThroughTheWorkerAndItsObjectIsDeletedAfterSuccess()
      throws Exception {
    TestStack stack = aws.newStack("largeworker");
    Enqueuer enqueuer = enqueuer(stack);
    String big = text(BIG, 'w');
    enqueuer.enqueue(JobRequest.ofJson("doc-1", "store", json(big)));
    enqueuer.enqueue(JobRequest.ofJson("doc-1", "store", json("small")));
    assertThat(objects(stack)).as("objects offloaded").isEqualTo(1);

    List<String> seen = new CopyOnWriteArrayList<>();
    try (Workers workers = new Workers(aws, stack)) {
      workers.start(
          workers.config().payloadBucket(stack.payloadBucket()).build(),
          Map.of("store", recordInto(seen)),
          aws.s3());
      Eventually.await(
          "both jobs to run and the object to go",
          LIMIT,
          () -> seen.size() == 2 && objects(stack) == 0,
          () -> "seen " + seen.size() + " jobs, " + objects(stack) + " objects");
    }

    assertThat(seen.get(0)).as("the large job, first in its key's order").isEqualTo(big);
    assertThat(seen.get(1)).isEqualTo("small");
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isZero();
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isZero();
  }

  @Test
  void aTwoMebibyteJobRoundTripsThroughTheLambdaConsumer() throws Exception {
    TestStack stack = aws.newStack("largelambda");
    String big = text(BIG, 'l');
    enqueuer(stack).enqueue(JobRequest.ofJson("doc-2", "store", json(big)));
    assertThat(objects(stack)).isEqualTo(1);

    List<String> seen = new CopyOnWriteArrayList<>();
    Map<String, String> environment = aws.consumerEnvironment(stack);
    environment.put(ConsumerConfig.PAYLOAD_BUCKET, stack.payloadBucket());
    try (LambdaConsumer consumer =
            LambdaConsumer.builder()
                .environment(environment)
                .sqs(aws.sqs())
                .dynamoDb(aws.dynamoDb())
                .s3(aws.s3())
                .handler("store", recordInto(seen))
                .build();
        SqsEventSource source =
            SqsEventSource.builder()
                .sqs(aws.sqs())
                .queueUrl(stack.workQueueUrl())
                .function(consumer::process)
                .config(
                    EventSourceConfig.builder()
                        .maximumConcurrency(1)
                        .functionTimeout(Duration.ofSeconds(30))
                        .receiveWait(Duration.ofSeconds(1))
                        .build())
                .start()) {
      Eventually.await(
          "the job to run and the object to go",
          LIMIT,
          () -> seen.size() == 1 && objects(stack) == 0,
          source::progress);
    }

    assertThat(seen).containsExactly(big);
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isZero();
  }

  @Test
  void aJobPastTheMaximumIsRefusedBeforeAnythingIsSent() {
    TestStack stack = aws.newStack("largerefused");
    Enqueuer enqueuer = enqueuer(stack);

    assertThatThrownBy(
            () ->
                enqueuer.enqueue(
                    JobRequest.ofJson(
                        "doc-3",
                        "store",
                        json(text(LargePayloads.DEFAULT_MAX_PAYLOAD_BYTES, 'x')))))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageNotContaining("\n")
        .hasMessageContaining("key \"doc-3\"")
        .hasMessageContaining("more than the " + LargePayloads.DEFAULT_MAX_PAYLOAD_BYTES + " bytes")
        .hasMessageMatching("(?s).*would be \\d+ bytes.*");
    assertThat(objects(stack)).as("objects written").isZero();
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).as("messages sent").isZero();
  }

  @Test
  void aDeadLetteredOffloadedJobKeepsItsObjectAndTheDeadLetterCopyPointsToIt() throws Exception {
    TestStack stack = aws.newStack("largedead");
    enqueuer(stack).enqueue(JobRequest.ofJson("doc-4", "unknown-type", json(text(400_000, 'd'))));
    assertThat(objects(stack)).isEqualTo(1);

    try (Workers workers = new Workers(aws, stack)) {
      workers.start(
          workers.config().payloadBucket(stack.payloadBucket()).build(),
          Map.of("store", recordInto(new CopyOnWriteArrayList<>())),
          aws.s3());
      Eventually.await(
          "the job to be dead-lettered",
          LIMIT,
          () -> QueueState.messages(aws.sqs(), stack.dlqUrl()) == 1,
          workers::progress);
    }

    assertThat(objects(stack)).as("the dead-lettered job's object").isEqualTo(1);
    List<Message> dead =
        aws.sqs()
            .receiveMessage(
                r ->
                    r.queueUrl(stack.dlqUrl())
                        .messageAttributeNames("All")
                        .maxNumberOfMessages(1)
                        .waitTimeSeconds(1))
            .messages();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).body()).contains(stack.payloadBucket()).hasSizeLessThan(1024);
    assertThat(dead.get(0).messageAttributes()).containsKey("ExtendedPayloadSize");
  }

  private Enqueuer enqueuer(TestStack stack) {
    return Enqueuer.builder()
        .sqs(aws.sqs())
        .queueUrl(stack.workQueueUrl())
        .ring(HashRing.of(stack.lanes()))
        .largePayloads(LargePayloads.builder().s3(aws.s3()).bucket(stack.payloadBucket()).build())
        .build();
  }

  private int objects(TestStack stack) {
    return aws.s3().listObjectsV2(r -> r.bucket(stack.payloadBucket())).keyCount();
  }

  private static JobHandler recordInto(List<String> seen) {
    return (job, context) -> {
      JsonNode payload = job.payload();
      seen.add(payload.path("text").asText());
    };
  }

  private static String json(String text) {
    return "{\"text\":\"" + text + "\"}";
  }

  private static String text(int length, char c) {
    return String.valueOf(c).repeat(length);
  }
}
