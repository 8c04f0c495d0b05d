package io.fenceq.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The queue calls the engine makes, behind an interface so that every host shares the engine:
 * {@link SqsQueueActions} makes them on SQS, for the ECS worker and the Lambda consumer alike, and
 * tests record them.
 *
 * <p>Partial failure is normal and reported, not thrown: a message that could not be deleted is
 * delivered again and its handler answers {@code DUPLICATE} from the fenced write; a message whose
 * visibility could not be changed comes back when its current visibility runs out.
 *
 * <p>Each failure's reason starts with the AWS error code and a colon ({@code
 * ReceiptHandleIsInvalid: ...}, {@code ThrottlingException: ...}), so that the caller can tell a
 * transient failure from a permanent one with {@link io.fenceq.aws.AwsErrors#isTransientCode}.
 */
public interface QueueActions {
  /**
   * Deletes {@code messages} from the work queue.
   *
   * @return the messages that were not deleted: message id to why; empty if all were
   */
  Map<String, String> delete(List<Message> messages);

  /**
   * Sets the visibility timeout of {@code messages}: zero gives them back at once, more hides them
   * that long (rounded up to whole seconds, at most 12 h).
   *
   * @return the messages whose visibility was not changed: message id to why; empty if all were
   */
  Map<String, String> changeVisibility(List<Message> messages, Duration visibility);

  /**
   * Sends a copy of {@code message} to the dead-letter queue with {@code reason}; does not delete
   * it from the work queue (the engine does, after this returns).
   *
   * @throws DeadLetterException if the dead-letter queue did not take it, or none is configured
   */
  void deadLetter(Message message, String reason);
}
