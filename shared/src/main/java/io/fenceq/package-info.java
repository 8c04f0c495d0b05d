/**
 * fenceq: fenced work queues for AWS. Jobs for one key run one at a time, in order, on a lane of an
 * SQS FIFO queue; the lane's consumer is elected by a DynamoDB lease that mints a fencing token,
 * and the token travels with every downstream write so that a paused or partitioned consumer is
 * rejected.
 */
package io.fenceq;
