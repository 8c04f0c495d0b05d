package io.fenceq.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.testing.FakeDynamoDb;
import io.fenceq.time.ManualClock;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Several contenders, each with its own ticker and its own (possibly skewed) wall clock, sharing
 * one in-memory lease table. {@link #advance} moves everyone's time together, as real time does.
 */
final class LeaseWorld {
  static final String TABLE = "test-leases";
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

  final FakeDynamoDb dynamoDb = new FakeDynamoDb().createTable(TABLE);
  private final List<ManualTicker> tickers = new ArrayList<>();
  private final List<ManualClock> clocks = new ArrayList<>();

  static LeaseConfig wall() {
    return LeaseConfig.builder().retryJitter(Duration.ZERO).build();
  }

  static LeaseConfig observed() {
    return wall().toBuilder().expiryMode(ExpiryMode.OBSERVED).build();
  }

  /** A contender whose wall clock reads {@code skew} ahead of true time (negative: behind). */
  LeaseStore contender(LeaseConfig config, Duration skew) {
    // Tickers of different processes have unrelated origins; only their rates agree.
    ManualTicker ticker = new ManualTicker(7_000_000_000L * (tickers.size() + 1));
    ManualClock clock = new ManualClock(T0.plus(skew));
    tickers.add(ticker);
    clocks.add(clock);
    return LeaseStore.builder()
        .dynamoDb(dynamoDb)
        .table(TABLE)
        .config(config)
        .ticker(ticker)
        .clock(clock)
        .build();
  }

  LeaseStore contender(LeaseConfig config) {
    return contender(config, Duration.ZERO);
  }

  void advance(Duration by) {
    tickers.forEach(t -> t.advance(by));
    clocks.forEach(c -> c.advance(by));
  }

  static Lease granted(AcquireResult result) {
    assertThat(result).isInstanceOf(Lease.class);
    return (Lease) result;
  }

  static LeaseRefusal refused(AcquireResult result) {
    assertThat(result).isInstanceOf(LeaseRefusal.class);
    return (LeaseRefusal) result;
  }

  static Lease renewed(RenewResult result) {
    assertThat(result).isInstanceOf(Lease.class);
    return (Lease) result;
  }

  static LeaseLoss lost(Object result) {
    assertThat(result).isInstanceOf(LeaseLoss.class);
    return (LeaseLoss) result;
  }
}
