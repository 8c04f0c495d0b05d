package io.fenceq.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.engine.EngineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MicrometerMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerMetrics metrics = MicrometerMetrics.on(registry);
  private final Map<String, String> reserve = Map.of("Queue", "work.fifo", "JobType", "reserve");

  @Test
  void countsAreCountersNamedInDottedLowerCaseAndTaggedWithTheDimensions() {
    metrics.count(EngineMetrics.JOBS_OK, 2, reserve);
    metrics.count(EngineMetrics.JOBS_OK, 3, reserve);
    metrics.count(EngineMetrics.JOBS_OK, 1, Map.of("Queue", "work.fifo", "JobType", "release"));

    Counter ok =
        registry
            .get("fenceq.jobs.ok")
            .tag("Queue", "work.fifo")
            .tag("JobType", "reserve")
            .counter();
    assertThat(ok.count()).isEqualTo(5);
    assertThat(registry.get("fenceq.jobs.ok").counters()).hasSize(2);
  }

  @Test
  void timingsAreTimersWithTheMedianAndThe99thPercentile() {
    for (int ms = 1; ms <= 100; ms++) {
      metrics.timing(EngineMetrics.ENQUEUE_TO_APPLY, Duration.ofMillis(ms), reserve);
    }

    Timer timer = registry.get("fenceq.enqueue.to.apply").tag("JobType", "reserve").timer();
    assertThat(timer.count()).isEqualTo(100);
    assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(100);
    assertThat(timer.takeSnapshot().percentileValues())
        .extracting(ValueAtPercentile::percentile)
        .containsExactly(0.5, 0.99);
  }

  @Test
  void aGaugeFollowsItsSource() {
    AtomicInteger lanes = new AtomicInteger(3);
    metrics.gauge("LanesInFlight", lanes, AtomicInteger::get, Map.of("Queue", "work.fifo"));

    assertThat(registry.get("fenceq.lanes.in.flight").gauge().value()).isEqualTo(3);
    lanes.set(7);
    assertThat(registry.get("fenceq.lanes.in.flight").gauge().value()).isEqualTo(7);
  }

  @Test
  void namesAreThePrefixAndTheMetricInDottedLowerCase() {
    assertThat(metrics.meterName("HeartbeatRetries")).isEqualTo("fenceq.heartbeat.retries");
    assertThat(MicrometerMetrics.on(registry, "orders.fenceq", List.of()).meterName("JobsOk"))
        .isEqualTo("orders.fenceq.jobs.ok");
  }

  @Test
  void aRegistryThatRefusesMetersCostsTheMetricNeverTheJob() {
    SimpleMeterRegistry refusing = new SimpleMeterRegistry();
    refusing
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                throw new IllegalStateException("registry closed");
              }
            });
    MicrometerMetrics broken = MicrometerMetrics.on(refusing);

    assertThatCode(() -> broken.count(EngineMetrics.JOBS_OK, 1, reserve))
        .doesNotThrowAnyException();
    assertThatCode(() -> broken.timing(EngineMetrics.HANDLER_TIME, Duration.ofMillis(3), reserve))
        .doesNotThrowAnyException();
  }

  @Test
  void badSettingsAreRefusedNamingThem() {
    assertThatThrownBy(() -> MicrometerMetrics.on(registry, "fenceq.", List.of()))
        .hasMessage("prefix must not be blank or end with a dot, got \"fenceq.\"");
    assertThatThrownBy(() -> MicrometerMetrics.on(registry, "fenceq", List.of(0.5, 1.0)))
        .hasMessage("percentiles must be above 0 and below 1, got [0.5, 1.0]");
  }
}
