package io.fenceq.internal.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the SDK clients fenceq uses, the same way everywhere: the Apache 5 HTTP client chosen
 * explicitly (the SDK would otherwise pick whichever client it finds on the class path), the
 * standard retry mode with backoff and jitter for throttling and 5xx answers, and an optional
 * endpoint.
 *
 * <p>With no endpoint given, the SDK's own conventions apply: {@code AWS_ENDPOINT_URL}, {@code
 * AWS_ENDPOINT_URL_SQS}, {@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_REGION} and the default
 * credentials chain, which is how fenceq is pointed at LocalStack, the embedded emulators of
 * another process, or real AWS.
 */
public final class AwsClients {
  /** Attempts per SDK call, the first included; throttling backs off between them. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private AwsClients() {}

  /**
   * Where and as whom to connect; {@code null} fields fall back to the SDK's defaults (environment,
   * profile, instance role).
   */
  public record Target(
      URI sqsEndpoint, URI dynamoDbEndpoint, Region region, AwsCredentialsProvider credentials) {
    /** Everything from the environment, as the SDK resolves it. */
    public static Target fromEnvironment() {
      return new Target(null, null, null, null);
    }
  }

  public static SqsClient sqs(Target target) {
    return configure(SqsClient.builder(), target.sqsEndpoint(), target).build();
  }

  public static DynamoDbClient dynamoDb(Target target) {
    return configure(DynamoDbClient.builder(), target.dynamoDbEndpoint(), target).build();
  }

  private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder, URI endpoint, Target target) {
    builder
        .httpClientBuilder(
            Apache5HttpClient.builder()
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30)))
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(
                    AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(DEFAULT_MAX_ATTEMPTS)
                        .build())
                .build());
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (target.region() != null) {
      builder.region(target.region());
    }
    if (target.credentials() != null) {
      builder.credentialsProvider(target.credentials());
    }
    return builder;
  }
}
