package io.fenceq.lease;

/**
 * The failures of one job counted on its lane's lease item: written by the lane's holder only when
 * the job's handler fails, read back by every acquire of the lane for free (the grant's {@code
 * ALL_NEW} item), and cleared when a job of the lane succeeds or is dead-lettered. It counts the
 * times the job actually ran and failed, which SQS's {@code ApproximateReceiveCount} cannot: SQS
 * counts every receive, also the ones that returned a job unrun (its lane held elsewhere, the
 * consumer shutting down, a failing job ahead of it).
 *
 * @param messageId the SQS message id of the job that failed
 * @param failures how many times its handler failed, at least 1
 * @param reason the last failure, as the handler's error reads (shortened to {@link
 *     #MAX_REASON_LENGTH} characters)
 */
public record FailureRecord(String messageId, int failures, String reason) {
  /** Longest reason kept on the lease item; a lease item stays small whatever a handler throws. */
  public static final int MAX_REASON_LENGTH = 1000;

  public FailureRecord {
    if (messageId == null || messageId.isBlank()) {
      throw new IllegalArgumentException("messageId must not be blank, got " + messageId);
    }
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1, got " + failures);
    }
    reason = shorten(reason == null ? "" : reason);
  }

  /** {@code reason} cut to {@link #MAX_REASON_LENGTH} characters, marked when cut. */
  static String shorten(String reason) {
    if (reason.length() <= MAX_REASON_LENGTH) {
      return reason;
    }
    int end = MAX_REASON_LENGTH - 1;
    if (Character.isHighSurrogate(reason.charAt(end - 1))) {
      end--;
    }
    return reason.substring(0, end) + "…";
  }

  /** The record after one more failure of {@code messageId}: counted on if it is this record's. */
  public FailureRecord next(String messageId, String reason) {
    return new FailureRecord(
        messageId, messageId.equals(this.messageId) ? failures + 1 : 1, reason);
  }
}
