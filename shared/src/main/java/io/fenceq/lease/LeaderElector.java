package io.fenceq.lease;

import io.fenceq.internal.Require;
import io.fenceq.lease.internal.Durations;
import io.fenceq.lease.internal.ElectionLoop;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one leader among processes that share a lease table, on the lease item {@code
 * leader#<name>}, and tells a {@link LeadershipListener} when this process gains or loses
 * leadership. Each leadership carries the lease's fence, strictly larger than any earlier leader's,
 * so work done as leader can be fenced like any other.
 *
 * <p>Two ways to use it:
 *
 * <ul>
 *   <li>Long-running processes call {@link #start()}: a daemon thread named {@code
 *       fenceq-leader-<name>} acquires the lease, renews it every {@code renewInterval}, and
 *       retries a refused acquire when the refusal says. A refused renewal ends leadership at once;
 *       so does a lease that runs out locally because renewals kept failing.
 *   <li>Callers that run once per invocation, like a scheduled Lambda, call {@link
 *       #runIfLeader(LongConsumer)} without starting: it acquires once, runs the task with the
 *       fence if granted, and releases.
 * </ul>
 *
 * <p>{@link #close()} stops the thread, releases the lease if held and tells the listener; it is
 * idempotent.
 */
public final class LeaderElector implements LeaderElection {
  private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);

  private final LeaseStore store;
  private final String name;
  private final String leaseId;
  private final String owner;
  private final LeadershipListener listener;
  private final ElectionLoop loop;
  private final ReentrantLock lock;
  private volatile Lease lease;

  private LeaderElector(Builder b) {
    this.store = b.store;
    this.name = b.name;
    this.leaseId = LeaseStore.leaderLeaseId(b.name);
    this.owner = b.owner != null ? b.owner : "leader-" + UUID.randomUUID();
    this.listener = b.listener;
    this.loop =
        new ElectionLoop(
            log,
            "leader elector " + leaseId,
            "fenceq-leader-" + name,
            "lease=" + leaseId + " owner=" + owner,
            store.config().renewInterval(),
            store.config().leaseDuration());
    this.lock = loop.lock();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  /** The lease item this elector competes for: {@code leader#<name>}. */
  public String leaseId() {
    return leaseId;
  }

  /** This process's identity in the lease item. */
  @Override
  public String owner() {
    return owner;
  }

  /**
   * Whether this process is leader now: it holds the lease and its local deadline has not passed.
   * Turns false without a renewal round when the deadline passes, e.g. after a long pause.
   */
  @Override
  public boolean isLeader() {
    Lease current = lease;
    return current != null && store.isValid(current);
  }

  /** The fence of the current leadership, or empty when not leader. */
  @Override
  public OptionalLong fence() {
    Lease current = lease;
    return current != null && store.isValid(current)
        ? OptionalLong.of(current.fence())
        : OptionalLong.empty();
  }

  /**
   * Starts the renewal thread. Its first round runs at once.
   *
   * @throws IllegalStateException if already started or closed
   */
  @Override
  public void start() {
    loop.start(
        this::runRound, () -> releaseHeld("the renewal thread of " + leaseId + " was interrupted"));
    log.info("event=leader_elector_started lease={} owner={}", leaseId, owner);
  }

  /**
   * Runs one election round now: renews the lease if held, acquires it if not, and tells the
   * listener of any change. {@link #start()} runs rounds on its thread; call this directly only to
   * drive the elector from a scheduler of your own.
   *
   * @return how long to wait before the next round
   */
  public Duration runRound() {
    lock.lock();
    try {
      if (loop.isClosed()) {
        return store.config().renewInterval();
      }
      Lease current = lease;
      if (current != null && !store.isValid(current)) {
        // Paused past the local deadline: whatever the table says, leadership lapsed meanwhile.
        endLeadership(
            "leadership of "
                + leaseId
                + " at fence "
                + current.fence()
                + " ran out locally before it could be renewed (was this process paused?)");
        current = null;
      }
      return current == null ? tryAcquire() : tryRenew(current);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code task} with the leader's fence if this process is leader. Started: runs it if
   * leadership is current. Not started: acquires once, runs the task if granted, then releases; the
   * lease is not renewed while the task runs, so the task's writes must carry the fence.
   *
   * @return whether the task ran
   * @throws LeaseException if DynamoDB could not be asked
   * @throws IllegalStateException if closed
   */
  @Override
  public boolean runIfLeader(LongConsumer task) {
    if (loop.isStarted()) {
      OptionalLong fence = fence();
      if (fence.isEmpty()) {
        return false;
      }
      task.accept(fence.getAsLong());
      return true;
    }
    lock.lock();
    try {
      loop.requireOpen();
      if (!(store.acquire(leaseId, owner) instanceof Lease granted)) {
        return false;
      }
      becomeLeader(granted);
      try {
        task.accept(granted.fence());
      } finally {
        releaseHeld("released after running as leader");
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the renewal thread, releases the lease if held and tells the listener. Idempotent. An
   * interrupt of the calling thread while waiting for the renewal thread is kept in its status.
   */
  @Override
  public void close() {
    if (loop.close(() -> releaseHeld("leader elector " + leaseId + " was closed"))) {
      log.info("event=leader_elector_closed lease={} owner={}", leaseId, owner);
    }
  }

  private Duration tryAcquire() {
    AcquireResult result;
    try {
      result = store.acquire(leaseId, owner);
    } catch (LeaseException e) {
      log.warn(
          "event=leader_acquire_failed lease={} owner={} error=\"{}\"",
          leaseId,
          owner,
          e.getMessage());
      return store.config().renewInterval();
    }
    return switch (result) {
      case Lease granted -> {
        becomeLeader(granted);
        yield store.config().renewInterval();
      }
      case LeaseRefusal refusal -> refusal.retryAfter();
    };
  }

  private Duration tryRenew(Lease current) {
    RenewResult result;
    try {
      result = store.renew(current);
    } catch (LeaseException e) {
      // Still leader until the local deadline; retry sooner than usual, within it.
      Duration left = store.remaining(current);
      Duration retry = store.config().renewInterval().dividedBy(2);
      log.warn(
          "event=leader_renew_failed lease={} owner={} fence={} left={} error=\"{}\"",
          leaseId,
          owner,
          current.fence(),
          Durations.format(left),
          e.getMessage());
      return retry.compareTo(left) < 0 ? retry : left;
    }
    return switch (result) {
      case Lease renewed -> {
        lease = renewed;
        yield store.config().renewInterval();
      }
      case LeaseLoss loss -> {
        endLeadership(loss.reason());
        // Ask again at once: the refusal that follows says when the new holder's lease ends.
        yield Duration.ZERO;
      }
    };
  }

  private void becomeLeader(Lease granted) {
    lease = granted;
    log.info("event=leadership_gained lease={} owner={} fence={}", leaseId, owner, granted.fence());
    try {
      listener.gained(granted.fence());
    } catch (RuntimeException e) {
      log.error(
          "event=leadership_listener_failed lease={} owner={} call=gained", leaseId, owner, e);
    }
  }

  private void endLeadership(String reason) {
    lease = null;
    log.info("event=leadership_lost lease={} owner={} reason=\"{}\"", leaseId, owner, reason);
    try {
      listener.lost(reason);
    } catch (RuntimeException e) {
      log.error("event=leadership_listener_failed lease={} owner={} call=lost", leaseId, owner, e);
    }
  }

  private void releaseHeld(String reason) {
    Lease current = lease;
    if (current == null) {
      return;
    }
    try {
      ReleaseResult result = store.release(current);
      if (result instanceof LeaseLoss loss) {
        reason = reason + "; " + loss.reason();
      }
    } catch (LeaseException e) {
      reason = reason + "; the release failed and the lease will lapse: " + e.getMessage();
    }
    endLeadership(reason);
  }

  /** Configures a {@link LeaderElector}. */
  public static final class Builder {
    private LeaseStore store;
    private String name;
    private String owner;
    private LeadershipListener listener = LeadershipListener.none();

    private Builder() {}

    /** The lease store; its configuration sets the lease duration and renew interval. */
    public Builder store(LeaseStore store) {
      this.store = store;
      return this;
    }

    /** The leadership's name; the lease item is {@code leader#<name>}. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** This process's identity, unique among contenders; default {@code leader-<random UUID>}. */
    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    public Builder listener(LeadershipListener listener) {
      this.listener = listener;
      return this;
    }

    public LeaderElector build() {
      Require.notNull(store, "LeaderElector", "store");
      Require.argument(
          name != null && name.matches("[A-Za-z0-9._-]{1,64}"),
          "LeaderElector",
          "name",
          String.valueOf(name) + " (1 to 64 of A-Z a-z 0-9 . _ -)");
      Require.argument(
          owner == null || !owner.isBlank(), "LeaderElector", "owner", "\"" + owner + "\"");
      Require.notNull(listener, "LeaderElector", "listener");
      return new LeaderElector(this);
    }
  }
}
