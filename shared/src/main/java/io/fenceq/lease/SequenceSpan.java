package io.fenceq.lease;

import java.util.Collection;
import java.util.Optional;

/**
 * The SQS sequence numbers of the first and last message of the lane-batch a lane lease is granted
 * for. SQS FIFO delivers a message group's later messages only once every earlier message in flight
 * has been deleted (one whose visibility runs out comes back first, at its own, lower, number), so
 * a contender whose batch starts above the holder's last number knows the holder's whole batch was
 * deleted: the lease passes to it without a release ({@link LaneLeases#acquire(String, String,
 * SequenceSpan)}).
 *
 * <p>Sequence numbers are decimal digits (SQS's are 128-bit numbers); {@link #firstKey()} and
 * {@link #lastKey()} are the forms the lease table stores, zero-padded to {@value #KEY_DIGITS}
 * digits so that DynamoDB's string order is the numbers' order.
 *
 * @param first the smallest sequence number of the lane-batch
 * @param last the largest; not below {@code first}
 */
public record SequenceSpan(String first, String last) {
  /** Digits of a stored key: enough for any 128-bit number (39 digits). */
  public static final int KEY_DIGITS = 40;

  /**
   * @throws IllegalArgumentException naming the value, if either is not 1 to {@value #KEY_DIGITS}
   *     decimal digits or {@code last} is below {@code first}
   */
  public SequenceSpan {
    String firstKey = key(first, "first");
    String lastKey = key(last, "last");
    if (lastKey.compareTo(firstKey) < 0) {
      throw new IllegalArgumentException(
          "sequence span's last number " + last + " is below its first " + first);
    }
  }

  /**
   * The span of {@code sequenceNumbers}, in any order; empty when there is none or one is not a
   * sequence number (then a grant records no batch and is released as usual).
   */
  public static Optional<SequenceSpan> of(Collection<String> sequenceNumbers) {
    String first = null;
    String last = null;
    for (String n : sequenceNumbers) {
      if (!isSequenceNumber(n)) {
        return Optional.empty();
      }
      String k = pad(n);
      if (first == null || k.compareTo(pad(first)) < 0) {
        first = n;
      }
      if (last == null || k.compareTo(pad(last)) > 0) {
        last = n;
      }
    }
    return first == null ? Optional.empty() : Optional.of(new SequenceSpan(first, last));
  }

  /** {@link #first()} as the lease table stores and compares it. */
  public String firstKey() {
    return pad(first);
  }

  /** {@link #last()} as the lease table stores and compares it. */
  public String lastKey() {
    return pad(last);
  }

  /** Whether this batch starts after a holder's batch whose last key was {@code heldThroughKey}. */
  public boolean startsAfter(String heldThroughKey) {
    return heldThroughKey != null && heldThroughKey.compareTo(firstKey()) < 0;
  }

  @Override
  public String toString() {
    return first.equals(last) ? first : first + ".." + last;
  }

  private static String key(String n, String which) {
    if (!isSequenceNumber(n)) {
      throw new IllegalArgumentException(
          "sequence span's "
              + which
              + " number must be 1 to "
              + KEY_DIGITS
              + " decimal digits, got "
              + (n == null ? "null" : '"' + n + '"'));
    }
    return pad(n);
  }

  private static boolean isSequenceNumber(String n) {
    if (n == null || n.isEmpty() || n.length() > KEY_DIGITS) {
      return false;
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static String pad(String n) {
    return "0".repeat(KEY_DIGITS - n.length()) + n;
  }
}
