package io.fenceq.engine.internal;

import io.fenceq.aws.AwsErrors;
import io.fenceq.engine.EngineMetrics;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseException;
import io.fenceq.lease.LeaseLoss;
import io.fenceq.lease.RenewResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Whether the lane is still this consumer's: the grant it holds, kept alive by the heartbeat, and
 * why it was lost once it is. Each beat renews the lease and extends the visibility of the lane's
 * messages to a full lease. A transient failure of either (throttling, a server error, a timeout, a
 * connection error: {@link AwsErrors#isTransient}) is retried, the failed step only, while the
 * lease and the messages' visibility last; a permanent failure (the lease taken over, a receipt
 * handle no longer valid), or one still failing when time runs out, loses the lane: from then on
 * its handler's {@link io.fenceq.engine.JobContext#checkFence()} throws, no further job starts, and
 * nothing more of it is deleted.
 *
 * <p>Threads: the lane's own takes the grant in and may lose the lane (a lease that ran out
 * locally, a handler fenced); the heartbeat's beats; the shutdown deadline's marks the lane lost
 * when it abandons it. Every change is made under the run's monitor, but no beat holds it across
 * its DynamoDB and SQS calls: a beat registers itself in flight under the monitor, makes its calls
 * without it, and takes it again to apply what they answered. Whoever finishes the lane first
 * {@link #awaitBeat() waits} for a beat in flight, up to a bound, so the lane's finish, which
 * releases the lease and sets its messages' visibility, sees the beat's answer and is never
 * followed by the beat's extension. {@link #lease()} and {@link #lostReason()} are volatile reads:
 * a handler reading them never waits for the monitor.
 */
final class LaneLiveness {
  private static final Logger log = LoggerFactory.getLogger(LaneLiveness.class);

  private final LaneRun run;
  private final EngineParts parts;
  private final List<Message> messages;
  private final LaneSettlement settlement;

  // Written under run's monitor.
  private volatile Lease lease;
  private volatile String lostReason;

  // Guarded by run's monitor: the beat in progress, across its retries.
  private boolean beatInFlight;
  private int retries;
  private long beatStartNanos;
  private boolean renewPending;
  private List<Message> extensionPending = List.of();

  /**
   * Until when, on the engine's ticker, every message of the lane is known to be hidden: the last
   * full extension's sending plus a lease, at first the grant's own deadline (the messages were
   * received with a visibility of at least a lease before it). Retrying an extension past it is
   * pointless: a message that came back may already be another consumer's.
   */
  private long visibleUntilNanos;

  LaneLiveness(LaneRun run, EngineParts parts, List<Message> messages, LaneSettlement settlement) {
    this.run = run;
    this.parts = parts;
    this.messages = messages;
    this.settlement = settlement;
  }

  /** The current grant of the lane's lease, renewed by the heartbeat; null before it is granted. */
  Lease lease() {
    return lease;
  }

  /** Why the lane was lost, or null while it is not. */
  String lostReason() {
    return lostReason;
  }

  /**
   * Why the lane is lost, or null while it is not, having first marked it lost if its lease ran out
   * locally, on the engine's ticker: a process paused past its lease (a long GC pause, SIGSTOP)
   * finds out here, before its heartbeat's next renew does. Null before the lease is granted.
   */
  String lostReasonNow() {
    Lease current = lease;
    if (lostReason == null && current != null && !parts.leases().isValid(current)) {
      lose("the lease ran out locally before it was renewed (was this process paused?)");
    }
    return lostReason;
  }

  /** Takes {@code granted} in; the caller holds the run's monitor and found the lane unfinished. */
  void take(Lease granted) {
    assert Thread.holdsLock(run);
    lease = granted;
    visibleUntilNanos = granted.localDeadlineNanos();
  }

  /**
   * Starts beating, one renew interval from now.
   *
   * @return false if the heartbeat's scheduler no longer runs tasks (it was shut down)
   */
  boolean startBeating() {
    return parts.heartbeat() == null || parts.heartbeat().start(this);
  }

  /** Stops beating; a beat in flight finds the lane finished when its calls return. */
  void stopBeating() {
    if (parts.heartbeat() != null) {
      parts.heartbeat().stop(this);
    }
  }

  /** Marks the lane lost, first reason wins; see the class comment for what follows from it. */
  void lose(String reason) {
    synchronized (run) {
      if (lostReason != null) {
        return;
      }
      lostReason = reason;
    }
    Lease l = lease;
    log.warn(
        "event=lane_lost queue={} lane={} fence={} reason=\"{}\"",
        parts.queueName(),
        run.groupId(),
        l == null ? "-" : l.fence(),
        reason);
  }

  /**
   * Marks the lane lost because the shutdown deadline abandons it, unless it already is; the caller
   * holds the run's monitor and logs the abandonment itself.
   */
  void abandon(String reason) {
    assert Thread.holdsLock(run);
    if (lostReason == null) {
      lostReason = reason;
    }
  }

  /**
   * Waits, holding the run's monitor (which the wait lets go of), until no beat is in flight, for
   * at most {@link Heartbeat#finishWait()} on the engine's ticker. The caller finishes the lane
   * under the same hold, so no beat starts after it. An interrupt does not cut the wait short (the
   * lane's own thread finishes after the shutdown deadline interrupted it) and is kept.
   */
  void awaitBeat() {
    assert Thread.holdsLock(run);
    if (!beatInFlight) {
      return;
    }
    long bound = parts.heartbeat().finishWait().toNanos();
    long start = parts.ticker().nanos();
    boolean interrupted = false;
    try {
      while (beatInFlight) {
        long left = bound - (parts.ticker().nanos() - start);
        if (left <= 0) {
          Lease l = lease;
          log.warn(
              "event=heartbeat_wait_expired queue={} lane={} fence={} waitedMs={}",
              parts.queueName(),
              run.groupId(),
              l == null ? "-" : l.fence(),
              Duration.ofNanos(bound).toMillis());
          return;
        }
        try {
          run.wait(Math.max(1, Duration.ofNanos(left).toMillis()));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * One attempt of a heartbeat: renews the lease and extends the visibility of the lane's messages
   * to a full lease, or retries the step that failed transiently.
   *
   * @return when the lane's next beat is due (the next interval, or a retry's backoff), or null
   *     when the lane needs no more beats (finished or lost)
   */
  Duration beat() {
    Lease current;
    boolean renew;
    List<Message> extend;
    synchronized (run) {
      current = lease;
      if (settlement.finished() || lostReason != null || current == null) {
        return null;
      }
      if (retries == 0) {
        beatStartNanos = parts.ticker().nanos();
        renewPending = true;
        extensionPending = messages;
      }
      renew = renewPending;
      extend = extensionPending;
      beatInFlight = true;
    }
    Attempt attempt;
    try {
      attempt = attempt(current, renew, extend);
    } catch (RuntimeException | Error e) {
      synchronized (run) {
        beatInFlight = false;
        run.notifyAll();
      }
      throw e;
    }
    synchronized (run) {
      beatInFlight = false;
      run.notifyAll();
      return conclude(current, attempt);
    }
  }

  /** What one attempt's calls answered; made without the monitor. */
  private Attempt attempt(Lease current, boolean renew, List<Message> extend) {
    Lease renewed = null;
    if (renew) {
      try {
        RenewResult result = parts.leases().renew(current);
        switch (result) {
          case Lease l -> renewed = l;
          case LeaseLoss loss -> {
            return new Attempt(null, -1, List.of(), loss.reason(), false);
          }
        }
      } catch (LeaseException e) {
        return new Attempt(
            null,
            -1,
            List.of(),
            "the lease could not be renewed: " + e.getMessage(),
            AwsErrors.isTransient(e));
      }
    }
    long sentNanos = parts.ticker().nanos();
    Duration extension = parts.leases().config().leaseDuration();
    Map<String, String> failed;
    boolean thrown = false;
    boolean thrownTransient = false;
    try {
      failed = parts.actions().changeVisibility(extend, extension);
    } catch (RuntimeException e) {
      failed = Map.of("all", e.toString());
      thrown = true;
      thrownTransient = AwsErrors.isTransient(e);
    }
    if (failed.isEmpty()) {
      return new Attempt(renewed, sentNanos, List.of(), null, false);
    }
    boolean allTransient =
        thrown ? thrownTransient : failed.values().stream().allMatch(LaneLiveness::isTransient);
    List<Message> again = new ArrayList<>();
    for (Message m : extend) {
      if (thrown || failed.containsKey(m.messageId())) {
        again.add(m);
      }
    }
    String failure =
        "the visibility of "
            + failed.size()
            + " of its messages could not be extended ("
            + failed.entrySet().iterator().next()
            + ")";
    return new Attempt(renewed, -1, again, failure, allTransient);
  }

  /** Applies an attempt's answer under the monitor; see {@link #beat()} for the result. */
  private Duration conclude(Lease sent, Attempt attempt) {
    if (settlement.finished() || lostReason != null) {
      return null;
    }
    if (attempt.renewed() != null) {
      lease = attempt.renewed();
      renewPending = false;
    }
    if (attempt.failure() == null) {
      if (extensionPending.size() == messages.size()) {
        visibleUntilNanos =
            attempt.extendedAtNanos() + parts.leases().config().leaseDuration().toNanos();
      }
      retries = 0;
      log.debug(
          "event=heartbeat queue={} lane={} fence={} messages={}",
          parts.queueName(),
          run.groupId(),
          sent.fence(),
          messages.size());
      long elapsed = parts.ticker().nanos() - beatStartNanos;
      Duration next = parts.heartbeat().interval().minusNanos(elapsed);
      return next.isNegative() ? Duration.ZERO : next;
    }
    String failure = attempt.failure();
    if (attempt.isTransient()) {
      if (!renewPending) {
        extensionPending = attempt.retry();
      }
      Duration delay = parts.heartbeat().retryDelay(retries + 1);
      Duration left = timeLeft();
      if (delay.compareTo(left) < 0) {
        retries++;
        parts.metrics().count(EngineMetrics.HEARTBEAT_RETRIES, 1, parts.queueDimensions());
        log.info(
            "event=heartbeat_retry queue={} lane={} fence={} step={} retry={} delayMs={}"
                + " leftMs={} error=\"{}\"",
            parts.queueName(),
            run.groupId(),
            sent.fence(),
            renewPending ? "renew" : "extend",
            retries,
            delay.toMillis(),
            left.toMillis(),
            failure);
        return delay;
      }
      failure +=
          "; given up after "
              + retries
              + " retries: the lease runs out in "
              + left.toMillis()
              + " ms, before another retry is due";
    }
    parts.metrics().count(EngineMetrics.HEARTBEAT_FAILURES, 1, parts.queueDimensions());
    lose("heartbeat failed: " + failure);
    stopBeating();
    return null;
  }

  /**
   * How long a retry may still help: until the lease's local deadline, and for an extension also
   * until the messages' visibility runs out.
   */
  private Duration timeLeft() {
    Duration left = parts.leases().remaining(lease);
    if (!renewPending) {
      Duration visible = Duration.ofNanos(Math.max(0, visibleUntilNanos - parts.ticker().nanos()));
      left = visible.compareTo(left) < 0 ? visible : left;
    }
    return left;
  }

  /** Whether a queue action's reason (its error code, a colon, the message) is transient. */
  private static boolean isTransient(String why) {
    int colon = why.indexOf(':');
    return AwsErrors.isTransientCode(colon < 0 ? why : why.substring(0, colon));
  }

  /** The lane's group id, for the heartbeat's own log lines. */
  String groupId() {
    return run.groupId();
  }

  /**
   * One attempt's answer.
   *
   * @param renewed the renewed lease, or null if no renewal was made or it failed
   * @param extendedAtNanos when the extension that succeeded was sent, or -1
   * @param retry the messages whose extension to retry
   * @param failure why the attempt failed, or null if it did not
   * @param isTransient whether a retry may succeed
   */
  private record Attempt(
      Lease renewed,
      long extendedAtNanos,
      List<Message> retry,
      String failure,
      boolean isTransient) {}
}
