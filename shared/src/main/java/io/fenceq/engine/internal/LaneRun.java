package io.fenceq.engine.internal;

import io.fenceq.engine.BatchOutcome;
import io.fenceq.engine.DeadLetterException;
import io.fenceq.engine.EngineMetrics;
import io.fenceq.engine.Job;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.LaneBatch;
import io.fenceq.engine.LaneLostException;
import io.fenceq.engine.MessageOutcome;
import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.lease.AcquireResult;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseException;
import io.fenceq.lease.LeaseLoss;
import io.fenceq.lease.LeaseRefusal;
import io.fenceq.lease.ReleaseResult;
import io.fenceq.lease.RenewResult;
import io.fenceq.lease.internal.Durations;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.MalformedJobException;
import io.fenceq.ring.Lane;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One lane of one received batch: acquires the lane's lease, runs its jobs in order, and settles
 * every message exactly once: deleted, given back with a visibility timeout, sent to the
 * dead-letter queue, or left alone because the lane was lost.
 *
 * <p>Jobs only record their outcome while the lane runs; the queue is touched once, when the lane
 * finishes ({@link #finish}): the lease is released first, so that the lane's next messages, which
 * SQS hands to whichever consumer asks next, find it free; then successes and dead-lettered
 * messages are deleted in one batch; then the rest are given back. Deleting after the release is
 * safe: SQS delivers no message of the lane to anyone while these are in flight, and the decision
 * to delete was taken while the lease was still valid and the lane not lost.
 *
 * <p>Three threads meet here: the lane's own (in {@link #run}), the heartbeat's ({@link
 * #heartbeat}) and the shutdown deadline's ({@link #abandon}). They agree under this object's
 * monitor; whoever finishes the lane first decides every outcome, and the others find {@code
 * finished} and do nothing. A handler reading {@link #lostReason()} never waits for the monitor.
 */
public final class LaneRun {
  private static final Logger log = LoggerFactory.getLogger(LaneRun.class);
  private static final String UNKNOWN_TYPE = "unknown";

  /** What a message has come to while the lane runs; the queue learns of it at the finish. */
  private enum Kind {
    PENDING,
    DONE,
    DEAD_LETTERED,
    RETURNED,
    LOST
  }

  private final EngineParts parts;
  private final LaneBatch batch;
  private final List<Message> messages;
  private final Instant notAfter;
  private final Kind[] kinds;
  private final Duration[] visibilities;
  private final String[] reasons;
  private final CompletableFuture<List<MessageOutcome>> result = new CompletableFuture<>();
  private final long submittedNanos;

  // Guarded by this.
  private boolean finished;
  private Thread runner;

  private volatile Lease lease;
  private volatile String lostReason;

  /**
   * @param notAfter when the host stops starting jobs (a Lambda invocation's end), or null
   */
  public LaneRun(EngineParts parts, LaneBatch batch, Instant notAfter) {
    this.parts = parts;
    this.batch = batch;
    this.messages = batch.messages();
    this.notAfter = notAfter;
    int n = messages.size();
    this.kinds = new Kind[n];
    this.visibilities = new Duration[n];
    this.reasons = new String[n];
    this.submittedNanos = parts.ticker().nanos();
    for (int i = 0; i < n; i++) {
      kinds[i] = Kind.PENDING;
      visibilities[i] = Duration.ZERO;
      reasons[i] = "";
    }
  }

  /** Completes when every message of the lane is settled, with their outcomes in order. */
  public CompletableFuture<List<MessageOutcome>> result() {
    return result;
  }

  public String groupId() {
    return batch.groupId();
  }

  /** The lane, or null when the group id is not a lane id. */
  public Lane lane() {
    return batch.lane();
  }

  /** The current grant of the lane's lease, renewed by the heartbeat; null before it is granted. */
  Lease lease() {
    return lease;
  }

  /** The host's own deadline for starting jobs, or null. */
  Instant notAfter() {
    return notAfter;
  }

  EngineParts parts() {
    return parts;
  }

  /** Why the lane was lost, or null while it is not. */
  String lostReason() {
    return lostReason;
  }

  /**
   * Marks the lane lost, first reason wins: from now on its handler's {@link
   * io.fenceq.engine.JobContext#checkFence()} throws, no further job starts, and nothing more of it
   * is deleted.
   */
  void lose(String reason) {
    synchronized (this) {
      if (lostReason != null) {
        return;
      }
      lostReason = reason;
    }
    Lease l = lease;
    log.warn(
        "event=lane_lost queue={} lane={} fence={} reason=\"{}\"",
        parts.queueName(),
        groupId(),
        l == null ? "-" : l.fence(),
        reason);
  }

  /** Runs the lane to its end on the calling thread; the executor calls it. */
  public void run() {
    synchronized (this) {
      if (finished) {
        return;
      }
      runner = Thread.currentThread();
    }
    boolean permit = false;
    Duration pendingVisibility = Duration.ZERO;
    String pendingReason = "the lane stopped before this job started";
    try {
      parts.lanePermits().acquire();
      permit = true;
      drain();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pendingReason = "the consumer was interrupted before the lane started";
    } catch (RuntimeException | Error e) {
      log.error("event=lane_crashed queue={} lane={}", parts.queueName(), groupId(), e);
      pendingVisibility = backoff(firstPending());
      pendingReason = "the lane stopped on an unexpected error: " + e;
      if (e instanceof Error error) {
        throw error;
      }
    } finally {
      if (permit) {
        parts.lanePermits().release();
      }
      finish(pendingVisibility, pendingReason);
      synchronized (this) {
        runner = null;
      }
      parts.gate().exit(this);
    }
  }

  /**
   * Finishes a lane that will never run (the executor refused it): gives every message back at
   * once.
   */
  public void finishUnstarted(String reason) {
    finish(Duration.ZERO, reason);
    parts.gate().exit(this);
  }

  /**
   * Gives up on the lane at the shutdown deadline: settles what is decided, gives the rest back
   * with visibility 0, releases the lease, marks the lane lost (so its handler's fence checks
   * throw) and interrupts its thread.
   */
  public void abandon(String reason) {
    Plan plan;
    synchronized (this) {
      if (finished) {
        return;
      }
      plan = plan(Duration.ZERO, reason, true);
      if (lostReason == null) {
        lostReason = reason;
      }
      if (runner != null) {
        runner.interrupt();
      }
    }
    log.warn(
        "event=lane_abandoned queue={} lane={} reason=\"{}\"",
        parts.queueName(),
        groupId(),
        reason);
    execute(plan);
  }

  /**
   * One heartbeat: renews the lease and extends the visibility of the lane's messages to a full
   * lease. Either failing loses the lane.
   */
  void heartbeat() {
    synchronized (this) {
      Lease current = lease;
      if (finished || lostReason != null || current == null) {
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
            groupId(),
            current.fence(),
            messages.size());
        return;
      }
      parts.metrics().count(EngineMetrics.HEARTBEAT_FAILURES, 1, parts.queueDimensions());
      lose("heartbeat failed: " + failure);
      if (parts.heartbeat() != null) {
        parts.heartbeat().stop(this);
      }
    }
  }

  private void drain() {
    Lane lane = lane();
    if (lane == null) {
      String reason =
          "message group id \""
              + groupId()
              + "\" is not a lane id (lane-NNNN): the message was not enqueued through a fenceq"
              + " ring";
      for (int i = 0; i < messages.size(); i++) {
        deadLetterOrFail(i, null, UNKNOWN_TYPE, reason);
      }
      return;
    }
    if (parts.gate().draining()) {
      returnForShutdown(0, "the consumer is shutting down; the lane was not started");
      return;
    }
    if (waitedTooLong()) {
      return;
    }
    if (!acquireLease(lane)) {
      return;
    }
    for (int i = 0; i < messages.size(); i++) {
      if (!mayStart(i) || !runJob(i)) {
        return;
      }
    }
  }

  /**
   * A lane that waited for a free lane slot must still start while the visibility its messages got
   * at the receive (at least one lease) outlasts the first heartbeat, one renew interval after the
   * grant. Later, they could reappear to another consumer while this one runs them: safe, since the
   * fence and the seq check stop the loser, but wasted. Such a lane goes back at once.
   *
   * @return whether the lane was given back
   */
  private boolean waitedTooLong() {
    Duration waited = Duration.ofNanos(parts.ticker().nanos() - submittedNanos);
    Duration limit =
        parts.leases().config().leaseDuration().minus(parts.leases().config().renewInterval());
    if (waited.compareTo(limit) <= 0) {
      return false;
    }
    log.warn(
        "event=lane_start_too_late queue={} lane={} messages={} waited={} limit={}",
        parts.queueName(),
        groupId(),
        messages.size(),
        Durations.format(waited),
        Durations.format(limit));
    settleFrom(
        0,
        Kind.RETURNED,
        Duration.ZERO,
        "the lane waited "
            + Durations.format(waited)
            + " for a lane slot, longer than its messages' visibility allows (lease less one"
            + " renew interval, "
            + Durations.format(limit)
            + ")");
    return true;
  }

  private boolean acquireLease(Lane lane) {
    AcquireResult acquired;
    try {
      acquired = parts.leases().acquire(LaneLeases.leaseId(lane), parts.config().owner());
    } catch (LeaseException e) {
      settleFrom(
          0,
          Kind.RETURNED,
          backoff(0),
          "the lease of lane " + lane + " could not be asked for: " + e.getMessage());
      return false;
    }
    switch (acquired) {
      case LeaseRefusal refusal -> {
        parts.metrics().count(EngineMetrics.LEASE_REFUSALS, 1, parts.queueDimensions());
        log.info(
            "event=lane_refused queue={} lane={} holder={} holderFence={} retryAfter={}",
            parts.queueName(),
            lane,
            refusal.holder(),
            refusal.holderFence(),
            Durations.format(refusal.retryAfter()));
        settleFrom(
            0,
            Kind.RETURNED,
            refusal.retryAfter(),
            "lane " + lane + " is held by another consumer: " + refusal.reason());
        return false;
      }
      case Lease granted -> {
        return hold(granted);
      }
    }
  }

  /**
   * Takes the granted lease into the lane and starts its heartbeat, under the monitor: the shutdown
   * deadline may have abandoned the lane while the grant was on its way, and then nobody else would
   * release this grant or stop its heartbeat.
   *
   * @return whether the lane goes on
   */
  private boolean hold(Lease granted) {
    synchronized (this) {
      if (!finished) {
        lease = granted;
        log.debug(
            "event=lane_acquired queue={} lane={} fence={} messages={}",
            parts.queueName(),
            groupId(),
            granted.fence(),
            messages.size());
        if (parts.heartbeat() == null || parts.heartbeat().start(this)) {
          return true;
        }
        returnForShutdown(0, "the consumer is shutting down; the lane was not started");
        return false;
      }
    }
    release(granted);
    return false;
  }

  /** Whether job {@code i} may start; if not, settles it and the rest of the lane. */
  private boolean mayStart(int i) {
    if (lostReason != null) {
      settleFrom(i, Kind.LOST, Duration.ZERO, "the lane was lost: " + lostReason);
      return false;
    }
    if (parts.gate().draining()) {
      returnForShutdown(i, "the consumer is shutting down; the job was not started");
      return false;
    }
    if (notAfter != null && !parts.clock().instant().isBefore(notAfter)) {
      settleFrom(i, Kind.RETURNED, Duration.ZERO, "the host's deadline passed before it started");
      return false;
    }
    if (!parts.leases().isValid(lease)) {
      lose("the lease ran out locally before it was renewed (was this process paused?)");
      settleFrom(i, Kind.LOST, Duration.ZERO, "the lane was lost: " + lostReason);
      return false;
    }
    return true;
  }

  /**
   * Runs job {@code i}.
   *
   * @return whether the lane goes on
   */
  private boolean runJob(int i) {
    Message m = messages.get(i);
    JobEnvelope envelope;
    try {
      envelope = JobEnvelope.parse(m.body());
    } catch (MalformedJobException e) {
      envelope = null;
      String ringProblem = ringProblem(m, null);
      deadLetterOrFail(i, null, UNKNOWN_TYPE, ringProblem != null ? ringProblem : e.getMessage());
      return true;
    }
    String problem = ringProblem(m, envelope.key());
    JobHandler handler = parts.handlers().handlerFor(envelope.type()).orElse(null);
    if (problem == null && handler == null) {
      problem =
          "no handler for job type \""
              + envelope.type()
              + "\"; this consumer handles "
              + new TreeSet<>(parts.handlers().types());
    }
    if (problem != null) {
      deadLetterOrFail(i, envelope.key(), envelope.type(), problem);
      return true;
    }
    Job job =
        new Job(
            envelope.key(),
            envelope.type(),
            envelope.payload(),
            envelope.jobId(),
            envelope.enqueuedAt(),
            m.messageId(),
            Received.sequenceNumber(m),
            Received.receiveCount(m));
    return runHandler(i, handler, job);
  }

  private boolean runHandler(int i, JobHandler handler, Job job) {
    Map<String, String> dims = parts.jobDimensions(job.type());
    long started = parts.ticker().nanos();
    try {
      handler.handle(job, new LaneContext(this, job));
    } catch (LaneLostException e) {
      lose(e.getMessage());
      return stopLost(i, job, "its handler stopped: " + e.getMessage());
    } catch (Throwable e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (lostReason != null) {
        return stopLost(i, job, "its handler failed after the lane was lost: " + lostReason);
      }
      parts.metrics().count(EngineMetrics.JOBS_FAILED, 1, dims);
      // An interrupt or a JVM error says nothing about the job: it stays for another delivery.
      boolean jobsOwnFailure =
          !(e instanceof InterruptedException) && !(e instanceof VirtualMachineError);
      if (jobsOwnFailure && lastDelivery(job) && deadLetterFailed(i, job, e)) {
        return true;
      }
      Duration visibility = backoff(i);
      log.warn(
          "event=job_failed queue={} lane={} key={} fence={} seq={} messageId={} attempt={}"
              + " retryIn={}",
          parts.queueName(),
          groupId(),
          job.key(),
          lease.fence(),
          job.seq(),
          job.messageId(),
          job.attempt(),
          Durations.format(visibility),
          e);
      settle(i, Kind.RETURNED, visibility, "its handler threw " + e);
      settleFrom(
          i + 1,
          Kind.RETURNED,
          visibility,
          "it is behind job " + job.messageId() + " of its lane, which failed");
      if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) {
        throw vme;
      }
      return false;
    }
    Duration took = Duration.ofNanos(parts.ticker().nanos() - started);
    parts.metrics().timing(EngineMetrics.HANDLER_TIME, took, dims);
    if (lostReason != null) {
      return stopLost(
          i, job, "its handler returned, but the lane was lost while it ran: " + lostReason);
    }
    settle(i, Kind.DONE, Duration.ZERO, "");
    parts.metrics().count(EngineMetrics.JOBS_OK, 1, dims);
    Duration sinceEnqueue = Duration.between(job.enqueuedAt(), parts.clock().instant());
    if (!sinceEnqueue.isNegative()) {
      parts.metrics().timing(EngineMetrics.ENQUEUE_TO_APPLY, sinceEnqueue, dims);
    }
    log.debug(
        "event=job_done queue={} lane={} key={} fence={} seq={} messageId={} took={}",
        parts.queueName(),
        groupId(),
        job.key(),
        lease.fence(),
        job.seq(),
        job.messageId(),
        Durations.format(took));
    return true;
  }

  /** Whether SQS would move {@code job} to the dead-letter queue at its next receive. */
  private boolean lastDelivery(Job job) {
    OptionalInt max = parts.config().maxReceiveCount();
    return max.isPresent()
        && parts.config().deadLetterQueueUrl().isPresent()
        && job.attempt() >= max.getAsInt();
  }

  /**
   * Sends job {@code i}, which failed on its last delivery, to the dead-letter queue with the
   * handler's error, so that its lane goes on in this batch rather than waiting for the redrive
   * policy, which would take the jobs received behind it too.
   *
   * @return whether it was dead-lettered; if not, the caller returns it as any failure
   */
  private boolean deadLetterFailed(int i, Job job, Throwable error) {
    String reason =
        "its handler failed on delivery "
            + job.attempt()
            + " of "
            + parts.config().maxReceiveCount().getAsInt()
            + " (the queue's maxReceiveCount): "
            + error;
    try {
      parts.actions().deadLetter(messages.get(i), reason);
    } catch (RuntimeException e) {
      log.warn(
          "event=job_dead_letter_failed queue={} lane={} key={} fence={} seq={} messageId={}"
              + " reason=\"{}\" error=\"{}\"",
          parts.queueName(),
          groupId(),
          job.key(),
          lease.fence(),
          job.seq(),
          job.messageId(),
          reason,
          e instanceof DeadLetterException ? e.getMessage() : e.toString());
      return false;
    }
    settle(i, Kind.DEAD_LETTERED, Duration.ZERO, reason);
    parts.metrics().count(EngineMetrics.JOBS_DEAD_LETTERED, 1, parts.jobDimensions(job.type()));
    log.warn(
        "event=job_dead_lettered queue={} lane={} key={} fence={} seq={} messageId={}"
            + " reason=\"{}\"",
        parts.queueName(),
        groupId(),
        job.key(),
        lease.fence(),
        job.seq(),
        job.messageId(),
        reason,
        error);
    return true;
  }

  private boolean stopLost(int i, Job job, String reason) {
    parts.metrics().count(EngineMetrics.JOBS_FENCED, 1, parts.jobDimensions(job.type()));
    log.warn(
        "event=job_fenced queue={} lane={} key={} fence={} seq={} messageId={} reason=\"{}\"",
        parts.queueName(),
        groupId(),
        job.key(),
        lease.fence(),
        job.seq(),
        job.messageId(),
        reason);
    settle(i, Kind.LOST, Duration.ZERO, reason);
    settleFrom(i + 1, Kind.LOST, Duration.ZERO, "the lane was lost: " + lostReason);
    return false;
  }

  /**
   * Why message {@code m} was placed by another ring than this consumer's, or null: a job placed by
   * another ring may be in another lane than its key's, and running it could reorder that key.
   *
   * @param key the job's key if its envelope could be read, to check its lane too
   */
  private String ringProblem(Message m, String key) {
    String stamped = Received.ringDescriptor(m);
    String ours = parts.config().ring().descriptor();
    if (stamped != null && !stamped.equals(ours)) {
      return "the message was placed by ring "
          + stamped
          + ", but this consumer runs ring "
          + ours
          + "; it may be in the wrong lane for its key";
    }
    if (key != null) {
      Lane expected = parts.config().ring().laneFor(key);
      if (!expected.equals(lane())) {
        return "key \""
            + key
            + "\" belongs to "
            + expected
            + " on ring "
            + ours
            + ", but arrived in "
            + groupId();
      }
    }
    return null;
  }

  /**
   * Sends message {@code i} to the dead-letter queue with {@code reason}; without one, or if the
   * send fails, fails it normally so that the redrive policy takes it there.
   *
   * @param key the job's key for the logs, or null if its envelope could not be read
   */
  private void deadLetterOrFail(int i, String key, String type, String reason) {
    Message m = messages.get(i);
    String failure;
    if (parts.config().deadLetterQueueUrl().isEmpty()) {
      failure = "no dead-letter queue is configured; it reaches one through the redrive policy";
    } else {
      try {
        parts.actions().deadLetter(m, reason);
        settle(i, Kind.DEAD_LETTERED, Duration.ZERO, reason);
        parts.metrics().count(EngineMetrics.JOBS_DEAD_LETTERED, 1, parts.jobDimensions(type));
        log.warn(
            "event=job_dead_lettered queue={} lane={} key={} messageId={} reason=\"{}\"",
            parts.queueName(),
            groupId(),
            key,
            m.messageId(),
            reason);
        return;
      } catch (RuntimeException e) {
        failure = e instanceof DeadLetterException ? e.getMessage() : e.toString();
      }
    }
    Duration visibility = backoff(i);
    parts.metrics().count(EngineMetrics.JOBS_FAILED, 1, parts.jobDimensions(type));
    log.warn(
        "event=job_permanent_error queue={} lane={} key={} messageId={} retryIn={}"
            + " reason=\"{}\" deadLetter=\"{}\"",
        parts.queueName(),
        groupId(),
        key,
        m.messageId(),
        Durations.format(visibility),
        reason,
        failure);
    settle(i, Kind.RETURNED, visibility, reason + " (not dead-lettered: " + failure + ")");
  }

  private void returnForShutdown(int from, String reason) {
    parts.shutdownReturns().addAndGet(settleFrom(from, Kind.RETURNED, Duration.ZERO, reason));
  }

  /** A jittered backoff from the receive count of message {@code i}. */
  private Duration backoff(int i) {
    int receiveCount = i < messages.size() ? Received.receiveCount(messages.get(i)) : 1;
    return parts.backoff().delay(receiveCount, ThreadLocalRandom.current());
  }

  private synchronized int firstPending() {
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] == Kind.PENDING) {
        return i;
      }
    }
    return 0;
  }

  private synchronized void settle(int i, Kind kind, Duration visibility, String reason) {
    if (finished || kinds[i] != Kind.PENDING) {
      return;
    }
    kinds[i] = kind;
    visibilities[i] = visibility;
    reasons[i] = reason;
  }

  /** Settles every pending message from {@code from} on; returns how many. */
  private synchronized int settleFrom(int from, Kind kind, Duration visibility, String reason) {
    int n = 0;
    for (int i = from; i < kinds.length; i++) {
      if (!finished && kinds[i] == Kind.PENDING) {
        settle(i, kind, visibility, reason);
        n++;
      }
    }
    return n;
  }

  private void finish(Duration pendingVisibility, String pendingReason) {
    Plan plan;
    synchronized (this) {
      if (finished) {
        return;
      }
      plan = plan(pendingVisibility, pendingReason, false);
    }
    execute(plan);
  }

  /**
   * Decides every message's fate and marks the lane finished; called under the monitor.
   *
   * @param forShutdown whether pending messages are given back because of the shutdown
   */
  private Plan plan(Duration pendingVisibility, String pendingReason, boolean forShutdown) {
    finished = true;
    if (parts.heartbeat() != null) {
      parts.heartbeat().stop(this);
    }
    Lease held = lease;
    // Successes are deleted only if, at this moment, the lane is still ours: a success seen after
    // the lane was lost may rest on a write that the new holder's fence refused.
    boolean ours = lostReason == null && held != null && parts.leases().isValid(held);
    String notOurs =
        lostReason != null
            ? lostReason
            : "the lease ran out locally before the job could be deleted";
    Plan plan = new Plan(held);
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
    return plan;
  }

  /**
   * Makes the planned queue and lease calls, then completes {@link #result()}. The SDK aborts calls
   * made on an interrupted thread, so an interrupt (a handler's, or the host's) is held back while
   * settling and restored after: otherwise the lease would lapse instead of being released and the
   * messages would wait out their visibility.
   */
  private void execute(Plan plan) {
    boolean interrupted = Thread.interrupted();
    Map<String, String> deleteFailures = Map.of();
    Map<String, String> returnFailures = new LinkedHashMap<>();
    try {
      if (plan.lease != null) {
        release(plan.lease);
      }
      if (!plan.deleted.isEmpty()) {
        deleteFailures = parts.actions().delete(plan.deleted);
      }
      for (Map.Entry<Duration, List<Message>> e : plan.returned.entrySet()) {
        returnFailures.putAll(parts.actions().changeVisibility(e.getValue(), e.getKey()));
      }
    } catch (RuntimeException e) {
      log.error("event=lane_settle_failed queue={} lane={}", parts.queueName(), groupId(), e);
    } finally {
      List<MessageOutcome> outcomes = outcomes(deleteFailures, returnFailures);
      result.complete(outcomes);
      log.debug(
          "event=lane_settled queue={} lane={} fence={} outcomes={}",
          parts.queueName(),
          groupId(),
          plan.lease == null ? "-" : plan.lease.fence(),
          new BatchOutcome(outcomes).counts());
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void release(Lease held) {
    // The SDK aborts calls on an interrupted thread; an abandoned lane's thread is one.
    boolean interrupted = Thread.interrupted();
    try {
      ReleaseResult released = parts.leases().release(held);
      if (released instanceof LeaseLoss loss) {
        log.debug(
            "event=lane_release_refused queue={} lane={} fence={} reason=\"{}\"",
            parts.queueName(),
            groupId(),
            held.fence(),
            loss.reason());
      }
    } catch (LeaseException e) {
      // The lease lapses by itself; until then the lane waits for it, which costs time, not safety.
      log.warn(
          "event=lane_release_failed queue={} lane={} fence={} error=\"{}\"",
          parts.queueName(),
          groupId(),
          held.fence(),
          e.getMessage());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized List<MessageOutcome> outcomes(
      Map<String, String> deleteFailures, Map<String, String> returnFailures) {
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
      outcomes.add(new MessageOutcome(id, groupId(), status, visibilities[i], reason));
    }
    return outcomes;
  }

  /** The queue and lease calls that settle a finished lane. */
  private static final class Plan {
    final Lease lease;
    final List<Message> deleted = new ArrayList<>();
    final Map<Duration, List<Message>> returned = new LinkedHashMap<>();

    Plan(Lease lease) {
      this.lease = lease;
    }
  }

  @Override
  public String toString() {
    return "LaneRun[" + groupId() + ", " + messages.size() + " messages]";
  }
}
