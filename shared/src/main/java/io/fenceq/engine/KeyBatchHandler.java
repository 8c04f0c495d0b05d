package io.fenceq.engine;

import java.util.List;

/**
 * A handler that takes a key's consecutive jobs of one lane-batch in one call, so that it can apply
 * them with one fenced write instead of one write per job (see {@link
 * io.fenceq.fence.DynamoDbFence#updateBatch}).
 *
 * <p>The engine hands it the longest run of consecutive messages of the lane-batch (at most 10, an
 * SQS receive's size) that share one key and whose job types are all registered with this same
 * handler instance, in enqueue order. A job that has used up its attempts, or that the engine must
 * refuse (malformed, foreign ring), ends the run and is dealt with on its own. Everything {@link
 * JobHandler} promises holds per job: jobs of one key never run concurrently and run in order.
 *
 * <p>The {@code context} is the run's: its {@link JobContext#seq()} and {@link
 * JobContext#fenceToken()} are the <em>last</em> job's, the sequence number a coalesced write
 * records; each job's own is {@link Job#seq()}. The job time limit covers the whole call.
 *
 * <p>It answers with a {@link KeyBatchResult}: all jobs done, or the first {@code n} done and job
 * {@code n} failed, which fails that job as a {@link JobHandler} throwing would (retry with
 * backoff, dead letter after {@link EngineConfig#maxAttempts()}), and gives the jobs behind it
 * back. A handler must never report as done a job whose write did not take effect: a partly applied
 * write is reported as the jobs it applied. Throwing fails the first job, so the handler must only
 * throw when none of the jobs took effect, or when the fenced helpers make re-running them safe
 * (they answer {@code DUPLICATE}).
 *
 * <p>Called for a single job too, through {@link #handle}.
 */
@FunctionalInterface
public interface KeyBatchHandler extends JobHandler {
  /**
   * Runs {@code jobs}, 1 to 10 consecutive jobs of one key, in order.
   *
   * @return which of them are done, and the failure of the first that is not
   */
  KeyBatchResult handleBatch(List<Job> jobs, JobContext context) throws Exception;

  /** Runs one job as a batch of one; a failure is thrown. */
  @Override
  default void handle(Job job, JobContext context) throws Exception {
    KeyBatchResult result = handleBatch(List.of(job), context);
    if (result == null) {
      throw new IllegalStateException(
          "the handler of job type " + job.type() + " returned no KeyBatchResult");
    }
    if (result.failure() != null) {
      if (result.failure() instanceof Exception e) {
        throw e;
      }
      throw (Error) result.failure();
    }
  }
}
