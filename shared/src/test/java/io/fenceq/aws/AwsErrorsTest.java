package io.fenceq.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.lease.LeaseException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;

class AwsErrorsTest {
  private static DynamoDbException dynamo(int status, String code) {
    return (DynamoDbException)
        DynamoDbException.builder()
            .statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
            .build();
  }

  @Test
  void throttlingServerErrorsTimeoutsAndConnectionErrorsAreTransient() {
    assertThat(AwsErrors.isTransient(dynamo(400, "ProvisionedThroughputExceededException")))
        .isTrue();
    assertThat(AwsErrors.isTransient(dynamo(400, "ThrottlingException"))).isTrue();
    assertThat(AwsErrors.isTransient(dynamo(500, "InternalServerError"))).isTrue();
    assertThat(AwsErrors.isTransient(dynamo(503, "SomethingNew"))).isTrue();
    assertThat(AwsErrors.isTransient(ApiCallAttemptTimeoutException.create(1000))).isTrue();
    assertThat(
            AwsErrors.isTransient(
                SdkClientException.create(
                    "Unable to execute HTTP request", new ConnectException())))
        .isTrue();
  }

  @Test
  void aWrappedCauseDecides() {
    assertThat(AwsErrors.isTransient(new LeaseException("renew failed", dynamo(500, "X"))))
        .isTrue();
    assertThat(
            AwsErrors.isTransient(
                new LeaseException("no table", dynamo(400, "ResourceNotFoundException"))))
        .isFalse();
    assertThat(AwsErrors.isTransient(new LeaseException("no cause"))).isFalse();
  }

  @Test
  void lostLeasesGoneMessagesAndAbortedCallsArePermanent() {
    assertThat(
            AwsErrors.isTransient(
                ConditionalCheckFailedException.builder()
                    .statusCode(400)
                    .awsErrorDetails(
                        AwsErrorDetails.builder()
                            .errorCode("ConditionalCheckFailedException")
                            .build())
                    .build()))
        .isFalse();
    assertThat(
            AwsErrors.isTransient(
                ReceiptHandleIsInvalidException.builder()
                    .statusCode(400)
                    .awsErrorDetails(
                        AwsErrorDetails.builder().errorCode("ReceiptHandleIsInvalid").build())
                    .build()))
        .isFalse();
    assertThat(AwsErrors.isTransient(AbortedException.create("interrupted"))).isFalse();
  }

  @Test
  void codesOfBatchEntriesAreClassifiedTheSameWay() {
    assertThat(AwsErrors.isTransientCode("ThrottlingException")).isTrue();
    assertThat(AwsErrors.isTransientCode("InternalError")).isTrue();
    assertThat(AwsErrors.isTransientCode("ReceiptHandleIsInvalid")).isFalse();
    assertThat(AwsErrors.isTransientCode("AWS.SimpleQueueService.NonExistentQueue")).isFalse();
    assertThat(AwsErrors.isTransientCode(null)).isFalse();
  }
}
