package io.fenceq.testing.faults;

import static io.fenceq.testing.faults.FaultTestAws.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.aws.AwsClients;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.lease.LeaseStore;
import io.fenceq.lease.internal.LeaseItem;
import io.fenceq.local.LocalAws;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.testing.Eventually;
import io.fenceq.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

class CrashSwitchTest {
  private static final LocalAws aws = FaultTestAws.aws();

  @Test
  void onceTrippedEveryCallFailsAtOnceWithoutRetries() {
    CrashSwitch crash = CrashSwitch.named("w1");
    try (SqsClient sqs = AwsClients.sqs(target(aws), List.of(crash))) {
      sqs.listQueues();
      assertThat(crash.refused()).isZero();

      crash.trip();

      assertThatThrownBy(sqs::listQueues)
          .isInstanceOf(SdkClientException.class)
          .hasMessageContaining("worker w1 has crashed");
      assertThat(crash.refused()).as("one refusal: not retried").isEqualTo(1);
      assertThat(crash.tripped()).isTrue();
    }
  }

  @Test
  void aWrappedHandlerFailsAtEntryOnceTripped() throws Exception {
    CrashSwitch crash = CrashSwitch.named("w2");
    int[] ran = {0};
    var handler = crash.wrap((job, context) -> ran[0]++);
    handler.handle(null, null);
    crash.trip();

    assertThatThrownBy(() -> handler.handle(null, null)).hasMessage("worker w2 has crashed");
    assertThat(ran[0]).isEqualTo(1);
  }

  /**
   * A worker tripped mid-job and then closed: its shutdown can neither give the message back nor
   * release the lease, so both stay as a killed process leaves them, and its threads still end.
   */
  @Test
  void aTrippedWorkerKeepsItsLeaseAndMessageAsACrashWouldAndItsThreadsEnd() throws Exception {
    CrashSwitch crash = CrashSwitch.named("crashing");
    String queueUrl = FaultTestAws.newFifoQueue(aws, "crash");
    ConsumerConfig config =
        ConsumerConfig.fromEnvironment(aws.environment()).toBuilder()
            .queueUrl(queueUrl)
            .deadLetterQueueUrl(null)
            .payloadBucket(null)
            .lanes(16)
            .concurrency(1)
            .leaseDuration(Duration.ofSeconds(10))
            .shutdownTimeout(Duration.ofSeconds(5))
            .receiveWait(Duration.ofSeconds(1))
            .workerId("crashing")
            .build();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    AwsClients.Options options = AwsClients.Options.builder().interceptor(crash).build();
    try (SqsClient sqs = AwsClients.sqs(target(aws), options);
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(target(aws), options)) {
      Worker worker =
          Worker.builder()
              .config(config)
              .sqs(sqs)
              .dynamoDb(dynamoDb)
              .handlers(
                  Map.of(
                      "hold",
                      crash.wrap(
                          (job, context) -> {
                            entered.countDown();
                            proceed.await();
                          })))
              .build()
              .start();
      EnqueueResult sent =
          Enqueuer.builder()
              .sqs(aws.sqsClient())
              .queueUrl(queueUrl)
              .ring(HashRing.of(16))
              .build()
              .enqueue(JobRequest.ofJson("sku-crash", "hold", "{}"));
      assertThat(entered.await(60, TimeUnit.SECONDS)).as("the job started").isTrue();

      crash.trip();
      proceed.countDown();
      worker.close();

      assertThat(worker.stopped()).isDone();
      Map<String, AttributeValue> lease =
          aws.dynamoDbClient()
              .getItem(
                  r ->
                      r.tableName(config.leaseTable())
                          .consistentRead(true)
                          .key(
                              Map.of(
                                  LeaseItem.ID,
                                  AttributeValue.fromS(LeaseStore.laneLeaseId(sent.lane())))))
              .item();
      assertThat(lease.get(LeaseItem.OWNER)).isEqualTo(AttributeValue.fromS("crashing"));
      assertThat(notVisible(queueUrl)).as("the message was neither deleted nor returned").isOne();
      assertThat(crash.refused()).isPositive();
      Eventually.until(
          "the worker's threads end",
          () ->
              Thread.getAllStackTraces().keySet().stream()
                  .noneMatch(t -> t.getName().startsWith("fenceq-") && isWorkerThread(t)));
    }
  }

  private static boolean isWorkerThread(Thread thread) {
    return thread.getName().startsWith("fenceq-receive-")
        || thread.getName().startsWith("fenceq-worker-stop-");
  }

  private static int notVisible(String queueUrl) {
    return Integer.parseInt(
        aws.sqsClient()
            .getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNamesWithStrings("ApproximateNumberOfMessagesNotVisible"))
            .attributesAsStrings()
            .get("ApproximateNumberOfMessagesNotVisible"));
  }
}
