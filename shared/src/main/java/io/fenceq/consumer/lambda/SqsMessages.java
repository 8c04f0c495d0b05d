package io.fenceq.consumer.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Turns the records of an {@link SQSEvent} into the SDK's {@link Message}s that the engine reads,
 * keeping everything Lambda passes on: body, ids, receipt handle, the system attributes ({@code
 * MessageGroupId}, {@code SequenceNumber}, {@code ApproximateReceiveCount}, ...) and the message
 * attributes ({@code fenceq.ring} among them). System attributes this SDK does not know are
 * dropped; the engine reads none of them. {@link LambdaConsumer} uses it; a function that hands
 * batches to a {@link io.fenceq.engine.LaneProcessor} of its own can too.
 */
public final class SqsMessages {
  private SqsMessages() {}

  /** The records of {@code event} in their order; an event without records gives none. */
  public static List<Message> of(SQSEvent event) {
    List<SQSEvent.SQSMessage> records = event == null ? null : event.getRecords();
    if (records == null) {
      return List.of();
    }
    List<Message> messages = new ArrayList<>(records.size());
    for (SQSEvent.SQSMessage record : records) {
      messages.add(of(record));
    }
    return messages;
  }

  /** One record as the SDK's message. */
  public static Message of(SQSEvent.SQSMessage record) {
    return Message.builder()
        .messageId(record.getMessageId())
        .receiptHandle(record.getReceiptHandle())
        .body(record.getBody())
        .md5OfBody(record.getMd5OfBody())
        .md5OfMessageAttributes(record.getMd5OfMessageAttributes())
        .attributes(systemAttributes(record.getAttributes()))
        .messageAttributes(messageAttributes(record.getMessageAttributes()))
        .build();
  }

  private static Map<MessageSystemAttributeName, String> systemAttributes(
      Map<String, String> attributes) {
    Map<MessageSystemAttributeName, String> known = new EnumMap<>(MessageSystemAttributeName.class);
    if (attributes == null) {
      return known;
    }
    attributes.forEach(
        (name, value) -> {
          MessageSystemAttributeName key = MessageSystemAttributeName.fromValue(name);
          if (key != null
              && key != MessageSystemAttributeName.UNKNOWN_TO_SDK_VERSION
              && value != null) {
            known.put(key, value);
          }
        });
    return known;
  }

  private static Map<String, MessageAttributeValue> messageAttributes(
      Map<String, SQSEvent.MessageAttribute> attributes) {
    Map<String, MessageAttributeValue> converted = new LinkedHashMap<>();
    if (attributes == null) {
      return converted;
    }
    attributes.forEach(
        (name, a) -> {
          if (a == null) {
            return;
          }
          MessageAttributeValue.Builder b =
              MessageAttributeValue.builder().dataType(a.getDataType());
          if (a.getStringValue() != null) {
            b.stringValue(a.getStringValue());
          }
          if (a.getBinaryValue() != null) {
            b.binaryValue(bytes(a.getBinaryValue()));
          }
          if (a.getStringListValues() != null && !a.getStringListValues().isEmpty()) {
            b.stringListValues(a.getStringListValues());
          }
          if (a.getBinaryListValues() != null && !a.getBinaryListValues().isEmpty()) {
            b.binaryListValues(a.getBinaryListValues().stream().map(SqsMessages::bytes).toList());
          }
          converted.put(name, b.build());
        });
    return converted;
  }

  private static SdkBytes bytes(ByteBuffer buffer) {
    return SdkBytes.fromByteBuffer(buffer.asReadOnlyBuffer());
  }
}
