package io.fenceq.stats;

import io.fenceq.metrics.Metrics;
import java.util.List;
import java.util.Map;

/**
 * Lane starvation: SQS FIFO looks for deliverable messages only within a window of about {@value
 * #FIFO_SCAN_WINDOW} messages at the front of the queue, so a lane (message group) with a backlog
 * that deep can keep the other lanes' messages from being received at all. This tells the lanes
 * whose backlog ({@link LaneStats#backlog()}) comes near it, and reports the deepest backlog as a
 * metric.
 */
public final class LaneBacklogs {
  /** Messages at the front of a FIFO queue that SQS scans for deliverable message groups. */
  public static final long FIFO_SCAN_WINDOW = 120_000;

  /** A lane's backlog from which it is reported as near the scan window: 80 % of it. */
  public static final long WARNING_BACKLOG = FIFO_SCAN_WINDOW * 8 / 10;

  /**
   * Metric (a value per report, read with the Maximum statistic; {@link Metrics} has no gauge): the
   * deepest lane backlog, dimension {@code queue}. Lanes are never dimensions.
   */
  public static final String MAX_LANE_BACKLOG = "MaxLaneBacklog";

  /** Metric: how many lanes have a backlog of at least {@link #WARNING_BACKLOG}. */
  public static final String LANES_NEAR_SCAN_WINDOW = "LanesNearScanWindow";

  private LaneBacklogs() {}

  /** The lanes whose backlog is at least {@link #WARNING_BACKLOG}. */
  public static List<LaneStats> nearScanWindow(StatsSnapshot stats) {
    return stats.lanes().stream().filter(l -> l.backlog() >= WARNING_BACKLOG).toList();
  }

  /** Reports {@link #MAX_LANE_BACKLOG} and {@link #LANES_NEAR_SCAN_WINDOW} for {@code queue}. */
  public static void report(StatsSnapshot stats, String queue, Metrics metrics) {
    long max = stats.lanes().stream().mapToLong(LaneStats::backlog).max().orElse(0);
    Map<String, String> dimensions = Map.of("queue", queue);
    metrics.count(MAX_LANE_BACKLOG, max, dimensions);
    metrics.count(LANES_NEAR_SCAN_WINDOW, nearScanWindow(stats).size(), dimensions);
  }
}
