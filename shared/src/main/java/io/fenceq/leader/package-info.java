/**
 * Leader election by an SQS FIFO token, beside the lease table's {@link
 * io.fenceq.lease.LeaderElector}.
 *
 * <p>{@link io.fenceq.leader.SqsTokenElector} leads while it holds the one token message of its
 * queue in flight, with SQS's visibility timeout as the only timer; {@link
 * io.fenceq.leader.LeaderElections} builds either elector from one setting ({@code
 * FENCEQ_LEADER_ELECTION=dynamodb|sqs-token}). Both implement {@link
 * io.fenceq.lease.LeaderElection} and tell a {@link io.fenceq.lease.LeadershipListener}, so the
 * cron ({@link io.fenceq.cron}) and fenced writes ({@link io.fenceq.fence}) work with either.
 */
package io.fenceq.leader;
