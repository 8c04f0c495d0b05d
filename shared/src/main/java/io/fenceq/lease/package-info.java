/**
 * Leases with fencing tokens on the DynamoDB lease table, and leader election on them.
 *
 * <p>{@link io.fenceq.lease.LaneLeases} is the lease contract the engine depends on; {@link
 * io.fenceq.lease.LeaseStore} implements it on the lease table, granting one holder per lease item
 * and minting a fence with every grant; {@link io.fenceq.lease.LeaderElector} keeps a leadership
 * lease renewed and reports gains and losses; a lane's grant records its lane-batch's SQS sequence
 * numbers ({@link io.fenceq.lease.SequenceSpan}), so that the lane's next batch is handed the lease
 * without a release; it is one {@link io.fenceq.lease.LeaderElection}, the SQS token of {@link
 * io.fenceq.leader} the other. Leases buy liveness only: safety comes from the fence carried by
 * every downstream write ({@link io.fenceq.fence}). The cron a leader runs is in {@link
 * io.fenceq.cron}.
 *
 * <p>{@link io.fenceq.lease.LeaseTableReader} lists the table as {@link
 * io.fenceq.lease.LeaseSnapshot}s for display ({@code fenceq leases}, a console); it never writes.
 */
package io.fenceq.lease;
