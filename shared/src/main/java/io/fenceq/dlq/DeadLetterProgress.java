package io.fenceq.dlq;

/**
 * How far a long operation has got, for a progress line.
 *
 * @param phase what is being done: {@code reading}, {@code checking}, {@code redriving}, {@code
 *     purging}
 * @param queueUrl the queue it is done on
 * @param done messages done so far in this phase
 */
public record DeadLetterProgress(String phase, String queueUrl, int done) {}
