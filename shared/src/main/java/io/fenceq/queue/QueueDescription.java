package io.fenceq.queue;

import io.fenceq.queue.internal.RedrivePolicy;
import io.fenceq.queue.internal.SqsErrors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What fenceq needs to know about a queue, read in one {@code GetQueueAttributes} call: whether it
 * is FIFO, its visibility timeout, its redrive policy ({@code maxReceiveCount} and dead-letter
 * queue) and its largest message. Producers ({@link Enqueuer}) and every consumer host read it
 * here, at start-up, so that a wrong URL fails the start with one line naming the queue rather than
 * every call afterwards. Immutable.
 */
public final class QueueDescription {
  /** SQS's default visibility timeout, for a queue that does not report one. */
  public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofSeconds(30);

  /** SQS's default largest message, for a queue that does not report one. */
  public static final int DEFAULT_MAXIMUM_MESSAGE_SIZE = 262_144;

  private static final List<QueueAttributeName> READ =
      List.of(
          QueueAttributeName.QUEUE_ARN,
          QueueAttributeName.FIFO_QUEUE,
          QueueAttributeName.VISIBILITY_TIMEOUT,
          QueueAttributeName.REDRIVE_POLICY,
          QueueAttributeName.MAXIMUM_MESSAGE_SIZE);

  private final String queueUrl;
  private final String arn;
  private final boolean fifo;
  private final Duration visibilityTimeout;
  private final int maxReceiveCount;
  private final String deadLetterTargetArn;
  private final int maximumMessageSize;

  private QueueDescription(String queueUrl, Map<QueueAttributeName, String> attributes) {
    this.queueUrl = queueUrl;
    this.arn = attributes.get(QueueAttributeName.QUEUE_ARN);
    this.fifo = "true".equalsIgnoreCase(attributes.get(QueueAttributeName.FIFO_QUEUE));
    this.visibilityTimeout =
        seconds(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT), DEFAULT_VISIBILITY_TIMEOUT);
    String policy = attributes.get(QueueAttributeName.REDRIVE_POLICY);
    this.maxReceiveCount = RedrivePolicy.maxReceiveCount(policy).orElse(0);
    this.deadLetterTargetArn = RedrivePolicy.deadLetterTargetArn(policy).orElse(null);
    this.maximumMessageSize =
        number(
            attributes.get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE), DEFAULT_MAXIMUM_MESSAGE_SIZE);
  }

  /**
   * Reads the attributes of the queue at {@code queueUrl}.
   *
   * @throws QueueNotFoundException if the queue does not exist
   * @throws RuntimeException naming the queue for any other SQS failure
   */
  public static QueueDescription read(SqsClient sqs, String queueUrl) {
    Map<QueueAttributeName, String> attributes;
    try {
      attributes =
          sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(READ)).attributes();
    } catch (SdkException e) {
      throw SqsErrors.translate(e, queueUrl, "reading the queue's attributes");
    }
    return new QueueDescription(queueUrl, attributes);
  }

  /**
   * This description, if the queue is FIFO.
   *
   * @throws QueueNotFoundException naming the queue if it is not: lanes are message groups
   */
  public QueueDescription requireFifo() {
    if (!fifo) {
      throw new QueueNotFoundException(
          "queue "
              + queueUrl
              + " is not a FIFO queue; fenceq needs FifoQueue=true (a name ending in .fifo)",
          null);
    }
    return this;
  }

  public String queueUrl() {
    return queueUrl;
  }

  /** The queue's ARN, as an event source mapping names it. */
  public String arn() {
    return arn;
  }

  public boolean fifo() {
    return fifo;
  }

  /** The queue's default visibility timeout. */
  public Duration visibilityTimeout() {
    return visibilityTimeout;
  }

  /** The redrive policy's {@code maxReceiveCount}, if the queue has a usable one. */
  public OptionalInt maxReceiveCount() {
    return maxReceiveCount == 0 ? OptionalInt.empty() : OptionalInt.of(maxReceiveCount);
  }

  /** The redrive policy's dead-letter queue ARN, if the queue has one. */
  public Optional<String> deadLetterTargetArn() {
    return Optional.ofNullable(deadLetterTargetArn);
  }

  /** The largest message the queue accepts, in bytes. */
  public int maximumMessageSize() {
    return maximumMessageSize;
  }

  @Override
  public String toString() {
    return "QueueDescription[queueUrl="
        + queueUrl
        + ", fifo="
        + fifo
        + ", visibilityTimeout="
        + visibilityTimeout.toSeconds()
        + "s, maxReceiveCount="
        + (maxReceiveCount == 0 ? "none" : Integer.toString(maxReceiveCount))
        + ", deadLetterTargetArn="
        + deadLetterTargetArn
        + ", maximumMessageSize="
        + maximumMessageSize
        + "]";
  }

  private static Duration seconds(String value, Duration otherwise) {
    return value == null ? otherwise : Duration.ofSeconds(Long.parseLong(value.strip()));
  }

  private static int number(String value, int otherwise) {
    return value == null ? otherwise : Integer.parseInt(value.strip());
  }
}
