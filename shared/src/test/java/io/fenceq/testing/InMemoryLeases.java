package io.fenceq.testing;

import io.fenceq.lease.AcquireResult;
import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.FailureRecord;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseException;
import io.fenceq.lease.LeaseLoss;
import io.fenceq.lease.LeaseRefusal;
import io.fenceq.lease.ReleaseResult;
import io.fenceq.lease.RenewResult;
import io.fenceq.lease.SequenceSpan;
import io.fenceq.lease.internal.Durations;
import io.fenceq.lease.internal.ExpiryRules;
import io.fenceq.lease.internal.LeaseItem;
import io.fenceq.time.Ticker;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Lane leases in memory, for tests of what runs on them: the {@link LaneLeases} contract kept in a
 * map instead of the DynamoDB lease table. Contenders made with {@link #contender} share the map,
 * each with its own ticker and clock, as processes share the lease table.
 *
 * <p>It decides as {@link io.fenceq.lease.LeaseStore} does in {@link ExpiryMode#WALL_CLOCK_HINT}
 * mode ({@code LaneLeasesContract} runs the same checks on both): a grant mints the next fence of
 * its id, which never restarts; a held lease is granted only to its owner, or to anyone once its
 * expiry hint is before the contender's clock; a refusal or a loss names the holder, its fence and
 * its expiry, or, for a lane-batch, to a contender whose batch starts above the one the holder's
 * grant recorded (a handover); renew and release succeed only for the owner at its fence, and a
 * release keeps the fence; the failure record is written and cleared only by the owner at its
 * fence, and every grant, renewal and release keeps it. Like the SDK, it fails a call made on an
 * interrupted thread without sending it. {@link ExpiryMode#OBSERVED} is refused rather than
 * imitated: test it on {@code LeaseStore}.
 *
 * <p>Thread-safe: every call is decided under one lock of the shared map.
 */
public final class InMemoryLeases implements LaneLeases {
  /** The writes a contender sends, as {@link #writes(Write)} counts them. */
  public enum Write {
    ACQUIRE,
    RENEW,
    RELEASE,
    /** A failure record written or cleared. */
    FAILURE
  }

  private static final String TABLE = "in-memory";
  private static final int MAX_ID_LENGTH = 512;

  /** What contenders share: the items and what was sent to them. */
  private static final class Table {
    final Map<String, LeaseItem> items = new HashMap<>();
    // The last sequence key of the lane-batch each current grant was made for, if it recorded one.
    final Map<String, String> heldThrough = new HashMap<>();
    final Map<Write, Integer> writes = new EnumMap<>(Write.class);
    int failNext;
    boolean failPermanently;
  }

  private final Table table;
  private final LeaseConfig config;
  private final Ticker ticker;
  private final Clock clock;
  private volatile Runnable afterGrant = () -> {};

  /** A first contender on a new, empty table. */
  public InMemoryLeases(LeaseConfig config, Ticker ticker, Clock clock) {
    this(new Table(), config, ticker, clock);
  }

  private InMemoryLeases(Table table, LeaseConfig config, Ticker ticker, Clock clock) {
    if (config.expiryMode() != ExpiryMode.WALL_CLOCK_HINT) {
      throw new IllegalArgumentException(
          "InMemoryLeases decides in WALL_CLOCK_HINT mode only, got " + config.expiryMode());
    }
    this.table = table;
    this.config = config;
    this.ticker = ticker;
    this.clock = clock;
  }

  /** Another contender on the same table, with the same configuration, on its own time. */
  public InMemoryLeases contender(Ticker ticker, Clock clock) {
    return new InMemoryLeases(table, config, ticker, clock);
  }

  /** Who holds {@code leaseId} now by the table (its expiry hint is not consulted). */
  public Optional<String> holder(String leaseId) {
    synchronized (table) {
      LeaseItem item = table.items.get(leaseId);
      return Optional.ofNullable(item == null ? null : item.owner());
    }
  }

  /** Writes of {@code kind} sent so far by every contender, refused and failed ones included. */
  public int writes(Write kind) {
    synchronized (table) {
      return table.writes.getOrDefault(kind, 0);
    }
  }

  /** Writes of any kind sent so far by every contender. */
  public int writes() {
    synchronized (table) {
      return table.writes.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * The next {@code count} writes, by any contender, fail as if the table were unreachable: a
   * connection error, which a retry may get past.
   */
  public InMemoryLeases failNextWrites(int count) {
    synchronized (table) {
      table.failNext = count;
      table.failPermanently = false;
    }
    return this;
  }

  /**
   * The next {@code count} writes, by any contender, fail as if the table did not exist: a
   * permanent error, which no retry gets past.
   */
  public InMemoryLeases failNextWritesPermanently(int count) {
    synchronized (table) {
      table.failNext = count;
      table.failPermanently = true;
    }
    return this;
  }

  /**
   * Runs {@code action} on the acquiring thread after each grant to this contender is written and
   * before {@link #acquire} returns it: where a grant can race with whatever else the test does.
   */
  public InMemoryLeases afterGrant(Runnable action) {
    this.afterGrant = action;
    return this;
  }

  @Override
  public LeaseConfig config() {
    return config;
  }

  @Override
  public AcquireResult acquire(String leaseId, String owner) {
    return acquire(leaseId, owner, null);
  }

  @Override
  public AcquireResult acquire(String leaseId, String owner, SequenceSpan batch) {
    requireId(leaseId, "lease id");
    requireId(owner, "owner");
    long sentNanos = ticker.nanos();
    long nowMillis = clock.millis();
    long leaseMillis = config.leaseDuration().toMillis();
    Lease granted;
    synchronized (table) {
      send(Write.ACQUIRE, "acquire of lease " + leaseId + " by " + owner);
      LeaseItem item = item(leaseId);
      boolean free =
          !item.held()
              || item.owner().equals(owner)
              || item.expiresAtMillis() < nowMillis
              || (batch != null && batch.startsAfter(table.heldThrough.get(leaseId)));
      if (!free) {
        return refusal(leaseId, item, nowMillis);
      }
      if (batch == null) {
        table.heldThrough.remove(leaseId);
      } else {
        table.heldThrough.put(leaseId, batch.lastKey());
      }
      LeaseItem next =
          new LeaseItem(
              true,
              owner,
              item.fence() + 1,
              nowMillis + leaseMillis,
              item.renewals(),
              leaseMillis,
              item.failure());
      table.items.put(leaseId, next);
      granted = lease(leaseId, next, sentNanos);
    }
    afterGrant.run();
    return granted;
  }

  @Override
  public RenewResult renew(Lease lease) {
    long sentNanos = ticker.nanos();
    long nowMillis = clock.millis();
    long leaseMillis = config.leaseDuration().toMillis();
    synchronized (table) {
      send(Write.RENEW, "renew of " + lease);
      LeaseItem item = item(lease.id());
      if (!ownedAtFence(item, lease)) {
        return loss("renew", lease, item);
      }
      LeaseItem next =
          new LeaseItem(
              true,
              item.owner(),
              item.fence(),
              nowMillis + leaseMillis,
              item.renewals() + 1,
              leaseMillis,
              item.failure());
      table.items.put(lease.id(), next);
      return lease(lease.id(), next, sentNanos);
    }
  }

  @Override
  public ReleaseResult release(Lease lease) {
    synchronized (table) {
      send(Write.RELEASE, "release of " + lease);
      LeaseItem item = item(lease.id());
      if (!ownedAtFence(item, lease)) {
        return loss("release", lease, item);
      }
      // The item stays, with its fence, so that the next grant's fence is larger.
      table.items.put(
          lease.id(),
          new LeaseItem(
              true, null, item.fence(), 0, item.renewals(), item.leaseMillis(), item.failure()));
      return new ReleaseResult.Released(lease.id(), lease.owner(), lease.fence());
    }
  }

  @Override
  public RenewResult recordFailure(Lease lease, String messageId, String reason) {
    FailureRecord record =
        lease
            .failure()
            .map(f -> f.next(messageId, reason))
            .orElseGet(() -> new FailureRecord(messageId, 1, reason));
    return writeFailure(lease, record, "failure record of message " + messageId + " on " + lease);
  }

  @Override
  public RenewResult clearFailure(Lease lease) {
    return writeFailure(lease, null, "clearing the failure record on " + lease);
  }

  /** Sets the item's record to {@code record} (null clears it) if the lease is the owner's. */
  private RenewResult writeFailure(Lease lease, FailureRecord record, String what) {
    synchronized (table) {
      send(Write.FAILURE, what);
      LeaseItem item = item(lease.id());
      if (!ownedAtFence(item, lease)) {
        return loss(record == null ? "failure clear" : "failure record", lease, item);
      }
      table.items.put(lease.id(), item.withFailure(record));
      return lease.withFailure(record);
    }
  }

  /** The failure record on {@code leaseId}'s item now, whoever wrote it. */
  public Optional<FailureRecord> failure(String leaseId) {
    synchronized (table) {
      return Optional.ofNullable(item(leaseId).failure());
    }
  }

  @Override
  public boolean isValid(Lease lease) {
    return ticker.nanos() - lease.localDeadlineNanos() < 0;
  }

  @Override
  public Duration remaining(Lease lease) {
    return Duration.ofNanos(Math.max(0, lease.localDeadlineNanos() - ticker.nanos()));
  }

  /** Counts a write, then fails it if the thread is interrupted or an outage is scripted. */
  private void send(Write kind, String what) {
    if (Thread.currentThread().isInterrupted()) {
      // As the SDK does: a call on an interrupted thread is aborted before it is sent.
      throw new LeaseException(what + " in table " + TABLE + " aborted: the thread is interrupted");
    }
    table.writes.merge(kind, 1, Integer::sum);
    if (table.failNext > 0) {
      table.failNext--;
      if (table.failPermanently) {
        throw new LeaseException(
            "lease table " + TABLE + " does not exist (" + what + "): scripted",
            ResourceNotFoundException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build())
                .message("Requested resource not found")
                .build());
      }
      throw new LeaseException(
          what + " in table " + TABLE + " failed: scripted outage",
          SdkClientException.create(
              "Unable to execute HTTP request", new ConnectException("Connection refused")));
    }
  }

  private LeaseItem item(String leaseId) {
    LeaseItem item = table.items.get(leaseId);
    return item != null ? item : new LeaseItem(false, null, 0, 0, 0, 0);
  }

  private static boolean ownedAtFence(LeaseItem item, Lease lease) {
    return item.held() && item.owner().equals(lease.owner()) && item.fence() == lease.fence();
  }

  private Lease lease(String leaseId, LeaseItem item, long sentNanos) {
    return new Lease(
        leaseId,
        item.owner(),
        item.fence(),
        Instant.ofEpochMilli(item.expiresAtMillis()),
        item.renewals(),
        config.leaseDuration(),
        sentNanos + config.leaseDuration().toNanos(),
        item.failure());
  }

  private LeaseRefusal refusal(String leaseId, LeaseItem holder, long nowMillis) {
    long base =
        ExpiryRules.retryAfterNanos(
            ExpiryMode.WALL_CLOCK_HINT, holder, null, nowMillis, ticker.nanos());
    long jitter = config.retryJitter().toNanos();
    Duration retryAfter =
        Duration.ofNanos(base + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter)));
    Instant expiresAt = Instant.ofEpochMilli(holder.expiresAtMillis());
    String reason =
        "lease "
            + leaseId
            + " in table "
            + TABLE
            + " is held by "
            + holder.owner()
            + " at fence "
            + holder.fence()
            + " until "
            + expiresAt
            + " (its clock; ours reads "
            + Instant.ofEpochMilli(nowMillis)
            + "); retry after "
            + Durations.format(retryAfter);
    return new LeaseRefusal(
        leaseId,
        holder.owner(),
        holder.fence(),
        expiresAt,
        ExpiryMode.WALL_CLOCK_HINT,
        retryAfter,
        reason);
  }

  private static LeaseLoss loss(String action, Lease lease, LeaseItem current) {
    String why;
    if (!current.exists()) {
      why = "the lease item does not exist";
    } else if (!current.held()) {
      why = "the lease was released and is free, now at fence " + current.fence();
    } else if (current.owner().equals(lease.owner())) {
      why = "the same owner id acquired it again at fence " + current.fence();
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
        action
            + " of lease "
            + lease.id()
            + " in table "
            + TABLE
            + " by "
            + lease.owner()
            + " at fence "
            + lease.fence()
            + " refused: "
            + why);
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
}
