/**
 * {@code fenceq demo}: inventory reservations drained by fenceq workers under crashes, pauses,
 * partitions, clock skew and throttling, then checked for double bookings, order and loss.
 *
 * <p>{@link io.fenceq.local.demo.DemoRunner} runs one demo over a worker fleet: in-process workers
 * or Lambda execution environments, or worker JVMs of their own, with one fault plan for both;
 * {@link io.fenceq.local.demo.Workload} makes the seeded jobs, {@link
 * io.fenceq.local.demo.Producer} enqueues them, {@link io.fenceq.local.demo.Checker} decides S1-S3
 * from the final state of DynamoDB and SQS (and the run's {@link io.fenceq.local.demo.History} when
 * there is one) and {@link io.fenceq.local.demo.DemoReport} prints the verdict. {@code
 * docs/demo.md} explains what is checked and why.
 */
package io.fenceq.local.demo;
