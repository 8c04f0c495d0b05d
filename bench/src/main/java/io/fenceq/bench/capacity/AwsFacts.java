package io.fenceq.bench.capacity;

import java.util.List;

/**
 * The AWS limits and prices the capacity model computes from, each with the documentation page it
 * was taken from and the date it was stated there. The only place such a number lives: change it
 * here when AWS changes it, and {@code bench/run capacity} prints the new table.
 *
 * <p>Prices are us-east-1, on demand, the first volume tier, without the free tier.
 */
public final class AwsFacts {
  /** When the figures below were read from their pages. */
  public static final String STATED = "2026-12-06";

  private static final String SQS_QUOTAS =
      "Amazon SQS Developer Guide, \"Amazon SQS message quotas\"";
  private static final String SQS_BACKLOG =
      "Amazon SQS Developer Guide, \"Avoid large message backlogs with the same message group ID"
          + " in Amazon SQS\"";
  private static final String SQS_PRICING = "Amazon SQS pricing";
  private static final String DDB_WARM =
      "Amazon DynamoDB Developer Guide, \"Understanding DynamoDB warm throughput in different"
          + " scenarios\"";
  private static final String DDB_PRICING = "Amazon DynamoDB pricing, on-demand capacity";
  private static final String EC_PRICING = "Amazon ElastiCache pricing, on-demand nodes";
  private static final String LOCK_CLIENT =
      "DynamoDB Lock Client 1.4.0, AmazonDynamoDBLockClientOptions defaults";

  /** One stated figure. */
  public record Fact(String name, double value, String unit, String source) {}

  /** Messages in one SendMessageBatch, DeleteMessageBatch or ReceiveMessage. */
  public static final Fact BATCH_SIZE = new Fact("messages per batch request", 10, "", SQS_QUOTAS);

  /** Per-queue, per-action TPS of a FIFO queue in high-throughput mode, us-east-1. */
  public static final Fact FIFO_HIGH_THROUGHPUT_TPS =
      new Fact("FIFO high-throughput TPS per API action (us-east-1)", 70_000, "req/s", SQS_QUOTAS);

  /** Per-action TPS of a FIFO queue without high-throughput mode, and of each partition. */
  public static final Fact FIFO_PARTITION_TPS =
      new Fact(
          "FIFO TPS per API action, per partition (whole queue without high throughput)",
          300,
          "req/s",
          SQS_QUOTAS);

  /** In-flight messages of a FIFO queue, and how far it looks for deliverable groups. */
  public static final Fact FIFO_SCAN_WINDOW =
      new Fact(
          "FIFO in-flight limit = messages scanned for available message groups",
          120_000,
          "messages",
          SQS_BACKLOG);

  /** Payload billed as one request. */
  public static final Fact SQS_REQUEST_CHUNK_KIB =
      new Fact("payload billed as one request", 64, "KiB", SQS_PRICING);

  public static final Fact SQS_FIFO_USD_PER_MILLION =
      new Fact("SQS FIFO requests", 0.50, "USD per million", SQS_PRICING);

  public static final Fact SQS_STANDARD_USD_PER_MILLION =
      new Fact("SQS standard requests", 0.40, "USD per million", SQS_PRICING);

  /** Write units per second one DynamoDB partition serves, hence one item at most. */
  public static final Fact DDB_PARTITION_WRITE_UNITS =
      new Fact("DynamoDB write units per second per partition", 1_000, "WCU/s", DDB_WARM);

  /** What a new on-demand table serves at once, before DynamoDB adapts. */
  public static final Fact DDB_NEW_ON_DEMAND_WRITE_UNITS =
      new Fact("DynamoDB new on-demand table warm write throughput", 4_000, "WRU/s", DDB_WARM);

  /** A standard write of an item up to 1 KB. */
  public static final Fact DDB_USD_PER_MILLION_WRITES =
      new Fact("DynamoDB write request units", 0.625, "USD per million", DDB_PRICING);

  /** A strongly consistent read of an item up to 4 KB. */
  public static final Fact DDB_USD_PER_MILLION_READS =
      new Fact("DynamoDB read request units", 0.125, "USD per million", DDB_PRICING);

  /** The Redlock baseline's node: cache.r6g.large, Redis OSS. */
  public static final Fact ELASTICACHE_NODE_USD_PER_HOUR =
      new Fact("ElastiCache cache.r6g.large node (Redis OSS)", 0.206, "USD per hour", EC_PRICING);

  /** How often the DynamoDB Lock Client renews a held lock. */
  public static final Fact LOCK_CLIENT_HEARTBEAT_SECONDS =
      new Fact("Lock Client default heartbeat period", 5, "s", LOCK_CLIENT);

  /** Every fact, in the order the report prints them. */
  public static List<Fact> all() {
    return List.of(
        BATCH_SIZE,
        FIFO_HIGH_THROUGHPUT_TPS,
        FIFO_PARTITION_TPS,
        FIFO_SCAN_WINDOW,
        SQS_REQUEST_CHUNK_KIB,
        SQS_FIFO_USD_PER_MILLION,
        SQS_STANDARD_USD_PER_MILLION,
        DDB_PARTITION_WRITE_UNITS,
        DDB_NEW_ON_DEMAND_WRITE_UNITS,
        DDB_USD_PER_MILLION_WRITES,
        DDB_USD_PER_MILLION_READS,
        ELASTICACHE_NODE_USD_PER_HOUR,
        LOCK_CLIENT_HEARTBEAT_SECONDS);
  }

  private AwsFacts() {}
}
