package io.fenceq.testing;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.queue.Enqueuer;
import io.fenceq.ring.HashRing;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One provisioned stack of a test: its queues, lease table, lanes and the template's other tables,
 * all under a stack name no other test shares.
 *
 * @param stackName the unique {@code AWS::StackName} the names are derived from
 * @param queueUrl the FIFO work queue ({@code WorkQueue})
 * @param deadLetterQueueUrl its dead-letter queue ({@code DeadLetterQueue})
 * @param leaseTable the lease table ({@code LeaseTable})
 * @param lanes the ring's lane count ({@code LaneCount})
 * @param tables every table of the template by logical id, e.g. {@code InventoryTable}
 * @param sqs the client {@link #enqueuer()} sends with
 */
public record FenceqStack(
    String stackName,
    String queueUrl,
    String deadLetterQueueUrl,
    String leaseTable,
    int lanes,
    Map<String, String> tables,
    SqsClient sqs) {

  /** How long a consumer's receive waits in tests: short, so a worker stops quickly. */
  public static final Duration TEST_RECEIVE_WAIT = Duration.ofSeconds(1);

  /** How long a consumer's shutdown may take in tests. */
  public static final Duration TEST_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  /** Copies {@code tables}. */
  public FenceqStack {
    Objects.requireNonNull(stackName, "stackName");
    Objects.requireNonNull(queueUrl, "queueUrl");
    Objects.requireNonNull(leaseTable, "leaseTable");
    Objects.requireNonNull(sqs, "sqs");
    tables = Map.copyOf(tables);
  }

  /**
   * The name of the template's table with this logical id.
   *
   * @throws IllegalArgumentException naming the stack, the id and the tables it has
   */
  public String table(String logicalId) {
    String name = tables.get(logicalId);
    if (name == null) {
      throw new IllegalArgumentException(
          "stack "
              + stackName
              + " has no table with logical id '"
              + logicalId
              + "'; its tables: "
              + tables.keySet());
    }
    return name;
  }

  /**
   * Messages in the work queue that are not done: visible, in flight and delayed, as SQS
   * approximates them. Zero once the consumers have deleted every job; wait for it with {@link
   * Eventually#await}.
   */
  public long messagesLeft() {
    return sqs
        .getQueueAttributes(
            r ->
                r.queueUrl(queueUrl)
                    .attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
        .attributes()
        .values()
        .stream()
        .mapToLong(Long::parseLong)
        .sum();
  }

  /** A new enqueuer for the work queue, on the ring of this stack's lanes. */
  public Enqueuer enqueuer() {
    return Enqueuer.builder().sqs(sqs).queueUrl(queueUrl).ring(HashRing.of(lanes)).build();
  }

  /**
   * A consumer configuration for this stack, to adjust and build: its queues, lease table and
   * lanes, with a receive wait of {@link #TEST_RECEIVE_WAIT} and a shutdown timeout of {@link
   * #TEST_SHUTDOWN_TIMEOUT}.
   */
  public ConsumerConfig.Builder consumerConfig() {
    ConsumerConfig.Builder builder =
        ConsumerConfig.builder()
            .queueUrl(queueUrl)
            .leaseTable(leaseTable)
            .lanes(lanes)
            .receiveWait(TEST_RECEIVE_WAIT)
            .shutdownTimeout(TEST_SHUTDOWN_TIMEOUT);
    if (deadLetterQueueUrl != null) {
      builder.deadLetterQueueUrl(deadLetterQueueUrl);
    }
    return builder;
  }
}
