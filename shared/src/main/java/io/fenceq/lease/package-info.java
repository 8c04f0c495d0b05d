/**
 * Leases with fencing tokens on the DynamoDB lease table, leader election, and the cron that a
 * leader runs.
 *
 * <p>{@link io.fenceq.lease.LeaseStore} grants one holder per lease item and mints a fence with
 * every grant; {@link io.fenceq.lease.LeaderElector} keeps a leadership lease renewed and reports
 * gains and losses; {@link io.fenceq.lease.CronEnqueuer} turns schedules into jobs whose ids make
 * each tick enqueue once. Leases buy liveness only: safety comes from the fence carried by every
 * downstream write ({@link io.fenceq.fence}).
 */
package io.fenceq.lease;
