package io.fenceq.pool;

import io.fenceq.lease.AcquireResult;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseException;
import io.fenceq.lease.LeaseLoss;
import io.fenceq.lease.LeaseRefusal;
import io.fenceq.lease.LeaseSnapshot;
import io.fenceq.lease.LeaseStore;
import io.fenceq.lease.LeaseTableReader;
import io.fenceq.lease.RenewResult;
import io.fenceq.ring.MemberRing;
import io.fenceq.time.Ticker;
import java.io.Closeable;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One worker's membership in a pool sharded by consistent hashing. It registers the worker in the
 * lease table (the item {@code member#<pool>#<member>}, a lease it renews every renew interval),
 * reads the live members back, keeps a {@link MemberRing} over them, and tells its {@link
 * PoolListener} which of the tracked keys this worker gained and lost whenever the members change.
 * A worker leaves when it closes (its lease released) or when its lease lapses (a crash, a pause),
 * after which the others see it gone at their next refresh.
 *
 * <pre>{@code
 * WorkerPool pool = WorkerPool.builder()
 *     .dynamoDb(dynamoDb).table("fenceq-leases")
 *     .pool("sessions").member(workerId)
 *     .keys(sessions::keySet)                          // the keys this service tracks
 *     .listener((view, gained, lost) -> { warm(gained); drop(lost); })
 *     .build();
 * pool.start();                                        // refreshes every renew interval
 * if (pool.view().owns(sessionId)) { ... }
 * pool.close();                                        // leaves the pool
 * }</pre>
 *
 * <p>A member counts as live while its lease item has a holder and an expiry hint after this
 * worker's clock, so a lapsed member drops out within a lease plus the clocks' skew. Every refresh
 * reads the lease table with one consistent scan, fine for a table of lanes, leaders and pools of
 * tens of workers. Thread-safe; {@link #close()} is idempotent.
 */
public final class WorkerPool implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

  /** The longest pool name. */
  public static final int MAX_POOL_LENGTH = 100;

  private final LeaseStore store;
  private final LeaseTableReader reader;
  private final String pool;
  private final String member;
  private final String leaseId;
  private final String prefix;
  private final Supplier<? extends Collection<String>> keys;
  private final PoolListener listener;
  private final int virtualNodes;
  private final Clock clock;
  private final Object lock = new Object();
  private ScheduledExecutorService thread;
  private Lease lease;
  private PoolView view;
  private boolean closed;

  private WorkerPool(Builder b) {
    this.store =
        LeaseStore.builder()
            .dynamoDb(b.dynamoDb)
            .table(b.table)
            .config(b.lease)
            .ticker(b.ticker)
            .clock(b.clock)
            .checkTable(b.checkTable)
            .build();
    this.reader = new LeaseTableReader(b.dynamoDb, b.table);
    this.pool = b.pool;
    this.member = b.member;
    this.prefix = memberPrefix(b.pool);
    this.leaseId = prefix + b.member;
    this.keys = b.keys;
    this.listener = b.listener;
    this.virtualNodes = b.virtualNodes;
    this.clock = b.clock;
    this.view = new PoolView(member, new TreeSet<>(), Optional.empty());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The lease id prefix of a pool's members: {@code member#<pool>#}. */
  public static String memberPrefix(String pool) {
    return "member#" + pool + "#";
  }

  public String pool() {
    return pool;
  }

  public String member() {
    return member;
  }

  /** The view of the last refresh; no members before the first. */
  public PoolView view() {
    synchronized (lock) {
      return view;
    }
  }

  /**
   * Refreshes on a daemon thread ({@code fenceq-pool-<pool>}) every renew interval, the first time
   * at once.
   *
   * @throws IllegalStateException if started before or closed
   */
  public void start() {
    synchronized (lock) {
      if (closed || thread != null) {
        throw new IllegalStateException(
            "pool " + pool + " member " + member + (closed ? " is closed" : " is already started"));
      }
      thread =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().name("fenceq-pool-" + pool).daemon(true).unstarted(r));
      long every = store.config().renewInterval().toNanos();
      thread.scheduleWithFixedDelay(this::refreshQuietly, 0, every, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Renews (or takes again) this worker's registration, reads the live members and, when they
   * changed, rebuilds the ring and tells the listener. {@link #start()} calls it on its thread;
   * call it directly to drive the pool from a scheduler of your own.
   *
   * @return the view after the refresh; the previous one when the table could not be read
   */
  public PoolView refresh() {
    synchronized (lock) {
      if (closed) {
        return view;
      }
      try {
        register();
        return update(liveMembers());
      } catch (LeaseException e) {
        log.warn(
            "event=pool_refresh_failed pool={} member={} members={} error=\"{}\"",
            pool,
            member,
            view.members().size(),
            e.getMessage());
        return view;
      }
    }
  }

  /**
   * Leaves the pool: stops refreshing, releases this worker's registration and tells the listener
   * it lost every key it owned. Idempotent.
   */
  @Override
  public void close() {
    ScheduledExecutorService stopping;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = thread;
    }
    if (stopping != null) {
      stopping.shutdownNow();
      try {
        stopping.awaitTermination(store.config().renewInterval().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (lock) {
      if (lease != null) {
        try {
          store.release(lease);
        } catch (LeaseException e) {
          log.warn(
              "event=pool_leave_failed pool={} member={} error=\"{}\" effect=\"the others see it"
                  + " gone when its lease lapses\"",
              pool,
              member,
              e.getMessage());
        }
        lease = null;
      }
      SortedSet<String> rest = new TreeSet<>(view.members());
      rest.remove(member);
      update(rest);
    }
    log.info("event=pool_left pool={} member={}", pool, member);
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.error("event=pool_refresh_failed pool={} member={}", pool, member, e);
    }
  }

  /** Keeps this worker's own lease item: renewed while valid, acquired again once lost. */
  private void register() {
    if (lease != null && store.isValid(lease)) {
      RenewResult renewed = store.renew(lease);
      switch (renewed) {
        case Lease l -> lease = l;
        case LeaseLoss loss -> {
          log.warn(
              "event=pool_registration_lost pool={} member={} reason=\"{}\"",
              pool,
              member,
              loss.reason());
          lease = null;
        }
      }
    } else {
      lease = null;
    }
    if (lease == null) {
      AcquireResult acquired = store.acquire(leaseId, member);
      switch (acquired) {
        case Lease l -> lease = l;
        case LeaseRefusal refusal ->
            log.warn(
                "event=pool_registration_refused pool={} member={} holder={} effect=\"not a member"
                    + " until the registration lapses; is another worker using this member id?\"",
                pool,
                member,
                refusal.holder());
      }
    }
  }

  /** Members whose lease item is held and whose expiry hint lies after this worker's clock. */
  private SortedSet<String> liveMembers() {
    Instant now = clock.instant();
    SortedSet<String> live = new TreeSet<>();
    List<LeaseSnapshot> items = reader.list();
    for (LeaseSnapshot item : items) {
      if (item.id().startsWith(prefix) && item.held() && item.expiresAt().isAfter(now)) {
        live.add(item.id().substring(prefix.length()));
      }
    }
    // This worker's own lease is judged by its own ticker, not by the hint.
    if (lease != null) {
      live.add(member);
    } else {
      live.remove(member);
    }
    return live;
  }

  /** Installs the view of {@code members} if it differs, telling the listener what moved. */
  private PoolView update(SortedSet<String> members) {
    if (members.equals(view.members())) {
      return view;
    }
    PoolView before = view;
    PoolView after =
        new PoolView(
            member, members, members.isEmpty() ? Optional.empty() : Optional.of(ring(members)));
    Set<String> gained = new TreeSet<>();
    Set<String> lost = new TreeSet<>();
    for (String key : keys.get()) {
      boolean had = before.owns(key);
      boolean has = after.owns(key);
      if (has && !had) {
        gained.add(key);
      } else if (had && !has) {
        lost.add(key);
      }
    }
    view = after;
    log.info(
        "event=pool_changed pool={} member={} members={} gained={} lost={}",
        pool,
        member,
        members.size(),
        gained.size(),
        lost.size());
    try {
      listener.membershipChanged(after, gained, lost);
    } catch (RuntimeException e) {
      log.error("event=pool_listener_failed pool={} member={}", pool, member, e);
    }
    return after;
  }

  private MemberRing ring(SortedSet<String> members) {
    MemberRing.Builder b = MemberRing.builder().virtualNodes(virtualNodes);
    members.forEach(b::member);
    return b.build();
  }

  @Override
  public String toString() {
    return "WorkerPool[" + pool + " member=" + member + "]";
  }

  /** Configures a {@link WorkerPool}. Required: dynamoDb, table, pool and member. */
  public static final class Builder {
    private DynamoDbClient dynamoDb;
    private String table;
    private String pool;
    private String member;
    private LeaseConfig lease = LeaseConfig.defaults();
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private Supplier<? extends Collection<String>> keys = List::of;
    private PoolListener listener = (view, gained, lost) -> {};
    private int virtualNodes = MemberRing.DEFAULT_VIRTUAL_NODES;
    private boolean checkTable = true;

    private Builder() {}

    /** A client the caller owns and closes. */
    public Builder dynamoDb(DynamoDbClient dynamoDb) {
      this.dynamoDb = dynamoDb;
      return this;
    }

    /** The lease table, the same as the lanes' (the template's {@code LeaseTable}). */
    public Builder table(String table) {
      this.table = table;
      return this;
    }

    /** The pool's name: 1 to {@value #MAX_POOL_LENGTH} characters, no {@code #}. */
    public Builder pool(String pool) {
      if (pool == null || pool.isBlank() || pool.length() > MAX_POOL_LENGTH || pool.contains("#")) {
        throw new IllegalArgumentException(
            "pool must be 1 to "
                + MAX_POOL_LENGTH
                + " characters without '#', got "
                + (pool == null ? "null" : '"' + pool + '"'));
      }
      this.pool = pool;
      return this;
    }

    /** This worker's member id, unique in the pool; also its lease owner. */
    public Builder member(String member) {
      if (member == null || member.isBlank() || member.length() > MemberRing.MAX_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "member must be 1 to "
                + MemberRing.MAX_NAME_LENGTH
                + " characters and not blank, got "
                + (member == null ? "null" : '"' + member + '"'));
      }
      this.member = member;
      return this;
    }

    /**
     * The registration lease; default {@link LeaseConfig#defaults()} (30 s, renewed every 10 s).
     */
    public Builder lease(LeaseConfig lease) {
      this.lease = lease;
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /** Wall time for the expiry hints that decide who is live. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** The keys whose moves the listener is told of; default none. */
    public Builder keys(Supplier<? extends Collection<String>> keys) {
      this.keys = keys;
      return this;
    }

    public Builder listener(PoolListener listener) {
      this.listener = listener;
      return this;
    }

    /** Virtual nodes per member; default {@value MemberRing#DEFAULT_VIRTUAL_NODES}. */
    public Builder virtualNodes(int virtualNodes) {
      MemberRing.builder().virtualNodes(virtualNodes); // the ring's own check and message
      this.virtualNodes = virtualNodes;
      return this;
    }

    /** Whether {@link #build()} checks the table first; default true. */
    public Builder checkTable(boolean checkTable) {
      this.checkTable = checkTable;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming a missing setting
     * @throws LeaseException if the table is checked and unusable
     */
    public WorkerPool build() {
      require(dynamoDb != null, "dynamoDb");
      require(table != null && !table.isBlank(), "table");
      require(pool != null, "pool");
      require(member != null, "member");
      require(lease != null, "lease");
      require(ticker != null, "ticker");
      require(clock != null, "clock");
      require(keys != null, "keys");
      require(listener != null, "listener");
      return new WorkerPool(this);
    }

    private static void require(boolean ok, String setting) {
      if (!ok) {
        throw new IllegalArgumentException("invalid WorkerPool setting " + setting + ": missing");
      }
    }
  }
}
