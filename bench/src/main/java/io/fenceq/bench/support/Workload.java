package io.fenceq.bench.support;

import io.fenceq.examples.inventory.Inventory;
import io.fenceq.queue.BatchEnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The inventory workload every benchmark drains: {@code reserve {"qty":1}} jobs on SKUs. */
public final class Workload {
  private Workload() {}

  /**
   * Enqueues {@code jobs} reserve jobs round-robin over {@code skus}, so every lane the SKUs fall
   * in has a backlog.
   *
   * @throws IllegalStateException if any job was not accepted
   */
  public static void enqueue(
      SqsClient sqs, String queueUrl, HashRing ring, List<String> skus, int jobs) {
    Enqueuer enqueuer = Enqueuer.builder().sqs(sqs).queueUrl(queueUrl).ring(ring).build();
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<JobRequest> batch = new ArrayList<>(1000);
    for (int i = 0; i < jobs; i++) {
      batch.add(
          JobRequest.ofJson(skus.get(i % skus.size()), Inventory.RESERVE, "{\"qty\":1}")
              .withJobId(run + "-" + i));
      if (batch.size() == 1000 || i == jobs - 1) {
        BatchEnqueueResult result = enqueuer.enqueueAll(batch);
        if (!result.failed().isEmpty()) {
          throw new IllegalStateException(
              result.failed().size() + " jobs were not enqueued, e.g. " + result.failed().get(0));
        }
        batch.clear();
      }
    }
  }

  /**
   * The reserve without coordination, as a consumer without lease or fence would write it: take one
   * unit if there is one. A refusal (no stock) is a business answer and counts as done.
   */
  public static void plainReserve(DynamoDbClient dynamoDb, String table, String messageBody) {
    String sku = JobEnvelope.parse(messageBody).key();
    try {
      dynamoDb.updateItem(
          r ->
              r.tableName(table)
                  .key(Map.of(Inventory.SKU, AttributeValue.fromS(sku)))
                  .updateExpression("SET #stock = #stock - :one, #reserved = #reserved + :one")
                  .conditionExpression("#stock >= :one")
                  .expressionAttributeNames(Map.of("#stock", "stock", "#reserved", "reserved"))
                  .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
    } catch (ConditionalCheckFailedException e) {
      // out of stock: refused, and done
    }
  }
}
