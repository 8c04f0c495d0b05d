package io.fenceq.lease;

import io.fenceq.lease.internal.Durations;
import io.fenceq.lease.internal.ExpiryRules;
import io.fenceq.lease.internal.ExpiryRules.AcquireKind;
import io.fenceq.lease.internal.LeaseItem;
import io.fenceq.lease.internal.LeaseTable;
import io.fenceq.lease.internal.Observation;
import io.fenceq.ring.Lane;
import io.fenceq.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Leases with fencing tokens on a DynamoDB table: one item per lane ({@code lane#0042}) or leader
 * name ({@code leader#nightly}). It is the {@link LaneLeases} the engine runs on in production, and
 * the store {@link LeaderElector} elects on. {@link #acquire}, {@link #renew} and {@link #release}
 * are each one conditional {@code UpdateItem}; the conditions are the constants below, and a
 * refused write returns the item it was refused on, so every refusal says who holds the lease and
 * until when.
 *
 * <p>Each grant adds one to the item's {@code fence} in the same write that grants it, so fences of
 * one lease are unique and strictly increasing in grant order. Items are never deleted (release
 * only removes the owner) and the table must not have time to live on their attributes: a deleted
 * item would restart its fence at 1 and let an old holder's fence pass downstream checks.
 *
 * <p>The lease alone buys liveness, not safety: a holder paused past its lease may still act. What
 * makes it safe is that downstream writes carry the fence and storage refuses a fence lower than
 * one it has seen (see {@link io.fenceq.fence}).
 *
 * <p>Thread-safe. One store is one contender's view: in {@link ExpiryMode#OBSERVED} mode it keeps
 * what it has observed of each lease it was refused. The DynamoDB client belongs to the caller.
 */
public final class LeaseStore implements LaneLeases {
  /**
   * Acquire in {@link ExpiryMode#WALL_CLOCK_HINT} mode: grants when nobody holds the lease (never
   * acquired, or released), when the caller already holds it (the grant mints a new fence), or when
   * the holder's expiry hint is before the caller's wall clock. Guarantees that of concurrent
   * acquires at most one wins each grant, and, with the {@code ADD fence :one} of {@link
   * #ACQUIRE_UPDATE} in the same write, that every grant's fence is larger than every earlier
   * grant's. It does not guarantee that the old holder has stopped: a caller whose clock runs fast
   * takes over early, and the old holder's later writes are rejected by their fence.
   */
  public static final String ACQUIRE_CONDITION =
      "attribute_not_exists(#owner) OR #owner = :me OR #expiresAt < :now";

  /**
   * First acquire in {@link ExpiryMode#OBSERVED} mode: grants only when nobody holds the lease or
   * the caller already does. No clock is consulted, so a held lease is never taken on this
   * condition, whatever the clocks say; it also starts the caller's observation of the holder.
   */
  public static final String ACQUIRE_FREE_CONDITION =
      "attribute_not_exists(#owner) OR #owner = :me";

  /**
   * Takeover in {@link ExpiryMode#OBSERVED} mode, sent only after the caller has seen the item's
   * owner, fence and renewals unchanged for the holder's full lease on its own ticker: grants when
   * the lease is free, already the caller's, or still in exactly that observed state. Because
   * renewals only grow, a holder that renewed at any moment since the observation began, even
   * between the caller's decision and this write, fails the condition, so a live holder is never
   * taken over. Guarantees, with the holder stopping at its local deadline and tickers running at
   * the same rate, that two holders never overlap.
   */
  public static final String ACQUIRE_OBSERVED_CONDITION =
      "attribute_not_exists(#owner) OR #owner = :me"
          + " OR (#owner = :seenOwner AND #fence = :seenFence AND #renewals = :seenRenewals)";

  /**
   * The handover term of a lane's acquire ({@link #acquire(String, String, SequenceSpan)}): the
   * holder's grant was made for a lane-batch whose last SQS sequence number is below the first of
   * the caller's. SQS FIFO delivers a message group's later messages only once every earlier one in
   * flight has been deleted, so the holder's whole batch is deleted and it has nothing left to do
   * under the lease: the caller's grant needs no release first. Numbers are stored zero-padded
   * ({@link SequenceSpan#lastKey()}), so the string order is the numbers'. An item without the
   * attribute (a grant that recorded no batch) never matches. Like every grant, a handover mints a
   * larger fence, so a holder that had not in fact stopped is refused downstream.
   */
  public static final String HANDOVER_CONDITION = "#heldThrough < :firstSeq";

  /** {@link #ACQUIRE_CONDITION}, or a handover: a lane's acquire in wall-clock mode. */
  public static final String ACQUIRE_LANE_CONDITION =
      ACQUIRE_CONDITION + " OR " + HANDOVER_CONDITION;

  /** {@link #ACQUIRE_FREE_CONDITION}, or a handover: a lane's first acquire in observed mode. */
  public static final String ACQUIRE_LANE_FREE_CONDITION =
      ACQUIRE_FREE_CONDITION + " OR " + HANDOVER_CONDITION;

  /** {@link #ACQUIRE_OBSERVED_CONDITION}, or a handover: a lane's takeover in observed mode. */
  public static final String ACQUIRE_LANE_OBSERVED_CONDITION =
      ACQUIRE_OBSERVED_CONDITION + " OR " + HANDOVER_CONDITION;

  /**
   * Update of a grant that records no lane-batch: takes ownership, writes the expiry hint and the
   * lease duration (which {@link ExpiryMode#OBSERVED} contenders watch for), starts the renewal
   * count if the item has none and never resets it, removes any lane-batch an earlier grant
   * recorded, so that this grant is never handed over, and mints the fence with {@code ADD}.
   */
  public static final String ACQUIRE_UPDATE =
      "SET #owner = :me, #expiresAt = :expiresAt, #leaseMillis = :leaseMillis,"
          + " #renewals = if_not_exists(#renewals, :zero) REMOVE #heldThrough ADD #fence :one";

  /**
   * Update of a lane's grant for a lane-batch: as {@link #ACQUIRE_UPDATE}, but records the batch's
   * last sequence number, which the lane's next batch is handed over above.
   */
  public static final String ACQUIRE_LANE_UPDATE =
      "SET #owner = :me, #expiresAt = :expiresAt, #leaseMillis = :leaseMillis,"
          + " #renewals = if_not_exists(#renewals, :zero), #heldThrough = :lastSeq"
          + " ADD #fence :one";

  /**
   * Renew: succeeds only while the caller is the owner at the same fence. Guarantees that a holder
   * that was taken over, or released, or replaced by a newer grant to the same owner id learns so
   * at its next renewal, and that a renewal never extends anyone else's lease.
   */
  public static final String RENEW_CONDITION = "#owner = :me AND #fence = :fence";

  /** Update of a renewal: moves the expiry hint and counts the renewal. */
  public static final String RENEW_UPDATE =
      "SET #expiresAt = :expiresAt, #leaseMillis = :leaseMillis ADD #renewals :one";

  /**
   * Release: succeeds only while the caller is the owner at the same fence. Guarantees that a
   * holder can free only its own grant, never the newer grant of whoever took it over.
   */
  public static final String RELEASE_CONDITION = "#owner = :me AND #fence = :fence";

  /**
   * Update of a release: removes the owner so the next acquire is granted at once, and keeps the
   * item and its fence so the next grant's fence is larger.
   */
  public static final String RELEASE_UPDATE = "REMOVE #owner SET #expiresAt = :zero";

  /**
   * Writing or clearing a lane's failure record: succeeds only while the caller is the owner at the
   * same fence. Guarantees that only the current holder counts a job's failures, so a holder that
   * was taken over (a stale fence) can neither add a failure the new holder would dead-letter on,
   * nor wipe the count of one the new holder recorded.
   */
  public static final String FAILURE_CONDITION = "#owner = :me AND #fence = :fence";

  /**
   * Update of a failure record: the failed job's message id, its failure count (counted by the
   * holder from the record its grant read, so no read is needed) and the last failure's reason.
   */
  public static final String FAILURE_UPDATE =
      "SET #failedMessage = :message, #failures = :failures, #failureReason = :reason";

  /** Update clearing a failure record; the lease's own attributes are left alone. */
  public static final String FAILURE_CLEAR_UPDATE =
      "REMOVE #failedMessage, #failures, #failureReason";

  private static final Logger log = LoggerFactory.getLogger(LeaseStore.class);
  private static final int MAX_ID_LENGTH = 512;
  private static final AttributeValue ZERO = AttributeValue.fromN("0");
  private static final AttributeValue ONE = AttributeValue.fromN("1");

  private final LeaseTable table;
  private final LeaseConfig config;
  private final Ticker ticker;
  private final Clock clock;
  private final Map<String, Observation> observations = new ConcurrentHashMap<>();

  private LeaseStore(Builder b) {
    this.table = new LeaseTable(b.dynamoDb, b.table);
    this.config = b.config;
    this.ticker = b.ticker;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The lease id of a lane: {@code lane#0042}; the same as {@link LaneLeases#leaseId}. */
  public static String laneLeaseId(Lane lane) {
    return LaneLeases.leaseId(lane);
  }

  /** The lease id of a leader name: {@code leader#nightly}. */
  public static String leaderLeaseId(String name) {
    requireId(name, "leader name");
    return "leader#" + name;
  }

  public String table() {
    return table.name();
  }

  @Override
  public LeaseConfig config() {
    return config;
  }

  /**
   * Whether {@code lease} is still within its local deadline on this store's ticker. A holder acts
   * under a lease only while this is true; past it, a contender may already hold the lease.
   */
  @Override
  public boolean isValid(Lease lease) {
    return ticker.nanos() - lease.localDeadlineNanos() < 0;
  }

  /** Time left before {@code lease}'s local deadline on this store's ticker; zero once past it. */
  @Override
  public Duration remaining(Lease lease) {
    return Duration.ofNanos(Math.max(0, lease.localDeadlineNanos() - ticker.nanos()));
  }

  /**
   * Tries once to acquire {@code leaseId} for {@code owner}, with this store's lease duration.
   *
   * @return a {@link Lease} with a fence larger than any earlier grant of this lease, or a {@link
   *     LeaseRefusal} naming the holder and when to retry
   * @throws LeaseException if DynamoDB could not be asked
   */
  @Override
  public AcquireResult acquire(String leaseId, String owner) {
    return acquire(leaseId, owner, null, "");
  }

  /**
   * Tries once to acquire a lane's lease for the lane-batch {@code batch} spans: as {@link
   * #acquire(String, String)}, and also on {@link #HANDOVER_CONDITION}; the grant records the
   * batch's last number ({@link #ACQUIRE_LANE_UPDATE}).
   *
   * @return a {@link Lease} with a fence larger than any earlier grant of this lease, or a {@link
   *     LeaseRefusal} naming the holder and when to retry
   * @throws LeaseException if DynamoDB could not be asked
   */
  @Override
  public AcquireResult acquire(String leaseId, String owner, SequenceSpan batch) {
    Objects.requireNonNull(batch, "batch");
    return acquire(leaseId, owner, batch, " for messages " + batch);
  }

  private AcquireResult acquire(String leaseId, String owner, SequenceSpan batch, String forWhat) {
    requireId(leaseId, "lease id");
    requireId(owner, "owner");
    ExpiryMode mode = config.expiryMode();
    long sentNanos = ticker.nanos();
    long nowMillis = clock.millis();
    Observation seen = mode == ExpiryMode.OBSERVED ? observations.get(leaseId) : null;
    AcquireKind kind = ExpiryRules.acquireKind(mode, seen, sentNanos);

    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":me", AttributeValue.fromS(owner));
    values.put(":expiresAt", millis(nowMillis + config.leaseDuration().toMillis()));
    values.put(":leaseMillis", millis(config.leaseDuration().toMillis()));
    values.put(":zero", ZERO);
    values.put(":one", ONE);
    boolean lane = batch != null;
    String condition;
    switch (kind) {
      case FREE_MINE_OR_EXPIRED -> {
        condition = lane ? ACQUIRE_LANE_CONDITION : ACQUIRE_CONDITION;
        values.put(":now", millis(nowMillis));
      }
      case FREE_OR_MINE -> condition = lane ? ACQUIRE_LANE_FREE_CONDITION : ACQUIRE_FREE_CONDITION;
      case FREE_MINE_OR_UNCHANGED -> {
        condition = lane ? ACQUIRE_LANE_OBSERVED_CONDITION : ACQUIRE_OBSERVED_CONDITION;
        values.put(":seenOwner", AttributeValue.fromS(seen.owner()));
        values.put(":seenFence", millis(seen.fence()));
        values.put(":seenRenewals", millis(seen.renewals()));
      }
      default -> throw new IllegalStateException("unknown acquire kind " + kind);
    }
    if (lane) {
      values.put(":firstSeq", AttributeValue.fromS(batch.firstKey()));
      values.put(":lastSeq", AttributeValue.fromS(batch.lastKey()));
    }
    LeaseTable.Outcome outcome =
        table.update(
            leaseId,
            lane ? ACQUIRE_LANE_UPDATE : ACQUIRE_UPDATE,
            condition,
            values,
            "acquire of lease " + leaseId + " by " + owner + forWhat);
    if (!outcome.applied()) {
      return refusal(leaseId, owner, outcome.item(), seen, nowMillis);
    }
    observations.remove(leaseId);
    Lease lease = lease(leaseId, owner, outcome.item(), sentNanos);
    log.debug(
        "event=lease_acquired table={} lease={} owner={} fence={} mode={} takeover={} batch={}",
        table.name(),
        leaseId,
        owner,
        lease.fence(),
        mode,
        kind == AcquireKind.FREE_MINE_OR_UNCHANGED,
        lane ? batch : "-");
    return lease;
  }

  /**
   * Extends {@code lease} by this store's lease duration, if it is still the caller's at its fence.
   *
   * @return the renewed {@link Lease}, or a {@link LeaseLoss} saying to whom and at which fence it
   *     was lost; a loss is final
   * @throws LeaseException if DynamoDB could not be asked; the lease may still be the caller's
   *     until {@link #isValid} turns false
   */
  @Override
  public RenewResult renew(Lease lease) {
    long sentNanos = ticker.nanos();
    long nowMillis = clock.millis();
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":me", AttributeValue.fromS(lease.owner()));
    values.put(":fence", millis(lease.fence()));
    values.put(":expiresAt", millis(nowMillis + config.leaseDuration().toMillis()));
    values.put(":leaseMillis", millis(config.leaseDuration().toMillis()));
    values.put(":one", ONE);
    LeaseTable.Outcome outcome =
        table.update(lease.id(), RENEW_UPDATE, RENEW_CONDITION, values, "renew of " + lease);
    if (!outcome.applied()) {
      LeaseLoss loss = loss("renew", lease, outcome.item());
      log.warn(
          "event=lease_lost table={} lease={} owner={} fence={} heldBy={} currentFence={}",
          table.name(),
          lease.id(),
          lease.owner(),
          lease.fence(),
          loss.heldBy(),
          loss.currentFence());
      return loss;
    }
    return lease(lease.id(), lease.owner(), outcome.item(), sentNanos);
  }

  /**
   * Frees {@code lease} if it is still the caller's at its fence; the item and its fence stay.
   *
   * @return {@link ReleaseResult.Released}, or a {@link LeaseLoss} if someone else holds it now
   *     (then nothing was changed)
   * @throws LeaseException if DynamoDB could not be asked
   */
  @Override
  public ReleaseResult release(Lease lease) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":me", AttributeValue.fromS(lease.owner()));
    values.put(":fence", millis(lease.fence()));
    values.put(":zero", ZERO);
    LeaseTable.Outcome outcome =
        table.update(lease.id(), RELEASE_UPDATE, RELEASE_CONDITION, values, "release of " + lease);
    if (!outcome.applied()) {
      return loss("release", lease, outcome.item());
    }
    log.debug(
        "event=lease_released table={} lease={} owner={} fence={}",
        table.name(),
        lease.id(),
        lease.owner(),
        lease.fence());
    return new ReleaseResult.Released(lease.id(), lease.owner(), lease.fence());
  }

  /**
   * Counts a failure of job {@code messageId} on the lane's lease item, if {@code lease} is still
   * the caller's at its fence: one more than the record {@code lease} carries when that record
   * names the same job, otherwise 1. One conditional write, sent only when a handler failed.
   *
   * @return {@code lease} carrying the record as written, or a {@link LeaseLoss} (nothing written)
   * @throws LeaseException if DynamoDB could not be asked
   */
  @Override
  public RenewResult recordFailure(Lease lease, String messageId, String reason) {
    FailureRecord record =
        lease
            .failure()
            .map(f -> f.next(messageId, reason))
            .orElseGet(() -> new FailureRecord(messageId, 1, reason));
    Map<String, AttributeValue> values = fencedValues(lease);
    values.put(":message", AttributeValue.fromS(record.messageId()));
    values.put(":failures", millis(record.failures()));
    values.put(":reason", AttributeValue.fromS(record.reason()));
    LeaseTable.Outcome outcome =
        table.update(
            lease.id(),
            FAILURE_UPDATE,
            FAILURE_CONDITION,
            values,
            "failure record of message " + messageId + " on " + lease);
    if (!outcome.applied()) {
      return loss("failure record", lease, outcome.item());
    }
    return lease.withFailure(outcome.item().failure());
  }

  /**
   * Removes the lane's failure record, if {@code lease} is still the caller's at its fence.
   *
   * @return {@code lease} without a record, or a {@link LeaseLoss} (nothing changed)
   * @throws LeaseException if DynamoDB could not be asked
   */
  @Override
  public RenewResult clearFailure(Lease lease) {
    LeaseTable.Outcome outcome =
        table.update(
            lease.id(),
            FAILURE_CLEAR_UPDATE,
            FAILURE_CONDITION,
            fencedValues(lease),
            "clearing the failure record on " + lease);
    if (!outcome.applied()) {
      return loss("failure clear", lease, outcome.item());
    }
    return lease.withFailure(null);
  }

  private static Map<String, AttributeValue> fencedValues(Lease lease) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":me", AttributeValue.fromS(lease.owner()));
    values.put(":fence", millis(lease.fence()));
    return values;
  }

  private Lease lease(String leaseId, String owner, LeaseItem item, long sentNanos) {
    return new Lease(
        leaseId,
        owner,
        item.fence(),
        Instant.ofEpochMilli(item.expiresAtMillis()),
        item.renewals(),
        config.leaseDuration(),
        sentNanos + config.leaseDuration().toNanos(),
        item.failure());
  }

  private LeaseRefusal refusal(
      String leaseId, String owner, LeaseItem holder, Observation seen, long nowMillis) {
    if (!holder.held()) {
      // Only an item with an owner fails these conditions; anything else is a bug to report.
      throw new LeaseException(
          "acquire of lease "
              + leaseId
              + " by "
              + owner
              + " in table "
              + table.name()
              + " was refused, but the item returned has no owner: "
              + holder);
    }
    ExpiryMode mode = config.expiryMode();
    long nowNanos = ticker.nanos();
    Observation observed = null;
    if (mode == ExpiryMode.OBSERVED) {
      observed = Observation.next(seen, holder, nowNanos, config.leaseDuration().toNanos());
      observations.put(leaseId, observed);
    }
    long base = ExpiryRules.retryAfterNanos(mode, holder, observed, nowMillis, nowNanos);
    long jitter = config.retryJitter().toNanos();
    Duration retryAfter =
        Duration.ofNanos(base + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter)));
    Instant expiresAt = Instant.ofEpochMilli(holder.expiresAtMillis());
    StringBuilder reason =
        new StringBuilder("lease ")
            .append(leaseId)
            .append(" in table ")
            .append(table.name())
            .append(" is held by ")
            .append(holder.owner())
            .append(" at fence ")
            .append(holder.fence());
    if (mode == ExpiryMode.WALL_CLOCK_HINT) {
      reason
          .append(" until ")
          .append(expiresAt)
          .append(" (its clock; ours reads ")
          .append(Instant.ofEpochMilli(nowMillis))
          .append(')');
    } else {
      reason
          .append(" with ")
          .append(holder.renewals())
          .append(" renewals, observed unchanged for ")
          .append(Durations.formatNanos(nowNanos - observed.sinceNanos()))
          .append(" of its ")
          .append(Durations.formatNanos(observed.windowNanos()))
          .append(" lease");
    }
    reason.append("; retry after ").append(Durations.format(retryAfter));
    log.debug(
        "event=lease_refused table={} lease={} owner={} holder={} holderFence={} retryAfterMs={}",
        table.name(),
        leaseId,
        owner,
        holder.owner(),
        holder.fence(),
        retryAfter.toMillis());
    return new LeaseRefusal(
        leaseId, holder.owner(), holder.fence(), expiresAt, mode, retryAfter, reason.toString());
  }

  private LeaseLoss loss(String action, Lease lease, LeaseItem current) {
    String prefix =
        action
            + " of lease "
            + lease.id()
            + " in table "
            + table.name()
            + " by "
            + lease.owner()
            + " at fence "
            + lease.fence()
            + " refused: ";
    String why;
    if (!current.exists()) {
      why = "the lease item does not exist";
    } else if (!current.held()) {
      why = "the lease was released and is free, now at fence " + current.fence();
    } else if (current.owner().equals(lease.owner())) {
      why =
          "the same owner id acquired it again at fence "
              + current.fence()
              + " (two processes share the owner id "
              + lease.owner()
              + "?)";
    } else {
      why =
          "it is now held by "
              + current.owner()
              + " at fence "
              + current.fence()
              + " until "
              + Instant.ofEpochMilli(current.expiresAtMillis());
    }
    return new LeaseLoss(
        lease.id(),
        lease.owner(),
        lease.fence(),
        current.owner(),
        current.fence(),
        current.exists() ? Instant.ofEpochMilli(current.expiresAtMillis()) : null,
        prefix + why);
  }

  private static AttributeValue millis(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }

  private static void requireId(String id, String what) {
    if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          what
              + " must be 1 to "
              + MAX_ID_LENGTH
              + " characters and not blank, got "
              + (id == null ? "null" : '"' + id + '"'));
    }
  }

  /**
   * Configures a {@link LeaseStore}. {@link #build()} checks the table exists and deletes no lease
   * items by time to live, so a wrong table name fails at start-up, not at the first acquire.
   */
  public static final class Builder {
    private DynamoDbClient dynamoDb;
    private String table;
    private LeaseConfig config = LeaseConfig.defaults();
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private boolean checkTable = true;

    private Builder() {}

    public Builder dynamoDb(DynamoDbClient dynamoDb) {
      this.dynamoDb = dynamoDb;
      return this;
    }

    /** The lease table's name, e.g. the stack's {@code LeaseTableName} output. */
    public Builder table(String table) {
      this.table = table;
      return this;
    }

    public Builder config(LeaseConfig config) {
      this.config = config;
      return this;
    }

    /** Monotonic time for lease validity and observation windows. */
    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /** Wall time for the expiry hints written to, and compared with, lease items. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Whether {@link #build()} checks the table (one {@code DescribeTimeToLive} call; default
     * true). Turn off only where that call is not allowed.
     */
    public Builder checkTable(boolean checkTable) {
      this.checkTable = checkTable;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming a missing setting
     * @throws LeaseException if the table does not exist or has time to live on a lease attribute
     */
    public LeaseStore build() {
      require(dynamoDb != null, "dynamoDb", "null");
      require(table != null && !table.isBlank(), "table", String.valueOf(table));
      require(config != null, "config", "null");
      require(ticker != null, "ticker", "null");
      require(clock != null, "clock", "null");
      LeaseStore store = new LeaseStore(this);
      if (checkTable) {
        store.table.checkNoTimeToLive();
      }
      return store;
    }

    private static void require(boolean ok, String setting, String value) {
      if (!ok) {
        throw new IllegalArgumentException("invalid LeaseStore setting " + setting + ": " + value);
      }
    }
  }
}
