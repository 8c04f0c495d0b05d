package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoReportTest {
  private static DemoResult result(long takeovers, Map<Fault, Long> faults) {
    CheckResult check = new CheckResult(10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of());
    return new DemoResult(
        check,
        Duration.ofSeconds(60),
        10.0,
        5,
        9,
        4,
        takeovers,
        0,
        0,
        faults,
        Duration.ZERO,
        Duration.ofSeconds(30),
        true);
  }

  @Test
  void takeoversWithoutAnyFaultSayWhereTheyCameFrom() {
    assertThat(DemoReport.takeoverCause(result(25, Map.of())))
        .startsWith(" (no fault injected: leases lapsed while their holders were too slow");
  }

  @Test
  void takeoversUnderFaultsOrNoneAtAllNeedNoExplanation() {
    assertThat(DemoReport.takeoverCause(result(25, Map.of(Fault.values()[0], 1L)))).isEmpty();
    assertThat(DemoReport.takeoverCause(result(0, Map.of()))).isEmpty();
    assertThat(DemoReport.takeoverCause(result(DemoResult.UNAVAILABLE, Map.of()))).isEmpty();
  }
}
