package io.fenceq.tests.engine;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What the lease table says about who holds which lane. */
final class LeaseTable {
  private LeaseTable() {}

  /** Lease items that have an owner now: {@code lane#0042 -> owner}. */
  static Map<String, String> held(DynamoDbClient dynamoDb, String table) {
    return heldItems(dynamoDb, table).stream()
        .collect(java.util.stream.Collectors.toMap(i -> i.get("id").s(), i -> i.get("owner").s()));
  }

  /**
   * Lease items that have an owner and no recorded lane-batch, so that nobody is handed them: only
   * a release or the lease running out frees them.
   */
  static Map<String, String> heldNotHandedOver(DynamoDbClient dynamoDb, String table) {
    return heldItems(dynamoDb, table).stream()
        .filter(i -> !i.containsKey("heldThrough"))
        .collect(java.util.stream.Collectors.toMap(i -> i.get("id").s(), i -> i.get("owner").s()));
  }

  private static List<Map<String, AttributeValue>> heldItems(
      DynamoDbClient dynamoDb, String table) {
    return dynamoDb.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().stream()
        .filter(i -> i.containsKey("owner"))
        .toList();
  }
}
