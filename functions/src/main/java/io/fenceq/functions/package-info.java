/**
 * fenceq's AWS Lambda handlers, thin over the shared library:
 *
 * <ul>
 *   <li>{@link io.fenceq.functions.EnqueueFunction}: the enqueue API behind an HTTP API ({@code
 *       POST /jobs}, {@code POST /jobs/batch});
 *   <li>{@link io.fenceq.functions.ConsumerFunction}: the SQS consumer, one engine batch per {@code
 *       SQSEvent}, failures reported per lane as {@code batchItemFailures};
 *   <li>{@link io.fenceq.functions.LeaderFunction}: the scheduled cron leader, enqueueing each tick
 *       once under a fenced leader lease.
 * </ul>
 *
 * <p>Each has a no-argument constructor that reads {@link System#getenv()}, as Lambda calls it, and
 * one taking the environment as a map, which reads everything from it, AWS endpoints, region and
 * credentials included, so that tests and in-process runners need not touch the process
 * environment. Each lists the {@code FENCEQ_*} variables it reads in {@code VARIABLES}. Clients are
 * created once per instance; bad configuration fails the constructor with one line naming the
 * variable and its value ({@link io.fenceq.functions.FunctionConfigException}).
 */
package io.fenceq.functions;
