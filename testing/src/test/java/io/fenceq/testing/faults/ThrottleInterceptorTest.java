package io.fenceq.testing.faults;

import static io.fenceq.testing.faults.FaultTestAws.inventoryTable;
import static io.fenceq.testing.faults.FaultTestAws.messagesIn;
import static io.fenceq.testing.faults.FaultTestAws.newFifoQueue;
import static io.fenceq.testing.faults.FaultTestAws.skuExists;
import static io.fenceq.testing.faults.FaultTestAws.skuItem;
import static io.fenceq.testing.faults.FaultTestAws.target;
import static io.fenceq.testing.faults.FaultTestAws.uniqueSku;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.fenceq.aws.AwsClients;
import io.fenceq.local.LocalAws;
import io.fenceq.testing.faults.ThrottleInterceptor.Fault;
import io.fenceq.testing.faults.ThrottleInterceptor.Service;
import io.fenceq.testing.faults.ThrottleInterceptor.Timing;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.RequestThrottledException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** Faulted calls through the real SDK against the embedded emulators. */
class ThrottleInterceptorTest {
  private static final LocalAws aws = FaultTestAws.aws();

  private static DynamoDbClient dynamoDb(ThrottleInterceptor throttle, int maxAttempts) {
    return AwsClients.dynamoDb(
        target(aws), throttle.addTo(AwsClients.Options.builder()).maxAttempts(maxAttempts).build());
  }

  private static SqsClient sqs(ThrottleInterceptor throttle, int maxAttempts) {
    return AwsClients.sqs(
        target(aws), throttle.addTo(AwsClients.Options.builder()).maxAttempts(maxAttempts).build());
  }

  private static void put(DynamoDbClient dynamoDb, String sku) {
    dynamoDb.putItem(r -> r.tableName(inventoryTable(aws)).item(skuItem(sku)));
  }

