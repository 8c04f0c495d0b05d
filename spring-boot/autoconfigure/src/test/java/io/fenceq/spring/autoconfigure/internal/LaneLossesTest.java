package io.fenceq.spring.autoconfigure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.EngineMetrics;
import io.fenceq.metrics.Metrics;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaneLossesTest {
  @Test
  void heartbeatFailuresCountWithinTheWindowAndEveryMetricPassesOn() {
    ManualTicker ticker = new ManualTicker();
    LaneLosses losses = new LaneLosses(ticker, Duration.ofMinutes(5));
    List<String> passed = new ArrayList<>();
    Metrics metrics =
        losses.recording(
            new Metrics() {
              @Override
              public void count(String name, long n, Map<String, String> dimensions) {
                passed.add(name + "=" + n);
              }

              @Override
              public void timing(String name, Duration duration, Map<String, String> dimensions) {
                passed.add(name);
              }
            });

    metrics.count(EngineMetrics.HEARTBEAT_FAILURES, 1, Map.of());
    metrics.count(EngineMetrics.JOBS_OK, 4, Map.of());
    ticker.advance(Duration.ofMinutes(3));
    metrics.count(EngineMetrics.HEARTBEAT_FAILURES, 2, Map.of());
    metrics.timing(EngineMetrics.HANDLER_TIME, Duration.ofMillis(5), Map.of());
    assertThat(losses.recent()).isEqualTo(3);

    ticker.advance(Duration.ofMinutes(2).plusNanos(1));
    assertThat(losses.recent()).as("the first loss left the window").isEqualTo(2);
    ticker.advance(Duration.ofMinutes(3));
    assertThat(losses.recent()).isZero();
    assertThat(passed)
        .containsExactly("HeartbeatFailures=1", "JobsOk=4", "HeartbeatFailures=2", "HandlerTime");
  }
}
