package io.fenceq.engine.internal;

import io.fenceq.engine.EngineMetrics;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseException;
import io.fenceq.lease.LeaseLoss;
import io.fenceq.lease.RenewResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Whether the lane is still this consumer's: the grant it holds, kept alive by the heartbeat, and
 * why it was lost once it is. Each beat renews the lease and extends the visibility of the lane's
 * messages to a full lease; either failing loses the lane: from then on its handler's {@link
 * io.fenceq.engine.JobContext#checkFence()} throws, no further job starts, and nothing more of it
 * is deleted.
 *
 * <p>Threads: the lane's own takes the grant in and may lose the lane (a lease that ran out
 * locally, a handler fenced); the heartbeat's beats; the shutdown deadline's marks the lane lost
 * when it abandons it. Every change is made under the run's monitor, and a beat holds it for its
 * whole tick: the lane's finish, which releases the lease and sets its messages' visibility, then
 * never falls between a beat's check that the lane is unfinished and its renewal and extension.
 * {@link #lease()} and {@link #lostReason()} are volatile reads: a handler reading them never waits
 * for the monitor, and so never waits for a beat's DynamoDB and SQS calls.
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

  /** Takes {@code granted} in; the caller holds the run's monitor and found the lane unfinished. */
  void take(Lease granted) {
    assert Thread.holdsLock(run);
    lease = granted;
  }

  /**
   * Starts beating, one renew interval from now.
   *
   * @return false if the heartbeat's scheduler no longer runs tasks (it was shut down)
   */
  boolean startBeating() {
    return parts.heartbeat() == null || parts.heartbeat().start(this);
  }

  /** Stops beating; a beat already waiting for the monitor finds the lane finished. */
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
   * One heartbeat: renews the lease and extends the visibility of the lane's messages to a full
   * lease. Either failing loses the lane.
   */
  void beat() {
    synchronized (run) {
      Lease current = lease;
      if (settlement.finished() || lostReason != null || current == null) {
        return;
      }
      String failure = null;
      try {
        RenewResult renewed = parts.leases().renew(current);
        switch (renewed) {
          case Lease l -> lease = l;
          case LeaseLoss loss -> failure = loss.reason();
        }
      } catch (LeaseException e) {
        failure = "the lease could not be renewed: " + e.getMessage();
      }
      if (failure == null) {
        Duration extension = parts.leases().config().leaseDuration();
        Map<String, String> failed;
        try {
          failed = parts.actions().changeVisibility(messages, extension);
        } catch (RuntimeException e) {
          failed = Map.of("all", e.toString());
        }
        if (!failed.isEmpty()) {
          failure =
              "the visibility of "
                  + failed.size()
                  + " of its messages could not be extended ("
                  + failed.entrySet().iterator().next()
                  + ")";
        }
      }
      if (failure == null) {
        log.debug(
            "event=heartbeat queue={} lane={} fence={} messages={}",
            parts.queueName(),
            run.groupId(),
            current.fence(),
            messages.size());
        return;
      }
      parts.metrics().count(EngineMetrics.HEARTBEAT_FAILURES, 1, parts.queueDimensions());
      lose("heartbeat failed: " + failure);
      stopBeating();
    }
  }

  /** The lane's group id, for the heartbeat's own log lines. */
  String groupId() {
    return run.groupId();
  }
}
