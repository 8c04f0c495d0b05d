package io.fenceq.queue;

import io.fenceq.ring.Lane;

/**
 * A job SQS accepted.
 *
 * @param jobId the deduplication id the job was sent with
 * @param key the job's key
 * @param lane the lane (message group) the ring chose for the key
 * @param sequenceNumber SQS's sequence number, increasing within the lane and so within the key
 * @param messageId SQS's message id
 */
public record EnqueueResult(
    String jobId, String key, Lane lane, String sequenceNumber, String messageId) {}
