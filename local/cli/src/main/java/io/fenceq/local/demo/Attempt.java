package io.fenceq.local.demo;

/**
 * One run of a reservation handler, as the history records it.
 *
 * @param worker the worker that ran it
 * @param sku the job's key
 * @param jobId the job's id
 * @param n the job's place among its SKU's jobs
 * @param fence the fence it ran under (0 if it never got one)
 * @param seq the job's SQS sequence number
 * @param outcome what became of it
 * @param enqueuedAtMillis the producer's enqueue time, epoch milliseconds
 * @param finishedAtMillis when the run ended, epoch milliseconds by the recorder's clock
 */
public record Attempt(
    String worker,
    String sku,
    String jobId,
    int n,
    long fence,
    String seq,
    Outcome outcome,
    long enqueuedAtMillis,
    long finishedAtMillis) {

  /** What one run of a reservation did. */
  public enum Outcome {
    /** The units were reserved. */
    APPLIED,
    /** Not enough stock: the refusal was recorded, the job is done. */
    REJECTED,
    /** Already applied by an earlier run: nothing changed. */
    DUPLICATE,
    /** Refused because a newer fence had written the SKU: the run's lane was lost. */
    FENCED,
    /** The run failed (lost lane, fault, error); the job is retried. */
    FAILED;

    /** Whether the run's write was accepted, so the job took effect in this run. */
    public boolean accepted() {
      return this == APPLIED || this == REJECTED;
    }
  }
}
