package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  private final ManualTicker ticker = new ManualTicker(0);
  private final ProgressLine line = new ProgressLine(10_000, 0, ticker);

  private String after(Duration elapsed, long applied) {
    ticker.advance(elapsed);
    return line.format(applied, applied, "dlq 0", Map.of());
  }

  @Test
  void theEtaFollowsTheRecentRateNotASlowStart() {
    after(Duration.ofSeconds(20), 100); // warming up: 5 jobs/s
    after(Duration.ofSeconds(10), 2_100); // 200 jobs/s
    String text = after(Duration.ofSeconds(10), 4_100);

    // The window holds the last 10 s at 200 jobs/s: 5,900 left take 29 s, not the 96 s the
    // average since the start (4,100 in 40 s) would say.
    assertThat(text).contains("applied 4100/10000 (41%) 200/s eta 29s");
  }

  @Test
  void beforeAnythingIsAppliedTheEtaIsUnknownAndAtTheEndItIsZero() {
    assertThat(after(Duration.ofSeconds(5), 0)).contains("eta ?");
    assertThat(after(Duration.ofSeconds(5), 10_000)).contains("eta 0s");
  }

  @Test
  void theLineShowsEnqueuedDetailAndFaults() {
    String text = line.format(5, 10, "fenced 1 takeovers 2 dlq 0", Map.of(Fault.values()[0], 3L));

    assertThat(text)
        .startsWith("fenceq demo: applied 5/10000 (0%)")
        .contains("| enqueued 10 | fenced 1 takeovers 2 dlq 0 | faults ")
        .endsWith("=3");
  }
}
