package io.fenceq.queue;

import io.fenceq.ring.Lane;

/**
 * A job of a bulk enqueue that SQS did not accept. It was not enqueued, unless {@code code} says
 * the outcome is unknown, in which case sending it again with the same job id is safe: SQS drops
 * the duplicate within its deduplication window.
 *
 * @param index the job's position in the caller's list
 * @param jobId the deduplication id the job was (or would have been) sent with
 * @param key the job's key
 * @param lane the lane the ring chose for the key
 * @param code SQS's error code, or a fenceq code ({@code NotSent}, {@code OrderHazard}, {@code
 *     Unavailable})
 * @param reason a one-line explanation naming the queue
 */
public record EnqueueFailure(
    int index, String jobId, String key, Lane lane, String code, String reason) {}
