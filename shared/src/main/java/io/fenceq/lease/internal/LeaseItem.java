package io.fenceq.lease.internal;

import io.fenceq.lease.FailureRecord;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A lease item as read back from DynamoDB ({@code ALL_NEW} after a grant, {@code ALL_OLD} after a
 * refusal). Missing attributes read as absent: {@code owner} null, numbers 0.
 *
 * @param exists whether DynamoDB returned an item at all
 * @param owner the holder, or null when the lease is free
 * @param fence the last fence minted, 0 if never acquired
 * @param expiresAtMillis the holder's expiry hint in epoch millis, 0 if released or never set
 * @param renewals renewals ever made, by any holder
 * @param leaseMillis the lease duration of the last grant or renewal, 0 if unknown
 * @param failure the lane's failure record, or null when the item has none
 */
public record LeaseItem(
    boolean exists,
    String owner,
    long fence,
    long expiresAtMillis,
    long renewals,
    long leaseMillis,
    FailureRecord failure) {

  /** Partition key: {@code lane#0042}, {@code leader#nightly}. */
  public static final String ID = "id";

  public static final String OWNER = "owner";
  public static final String FENCE = "fence";
  public static final String EXPIRES_AT = "expiresAt";
  public static final String RENEWALS = "renewals";
  public static final String LEASE_MILLIS = "leaseMillis";

  /**
   * The zero-padded last SQS sequence number of the lane-batch the current grant was made for;
   * absent when the grant recorded none. Read only by DynamoDB's handover condition.
   */
  public static final String HELD_THROUGH = "heldThrough";

  /** The failure record's SQS message id of the job that failed. */
  public static final String FAILED_MESSAGE = "failedMessage";

  /** The failure record's count of that job's failures. */
  public static final String FAILURES = "failures";

  /** The failure record's last failure, as the handler's error reads. */
  public static final String FAILURE_REASON = "failureReason";

  /** Every attribute a lease item carries; none of them may be a TTL attribute. */
  public static final List<String> ATTRIBUTES =
      List.of(
          ID,
          OWNER,
          FENCE,
          EXPIRES_AT,
          RENEWALS,
          LEASE_MILLIS,
          HELD_THROUGH,
          FAILED_MESSAGE,
          FAILURES,
          FAILURE_REASON);

  /** An item without a failure record. */
  public LeaseItem(
      boolean exists,
      String owner,
      long fence,
      long expiresAtMillis,
      long renewals,
      long leaseMillis) {
    this(exists, owner, fence, expiresAtMillis, renewals, leaseMillis, null);
  }

  /** Reads an item; {@code null} or empty means the item does not exist. */
  public static LeaseItem from(Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty()) {
      return new LeaseItem(false, null, 0, 0, 0, 0);
    }
    AttributeValue owner = item.get(OWNER);
    return new LeaseItem(
        true,
        owner == null ? null : owner.s(),
        number(item, FENCE),
        number(item, EXPIRES_AT),
        number(item, RENEWALS),
        number(item, LEASE_MILLIS),
        failure(item));
  }

  /** This item with {@code failure} as its record (null for none). */
  public LeaseItem withFailure(FailureRecord failure) {
    return new LeaseItem(exists, owner, fence, expiresAtMillis, renewals, leaseMillis, failure);
  }

  private static FailureRecord failure(Map<String, AttributeValue> item) {
    AttributeValue message = item.get(FAILED_MESSAGE);
    long failures = number(item, FAILURES);
    if (message == null || message.s() == null || message.s().isBlank() || failures < 1) {
      return null;
    }
    AttributeValue reason = item.get(FAILURE_REASON);
    return new FailureRecord(
        message.s(), (int) Math.min(Integer.MAX_VALUE, failures), reason == null ? "" : reason.s());
  }

  public boolean held() {
    return owner != null;
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
  }
}
