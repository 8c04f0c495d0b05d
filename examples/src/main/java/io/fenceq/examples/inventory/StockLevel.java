package io.fenceq.examples.inventory;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One SKU's item as read from the inventory table.
 *
 * @param sku the SKU
 * @param stock units available to reserve
 * @param reserved units reserved and not released
 * @param rejected reserve and release jobs refused so far
 * @param fence the fence of the last write, 0 if none was fenced yet
 * @param seq the sequence number of the last job applied, {@code null} if none yet
 */
public record StockLevel(
    String sku, long stock, long reserved, long rejected, long fence, String seq) {

  static StockLevel of(Map<String, AttributeValue> item) {
    return new StockLevel(
        item.get(Inventory.SKU).s(),
        number(item, "stock"),
        number(item, "reserved"),
        number(item, "rejected"),
        number(item, "fence"),
        item.containsKey("seq") ? item.get("seq").n() : null);
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
  }
}
