package io.fenceq.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * What became of one received message in a batch.
 *
 * @param messageId SQS's message id
 * @param lane the message group id (a lane id such as {@code lane-0042}, unless a producer wrote
 *     something else)
 * @param status what became of it
 * @param visibility for {@link Status#RETURNED}, the visibility timeout it was given back with;
 *     {@link Duration#ZERO} otherwise
 * @param reason why, in one sentence; empty for a plain {@link Status#DONE}
 */
public record MessageOutcome(
    String messageId, String lane, Status status, Duration visibility, String reason) {

  public MessageOutcome {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(visibility, "visibility");
    Objects.requireNonNull(reason, "reason");
  }

  /** What the engine did with a message. */
  public enum Status {
    /** Its handler returned and it was deleted (or its delete failed: then the reason says so). */
    DONE,
    /**
     * Given back to the queue with a visibility timeout: its job failed or lies behind a failed job
     * of its lane, the lane's lease is held by another consumer, or the consumer is shutting down.
     */
    RETURNED,
    /**
     * Left alone because the lane was lost (lease taken over or not renewed, visibility not
     * extended): not deleted, not given back; it comes back when its visibility runs out and runs
     * again under the lane's next holder, which the fence and sequence number make safe.
     */
    LOST,
    /** A permanent error: sent to the dead-letter queue with its reason and deleted. */
    DEAD_LETTERED
  }

  /**
   * Whether the message is still on the work queue for another delivery: what a Lambda host reports
   * as a {@code batchItemFailure}.
   */
  public boolean redelivered() {
    return status == Status.RETURNED || status == Status.LOST;
  }
}
