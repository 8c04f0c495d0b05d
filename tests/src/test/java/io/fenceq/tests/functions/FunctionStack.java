package io.fenceq.tests.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.examples.inventory.StockLevel;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A fresh copy of template.yaml on the embedded emulators, with the environment a function gets
 * there and helpers to turn the sample SQS event into one whose messages really are in flight.
 */
final class FunctionStack {
  final TestAws aws = TestAws.get();
  final TestStack stack;
  final Inventory inventory;

  FunctionStack(String purpose, Map<String, String> parameters) {
    this.stack = aws.newStack(purpose, parameters);
    this.inventory = new Inventory(aws.dynamoDb(), stack.inventoryTable());
  }

  /** The environment of a function on this stack: AWS endpoints and every FENCEQ_* variable. */
  Map<String, String> environment() {
    Map<String, String> env = aws.consumerEnvironment(stack);
    env.put(InventoryHandlers.INVENTORY_TABLE, stack.inventoryTable());
    env.put(ConsumerConfig.HANDLER, ConsumerConfig.EXAMPLE_HANDLER);
    env.put(ConsumerConfig.METRICS, "none");
    return env;
  }

  SqsClient sqs() {
    return aws.sqs();
  }

  StockLevel stock(String sku) {
    return inventory.read(sku).orElseThrow();
  }

  /**
   * Sends the records of an SQS event file to the work queue as a producer would (same body, group,
   * deduplication id and attributes), receives them, and returns the event with each record's
   * message id, receipt handle and sequence number replaced by the real ones; everything else stays
   * as the file has it.
   */
  ObjectNode delivered(ObjectNode event) throws InterruptedException {
    ArrayNode records = (ArrayNode) event.get("Records");
    for (JsonNode record : records) {
      JsonNode attributes = record.get("attributes");
      Map<String, MessageAttributeValue> messageAttributes = new LinkedHashMap<>();
      record
          .get("messageAttributes")
          .properties()
          .forEach(
              e ->
                  messageAttributes.put(
                      e.getKey(),
                      MessageAttributeValue.builder()
                          .dataType(e.getValue().get("dataType").asText())
                          .stringValue(e.getValue().get("stringValue").asText())
                          .build()));
      sqs()
          .sendMessage(
              r ->
                  r.queueUrl(stack.workQueueUrl())
                      .messageBody(record.get("body").asText())
                      .messageGroupId(attributes.get("MessageGroupId").asText())
                      .messageDeduplicationId(attributes.get("MessageDeduplicationId").asText())
                      .messageAttributes(messageAttributes));
    }
    Map<String, Message> received = receiveAll(records.size());
    for (JsonNode node : records) {
      ObjectNode record = (ObjectNode) node;
      ObjectNode attributes = (ObjectNode) record.get("attributes");
      Message m = received.get(attributes.get("MessageDeduplicationId").asText());
      record.put("messageId", m.messageId());
      record.put("receiptHandle", m.receiptHandle());
      attributes.put(
          "SequenceNumber", m.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER));
    }
    return event;
  }

  /** Receives {@code count} messages of the work queue, keyed by deduplication id. */
  private Map<String, Message> receiveAll(int count) throws InterruptedException {
    Map<String, Message> byDedupId = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (byDedupId.size() < count) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "received only " + byDedupId.size() + " of " + count + " messages sent");
      }
      for (Message m : receive(1)) {
        byDedupId.put(m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID), m);
      }
    }
    return byDedupId;
  }

  /** One receive of up to 10 messages with every attribute, waiting at most {@code seconds}. */
  List<Message> receive(int seconds) {
    return sqs()
        .receiveMessage(
            r ->
                r.queueUrl(stack.workQueueUrl())
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(seconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All"))
        .messages();
  }

  /** Messages on the work queue: visible, and in flight (received, not deleted). */
  int[] queueDepth() {
    Map<QueueAttributeName, String> a =
        sqs()
            .getQueueAttributes(
                r ->
                    r.queueUrl(stack.workQueueUrl())
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return new int[] {
      Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
      Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
    };
  }
}
