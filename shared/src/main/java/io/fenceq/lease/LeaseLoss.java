package io.fenceq.lease;

import java.time.Instant;

/**
 * A renew or release that was refused because the caller no longer holds the lease at its fence:
 * another owner took it over, it was released, or the same owner id acquired it again elsewhere.
 *
 * @param id the lease item's id
 * @param owner the caller, who believed it held the lease
 * @param fence the fence the caller held
 * @param heldBy the current owner, or {@code null} if nobody holds the lease now
 * @param currentFence the item's current fence (0 if the item does not exist)
 * @param currentExpiresAt the item's current expiry hint, or {@code null} if it has none
 * @param reason a complete sentence naming the lease, the table, the caller's fence and to whom and
 *     at which fence it was lost
 */
public record LeaseLoss(
    String id,
    String owner,
    long fence,
    String heldBy,
    long currentFence,
    Instant currentExpiresAt,
    String reason)
    implements RenewResult, ReleaseResult {

  @Override
  public String toString() {
    return reason;
  }
}
