package io.fenceq.dlq;

import java.util.List;

/**
 * What a redrive did, or with {@code dryRun} would do.
 *
 * @param dryRun whether nothing was sent or deleted
 * @param redriven the jobs sent back to the work queue (and deleted from the dead-letter queue), in
 *     the order they were sent; in a dry run, the jobs that would be
 * @param refused the keys left in the dead-letter queue because redriving them could reorder them
 * @param failed the jobs whose send or delete failed
 * @param unroutable selected jobs whose body is not a valid envelope: no key, so no lane
 */
public record RedriveReport(
    boolean dryRun,
    List<Redriven> redriven,
    List<RefusedKey> refused,
    List<Failure> failed,
    List<DeadLetter> unroutable) {

  public RedriveReport {
    redriven = List.copyOf(redriven);
    refused = List.copyOf(refused);
    failed = List.copyOf(failed);
    unroutable = List.copyOf(unroutable);
  }

  /** Whether every selected job was redriven (or would be). */
  public boolean complete() {
    return refused.isEmpty() && failed.isEmpty() && unroutable.isEmpty();
  }

  /**
   * A job sent back.
   *
   * @param job the dead-lettered job
   * @param lane the lane it was sent to, by the current ring
   * @param sequenceNumber its sequence number on the work queue; null in a dry run
   */
  public record Redriven(DeadLetter job, String lane, String sequenceNumber) {}

  /**
   * A key not redriven because the work queue may still hold jobs of it.
   *
   * @param key the key
   * @param lane its lane by the current ring
   * @param jobs how many of its jobs stay in the dead-letter queue
   * @param why what was found on the work queue
   */
  public record RefusedKey(String key, String lane, int jobs, String why) {}

  /**
   * A job a redrive failed on. A failed send leaves the job (and its key's later jobs) in the
   * dead-letter queue; a failed delete after a successful send leaves a copy that a later redrive
   * sends again under the same deduplication id.
   *
   * @param job the job
   * @param sent whether it reached the work queue before the failure
   * @param why the error, naming the queue
   */
  public record Failure(DeadLetter job, boolean sent, String why) {}
}
