package io.fenceq.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InvocationBudgetTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  @Test
  void aLongInvocationKeepsFiveSecondsForTheLeaseAndFiveMoreForStarting() {
    InvocationBudget b = InvocationBudget.of(900_000 - 7, NOW);

    assertThat(b.leaseDuration()).isEqualTo(Duration.ofSeconds(894));
    assertThat(b.notAfter()).isEqualTo(NOW.plusSeconds(889));
  }

  @Test
  void aShortInvocationKeepsATenth() {
    InvocationBudget b = InvocationBudget.of(30_000, NOW);

    assertThat(b.leaseDuration()).isEqualTo(Duration.ofSeconds(27));
    assertThat(b.notAfter()).isEqualTo(NOW.plusSeconds(24));
  }

  @ParameterizedTest
  @ValueSource(longs = {2_000, 3_000, 10_000, 29_999, 60_000, 900_000})
  void jobsStopStartingBeforeTheLeaseEndsWhichIsBeforeTheInvocationDoes(long remaining) {
    InvocationBudget b = InvocationBudget.of(remaining, NOW);

    Instant leaseEnd = NOW.plus(b.leaseDuration());
    Instant abandon = NOW.plus(b.abandonAfter());
    assertThat(b.notAfter()).isAfter(NOW).isBefore(abandon);
    // Unfinished lanes are given up while their leases still hold, and before Lambda's cut-off.
    assertThat(abandon).isBefore(leaseEnd);
    assertThat(leaseEnd).isBefore(NOW.plusMillis(remaining));
    assertThat(b.leaseDuration().toMillis() % 1000).isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {-5, 0, 500, 1_000, 1_400})
  void tooLittleTimeStartsNothing(long remaining) {
    assertThat(InvocationBudget.of(remaining, NOW)).isNull();
  }

  @Test
  void invocationsOfOneFunctionShareALease() {
    assertThat(InvocationBudget.of(29_998, NOW).leaseDuration())
        .isEqualTo(InvocationBudget.of(29_950, NOW).leaseDuration());
  }
}
