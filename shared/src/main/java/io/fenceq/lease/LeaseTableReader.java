package io.fenceq.lease;

import io.fenceq.internal.Require;
import io.fenceq.lease.internal.LeaseItem;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.stats.StatsItems;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Reads the lease table for display: every lane ({@code lane#0042}) and leader ({@code
 * leader#nightly}) lease with its holder, fence, expiry hint and renewals. It never writes; leases
 * are taken and given up through a {@link LeaseStore} only.
 *
 * <pre>{@code
 * for (LeaseSnapshot lease : new LeaseTableReader(dynamoDb, "fenceq-leases").list()) {
 *   System.out.println(lease.id() + " " + (lease.held() ? lease.owner() : "(free)"));
 * }
 * }</pre>
 */
public final class LeaseTableReader {
  private final DynamoDbClient dynamoDb;
  private final String table;

  /**
   * @param dynamoDb a client the caller owns and closes
   * @param table the lease table's name
   */
  public LeaseTableReader(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = Require.notNull(dynamoDb, "LeaseTableReader", "dynamoDb");
    Require.argument(table != null && !table.isBlank(), "LeaseTableReader", "table", table);
    this.table = table;
  }

  public String table() {
    return table;
  }

  /**
   * Every lease item of the table, sorted by id. A consistent scan, which is cheap here: the table
   * holds one small item per lane and leader name.
   *
   * @throws LeaseException if the table does not exist or DynamoDB cannot be read
   */
  public List<LeaseSnapshot> list() {
    List<LeaseSnapshot> leases = new ArrayList<>();
    try {
      for (Map<String, AttributeValue> item :
          dynamoDb.scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
        AttributeValue id = item.get(LeaseItem.ID);
        // Stats items (io.fenceq.stats) and the ring's epoch (io.fenceq.reshard) share the table
        // but are not leases.
        if (id != null
            && id.s() != null
            && !id.s().startsWith(StatsItems.PREFIX)
            && !id.s().equals(RingConfigTable.ID)) {
          leases.add(
              snapshot(id.s(), LeaseItem.from(item), item.containsKey(LeaseItem.HELD_THROUGH)));
        }
      }
    } catch (ResourceNotFoundException e) {
      throw new LeaseException("lease table " + table + " does not exist", e);
    } catch (SdkException e) {
      throw new LeaseException("could not read lease table " + table + ": " + e.getMessage(), e);
    }
    leases.sort(Comparator.comparing(LeaseSnapshot::id));
    return List.copyOf(leases);
  }

  private static LeaseSnapshot snapshot(String id, LeaseItem item, boolean handedOver) {
    return new LeaseSnapshot(
        id,
        item.owner(),
        item.fence(),
        Instant.ofEpochMilli(item.expiresAtMillis()),
        item.renewals(),
        Duration.ofMillis(item.leaseMillis()),
        item.held() && handedOver);
  }
}
