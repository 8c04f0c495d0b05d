package io.fenceq.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.metrics.Metrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaneBacklogsTest {
  @Test
  void aLaneNearTheFifoScanWindowIsReportedWithTheDeepestBacklog() {
    StatsSnapshot stats =
        new StatsSnapshot(
            List.of(),
            List.of(
                new LaneStats(1, 200_000, 100_000),
                new LaneStats(2, 95_999, 0),
                new LaneStats(3, 10, 12)));
    Map<String, Long> reported = new HashMap<>();
    LaneBacklogs.report(
        stats,
        "work",
        new Metrics() {
          @Override
          public void count(String name, long n, Map<String, String> dimensions) {
            assertThat(dimensions).isEqualTo(Map.of("queue", "work"));
            reported.put(name, n);
          }

          @Override
          public void timing(String name, Duration duration, Map<String, String> dimensions) {}
        });

    assertThat(LaneBacklogs.nearScanWindow(stats)).extracting(LaneStats::lane).containsExactly(1);
    assertThat(new LaneStats(3, 10, 12).backlog()).isZero();
    assertThat(reported)
        .containsEntry(LaneBacklogs.MAX_LANE_BACKLOG, 100_000L)
        .containsEntry(LaneBacklogs.LANES_NEAR_SCAN_WINDOW, 1L);
  }
}
