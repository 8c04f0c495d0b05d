package io.fenceq.testing.faults;

import io.fenceq.aws.AwsClients;
import io.fenceq.local.LocalAws;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The embedded emulators for the fault tests, and what they need from them. */
final class FaultTestAws {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static LocalAws shared;

  private FaultTestAws() {}

  /**
   * One set of emulators for every fault test of this JVM, started on first use and stopped when
   * the JVM exits: each test works on queues, tables and SKUs of its own.
   */
  static synchronized LocalAws aws() {
    if (shared == null) {
      LocalAws started = LocalAws.builder().start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(started::close, "fenceq-fault-tests-emulators-stop"));
      shared = started;
    }
    return shared;
  }

  /** Both endpoints of {@code aws}, as a client reaches them without faults. */
  static AwsClients.Target target(LocalAws aws) {
    return new AwsClients.Target(
        aws.sqsEndpoint(), aws.dynamoDbEndpoint(), aws.region(), aws.credentialsProvider());
  }

  static String inventoryTable(LocalAws aws) {
    return aws.stack().tableName("InventoryTable");
  }

  /** A FIFO queue of its own for one test. */
  static String newFifoQueue(LocalAws aws, String purpose) {
    return aws.sqsClient()
        .createQueue(
            r ->
                r.queueName(purpose + "-" + NAMES.incrementAndGet() + ".fifo")
                    .attributesWithStrings(Map.of("FifoQueue", "true")))
        .queueUrl();
  }

  static String uniqueSku(String purpose) {
    return purpose + "-" + NAMES.incrementAndGet();
  }

  static Map<String, AttributeValue> skuItem(String sku) {
    return Map.of("sku", AttributeValue.fromS(sku), "stock", AttributeValue.fromN("1"));
  }

  static boolean skuExists(LocalAws aws, String sku) {
    return aws.dynamoDbClient()
        .getItem(
            r ->
                r.tableName(inventoryTable(aws))
                    .key(Map.of("sku", AttributeValue.fromS(sku)))
                    .consistentRead(true))
        .hasItem();
  }

  static int messagesIn(LocalAws aws, String queueUrl) {
    return Integer.parseInt(
        aws.sqsClient()
            .getQueueAttributes(
                r -> r.queueUrl(queueUrl).attributeNamesWithStrings("ApproximateNumberOfMessages"))
            .attributesAsStrings()
            .get("ApproximateNumberOfMessages"));
  }
}
