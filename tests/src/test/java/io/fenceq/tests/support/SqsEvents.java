package io.fenceq.tests.support;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
