package io.fenceq.engine;

import io.fenceq.engine.internal.LaneRun;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A batch handed to {@link LaneProcessor#submitBatch}: its outcome, and the means to give up on it
 * when the host's time runs out (a Lambda invocation whose handler still runs at its lease's end).
 *
 * <p>Thread-safe; {@link #abandon} may race the lanes' own ends, and whichever comes first settles
 * each lane.
 */
public final class SubmittedBatch {
  private final CompletableFuture<BatchOutcome> outcome;
  private final List<LaneRun> runs;

  SubmittedBatch(CompletableFuture<BatchOutcome> outcome, List<LaneRun> runs) {
    this.outcome = outcome;
    this.runs = List.copyOf(runs);
  }

  /**
   * Completes when every message of the batch is settled, with their outcomes in received order;
   * never completes exceptionally for a job's failure. A copy: completing it changes nothing.
   */
  public CompletableFuture<BatchOutcome> outcome() {
    return outcome.copy();
  }

  /**
   * Gives up on every lane of the batch not yet finished, on the calling thread: what their
   * handlers finished while the lane was still held is deleted, the rest goes back with visibility
   * 0 ({@link MessageOutcome.Status#RETURNED}), the lease is released, the lane is marked lost (so
   * its handler's {@link JobContext#checkFence()} throws and no further job of it starts) and its
   * thread is interrupted. A thread that runs on regardless can still write with its fence, which
   * the lane's next holder's fence supersedes, and deletes nothing: the lane is already settled.
   * The settling calls of the lanes given up on are made on the calling thread; {@link #outcome()}
   * completes once they, and those of any lane that was finishing on its own, have returned.
   * Idempotent.
   *
   * @param reason why, in one sentence; it becomes the returned messages' reason
   */
  public void abandon(String reason) {
    for (LaneRun run : runs) {
      run.abandon(reason, false);
    }
  }

  @Override
  public String toString() {
    return "SubmittedBatch[lanes=" + runs.size() + " done=" + outcome.isDone() + "]";
  }
}
