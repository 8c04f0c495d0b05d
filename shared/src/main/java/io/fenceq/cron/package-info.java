/**
 * Cron on the lease table: scheduled jobs enqueued by whoever leads, each tick exactly once.
 *
 * <p>{@link io.fenceq.cron.Schedule} parses EventBridge-style {@code rate(...)} and {@code
 * cron(...)} expressions; {@link io.fenceq.cron.CronJob} names what a schedule enqueues; {@link
 * io.fenceq.cron.CronEnqueuer} enqueues each due tick with {@code jobId = cron:<name>:<tick>}, so
 * that SQS deduplication, not the leader being alone, makes a tick run once. Leadership itself is
 * {@link io.fenceq.lease.LeaderElector}'s.
 */
package io.fenceq.cron;
