package io.fenceq.tests.engine;

import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** What a queue holds, visible or in flight. */
final class QueueState {
  private QueueState() {}

  /** Messages on the queue: visible, in flight and delayed. */
  static long messages(SqsClient sqs, String queueUrl) {
    Map<QueueAttributeName, String> a =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .attributes();
    return a.values().stream().mapToLong(Long::parseLong).sum();
  }

  /** Messages received by some consumer and neither deleted nor visible again. */
  static long inFlight(SqsClient sqs, String queueUrl) {
    return Long.parseLong(
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }
}
