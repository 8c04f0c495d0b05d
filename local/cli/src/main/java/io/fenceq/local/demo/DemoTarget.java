package io.fenceq.local.demo;

import io.fenceq.aws.AwsClients;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.queue.Enqueuer;
import io.fenceq.ring.HashRing;
import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

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

  /**
   * Stocks the run's SKUs and returns the enqueuer of its jobs: what every demo run does first,
   * whoever its workers are. With a reshard the enqueuer follows the ring's epoch.
   */
  Enqueuer prepare(DemoOptions options, SqsClient sqs, DynamoDbClient dynamoDb) {
    new Inventory(dynamoDb, stack.inventoryTable()).seed(options.skus(), options.stock());
    Enqueuer.Builder enqueuer =
        Enqueuer.builder().sqs(sqs).queueUrl(stack.workQueueUrl()).ring(HashRing.of(stack.lanes()));
    if (options.reshards()) {
      // The producer follows the ring's epoch, reading it often so that the grace is short.
      enqueuer.ringEpochs(DemoReshard.table(stack, dynamoDb), DemoReshard.PRODUCER_REFRESH);
    }
    return enqueuer.build();
  }

  /** Clients straight to the endpoints, for everything but the workers. */
  AwsClients.Target direct() {
    return new AwsClients.Target(sqsEndpoint, dynamoDbEndpoint, region, credentials);
  }
}
