package io.fenceq.stats;

import java.util.List;

/**
 * The stats items of a lease table at one read.
 *
 * @param workers the workers whose items have not expired, by id
 * @param lanes the lanes with counts, by index
 */
public record StatsSnapshot(List<WorkerStats> workers, List<LaneStats> lanes) {
  public StatsSnapshot {
    workers = List.copyOf(workers);
    lanes = List.copyOf(lanes);
  }
}
