package io.fenceq.tests.support;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.fenceq.engine.LaneProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The SQS event Lambda's event source mapping would hand a function for received messages. */
public final class SqsEvents {
  private SqsEvents() {}

  /** An event of {@code messages}, in order, with their system and message attributes. */
  public static SQSEvent of(List<Message> messages) {
    SQSEvent event = new SQSEvent();
    event.setRecords(messages.stream().map(SqsEvents::record).toList());
    return event;
  }

  /**
   * Receives {@code count} messages of {@code queueUrl} hidden for {@code visibility}, with the
   * attributes the engine reads, as an event source mapping would; up to ten receives of a second.
   *
   * @throws AssertionError if fewer arrived
   */
  public static List<Message> receive(
      SqsClient sqs, String queueUrl, int count, Duration visibility) {
    List<Message> all = new ArrayList<>();
    for (int i = 0; i < 10 && all.size() < count; i++) {
      int max = Math.min(10, count - all.size());
      all.addAll(
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(queueUrl)
                          .maxNumberOfMessages(max)
                          .waitTimeSeconds(1)
                          .visibilityTimeout((int) visibility.toSeconds())
                          .messageSystemAttributeNames(LaneProcessor.RECEIVE_SYSTEM_ATTRIBUTES)
                          .messageAttributeNames(LaneProcessor.RECEIVE_MESSAGE_ATTRIBUTES))
              .messages());
    }
    if (all.size() < count) {
      throw new AssertionError(
          "received "
              + all.size()
              + " of "
              + count
              + " messages of "
              + queueUrl
              + " in 10 receives");
    }
    return all;
  }

  private static SQSEvent.SQSMessage record(Message m) {
    SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
    r.setMessageId(m.messageId());
    r.setReceiptHandle(m.receiptHandle());
    r.setBody(m.body());
    r.setEventSource("aws:sqs");
    Map<String, String> attributes = new LinkedHashMap<>();
    m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
    r.setAttributes(attributes);
    Map<String, SQSEvent.MessageAttribute> messageAttributes = new LinkedHashMap<>();
    m.messageAttributes()
        .forEach(
            (k, v) -> {
              SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
              a.setDataType(v.dataType());
              a.setStringValue(v.stringValue());
              a.setStringListValues(List.of());
              a.setBinaryListValues(List.of());
              messageAttributes.put(k, a);
            });
    r.setMessageAttributes(messageAttributes);
    return r;
  }
}
