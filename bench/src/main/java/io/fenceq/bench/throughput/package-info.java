/**
 * {@code bench/run throughput}: one backlog drained by raw consumers, by fenceq workers, by
 * fenceq's Lambda consumer through the local SQS event source and by consumers taking a per-job
 * lock with the DynamoDB Lock Client, in alternated trials ({@link
 * io.fenceq.bench.throughput.ThroughputBench}). The baselines share fenceq's consumer shape ({@link
 * io.fenceq.bench.throughput.GroupPipeline}) so that only the coordination differs.
 */
package io.fenceq.bench.throughput;
