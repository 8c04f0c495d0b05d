package io.fenceq.engine;

import io.fenceq.engine.internal.Received;
import io.fenceq.queue.internal.SqsErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@link QueueActions} on SQS: {@code DeleteMessageBatch} and {@code ChangeMessageVisibilityBatch}
 * in requests of up to {@value #MAX_BATCH_ENTRIES}, and {@code SendMessage} to the dead-letter
 * queue. Every message that an action fails on is logged with queue, lane, message id and the SQS
 * error code, and reported to the caller.
 *
 * <p>Thread-safe. The SQS client belongs to the caller.
 */
public final class SqsQueueActions implements QueueActions {
  /** SQS's limit of entries in one batch request. */
  public static final int MAX_BATCH_ENTRIES = 10;

  /** Dead-letter attribute: why the message was sent there. */
  public static final String REASON_ATTRIBUTE = "fenceq.reason";

  /** Dead-letter attribute: the work queue the message came from. */
  public static final String SOURCE_QUEUE_ATTRIBUTE = "fenceq.sourceQueue";

  /** Dead-letter attribute: the message's id on the work queue. */
  public static final String MESSAGE_ID_ATTRIBUTE = "fenceq.messageId";

  /** SQS's limit of message attributes on one message. */
  private static final int MAX_MESSAGE_ATTRIBUTES = 10;

  private static final int MAX_REASON_CHARS = 1024;
  private static final Logger log = LoggerFactory.getLogger(SqsQueueActions.class);

  private final SqsClient sqs;
  private final String queueUrl;
  private final String deadLetterQueueUrl;
  private final int deadLetterMaxBytes;

  /**
   * Budgets the dead-letter copy for SQS's largest message size, which the template gives the
   * dead-letter queue.
   *
   * @param sqs the client; the caller closes it
   * @param config the work queue and dead-letter queue to act on
   */
  public SqsQueueActions(SqsClient sqs, EngineConfig config) {
    this(sqs, config, DeadLetterSize.SQS_MAX_MESSAGE_BYTES);
  }

  /**
   * @param deadLetterMaxBytes the dead-letter queue's {@code MaximumMessageSize}
   */
  SqsQueueActions(SqsClient sqs, EngineConfig config, int deadLetterMaxBytes) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.queueUrl = config.queueUrl();
    this.deadLetterQueueUrl = config.deadLetterQueueUrl().orElse(null);
    this.deadLetterMaxBytes = deadLetterMaxBytes;
  }

  @Override
  public Map<String, String> delete(List<Message> messages) {
    return inBatches(
        "delete",
        messages,
        chunk -> {
          List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
          for (int i = 0; i < chunk.size(); i++) {
            entries.add(
                DeleteMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(chunk.get(i).receiptHandle())
                    .build());
          }
          return sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).failed();
        });
  }

  @Override
  public Map<String, String> changeVisibility(List<Message> messages, Duration visibility) {
    int seconds = Received.visibilitySeconds(visibility);
    return inBatches(
        "change_visibility",
        messages,
        chunk -> {
          List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
          for (int i = 0; i < chunk.size(); i++) {
            entries.add(
                ChangeMessageVisibilityBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(chunk.get(i).receiptHandle())
                    .visibilityTimeout(seconds)
                    .build());
          }
          return sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(entries))
              .failed();
        });
  }

  @Override
  public void deadLetter(Message message, String reason) {
    String lane = message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    if (deadLetterQueueUrl == null) {
      throw new DeadLetterException(
          "no dead-letter queue is configured for queue "
              + queueUrl
              + "; message "
              + message.messageId()
              + " of lane "
              + lane
              + " stays on the work queue");
    }
    Map<String, MessageAttributeValue> attributes = deadLetterAttributes(message, reason);
    try {
      sqs.sendMessage(
          r ->
              r.queueUrl(deadLetterQueueUrl)
                  .messageBody(message.body())
                  .messageGroupId(lane)
                  // A resend after a crash is then dropped by the dead-letter queue's dedup window.
                  .messageDeduplicationId(message.messageId())
                  .messageAttributes(attributes));
    } catch (SdkException e) {
      throw new DeadLetterException(
          "dead-letter queue "
              + deadLetterQueueUrl
              + " did not take message "
              + message.messageId()
              + " of lane "
              + lane
              + " from queue "
              + queueUrl
              + ": "
              + SqsErrors.code(e)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The copy's attributes. Only the reason is cut to keep the copy within the dead-letter queue's
   * size: the body and the other attributes are what an operator needs to redrive the job.
   *
   * @throws DeadLetterException when the copy is too large even with a one-character reason
   */
  private Map<String, MessageAttributeValue> deadLetterAttributes(Message message, String reason) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    // A placeholder keeps the reason first among the attributes; its value is set below.
    attributes.put(REASON_ATTRIBUTE, text(""));
    attributes.put(SOURCE_QUEUE_ATTRIBUTE, text(queueUrl));
    attributes.put(MESSAGE_ID_ATTRIBUTE, text(message.messageId()));
    // Keep the producer's own attributes (the ring, for one) as far as SQS's limit allows.
    for (Map.Entry<String, MessageAttributeValue> e : message.messageAttributes().entrySet()) {
      if (attributes.size() >= MAX_MESSAGE_ATTRIBUTES) {
        log.warn(
            "event=dead_letter_attribute_dropped queue={} messageId={} attribute={}",
            queueUrl,
            message.messageId(),
            e.getKey());
        continue;
      }
      attributes.putIfAbsent(e.getKey(), e.getValue());
    }
    // Everything but the reason's value: the empty placeholder counts its name and data type.
    int fixed = DeadLetterSize.of(message.body(), attributes);
    String fitted =
        DeadLetterSize.fit(truncate(reason), deadLetterMaxBytes - fixed)
            .orElseThrow(
                () ->
                    new DeadLetterException(
                        "dead-letter copy of message "
                            + message.messageId()
                            + " from queue "
                            + queueUrl
                            + " would be "
                            + fixed
                            + " bytes without its reason, no room for one within the"
                            + " dead-letter queue's limit of "
                            + deadLetterMaxBytes
                            + " bytes; it stays on the work queue until the redrive policy"
                            + " moves it"));
    attributes.put(REASON_ATTRIBUTE, text(fitted));
    return attributes;
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static String truncate(String reason) {
    String r = reason == null || reason.isBlank() ? "(no reason given)" : reason;
    return r.length() <= MAX_REASON_CHARS ? r : r.substring(0, MAX_REASON_CHARS - 1) + "…";
  }

  /**
   * Runs {@code call} on chunks of at most {@value #MAX_BATCH_ENTRIES} messages, whose entry ids
   * are the indexes within the chunk, and collects the failures.
   */
  private Map<String, String> inBatches(
      String action,
      List<Message> messages,
      Function<List<Message>, List<BatchResultErrorEntry>> call) {
    Map<String, String> failures = new LinkedHashMap<>();
    for (int from = 0; from < messages.size(); from += MAX_BATCH_ENTRIES) {
      List<Message> chunk =
          messages.subList(from, Math.min(messages.size(), from + MAX_BATCH_ENTRIES));
      Map<String, String> chunkFailures = new HashMap<>();
      try {
        for (BatchResultErrorEntry error : call.apply(chunk)) {
          Message m = chunk.get(Integer.parseInt(error.id()));
          chunkFailures.put(m.messageId(), error.code() + ": " + error.message());
        }
      } catch (SdkException e) {
        String why = SqsErrors.code(e) + ": " + e.getMessage();
        chunk.forEach(m -> chunkFailures.put(m.messageId(), why));
      }
      for (Message m : chunk) {
        String why = chunkFailures.get(m.messageId());
        if (why != null) {
          failures.put(m.messageId(), why);
          log.warn(
              "event=queue_action_failed action={} queue={} lane={} messageId={} error=\"{}\"",
              action,
              queueUrl,
              m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
              m.messageId(),
              why);
        }
      }
    }
    return failures;
  }

  @Override
  public String toString() {
    return "SqsQueueActions[queue=" + queueUrl + ", deadLetterQueue=" + deadLetterQueueUrl + "]";
  }
}
