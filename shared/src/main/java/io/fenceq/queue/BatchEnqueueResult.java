package io.fenceq.queue;

import java.util.List;

/**
 * Per-job outcome of a bulk enqueue: every job of the input is in exactly one of the two lists,
 * both in input order. Nothing is dropped silently: a job is either accepted or named in {@link
 * #failed()} with its reason.
 */
public record BatchEnqueueResult(List<EnqueueResult> accepted, List<EnqueueFailure> failed) {
  public BatchEnqueueResult {
    accepted = List.copyOf(accepted);
    failed = List.copyOf(failed);
  }

  public boolean allAccepted() {
    return failed.isEmpty();
  }

  /**
   * Throws if any job failed, naming the first failure and the count.
   *
   * @return this, for chaining
   */
  public BatchEnqueueResult requireAllAccepted() {
    if (!failed.isEmpty()) {
      EnqueueFailure first = failed.get(0);
      throw new EnqueueException(
          failed.size()
              + " of "
              + (failed.size() + accepted.size())
              + " jobs were not enqueued; first: job "
              + first.jobId()
              + " key="
              + first.key()
              + " lane="
              + first.lane()
              + " code="
              + first.code()
              + ": "
              + first.reason(),
          null);
    }
    return this;
  }
}
