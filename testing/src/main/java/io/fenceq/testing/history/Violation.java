package io.fenceq.testing.history;

import java.util.Objects;

/**
 * One breach of fenceq's promises found in a recorded history.
 *
 * @param kind what was broken
 * @param key the key of the job
 * @param jobId the offending job's id
 * @param detail what happened, in words, with the runs, fences and other jobs involved
 */
public record Violation(Kind kind, String key, String jobId, String detail) {
  /** What a violation breaks. */
  public enum Kind {
    /** Two runs of one job each had a write accepted: the job took effect twice. */
    APPLIED_TWICE,
    /** A job took effect after a job of its key that was enqueued later. */
    OUT_OF_ORDER,
    /** A write was accepted with a fence below one already accepted for the job's key. */
    STALE_FENCE,
    /** A job neither took effect nor is in the dead-letter queue. */
    LOST,
    /** A job is in the dead-letter queue without the reason it failed. */
    DEAD_WITHOUT_REASON
  }

  public Violation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return kind + " key=" + key + " job=" + jobId + ": " + detail;
  }
}
