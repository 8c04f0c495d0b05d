package io.fenceq.local.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Turns received messages into the {@link SQSEvent} that Lambda's SQS event source sends: one
 * record per message, in receive order, each with {@code messageId}, {@code receiptHandle}, {@code
 * body}, {@code md5OfBody}, the system {@code attributes} by their SQS names ({@code
 * ApproximateReceiveCount}, {@code SentTimestamp}, {@code SequenceNumber}, {@code MessageGroupId},
 * {@code MessageDeduplicationId}, {@code SenderId}, {@code ApproximateFirstReceiveTimestamp}, ...),
 * the {@code messageAttributes} with {@code stringValue} or {@code binaryValue}, empty value lists
 * and {@code dataType}, {@code eventSource} {@code aws:sqs}, the queue's ARN and its region.
 */
public final class SqsEvents {
  /** The {@code eventSource} of every SQS record. */
  public static final String EVENT_SOURCE = "aws:sqs";

  /** The system attribute naming a FIFO message's group. */
  public static final String MESSAGE_GROUP_ID = "MessageGroupId";

  private SqsEvents() {}

  /**
   * @param queueArn the queue's ARN ({@code arn:aws:sqs:<region>:<account>:<name>}), whose region
   *     becomes every record's {@code awsRegion}
   */
  public static SQSEvent of(List<Message> messages, String queueArn) {
    String region = region(queueArn);
    List<SQSMessage> records = new ArrayList<>(messages.size());
    for (Message message : messages) {
      records.add(record(message, queueArn, region));
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(records);
    return event;
  }

  /** The record's message group, or null for a message of a standard queue. */
  public static String group(SQSMessage record) {
    Map<String, String> attributes = record.getAttributes();
    return attributes == null ? null : attributes.get(MESSAGE_GROUP_ID);
  }

  /**
   * The region part of an SQS queue ARN.
   *
   * @throws IllegalArgumentException if {@code queueArn} is not one
   */
  public static String region(String queueArn) {
    return arnPart(queueArn, 3);
  }

  /**
   * The account part of an SQS queue ARN.
   *
   * @throws IllegalArgumentException if {@code queueArn} is not one
   */
  public static String account(String queueArn) {
    return arnPart(queueArn, 4);
  }

  private static String arnPart(String queueArn, int index) {
    String[] parts = queueArn == null ? new String[0] : queueArn.split(":", -1);
    if (parts.length != 6
        || !parts[0].equals("arn")
        || !parts[2].equals("sqs")
        || parts[3].isEmpty()
        || parts[4].isEmpty()
        || parts[5].isEmpty()) {
      throw new IllegalArgumentException("not an SQS queue ARN: " + queueArn);
    }
    return parts[index];
  }

  private static SQSMessage record(Message message, String queueArn, String region) {
    SQSMessage record = new SQSMessage();
    record.setMessageId(message.messageId());
    record.setReceiptHandle(message.receiptHandle());
    record.setBody(message.body());
    record.setMd5OfBody(message.md5OfBody());
    record.setMd5OfMessageAttributes(message.md5OfMessageAttributes());
    record.setAttributes(new LinkedHashMap<>(message.attributesAsStrings()));
    Map<String, SQSEvent.MessageAttribute> attributes = new LinkedHashMap<>();
    message.messageAttributes().forEach((name, value) -> attributes.put(name, attribute(value)));
    record.setMessageAttributes(attributes);
    record.setEventSource(EVENT_SOURCE);
    record.setEventSourceArn(queueArn);
    record.setAwsRegion(region);
    return record;
  }

  private static SQSEvent.MessageAttribute attribute(MessageAttributeValue value) {
    SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
    attribute.setDataType(value.dataType());
    attribute.setStringValue(value.stringValue());
    attribute.setBinaryValue(value.binaryValue() == null ? null : bytes(value.binaryValue()));
    // Lambda sends both lists, empty, whatever the type: SQS reserves them for future use.
    attribute.setStringListValues(new ArrayList<>(value.stringListValues()));
    attribute.setBinaryListValues(
        new ArrayList<>(value.binaryListValues().stream().map(SqsEvents::bytes).toList()));
    return attribute;
  }

  private static ByteBuffer bytes(SdkBytes bytes) {
    return ByteBuffer.wrap(bytes.asByteArray());
  }
}
