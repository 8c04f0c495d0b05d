/**
 * Throughput statistics in the lease table, for the console: {@link io.fenceq.stats.StatsPublisher}
 * counts what a worker applies, fails, has fenced and is refused, and what a producer enqueues, and
 * writes it every few seconds from a background thread, never per job; {@link
 * io.fenceq.stats.StatsReader} reads it back. {@link io.fenceq.stats.StatsItems} names the items
 * and attributes.
 */
package io.fenceq.stats;
