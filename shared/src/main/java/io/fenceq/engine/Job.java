package io.fenceq.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One job as a handler sees it: the envelope the producer wrote, and what SQS says of the message.
 *
 * @param key the key the job serializes on
 * @param type the job type, which chose the handler
 * @param payload the producer's JSON payload
 * @param jobId the producer's job id (the SQS deduplication id)
 * @param enqueuedAt when the producer enqueued it, by the producer's clock
 * @param messageId SQS's message id
 * @param seq the SQS FIFO sequence number: increasing within the lane, so within the key
 * @param attempt which delivery this is, from SQS's {@code ApproximateReceiveCount} (1 = first)
 */
public record Job(
    String key,
    String type,
    JsonNode payload,
    String jobId,
    Instant enqueuedAt,
    String messageId,
    String seq,
    int attempt) {}
