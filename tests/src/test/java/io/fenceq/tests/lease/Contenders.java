package io.fenceq.tests.lease;

import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseStore;
import io.fenceq.time.ManualClock;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Contenders for leases on a real lease table, each with its own manual ticker and its own
 * (possibly skewed) manual wall clock. {@link #advance} moves everyone's time together.
 */
final class Contenders {
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final Instant start;
  private final List<ManualTicker> tickers = new ArrayList<>();
  private final List<ManualClock> clocks = new ArrayList<>();

  Contenders(DynamoDbClient dynamoDb, String table) {
    this(dynamoDb, table, T0);
  }

  /** Contenders whose unskewed clocks start at {@code start}. */
  Contenders(DynamoDbClient dynamoDb, String table, Instant start) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.start = start;
  }

  static LeaseConfig config(ExpiryMode mode) {
    return LeaseConfig.builder().expiryMode(mode).retryJitter(Duration.ZERO).build();
  }

  LeaseStore contender(LeaseConfig config, Duration skew) {
    ManualTicker ticker = new ManualTicker(5_000_000_000L * (tickers.size() + 1));
    ManualClock clock = new ManualClock(start.plus(skew));
    tickers.add(ticker);
    clocks.add(clock);
    return LeaseStore.builder()
        .dynamoDb(dynamoDb)
        .table(table)
        .config(config)
        .ticker(ticker)
        .clock(clock)
        .build();
  }

  LeaseStore contender(ExpiryMode mode) {
    return contender(config(mode), Duration.ZERO);
  }

  ManualClock clockOf(int index) {
    return clocks.get(index);
  }

  int size() {
    return clocks.size();
  }

  void advance(Duration by) {
    tickers.forEach(t -> t.advance(by));
    clocks.forEach(c -> c.advance(by));
  }
}
