package io.fenceq.dlq;

import io.fenceq.aws.AwsErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The messages of a FIFO queue read by receiving them, held in flight for a short visibility while
 * the caller looks at them, and given back with visibility 0 on {@link #close()}, except those the
 * caller deleted.
 *
 * <p>While a message of a group is in flight, SQS delivers no later message of that group. So
 * receiving until a receive comes back empty reads the head of every group (up to the ten one
 * receive can return of a group), never the messages behind it; those become readable once the head
 * is deleted. The read is bounded by a message count and stops early when a receive brings only
 * messages it already holds (a visibility that ran out during a long read).
 */
final class HeldMessages implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeldMessages.class);
  private static final int MAX_BATCH = 10;

  private final SqsClient sqs;
  private final String queueUrl;
  private final Map<String, Message> held;

  private HeldMessages(SqsClient sqs, String queueUrl, Map<String, Message> held) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.held = held;
  }

  /**
   * Receives until a receive of {@code wait} comes back empty or {@code maxMessages} are held.
   *
   * @throws DeadLetterQueueException naming the queue if a receive fails; what was received is
   *     given back first
   */
  static HeldMessages read(
      SqsClient sqs,
      String queueUrl,
      Duration visibility,
      Duration wait,
      int maxMessages,
      Consumer<DeadLetterProgress> progress) {
    Map<String, Message> held = new LinkedHashMap<>();
    HeldMessages result = new HeldMessages(sqs, queueUrl, held);
    try {
      while (held.size() < maxMessages) {
        int ask = Math.min(MAX_BATCH, maxMessages - held.size());
        ReceiveMessageResponse response =
            sqs.receiveMessage(
                r ->
                    r.queueUrl(queueUrl)
                        .maxNumberOfMessages(ask)
                        .visibilityTimeout((int) visibility.toSeconds())
                        .waitTimeSeconds((int) wait.toSeconds())
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All"));
        int fresh = 0;
        for (Message m : response.messages()) {
          // A message seen again (its visibility ran out) replaces its old receipt handle.
          fresh += held.put(m.messageId(), m) == null ? 1 : 0;
        }
        if (fresh == 0) {
          break;
        }
        progress.accept(new DeadLetterProgress("reading", queueUrl, held.size()));
      }
    } catch (SdkException e) {
      result.close();
      throw new DeadLetterQueueException(
          "could not read queue " + queueUrl + ": " + AwsErrors.code(e) + ": " + e.getMessage(), e);
    }
    return result;
  }

  /** The held messages in the order they were received (each group in its order). */
  List<Message> messages() {
    return List.copyOf(held.values());
  }

  /** Deletes one held message; it is then not given back. */
  void delete(Message m) {
    sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
    held.remove(m.messageId());
  }

  /**
   * Gives every message still held back with visibility 0. A message this fails on is only logged:
   * it comes back by itself when its short visibility ends.
   */
  @Override
  public void close() {
    List<Message> rest = new ArrayList<>(held.values());
    held.clear();
    for (int from = 0; from < rest.size(); from += MAX_BATCH) {
      List<Message> chunk = rest.subList(from, Math.min(rest.size(), from + MAX_BATCH));
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < chunk.size(); i++) {
        entries.add(
            ChangeMessageVisibilityBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .receiptHandle(chunk.get(i).receiptHandle())
                .visibilityTimeout(0)
                .build());
      }
      try {
        sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(entries))
            .failed()
            .forEach(
                f ->
                    log.warn(
                        "event=dlq_release_failed queue={} error=\"{}: {}\"",
                        queueUrl,
                        f.code(),
                        f.message()));
      } catch (SdkException e) {
        log.warn(
            "event=dlq_release_failed queue={} messages={} error=\"{}\"",
            queueUrl,
            chunk.size(),
            AwsErrors.code(e));
      }
    }
  }
}
