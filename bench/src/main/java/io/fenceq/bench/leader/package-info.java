/**
 * {@code bench/run leader}: the DynamoDB lease elector and the SQS-token elector side by side,
 * failover after a crash and after a pause, and AWS requests per hour of leadership.
 */
package io.fenceq.bench.leader;
