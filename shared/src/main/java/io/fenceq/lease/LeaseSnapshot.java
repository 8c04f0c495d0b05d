package io.fenceq.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One lease item as it was when the table was read: for showing who holds what ({@code fenceq
 * leases}, a console), never for acting under a lease. A holder acts only under the {@link Lease}
 * its own {@link LeaseStore} granted, because only that one carries a local deadline on its ticker;
 * by the time a snapshot is shown, the lease may have changed hands.
 *
 * @param id the lease item's id, e.g. {@code lane#0042} or {@code leader#nightly}
 * @param owner the holder, or null when the lease is free (released or never acquired)
 * @param fence the last fence minted for this item, 0 if it was never acquired
 * @param expiresAt the holder's expiry hint from its own wall clock; {@link Instant#EPOCH} once
 *     released or when never set
 * @param renewals renewals ever made of this item, by any holder
 * @param duration the lease duration of the last grant or renewal, {@link Duration#ZERO} if unknown
 * @param handedOver whether the holder's grant recorded its lane-batch, so that the lane's next
 *     batch is handed the lease without a release: a lane whose last batch was deleted keeps its
 *     holder until then (see {@link LaneLeases#acquire(String, String, SequenceSpan)})
 */
public record LeaseSnapshot(
    String id,
    String owner,
    long fence,
    Instant expiresAt,
    long renewals,
    Duration duration,
    boolean handedOver) {

  public LeaseSnapshot {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(duration, "duration");
  }

  /** A lease whose grant recorded no lane-batch: a leader's, or a free one. */
  public LeaseSnapshot(
      String id, String owner, long fence, Instant expiresAt, long renewals, Duration duration) {
    this(id, owner, fence, expiresAt, renewals, duration, false);
  }

  /** What a lease item says about its lane or leader, for display. */
  public enum State {
    /** Released, or never acquired. */
    FREE,
    /** A holder whose expiry hint has not passed. */
    HELD,
    /**
     * A lane whose holder's expiry hint has passed after a grant that recorded its lane-batch: its
     * last batch was deleted and the lane's next batch is handed the lease, or the holder died and
     * its messages come back to whoever takes the lane over. Nothing waits on it.
     */
    IDLE,
    /**
     * A holder whose expiry hint has passed with neither a release nor a recorded batch: a stuck or
     * dead holder, until a takeover.
     */
    EXPIRED;

    /** The state's name in lower case, as displays show it. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The lease's state at {@code now}, by the holder's expiry hint. */
  public State state(Instant now) {
    if (!held()) {
      return State.FREE;
    }
    if (!expiresIn(now).isNegative()) {
      return State.HELD;
    }
    return handedOver ? State.IDLE : State.EXPIRED;
  }

  /** Whether the item had a holder; a holder whose expiry hint has passed still counts. */
  public boolean held() {
    return owner != null;
  }

  /**
   * How long the holder's expiry hint lies after {@code now}, negative once it has passed; zero
   * when the lease is free. A hint written by another machine's clock, so only as good as the
   * clocks agree.
   */
  public Duration expiresIn(Instant now) {
    return held() ? Duration.between(now, expiresAt) : Duration.ZERO;
  }
}
