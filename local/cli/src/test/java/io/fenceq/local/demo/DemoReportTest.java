package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoReportTest {
  private static DemoResult result(long takeovers, Map<Fault, Long> faults) {
    return result(takeovers, faults, Optional.empty());
  }

  private static DemoResult result(
      long takeovers, Map<Fault, Long> faults, Optional<ReshardFigures> reshard) {
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
        true,
        reshard);
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

  @Test
  void aRunWithoutAReshardPrintsNoReshardFields() {
    DemoResult plain = result(3, Map.of());

    assertThat(plain.reshard()).isEmpty();
    assertThat(plain.resultLine()).doesNotContain("reshard").endsWith("p99_ms=9");
  }

  @Test
  void aReshardAddsItsRowsAndResultFields() {
    DemoResult plain = result(3, Map.of());
    ReshardFigures figures = new ReshardFigures(1, 64, 96, 64, 64, 33, 100, 0.33, 0.334, null);
    DemoResult resharded = result(3, Map.of(), Optional.of(figures));

    assertThat(resharded.resultLine())
        .isEqualTo(
            plain.resultLine()
                + " reshard_epoch=1 reshard_barriers=64/64 reshard_moved=0.330"
                + " reshard_predicted=0.330");
    java.io.StringWriter text = new java.io.StringWriter();
    DemoReport.print(
        DemoOptions.defaults().withReshardTo(96), resharded, new java.io.PrintWriter(text));
    assertThat(text.toString())
        .contains("reshard                                  64 -> 96 lanes, epoch 1")
        .contains("reshard barriers passed                  64/64")
        .contains("keys moved (routed to two lanes)         33/100 (0.330)")
        .contains("ring's predicted fraction                0.330 of the demo's SKUs, 0.334");
  }
}
