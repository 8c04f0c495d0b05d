package io.fenceq.local.demo;

import io.fenceq.internal.aws.AwsClients;
import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where a demo runs: the SQS and DynamoDB endpoints (the fault proxies sit in front of them), and
 * the stack's queues and tables.
 */
public record DemoTarget(
    URI sqsEndpoint,
    URI dynamoDbEndpoint,
    Region region,
    AwsCredentialsProvider credentials,
    DemoStack stack) {
  public DemoTarget {
    Objects.requireNonNull(sqsEndpoint, "sqsEndpoint");
    Objects.requireNonNull(dynamoDbEndpoint, "dynamoDbEndpoint");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(stack, "stack");
  }

  /** Clients straight to the endpoints, for everything but the workers. */
  AwsClients.Target direct() {
    return new AwsClients.Target(sqsEndpoint, dynamoDbEndpoint, region, credentials);
  }
}
