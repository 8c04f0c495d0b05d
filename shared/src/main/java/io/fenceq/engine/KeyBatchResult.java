package io.fenceq.engine;

/**
 * What a {@link KeyBatchHandler} did with its jobs: all done, or the first {@link #done()} done and
 * the next one failed with {@link #failure()}.
 *
 * @param done how many jobs, from the first, took effect (or were found already applied); the
 *     engine caps it at the batch's size when {@link #failure()} is null
 * @param failure why job {@code done} failed, or null when every job is done
 */
public record KeyBatchResult(int done, Throwable failure) {
  private static final KeyBatchResult ALL = new KeyBatchResult(Integer.MAX_VALUE, null);

  public KeyBatchResult {
    if (done < 0) {
      throw new IllegalArgumentException("done must not be negative, got " + done);
    }
  }

  /** Every job of the batch is done. */
  public static KeyBatchResult allDone() {
    return ALL;
  }

  /**
   * Jobs {@code 0} to {@code index - 1} are done and job {@code index} failed with {@code failure};
   * the jobs after it did not run.
   */
  public static KeyBatchResult failedAt(int index, Throwable failure) {
    if (failure == null) {
      throw new IllegalArgumentException("failedAt needs the failure of job " + index);
    }
    return new KeyBatchResult(index, failure);
  }
}
