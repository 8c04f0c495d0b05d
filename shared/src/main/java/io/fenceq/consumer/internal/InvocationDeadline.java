package io.fenceq.consumer.internal;

import io.fenceq.engine.BatchOutcome;
import io.fenceq.engine.SubmittedBatch;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for one invocation's batch, and gives up on it when the invocation's lane leases end.
 *
 * <p>Lambda freezes the execution environment once the handler returns, threads and all. A lane
 * thread still running then resumes at the next invocation, possibly minutes later, and would
 * settle its lane after its lease had long ended. So the invocation never returns with a lane
 * unsettled: at the lease's end (the budget's {@link InvocationBudget#leaseDuration()}, counted
 * from the invocation's start, which is before any lane's grant) the batch is {@linkplain
 * SubmittedBatch#abandon abandoned}: finished jobs are deleted while the leases still hold, the
 * rest goes back with visibility 0 and is reported, leases are released, and a thread left running
 * can delete nothing.
 */
public final class InvocationDeadline {
  private InvocationDeadline() {}

  /**
   * Waits for {@code batch}, abandoning it after {@code abandonIn} on {@code timer}.
   *
   * @param backstop the longest wait in all, for settling calls that hang; the caller then reports
   *     every message
   * @throws TimeoutException if the batch was not settled within {@code backstop}
   * @throws ExecutionException if the engine failed (lane runs never fail for a job's failure)
   */
  public static BatchOutcome await(
      SubmittedBatch batch, Duration abandonIn, ScheduledExecutorService timer, Duration backstop)
      throws InterruptedException, ExecutionException, TimeoutException {
    String reason =
        "the invocation's time ran out while the lane still ran; the lane was given up before its"
            + " lease ended, so that no thread outlives the invocation holding it";
    ScheduledFuture<?> giveUp;
    try {
      giveUp =
          timer.schedule(
              () -> batch.abandon(reason), Math.max(0, abandonIn.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The consumer is closing and its timer with it: the backstop below still gives up on it.
      giveUp = null;
    }
    try {
      return batch.outcome().get(Math.max(1, backstop.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | InterruptedException e) {
      // Settle now rather than leave lanes to a frozen environment.
      batch.abandon(reason);
      throw e;
    } finally {
      if (giveUp != null) {
        giveUp.cancel(false);
      }
    }
  }
}
