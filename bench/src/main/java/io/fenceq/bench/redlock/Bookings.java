package io.fenceq.bench.redlock;

import io.fenceq.examples.inventory.Inventory;
import io.fenceq.fence.DynamoDbFence;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The critical section both contenders run: read the SKU's stock, work a little, write the stock
 * minus one and count the sale. A read-modify-write is what a lock is taken for: if two holders
 * overlap on one SKU, one sale is lost from the stock (a double booking) and the SKU can be sold
 * beyond its stock (an oversell).
 */
final class Bookings {
  private Bookings() {}

  static long stock(DynamoDbClient dynamoDb, String table, String sku) {
    Map<String, AttributeValue> item =
        dynamoDb.getItem(r -> r.tableName(table).key(key(sku)).consistentRead(true)).item();
    return Long.parseLong(item.get("stock").n());
  }

  static long sold(DynamoDbClient dynamoDb, String table, String sku) {
    AttributeValue v =
        dynamoDb
            .getItem(r -> r.tableName(table).key(key(sku)).consistentRead(true))
            .item()
            .get("sold");
    return v == null ? 0 : Long.parseLong(v.n());
  }

  /** The highest fence the SKU's item has accepted, or 0: the fenced Redis lock's floor. */
  static long fence(DynamoDbClient dynamoDb, String table, String sku) {
    AttributeValue v =
        dynamoDb
            .getItem(r -> r.tableName(table).key(key(sku)).consistentRead(true))
            .item()
            .get(DynamoDbFence.FENCE_ATTRIBUTE);
    return v == null ? 0 : Long.parseLong(v.n());
  }

  /** Sets the stock the holder computed and counts one sale. */
  static UpdateItemRequest book(String table, String sku, long newStock) {
    return UpdateItemRequest.builder()
        .tableName(table)
        .key(key(sku))
        .updateExpression("SET #stock = :stock ADD #sold :one")
        .expressionAttributeNames(Map.of("#stock", "stock", "#sold", "sold"))
        .expressionAttributeValues(
            Map.of(
                ":stock", AttributeValue.fromN(Long.toString(newStock)),
                ":one", AttributeValue.fromN("1")))
        .build();
  }

  private static Map<String, AttributeValue> key(String sku) {
    return Map.of(Inventory.SKU, AttributeValue.fromS(sku));
  }
}
