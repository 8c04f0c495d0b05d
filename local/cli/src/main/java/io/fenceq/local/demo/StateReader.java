package io.fenceq.local.demo;

import io.fenceq.engine.SqsQueueActions;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.local.demo.FinalState.DeadLetter;
import io.fenceq.local.demo.FinalState.SkuItem;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.MalformedJobException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Reads a run's {@link FinalState} from DynamoDB and SQS. */
final class StateReader {
  /** Long enough that one pass over the dead-letter queue sees each message once. */
  private static final int DLQ_READ_VISIBILITY_SECONDS = 300;

  /** Empty receives in a row after which the dead-letter queue counts as read. */
  private static final int EMPTY_RECEIVES_TO_STOP = 3;

  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final DemoStack stack;

  StateReader(SqsClient sqs, DynamoDbClient dynamoDb, DemoStack stack) {
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.stack = stack;
  }

  FinalState read() {
    return new FinalState(items(), deadLetters(), messagesLeft(), leaseAcquisitions());
  }

  long messagesLeft() {
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(stack.workQueueUrl())
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .attributes();
    return attributes.values().stream().mapToLong(Long::parseLong).sum();
  }

  /** Jobs journalled so far over every SKU: the progress of workers this process cannot see. */
  long journalled() {
    return dynamoDb
        .scanPaginator(
            r ->
                r.tableName(stack.inventoryTable())
                    .consistentRead(true)
                    .projectionExpression("#journal")
                    .expressionAttributeNames(Map.of("#journal", Reservations.JOURNAL)))
        .items()
        .stream()
        .mapToLong(item -> list(item, Reservations.JOURNAL).size())
        .sum();
  }

  /** Whether job {@code n} of {@code sku} is in the SKU's journal. */
  boolean journalled(String sku, int n) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                r ->
                    r.tableName(stack.inventoryTable())
                        .key(Map.of(Inventory.SKU, AttributeValue.fromS(sku)))
                        .consistentRead(true))
            .item();
    return item != null && list(item, Reservations.JOURNAL).contains((long) n);
  }

  /** Messages in the dead-letter queue now, as SQS approximates it. */
  long deadLettersNow() {
    return Long.parseLong(
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(stack.dlqUrl())
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  private Map<String, SkuItem> items() {
    Map<String, SkuItem> items = new HashMap<>();
    dynamoDb
        .scanPaginator(r -> r.tableName(stack.inventoryTable()).consistentRead(true))
        .items()
        .forEach(
            item -> {
              String sku = item.get(Inventory.SKU).s();
              items.put(
                  sku,
                  new SkuItem(
                      sku,
                      number(item, "stock"),
                      number(item, "reserved"),
                      number(item, "rejected"),
                      list(item, Reservations.JOURNAL).stream().map(Long::intValue).toList(),
                      list(item, Reservations.FENCES)));
            });
    return items;
  }

  private List<DeadLetter> deadLetters() {
    List<DeadLetter> letters = new ArrayList<>();
    int empty = 0;
    while (empty < EMPTY_RECEIVES_TO_STOP) {
      List<Message> messages =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(stack.dlqUrl())
                          .maxNumberOfMessages(10)
                          .visibilityTimeout(DLQ_READ_VISIBILITY_SECONDS)
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNames(
                              MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
              .messages();
      empty = messages.isEmpty() ? empty + 1 : 0;
      for (Message m : messages) {
        letters.add(deadLetter(m));
      }
    }
    return letters;
  }

  /** A dead letter as the demo shows it; one SQS moved has no reason, and is labelled so. */
  static DeadLetter deadLetter(Message m) {
    var reason = m.messageAttributes().get(SqsQueueActions.REASON_ATTRIBUTE);
    String why = reason == null ? DeadLetter.redriven(workQueueReceives(m)) : reason.stringValue();
    try {
      JobEnvelope envelope = JobEnvelope.parse(m.body());
      return new DeadLetter(envelope.jobId(), envelope.key(), why);
    } catch (MalformedJobException e) {
      return new DeadLetter("message:" + m.messageId(), "", why);
    }
  }

  /**
   * The receives a redriven message had on the work queue: SQS keeps its receive count when it
   * moves it, and this read of the dead-letter queue counted one more. 0 when unknown.
   */
  private static int workQueueReceives(Message m) {
    String count = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
    try {
      return count == null ? 0 : Math.max(0, Integer.parseInt(count) - 1);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private long leaseAcquisitions() {
    return dynamoDb
        .scanPaginator(r -> r.tableName(stack.leaseTable()).consistentRead(true))
        .items()
        .stream()
        .filter(item -> item.get("id").s().startsWith("lane#"))
        .mapToLong(item -> number(item, "fence"))
        .sum();
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
  }

  private static List<Long> list(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    if (v == null || !v.hasL()) {
      return List.of();
    }
    return v.l().stream().map(e -> Long.parseLong(e.n())).toList();
  }
}
