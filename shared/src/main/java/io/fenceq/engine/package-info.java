/**
 * The processing engine: drains the lanes of the FIFO work queue under fenced leases, the same way
 * for the ECS worker and the Lambda consumer.
 *
 * <p>Users write a {@link io.fenceq.engine.JobHandler} per job type and register them in {@link
 * io.fenceq.engine.JobHandlers}; hosts build a {@link io.fenceq.engine.LaneProcessor} from an
 * {@link io.fenceq.engine.EngineConfig}, the lane leases ({@link io.fenceq.lease.LaneLeases}: a
 * {@link io.fenceq.lease.LeaseStore} on the lease table) and either an SQS client or their own
 * {@link io.fenceq.engine.QueueActions}, and hand it each received batch. The engine uses the
 * leases only through that interface, so its tests run on an in-memory one.
 *
 * <p>A handler that implements {@link io.fenceq.engine.KeyBatchHandler} receives a key's
 * consecutive jobs of a lane-batch in one call and answers a {@link
 * io.fenceq.engine.KeyBatchResult}, so that it can apply them with one fenced write ({@link
 * io.fenceq.fence.DynamoDbFence#updateBatch}).
 *
 * <h2>Choices</h2>
 *
 * <ul>
 *   <li><b>Lease per batch.</b> A lane's lease is acquired when a batch brings the lane and
 *       released when the lane's part of the batch is done. Keeping it for the lane's next messages
 *       would not help: SQS gives them to whichever consumer receives next, which would then find
 *       the lease held and have to wait it out.
 *   <li><b>Settle at the lane's end.</b> Jobs record their outcome while the lane runs; the queue
 *       is told once, at the end: release the lease, then one {@code DeleteMessageBatch} for the
 *       successes and dead-lettered messages, then {@code ChangeMessageVisibilityBatch} for the
 *       rest. A receive holds at most 10 messages, so a lane costs one delete call per batch. The
 *       release comes first so that the lane's next messages, deliverable as soon as these are
 *       deleted, find the lease free. Deleting after the release is safe: no message of the lane is
 *       delivered to anyone while these are in flight, and the decision to delete was taken while
 *       the lease was valid and the lane not lost.
 *   <li><b>A lost lane is left alone.</b> When the heartbeat cannot renew the lease or extend
 *       visibility, or a handler reports {@code FENCED}, the lane's messages are neither deleted
 *       nor given back: another consumer may already have received them, and their receipt handles
 *       may be stale. They come back when their visibility (at most one lease, once the heartbeat
 *       has run) runs out.
 *   <li><b>Permanent errors skip the lane's queue.</b> A malformed envelope, an unknown job type or
 *       a job placed by another ring goes to the dead-letter queue at once, with the reason in the
 *       {@code fenceq.reason} message attribute; it is sent first and deleted after, so the worst
 *       case is a duplicate in the dead-letter queue (whose deduplication id, the original message
 *       id, absorbs a resend within five minutes), never a loss. The lane then goes on.
 *   <li><b>Real attempts.</b> A handler's failure is counted in a failure record on the lane's
 *       lease item ({@link io.fenceq.lease.FailureRecord}), written by the fence holder only on
 *       failure and read back by every grant; a job given back unrun is not counted, although SQS
 *       counts its receive. With a dead-letter queue, the {@link
 *       io.fenceq.engine.EngineConfig#maxAttempts()}-th failure sends the job there with the count
 *       and its error, and the lane goes on.
 *   <li><b>The last delivery.</b> The backstop: with the queue's {@code maxReceiveCount} in the
 *       {@link io.fenceq.engine.EngineConfig} and a dead-letter queue, a job that fails on its last
 *       delivery goes to the dead-letter queue with its error and the lane goes on, instead of the
 *       redrive policy taking it and, with it, the jobs received behind it unrun.
 *   <li><b>Backoff.</b> A failed job and the rest of its lane go back with one visibility, the
 *       failed job's backoff: {@code base * 2^(receiveCount - 1)}, capped, with equal jitter. Jobs
 *       behind it get the same, so the lane resumes in order.
 * </ul>
 *
 * <h2>Hosts</h2>
 *
 * <p>The ECS worker receives with {@link io.fenceq.engine.LaneProcessor#RECEIVE_SYSTEM_ATTRIBUTES}
 * and hands batches to {@link io.fenceq.engine.LaneProcessor#submit}; on SIGTERM it stops receiving
 * and calls {@link io.fenceq.engine.LaneProcessor#shutdown}. The Lambda consumer turns off the
 * heartbeat, submits the event's messages with the invocation's deadline, and reports {@link
 * io.fenceq.engine.BatchOutcome#redeliveredMessageIds()} as {@code batchItemFailures}; the engine
 * has already given those back with their backoff through {@code ChangeMessageVisibility}, and
 * deleted the rest (Lambda's own delete of them is then a no-op).
 */
package io.fenceq.engine;
