package io.fenceq.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fenceq.time.ManualClock;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedMetricFormatTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00.123Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StringWriter out = new StringWriter();
  private final EmbeddedMetricFormat emf = new EmbeddedMetricFormat(out, new ManualClock(NOW));

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : out.toString().split(System.lineSeparator())) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  @Test
  void aCountIsOneJsonLineWithTheCloudWatchDirective() throws Exception {
    emf.count("JobsOk", 3, Map.of("type", "reserve", "queue", "work.fifo"));

    assertThat(out.toString()).endsWith(System.lineSeparator()).doesNotContain("\n{");
    JsonNode line = lines().get(0);
    assertThat(line.path("_aws").path("Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
    JsonNode directives = line.path("_aws").path("CloudWatchMetrics");
    assertThat(directives.isArray()).isTrue();
    assertThat(directives).hasSize(1);
    JsonNode directive = directives.get(0);
    assertThat(directive.path("Namespace").asText()).isEqualTo("fenceq");
    assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"queue\",\"type\"]]");
    assertThat(directive.path("Metrics").toString())
        .isEqualTo("[{\"Name\":\"JobsOk\",\"Unit\":\"Count\"}]");
    assertThat(line.path("JobsOk").asLong()).isEqualTo(3);
    assertThat(line.path("queue").asText()).isEqualTo("work.fifo");
    assertThat(line.path("type").asText()).isEqualTo("reserve");
  }

  @Test
  void aTimingIsInMilliseconds() throws Exception {
    emf.timing("HandlerTime", Duration.ofNanos(1_500_000), Map.of("queue", "work.fifo"));

    JsonNode line = lines().get(0);
    assertThat(
            line.path("_aws")
                .path("CloudWatchMetrics")
                .get(0)
                .path("Metrics")
                .get(0)
                .path("Unit")
                .asText())
        .isEqualTo("Milliseconds");
    assertThat(line.path("HandlerTime").asDouble()).isEqualTo(1.5);
  }

  @Test
  void withoutDimensionsTheDimensionSetIsEmptyAndCollidingDimensionsAreLeftOut() throws Exception {
    emf.count("JobsOk", 1, Map.of());
    emf.count("JobsOk", 1, Map.of("JobsOk", "x", "_aws", "y"));

    for (JsonNode line : lines()) {
      assertThat(line.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString())
          .isEqualTo("[[]]");
      assertThat(line.path("JobsOk").asLong()).isEqualTo(1);
    }
  }

  @Test
  void aFailedWriteIsCountedNotThrown() {
    Writer broken =
        new Writer() {
          @Override
          public void write(char[] cbuf, int off, int len) throws java.io.IOException {
            throw new java.io.IOException("disk full");
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    EmbeddedMetricFormat failing = new EmbeddedMetricFormat(broken, new ManualClock(NOW));

    failing.count("JobsOk", 1, Map.of());

    assertThat(failing.failedWrites()).isEqualTo(1);
  }

  @Test
  void refusesABlankNamespace() {
    assertThatThrownBy(() -> new EmbeddedMetricFormat(out, new ManualClock(NOW), " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace");
  }

  @Test
  void theDefaultMetricsDropEverything() {
    Metrics none = Metrics.none();
    none.count("JobsOk", 1, Map.of());
    none.timing("HandlerTime", Duration.ofMillis(1), Map.of());
    assertThat(none).hasToString("Metrics.none()");
  }
}
