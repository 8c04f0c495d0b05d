package io.fenceq.bench.support;

import io.fenceq.aws.AwsClients;
import io.fenceq.local.LocalAws;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** SDK clients for the embedded emulators, configured as fenceq's own, with interceptors. */
public final class BenchClients {
  private BenchClients() {}

  /** A DynamoDB client on {@code aws} that runs {@code interceptors} on every call. */
  public static DynamoDbClient dynamoDb(LocalAws aws, ExecutionInterceptor... interceptors) {
    return DynamoDbClient.builder()
        .httpClientBuilder(http())
        .overrideConfiguration(override(interceptors))
        .endpointOverride(aws.dynamoDbEndpoint())
        .region(aws.region())
        .credentialsProvider(aws.credentialsProvider())
        .build();
  }

  /** An SQS client on {@code aws} that runs {@code interceptors} on every call. */
  public static SqsClient sqs(LocalAws aws, ExecutionInterceptor... interceptors) {
    return SqsClient.builder()
        .httpClientBuilder(http())
        .overrideConfiguration(override(interceptors))
        .endpointOverride(aws.sqsEndpoint())
        .region(aws.region())
        .credentialsProvider(aws.credentialsProvider())
        .build();
  }

  private static Apache5HttpClient.Builder http() {
    return Apache5HttpClient.builder()
        .maxConnections(64)
        .connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(Duration.ofSeconds(30));
  }

  private static ClientOverrideConfiguration override(ExecutionInterceptor... interceptors) {
    ClientOverrideConfiguration.Builder override =
        ClientOverrideConfiguration.builder()
            .retryStrategy(
                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .maxAttempts(AwsClients.DEFAULT_MAX_ATTEMPTS)
                    .build());
    for (ExecutionInterceptor i : interceptors) {
      override.addExecutionInterceptor(i);
    }
    return override.build();
  }
}