  private static void send(SqsClient sqs, String queueUrl) {
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody("{}")
                .messageGroupId("lane-0001")
                .messageDeduplicationId(UUID.randomUUID().toString()));
  }

  @Test
  void aThrottleBeforeTheServerIsRetriedThenReportedAndTheWriteNeverHappens() {
    ThrottleInterceptor throttle =
        ThrottleInterceptor.builder()
            .rate(1)
            .timing(Timing.BEFORE)
            .faults(Fault.PROVISIONED_THROUGHPUT_EXCEEDED)
            .build();
    String sku = uniqueSku("throttled-before");
    try (DynamoDbClient dynamoDb = dynamoDb(throttle, 3)) {
      assertThatThrownBy(() -> put(dynamoDb, sku))
          .asInstanceOf(type(ProvisionedThroughputExceededException.class))
          .satisfies(
              e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode())
                    .isEqualTo("ProvisionedThroughputExceededException");
                assertThat(e.numAttempts()).isEqualTo(3);
              });
    }

    assertThat(skuExists(aws, sku)).isFalse();
    assertThat(throttle.injected()).isEqualTo(3);
    assertThat(throttle.injected(Service.DYNAMODB, Fault.PROVISIONED_THROUGHPUT_EXCEEDED))
        .isEqualTo(3);
    assertThat(throttle.injected(Timing.BEFORE)).isEqualTo(3);
    assertThat(throttle.attempts()).isEqualTo(3);
  }

  @Test
  void aServerErrorAfterTheServerAppliedTheWriteLeavesTheWriteInPlace() {
    ThrottleInterceptor throttle =
        ThrottleInterceptor.builder()
            .rate(1)
            .timing(Timing.AFTER)
            .faults(Fault.INTERNAL_ERROR)
            .build();
    String sku = uniqueSku("failed-after");
    try (DynamoDbClient dynamoDb = dynamoDb(throttle, 1)) {
      assertThatThrownBy(() -> put(dynamoDb, sku))
          .isInstanceOfSatisfying(
              InternalServerErrorException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
    }

    assertThat(skuExists(aws, sku)).isTrue();
    assertThat(throttle.injected(Timing.AFTER)).isEqualTo(1);
    assertThat(throttle.injected(Service.DYNAMODB, Fault.INTERNAL_ERROR)).isEqualTo(1);
  }

  @Test
  void asAPlainInterceptorItFaultsAfterTheServer() {
    ThrottleInterceptor throttle =
        ThrottleInterceptor.builder()
            .rate(1)
            .timing(Timing.AFTER)
            .faults(Fault.SERVICE_UNAVAILABLE)
            .build();
    String sku = uniqueSku("plain-after");
    try (DynamoDbClient dynamoDb =
        AwsClients.dynamoDb(
            target(aws),
            AwsClients.Options.builder().interceptor(throttle).maxAttempts(2).build())) {
      assertThatThrownBy(() -> put(dynamoDb, sku))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
                assertThat(e.numAttempts()).isEqualTo(2);
              });

      throttle.rate(0);
      String next = uniqueSku("plain-after-healed");
      put(dynamoDb, next);
      assertThat(skuExists(aws, next)).isTrue();
    }
    assertThat(skuExists(aws, sku)).isTrue();
    assertThat(throttle.injected()).isEqualTo(2);
  }

  @Test
  void withoutTheDecoratorAFaultBeforeTheServerIsRefusedLoudly() {
    ThrottleInterceptor throttle = ThrottleInterceptor.builder().rate(1).build();
    try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(target(aws), List.of(throttle))) {
      assertThatThrownBy(() -> put(dynamoDb, uniqueSku("no-decorator")))
          .hasStackTraceContaining("needs its HTTP client decorator");
    }
    assertThat(throttle.injected()).isZero();
  }

  @Test
  void sqsSendsThrottledBeforeTheServerAreNotEnqueued() {
    ThrottleInterceptor throttle =
        ThrottleInterceptor.builder().rate(1).faults(Fault.REQUEST_THROTTLED).build();
    String queueUrl = newFifoQueue(aws, "throttled-before");
    try (SqsClient sqs = sqs(throttle, 2)) {
      assertThatThrownBy(() -> send(sqs, queueUrl))
          .isInstanceOfSatisfying(
              RequestThrottledException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestThrottled");
              });
    }

    assertThat(messagesIn(aws, queueUrl)).isZero();
    assertThat(throttle.injected(Service.SQS, Fault.REQUEST_THROTTLED)).isEqualTo(2);
  }

  @Test
  void sqsSendsThrottledAfterTheServerAreEnqueuedAnyway() {
    ThrottleInterceptor throttle =
        ThrottleInterceptor.builder()
            .rate(1)
            .timing(Timing.AFTER)
            .faults(Fault.THROTTLING, Fault.PROVISIONED_THROUGHPUT_EXCEEDED)
            .build();
    String queueUrl = newFifoQueue(aws, "throttled-after");
    try (SqsClient sqs = sqs(throttle, 1)) {
      assertThatThrownBy(() -> send(sqs, queueUrl))
          .isInstanceOfSatisfying(
              SqsException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException"));
    }

    assertThat(messagesIn(aws, queueUrl)).isEqualTo(1);
    assertThat(throttle.injected(Service.SQS, Fault.THROTTLING)).isEqualTo(1);
    assertThat(throttle.injected(Service.SQS, Fault.PROVISIONED_THROUGHPUT_EXCEEDED)).isZero();
  }

  @Test
  void theSdkRetriesFaultedAttemptsAndTheSameSeedFaultsTheSameAttempts() {
    List<Long> firstRun = serverErrorRun(7);
    List<Long> secondRun = serverErrorRun(7);
    List<Long> otherSeed = serverErrorRun(8);

    assertThat(firstRun).isEqualTo(secondRun);
    assertThat(firstRun.get(0)).as("faults injected").isPositive();
    assertThat(otherSeed).isNotEqualTo(firstRun);
  }

  /**
   * Twenty writes at a 30% server-error rate, each retried until it succeeds.
   *
   * @return faults of each kind, then attempts
   */
  private static List<Long> serverErrorRun(long seed) {
    ThrottleInterceptor throttle =
        ThrottleInterceptor.builder()
            .seed(seed)
            .rate(0.3)
            .faults(Fault.INTERNAL_ERROR, Fault.SERVICE_UNAVAILABLE)
            .build();
    List<String> skus = new ArrayList<>();
    try (DynamoDbClient dynamoDb = dynamoDb(throttle, 10)) {
      for (int i = 0; i < 20; i++) {
        String sku = uniqueSku("retried");
        put(dynamoDb, sku);
        skus.add(sku);
      }
    }
    assertThat(skus).allMatch(sku -> skuExists(aws, sku));
    // Every fault cost one more attempt, and nothing else did.
    assertThat(throttle.attempts()).isEqualTo(20 + throttle.injected());
    return List.of(
        throttle.injected(Service.DYNAMODB, Fault.INTERNAL_ERROR),
        throttle.injected(Service.DYNAMODB, Fault.SERVICE_UNAVAILABLE),
        throttle.attempts());
  }

  @Test
  void aRateOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> ThrottleInterceptor.builder().rate(1.5))
        .hasMessage("rate must be between 0 and 1, was 1.5");
    ThrottleInterceptor throttle = ThrottleInterceptor.builder().build();
    assertThatThrownBy(() -> throttle.rate(Double.NaN))
        .hasMessage("rate must be between 0 and 1, was NaN");
  }
}
