package io.fenceq.stats;

/**
 * One lane's counts since the stats began: jobs enqueued to it by producers that publish stats, and
 * applied from it by workers that do.
 *
 * @param lane the lane's index
 * @param enqueued jobs enqueued
 * @param applied jobs applied
 */
public record LaneStats(int lane, long enqueued, long applied) {
  /**
   * Enqueued minus applied, never below zero: the jobs waiting in the lane, as far as every
   * producer and worker publishes (a producer that does not, or a lost write, makes it low; a job
   * applied twice after a crash makes it low too).
   */
  public long backlog() {
    return Math.max(0, enqueued - applied);
  }
}
