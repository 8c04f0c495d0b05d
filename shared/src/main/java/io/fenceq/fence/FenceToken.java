package io.fenceq.fence;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * What a downstream write carries: the fence of the lease it is made under and the SQS FIFO
 * sequence number of the job that makes it.
 *
 * <p>For a job, the engine's {@code JobContext.fenceToken()} carries the downstream fence: the lane
 * lease's fence with the job's ring epoch in front ({@link DownstreamFence}), equal to the lane
 * lease's fence on a queue that never reshards. So a key's fences keep rising when a reshard moves
 * it to a lane whose lease counter is lower.
 *
 * <p>The sequence number is kept as its decimal text: SQS sequence numbers are 20 and more digits,
 * beyond a Java {@code long}, so they are stored as a DynamoDB Number (exact to 38 digits) or an
 * SQL {@code NUMERIC(38,0)}, and compared as numbers, never as strings and never as longs.
 *
 * @param fence the lease's fence (for a job, its downstream fence), at least 1
 * @param seq the job's {@code SequenceNumber}: 1 to 38 decimal digits
 */
public record FenceToken(long fence, String seq) {
  /** Digits DynamoDB Number and {@code NUMERIC(38,0)} hold exactly. */
  public static final int MAX_SEQ_DIGITS = 38;

  private static final Pattern SEQ = Pattern.compile("[0-9]{1," + MAX_SEQ_DIGITS + "}");

  public FenceToken {
    if (fence < 1) {
      throw new IllegalArgumentException(
          "fence must be at least 1 (fences start at 1), got " + fence);
    }
    if (seq == null || !SEQ.matcher(seq).matches()) {
      throw new IllegalArgumentException(
          "seq must be 1 to "
              + MAX_SEQ_DIGITS
              + " decimal digits (an SQS SequenceNumber), got "
              + (seq == null ? "null" : '"' + seq + '"'));
    }
  }

  /** The sequence number as an exact integer. */
  public BigInteger seqNumber() {
    return new BigInteger(seq);
  }

  /** The sequence number as an exact {@link BigDecimal} with scale 0, for JDBC. */
  public BigDecimal seqDecimal() {
    return new BigDecimal(seqNumber());
  }

  @Override
  public String toString() {
    return "fence=" + fence + " seq=" + seq;
  }
}
