package io.fenceq.engine;

/**
 * The user's code for one job type. Called with the lane's lease held: jobs of one key never run
 * concurrently and run in enqueue order. Every downstream write must carry {@link
 * JobContext#fenceToken()}, through {@link io.fenceq.fence.DynamoDbFence} or {@link
 * io.fenceq.fence.JdbcFencedUpdate}, so that a write from a consumer that lost the lane is
 * rejected.
 *
 * <p>Returning normally marks the job done (it is deleted). Throwing fails it: the job and the rest
 * of its lane go back to the queue with backoff, and after {@link EngineConfig#maxAttempts()}
 * failures the engine moves it to the dead-letter queue with its error. A handler must be
 * idempotent per {@link JobContext#seq()}: the fenced helpers make writes so by answering {@code
 * DUPLICATE}.
 */
@FunctionalInterface
public interface JobHandler {
  void handle(Job job, JobContext context) throws Exception;
}
