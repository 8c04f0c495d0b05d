package io.fenceq.engine.internal;

import io.fenceq.engine.BatchOutcome;
import io.fenceq.engine.MessageOutcome;
import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseException;
import io.fenceq.lease.LeaseLoss;
import io.fenceq.lease.ReleaseResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The ledger of one lane run, and the calls that settle it. While the lane runs, each message's
 * outcome is only recorded here; the queue is touched once, when the lane finishes: {@link #plan}
 * decides every message's fate and marks the lane finished, then {@link #execute} releases the
 * lease first, so that the lane's next messages, which SQS hands to whichever consumer asks next,
 * find it free; then deletes successes and dead-lettered messages in one batch; then gives the rest
 * back. Deleting after the release is safe: SQS delivers no message of the lane to anyone while
 * these are in flight, and the decision to delete was taken while the lease was still valid and the
 * lane not lost.
 *
 * <p>When every message is deleted and the grant recorded the batch's sequence numbers, there is no
 * release: SQS delivers the lane's next messages only after the delete, at higher numbers, and
 * their consumer is handed the lease on that ({@link
 * io.fenceq.lease.LeaseStore#HANDOVER_CONDITION}). That saves a lease write per lane-batch and a
 * round trip before the lane's next batch. If the delete fails for a message, the lease is released
 * after all: that message comes back at its own number, which no handover passes.
 *
 * <p>Threads: the lane's own records outcomes; whichever of the lane's thread and the shutdown
 * deadline's finishes the lane calls {@link #plan} and {@link #execute}; the heartbeat's asks
 * {@link #finished()}. The ledger is guarded by the run's monitor: recording takes it, {@link
 * #plan} and {@link #finished()} are called with it held, and {@link #execute}, which makes network
 * calls, runs without it, on a plan nobody else can change.
 */
final class LaneSettlement {
  private static final Logger log = LoggerFactory.getLogger(LaneSettlement.class);

  /** What a message has come to while the lane runs; the queue learns of it at the finish. */
  private enum Kind {
    PENDING,
    DONE,
    DEAD_LETTERED,
    RETURNED,
    LOST
  }

  private final LaneRun run;
  private final EngineParts parts;
  private final List<Message> messages;
  private final CompletableFuture<List<MessageOutcome>> result = new CompletableFuture<>();

  // Guarded by run.
  private final Kind[] kinds;
  private final Duration[] visibilities;
  private final String[] reasons;
  private boolean finished;

  LaneSettlement(LaneRun run, EngineParts parts, List<Message> messages) {
    this.run = run;
    this.parts = parts;
    this.messages = messages;
    int n = messages.size();
    this.kinds = new Kind[n];
    this.visibilities = new Duration[n];
    this.reasons = new String[n];
    for (int i = 0; i < n; i++) {
      kinds[i] = Kind.PENDING;
      visibilities[i] = Duration.ZERO;
      reasons[i] = "";
    }
  }

  /** Completes when every message of the lane is settled, with their outcomes in order. */
  CompletableFuture<List<MessageOutcome>> result() {
    return result;
  }

  /**
   * Whether the lane's outcomes are decided; whoever finished it decided every one. The caller
   * holds the run's monitor, and acts only while this is false.
   */
  boolean finished() {
    assert Thread.holdsLock(run);
    return finished;
  }

  /**
   * Message {@code i}'s handler returned: it is deleted at the finish if the lane is still ours.
   */
  void done(int i) {
    settle(i, Kind.DONE, Duration.ZERO, "");
  }

  /** A copy of message {@code i} is in the dead-letter queue: the original is deleted. */
  void deadLettered(int i, String reason) {
    settle(i, Kind.DEAD_LETTERED, Duration.ZERO, reason);
  }

  /** Message {@code i} goes back with {@code visibility}. */
  void returned(int i, Duration visibility, String reason) {
    settle(i, Kind.RETURNED, visibility, reason);
  }

  /**
   * Every pending message from {@code from} on goes back with {@code visibility}; returns how many.
   */
  int returnedFrom(int from, Duration visibility, String reason) {
    return settleFrom(from, Kind.RETURNED, visibility, reason);
  }

  /**
   * Every pending message of {@code indices} (the rest of one key's jobs, or of the lane's) goes
   * back with {@code visibility}; returns how many.
   */
  int returnedAll(List<Integer> indices, Duration visibility, String reason) {
    synchronized (run) {
      int n = 0;
      for (int i : indices) {
        if (!finished && kinds[i] == Kind.PENDING) {
          settle(i, Kind.RETURNED, visibility, reason);
          n++;
        }
      }
      return n;
    }
  }

  /** Every pending message of {@code indices} is left alone, the lane being lost. */
  void lostAll(List<Integer> indices, String reason) {
    synchronized (run) {
      for (int i : indices) {
        settle(i, Kind.LOST, Duration.ZERO, reason);
      }
    }
  }

  /**
   * The first message that stays on the queue (given back or left alone), or -1 if none does yet:
   * under a partial batch response nothing behind it may count as processed.
   */
  int firstRedelivered() {
    synchronized (run) {
      for (int i = 0; i < kinds.length; i++) {
        if (kinds[i] == Kind.RETURNED || kinds[i] == Kind.LOST) {
          return i;
        }
      }
      return -1;
    }
  }

  /** The visibility message {@code i} goes back with. */
  Duration visibility(int i) {
    synchronized (run) {
      return visibilities[i];
    }
  }

  /** Message {@code i} was run on a lane that is lost: it is neither deleted nor given back. */
  void lost(int i, String reason) {
    settle(i, Kind.LOST, Duration.ZERO, reason);
  }

  /** Every pending message from {@code from} on is left alone, the lane being lost. */
  void lostFrom(int from, String reason) {
    settleFrom(from, Kind.LOST, Duration.ZERO, reason);
  }

  /** The first message with no outcome yet, or 0 if every one has one. */
  int firstPending() {
    synchronized (run) {
      for (int i = 0; i < kinds.length; i++) {
        if (kinds[i] == Kind.PENDING) {
          return i;
        }
      }
      return 0;
    }
  }

  private void settle(int i, Kind kind, Duration visibility, String reason) {
    synchronized (run) {
      if (finished || kinds[i] != Kind.PENDING) {
        return;
      }
      kinds[i] = kind;
      visibilities[i] = visibility;
      reasons[i] = reason;
    }
  }

  private int settleFrom(int from, Kind kind, Duration visibility, String reason) {
    synchronized (run) {
      int n = 0;
      for (int i = from; i < kinds.length; i++) {
        if (!finished && kinds[i] == Kind.PENDING) {
          settle(i, kind, visibility, reason);
          n++;
        }
      }
      return n;
    }
  }

  /**
   * Decides every message's fate and marks the lane finished; the caller holds the run's monitor
   * and found the lane unfinished.
   *
   * @param held the lane's current grant, or null if it never got one
   * @param lostReason why the lane was lost, or null while it is not
   * @param forShutdown whether pending messages are given back because of the shutdown
   */
  Plan plan(
      Lease held,
      String lostReason,
      Duration pendingVisibility,
      String pendingReason,
      boolean forShutdown) {
    assert Thread.holdsLock(run);
    finished = true;
    // Successes are deleted only if, at this moment, the lane is still ours: a success seen after
    // the lane was lost may rest on a write that the new holder's fence refused.
    boolean ours = lostReason == null && held != null && parts.leases().isValid(held);
    String notOurs =
        lostReason != null
            ? lostReason
            : "the lease ran out locally before the job could be deleted";
    Plan plan = new Plan(held);
    // Not ours: every success stays on the queue anyway (below), reported with the rest.
    if (ours && parts.config().partialBatchResponse()) {
      holdBackBehindFirstRedelivered(pendingVisibility, pendingReason);
    }
    for (int i = 0; i < kinds.length; i++) {
      Message m = messages.get(i);
      switch (kinds[i]) {
        case PENDING -> {
          kinds[i] = Kind.RETURNED;
          visibilities[i] = pendingVisibility;
          reasons[i] = pendingReason;
          if (forShutdown) {
            parts.shutdownReturns().incrementAndGet();
          }
          plan.returned.computeIfAbsent(pendingVisibility, v -> new ArrayList<>()).add(m);
        }
        case DONE -> {
          if (ours) {
            plan.deleted.add(m);
            plan.succeeded.add(m);
          } else {
            kinds[i] = Kind.LOST;
            reasons[i] =
                "its handler returned, but it was not deleted because the lane was lost ("
                    + notOurs
                    + "); it runs again and its fenced writes answer DUPLICATE";
          }
        }
        // A copy is in the dead-letter queue: deleting the original is safe whoever holds the lane.
        case DEAD_LETTERED -> plan.deleted.add(m);
        case RETURNED ->
            plan.returned.computeIfAbsent(visibilities[i], v -> new ArrayList<>()).add(m);
        case LOST -> {}
      }
    }
    plan.handOver = ours && run.span() != null && plan.deleted.size() == kinds.length;
    return plan;
  }

  /**
   * For a partial batch response: every message behind the first one that stays on the queue stays
   * too, unless it was dead-lettered. A pending one goes back as the finish asks; a success (of
   * another key, run concurrently) goes back with the first one's visibility and runs again, where
   * its fenced write answers DUPLICATE. See {@link
   * io.fenceq.engine.EngineConfig#partialBatchResponse()}.
   */
  private void holdBackBehindFirstRedelivered(Duration pendingVisibility, String pendingReason) {
    int first = -1;
    for (int i = 0; i < kinds.length && first < 0; i++) {
      if (kinds[i] == Kind.RETURNED || kinds[i] == Kind.LOST || kinds[i] == Kind.PENDING) {
        first = i;
      }
    }
    if (first < 0) {
      return;
    }
    Duration visibility = kinds[first] == Kind.PENDING ? pendingVisibility : visibilities[first];
    String why =
        "it succeeded, but it is behind message "
            + messages.get(first).messageId()
            + " of its lane, which stays on the queue ("
            + (kinds[first] == Kind.PENDING ? pendingReason : reasons[first])
            + "), and a partial batch response reports every later message of a message group;"
            + " it runs again and its fenced writes answer DUPLICATE";
    for (int i = first + 1; i < kinds.length; i++) {
      if (kinds[i] == Kind.DONE) {
        kinds[i] = Kind.RETURNED;
        visibilities[i] = visibility;
        reasons[i] = why;
      }
    }
  }

  /**
   * Makes the planned queue and lease calls, then completes {@link #result()}. The SDK aborts calls
   * made on an interrupted thread, so an interrupt (a handler's, or the host's) is held back while
   * settling and restored after: otherwise the lease would lapse instead of being released and the
   * messages would wait out their visibility.
   */
  void execute(Plan plan) {
    boolean interrupted = Thread.interrupted();
    Map<String, String> deleteFailures = Map.of();
    Map<String, String> returnFailures = new LinkedHashMap<>();
    boolean released = false;
    try {
      if (plan.lease != null && !plan.handOver) {
        released = true;
        release(plan.lease);
      }
      if (!plan.deleted.isEmpty()) {
        deleteFailures = parts.actions().delete(plan.deleted);
        // Only after the queue's delete: the other way round, a crash would leave a message
        // whose envelope is gone. This way it leaves an object the lifecycle rule removes.
        parts
            .payloads()
            .deleteAfterSuccess(plan.succeeded, deleteFailures.keySet(), parts.queueName());
      }
      if (plan.handOver && !deleteFailures.isEmpty()) {
        // The undeleted come back at their own numbers, which no handover passes: free the lease
        // rather than have them wait it out.
        released = true;
        release(plan.lease);
      }
      for (Map.Entry<Duration, List<Message>> e : plan.returned.entrySet()) {
        returnFailures.putAll(parts.actions().changeVisibility(e.getValue(), e.getKey()));
      }
    } catch (RuntimeException e) {
      log.error("event=lane_settle_failed queue={} lane={}", parts.queueName(), run.groupId(), e);
      if (plan.handOver && !released) {
        // Whether the delete happened is unknown; a release costs a write, a wait a lease.
        released = true;
        release(plan.lease);
      }
    } finally {
      List<MessageOutcome> outcomes = outcomes(deleteFailures, returnFailures);
      result.complete(outcomes);
      log.debug(
          "event=lane_settled queue={} lane={} fence={} outcomes={} lease={}",
          parts.queueName(),
          run.groupId(),
          plan.lease == null ? "-" : plan.lease.fence(),
          new BatchOutcome(outcomes).counts(),
          plan.lease == null ? "none" : released ? "released" : "handed_over");
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Releases {@code held}: at the finish, or when a grant arrives for a lane that the shutdown
   * deadline already finished. Failures are logged; the lease then lapses by itself.
   */
  void release(Lease held) {
    // The SDK aborts calls on an interrupted thread; an abandoned lane's thread is one.
    boolean interrupted = Thread.interrupted();
    try {
      ReleaseResult released = parts.leases().release(held);
      if (released instanceof LeaseLoss loss) {
        log.debug(
            "event=lane_release_refused queue={} lane={} fence={} reason=\"{}\"",
            parts.queueName(),
            run.groupId(),
            held.fence(),
            loss.reason());
      }
    } catch (LeaseException e) {
      // The lease lapses by itself; until then the lane waits for it, which costs time, not safety.
      log.warn(
          "event=lane_release_failed queue={} lane={} fence={} error=\"{}\"",
          parts.queueName(),
          run.groupId(),
          held.fence(),
          e.getMessage());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private List<MessageOutcome> outcomes(
      Map<String, String> deleteFailures, Map<String, String> returnFailures) {
    synchronized (run) {
      List<MessageOutcome> outcomes = new ArrayList<>(kinds.length);
      for (int i = 0; i < kinds.length; i++) {
        String id = messages.get(i).messageId();
        String reason = reasons[i];
        String deleteFailure = deleteFailures.get(id);
        String returnFailure = returnFailures.get(id);
        if (deleteFailure != null) {
          reason =
              (reason.isEmpty() ? "" : reason + "; ")
                  + "its delete failed ("
                  + deleteFailure
                  + "), so it will be delivered again";
        }
        if (returnFailure != null) {
          reason +=
              "; its visibility could not be changed ("
                  + returnFailure
                  + "), so it comes back when its current visibility runs out";
        }
        Status status =
            switch (kinds[i]) {
              case DONE -> Status.DONE;
              case DEAD_LETTERED -> Status.DEAD_LETTERED;
              case RETURNED, PENDING -> Status.RETURNED;
              case LOST -> Status.LOST;
            };
        outcomes.add(new MessageOutcome(id, run.groupId(), status, visibilities[i], reason));
      }
      return outcomes;
    }
  }

  /** The queue and lease calls that settle a finished lane, decided by {@link #plan}. */
  static final class Plan {
    private final Lease lease;
    // Every message is deleted under a grant that recorded the batch: the lane's next batch is
    // handed the lease, so it is not released.
    private boolean handOver;
    private final List<Message> deleted = new ArrayList<>();
    // The jobs that succeeded, whose offloaded envelopes go once their messages are deleted.
    private final List<Message> succeeded = new ArrayList<>();
    private final Map<Duration, List<Message>> returned = new LinkedHashMap<>();

    private Plan(Lease lease) {
      this.lease = lease;
    }
  }
}
