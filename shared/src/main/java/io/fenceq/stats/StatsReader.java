package io.fenceq.stats;

import io.fenceq.internal.Require;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads the stats items of a lease table ({@link StatsItems}). It never writes. A worker item past
 * its {@link StatsItems#EXPIRES_AT} is left out, whether or not the table's TTL has deleted it yet.
 */
public final class StatsReader {
  private final DynamoDbClient dynamoDb;
  private final String table;

  /**
   * @param dynamoDb a client the caller owns and closes
   * @param table the lease table's name
   */
  public StatsReader(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = Require.notNull(dynamoDb, "StatsReader", "dynamoDb");
    Require.argument(table != null && !table.isBlank(), "StatsReader", "table", table);
    this.table = table;
  }

  /** The stats items as of {@code now} (which decides what has expired). */
  public StatsSnapshot read(Instant now) {
    List<WorkerStats> workers = new ArrayList<>();
    List<LaneStats> lanes = new ArrayList<>();
    for (Map<String, AttributeValue> item :
        dynamoDb
            .scanPaginator(
                r ->
                    r.tableName(table)
                        .consistentRead(true)
                        .filterExpression("begins_with(#id, :prefix)")
                        .expressionAttributeNames(Map.of("#id", "id"))
                        .expressionAttributeValues(
                            Map.of(":prefix", AttributeValue.fromS(StatsItems.PREFIX))))
            .items()) {
      String id = item.get("id").s();
      if (id.startsWith(StatsItems.WORKER_PREFIX)) {
        if (number(item, StatsItems.EXPIRES_AT) * 1000 <= now.toEpochMilli()) {
          continue;
        }
        workers.add(
            new WorkerStats(
                id.substring(StatsItems.WORKER_PREFIX.length()),
                item.containsKey(StatsItems.QUEUE) ? item.get(StatsItems.QUEUE).s() : "",
                number(item, StatsItems.APPLIED),
                number(item, StatsItems.FAILURES),
                number(item, StatsItems.FENCED),
                number(item, StatsItems.LEASE_REFUSALS),
                Instant.ofEpochMilli(number(item, StatsItems.UPDATED_AT))));
      } else if (id.startsWith(StatsItems.LANE_PREFIX)) {
        int lane;
        try {
          lane = Integer.parseInt(id.substring(StatsItems.LANE_PREFIX.length()));
        } catch (NumberFormatException e) {
          continue; // not an item of ours
        }
        lanes.add(
            new LaneStats(
                lane, number(item, StatsItems.ENQUEUED), number(item, StatsItems.APPLIED)));
      }
    }
    workers.sort(Comparator.comparing(WorkerStats::workerId));
    lanes.sort(Comparator.comparingInt(LaneStats::lane));
    return new StatsSnapshot(workers, lanes);
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
  }
}
