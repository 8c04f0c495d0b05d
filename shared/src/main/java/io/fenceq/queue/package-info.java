/**
 * Enqueueing jobs instead of taking a lock: the producer side of fenceq, and the job's format on
 * the wire.
 *
 * <p>{@link io.fenceq.queue.Enqueuer} sends a {@link io.fenceq.queue.JobRequest} (or a batch of
 * them) to the SQS FIFO work queue, with the lane the ring assigns to its key as message group and
 * its job id as deduplication id; it answers with an {@link io.fenceq.queue.EnqueueResult} or, for
 * a batch, a {@link io.fenceq.queue.BatchEnqueueResult} that names every job not accepted. {@link
 * io.fenceq.queue.JobEnvelope} is the message body producers and consumers of any version share.
 * {@link io.fenceq.queue.JobJson} gives hosts that take jobs as JSON text the same parsing and
 * error texts as {@link io.fenceq.queue.JobRequest#ofJson}.
 *
 * <p>Jobs above the queue's inline threshold travel through S3 ({@link
 * io.fenceq.queue.LargePayloads}), as the SQS Extended Client Library's pointers ({@link
 * io.fenceq.queue.PayloadPointer}).
 *
 * <p>Bad input is refused before anything is sent ({@link io.fenceq.queue.InvalidJobException}); a
 * body no consumer can run is a {@link io.fenceq.queue.MalformedJobException}, which consumers
 * dead-letter.
 */
package io.fenceq.queue;
