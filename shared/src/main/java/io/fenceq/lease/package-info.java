/**
 * Leases with fencing tokens on the DynamoDB lease table, leader election, and the cron that a
 * leader runs.
 *
 * <p>{@link io.fenceq.lease.LaneLeases} is the lease contract the engine depends on; {@link
 * io.fenceq.lease.LeaseStore} implements it on the lease table, granting one holder per lease item
 * and minting a fence with every grant; {@link io.fenceq.lease.LeaderElector} keeps a leadership
 * lease renewed and reports gains and losses; {@link io.fenceq.lease.CronEnqueuer} turns schedules
 * into jobs whose ids make each tick enqueue once. Leases buy liveness only: safety comes from the
 * fence carried by every downstream write ({@link io.fenceq.fence}).
 */
package io.fenceq.lease;
