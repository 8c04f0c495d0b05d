package io.fenceq.lease;

import io.fenceq.testing.FakeDynamoDb;
import io.fenceq.time.Ticker;
import java.time.Clock;

/** {@link LaneLeasesContract} on {@link LeaseStore}, over a table that evaluates its conditions. */
class LeaseStoreContractTest extends LaneLeasesContract {
  private static final String TABLE = "contract-leases";
  private final FakeDynamoDb dynamoDb = new FakeDynamoDb().createTable(TABLE);

  @Override
  LaneLeases contender(Ticker ticker, Clock clock) {
    return LeaseStore.builder()
        .dynamoDb(dynamoDb)
        .table(TABLE)
        .config(CONFIG)
        .ticker(ticker)
        .clock(clock)
        .build();
  }
}
