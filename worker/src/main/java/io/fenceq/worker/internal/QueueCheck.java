package io.fenceq.worker.internal;

import io.fenceq.engine.internal.RedrivePolicy;
import io.fenceq.queue.QueueNotFoundException;
import io.fenceq.queue.internal.SqsErrors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Reads the work queue's settings at start-up, so that a wrong URL fails the start with one line
 * rather than every receive afterwards.
 *
 * @param visibilityTimeout the queue's default visibility timeout
 * @param maxReceiveCount its redrive policy's {@code maxReceiveCount}, if it has one
 */
public record QueueCheck(Duration visibilityTimeout, OptionalInt maxReceiveCount) {

  /**
   * @throws QueueNotFoundException if the queue does not exist or is not FIFO
   * @throws RuntimeException naming the queue for any other SQS failure
   */
  public static QueueCheck of(SqsClient sqs, String queueUrl) {
    Map<QueueAttributeName, String> attributes;
    try {
      attributes =
          sqs.getQueueAttributes(
                  r ->
                      r.queueUrl(queueUrl)
                          .attributeNames(
                              List.of(
                                  QueueAttributeName.FIFO_QUEUE,
                                  QueueAttributeName.VISIBILITY_TIMEOUT,
                                  QueueAttributeName.REDRIVE_POLICY)))
              .attributes();
    } catch (SdkException e) {
      throw SqsErrors.translate(e, queueUrl, "reading the work queue's attributes at start-up");
    }
    if (!"true".equals(attributes.get(QueueAttributeName.FIFO_QUEUE))) {
      throw new QueueNotFoundException(
          "queue " + queueUrl + " is not a FIFO queue; the worker needs the FIFO work queue", null);
    }
    String visibility = attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT);
    return new QueueCheck(
        Duration.ofSeconds(visibility == null ? 30 : Long.parseLong(visibility)),
        RedrivePolicy.maxReceiveCount(attributes.get(QueueAttributeName.REDRIVE_POLICY)));
  }
}
