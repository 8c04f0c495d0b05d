/**
 * Fenced downstream writes: the check that makes a lease safe. Every write a job makes carries the
 * lease's fence and the job's SQS sequence number; storage applies it only if no newer fence and no
 * later or equal sequence number has been applied to that entity. {@link
 * io.fenceq.fence.DynamoDbFence} does it for a DynamoDB item, {@link
 * io.fenceq.fence.JdbcFencedUpdate} for an SQL row; both answer with a {@link
 * io.fenceq.fence.FenceResult}. A job's fence is its downstream fence ({@link
 * io.fenceq.fence.DownstreamFence}): the lane lease's fence with the job's ring epoch in front, so
 * that it keeps rising for a key a reshard moves to another lane.
 */
package io.fenceq.fence;
