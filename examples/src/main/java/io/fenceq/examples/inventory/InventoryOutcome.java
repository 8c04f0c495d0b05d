package io.fenceq.examples.inventory;

/**
 * What one {@code reserve} or {@code release} job did to its SKU.
 *
 * @param sku the SKU (the job's key)
 * @param type {@link Inventory#RESERVE} or {@link Inventory#RELEASE}
 * @param qty the quantity the job asked for
 * @param jobId the producer's job id
 * @param fence the fence the write carried
 * @param seq the job's SQS sequence number
 * @param result what happened
 */
public record InventoryOutcome(
    String sku, String type, long qty, String jobId, long fence, String seq, Result result) {

  /** The outcomes a job can have; a fenced write is not among them, it throws instead. */
  public enum Result {
    /** The stock moved: a reserve took {@code qty} from stock, a release gave it back. */
    APPLIED,
    /**
     * The job was already applied (a redelivery): nothing changed, and the job is done. Its first
     * run answered {@link #APPLIED} or {@link #REJECTED}.
     */
    DUPLICATE,
    /**
     * A business refusal, recorded on the item: a reserve found less stock than {@code qty}, or a
     * release more than was reserved. Final: the job is done and is not retried.
     */
    REJECTED
  }
}
