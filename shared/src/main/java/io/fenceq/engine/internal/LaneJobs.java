package io.fenceq.engine.internal;

import io.fenceq.engine.EngineConfig;
import io.fenceq.engine.EngineMetrics;
import io.fenceq.engine.Job;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.JobTimedOutException;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.engine.LaneLostException;
import io.fenceq.engine.OrderScope;
import io.fenceq.fence.DownstreamFence;
import io.fenceq.lease.internal.Durations;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.MalformedJobException;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.reshard.internal.EpochRule;
import io.fenceq.ring.Lane;
import io.fenceq.trace.FenceqTracing;
import io.fenceq.trace.internal.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Runs the lane's jobs and decides what each one comes to. A job is read from its envelope and
 * checked: a message that can never succeed (malformed, placed by another ring or in the wrong
 * lane, or of a type with no handler) goes to the dead-letter queue at once and the lane goes on,
 * once the engine has made sure the delivery is still this consumer's ({@link LaneDeadLetters}).
 * Otherwise its handler is called with its context, and then: a success is recorded for deletion
 * (and clears the lane's failure record, if it has one); a failure is counted in the lane's failure
 * record on its lease item and stops its {@link KeySequence} (its key's jobs, or under {@link
 * OrderScope#LANE} the lane's), the job and the rest of the sequence going back with its backoff,
 * unless that was the job's {@link EngineConfig#maxAttempts()}-th failure (or SQS's last delivery),
 * when it goes to the dead-letter queue with the reason and the sequence goes on; a handler stopped
 * by, or finishing after, the loss of the lane leaves the job and the rest alone.
 *
 * <p>Threads: {@link #sequences()} runs on the lane's own; {@link #runFrom} on whichever key thread
 * runs the sequence ({@link KeyWorkers}), several at once. Nothing here is shared between them but
 * what is thread-safe: outcomes go to the {@link LaneSettlement}, which takes the run's monitor,
 * the lane's state is read from the {@link LaneLiveness} without it, and the failure record is
 * counted by the synchronized {@link LaneAttempts}.
 */
final class LaneJobs {
  /** {@link #awaitBarrier}: the job is still held; ask again. */
  static final int STILL_HELD = -2;

  /** At most this many jobs in one call of a {@link KeyBatchHandler}: an SQS receive's worth. */
  static final int MAX_KEY_BATCH = 10;

  private static final Logger log = LoggerFactory.getLogger(LaneJobs.class);
  private static final String UNKNOWN_TYPE = "unknown";

  private final LaneRun run;
  private final EngineParts parts;
  private final List<Message> messages;
  private final LaneSettlement settlement;
  private final LaneLiveness liveness;

  private final LaneAttempts attempts;
  private final LaneDeadLetters deadLetters;

  /** When each held job started waiting for its barrier, by the ticker; 0: not held yet. */
  private final long[] heldSince;

  /** Held jobs whose barrier has passed. */
  private final boolean[] released;

  LaneJobs(
      LaneRun run,
      EngineParts parts,
      List<Message> messages,
      LaneSettlement settlement,
      LaneLiveness liveness) {
    this.run = run;
    this.parts = parts;
    this.messages = messages;
    this.settlement = settlement;
    this.liveness = liveness;
    this.attempts = new LaneAttempts(run, parts, liveness, messages);
    this.deadLetters = new LaneDeadLetters(run, parts, messages, settlement, liveness);
    this.heldSince = new long[messages.size()];
    this.released = new boolean[messages.size()];
  }

  /**
   * Sends every message of a group that is not a lane to the dead-letter queue: nothing says which
   * ring placed them or what lease would guard them.
   */
  void refuseForeignGroup() {
    String reason =
        "message group id \""
            + run.groupId()
            + "\" is not a lane id (lane-NNNN): the message was not enqueued through a fenceq"
            + " ring";
    for (int i = 0; i < messages.size(); i++) {
      deadLetters.sendOrFail(i, null, UNKNOWN_TYPE, reason);
    }
  }

  /**
   * Reads every message of the lane-batch and splits them into the sequences that run: one per key
   * under {@link OrderScope#KEY} (a message whose key could not be read is a sequence of its own),
   * one of all under {@link OrderScope#LANE}; each in received order, the sequences ordered by
   * their first message. A message whose offloaded envelope could not be read this time goes back
   * with everything behind it, of any key: its key is unknown, and running a later job of that key
   * first would reorder it.
   */
  List<KeySequence> sequences() {
    int start = 0;
    int end = messages.size();
    RingEpoch now = null;
    EpochGuard guard = parts.epochs();
    if (guard != null) {
      try {
        now = epochForBatch(guard);
      } catch (RuntimeException e) {
        giveBackAll(guard, "the ring's epoch could not be read: " + e.getMessage());
        return List.of();
      }
      if (barrierEpoch(messages.getFirst()) >= 0) {
        now = passBarrier(guard, now);
        if (now == null) {
          return List.of();
        }
        start = 1;
      }
      for (int i = start; i < end; i++) {
        if (barrierEpoch(messages.get(i)) >= 0) {
          // A barrier passes only at the head of its lane-batch, where SQS FIFO guarantees that
          // every earlier message of its lane is deleted: the jobs ahead of it here are not yet.
          settlement.returnedFrom(
              i,
              Duration.ZERO,
              "it is behind (or is) the reshard barrier "
                  + messages.get(i).messageId()
                  + " of its lane, which passes once every job ahead of it is deleted");
          end = i;
          break;
        }
      }
    }
    List<LaneEntry> entries = new ArrayList<>(end - start);
    for (int i = start; i < end; i++) {
      LaneEntry entry = read(i, messages.get(i), now);
      if (entry == null) {
        break;
      }
      entries.add(entry);
    }
    if (parts.config().orderScope() == OrderScope.LANE) {
      return entries.isEmpty() ? List.of() : List.of(new KeySequence(entries));
    }
    Map<String, List<LaneEntry>> byKey = new LinkedHashMap<>();
    List<List<LaneEntry>> ordered = new ArrayList<>();
    for (LaneEntry e : entries) {
      if (e.key() == null) {
        ordered.add(List.of(e));
        continue;
      }
      List<LaneEntry> sequence = byKey.get(e.key());
      if (sequence == null) {
        sequence = new ArrayList<>();
        byKey.put(e.key(), sequence);
        ordered.add(sequence);
      }
      sequence.add(e);
    }
    return ordered.stream().map(KeySequence::new).toList();
  }

  /**
   * Message {@code i} as a job or a refusal; null if its envelope could not be read this time (it
   * and the rest of the lane are then settled).
   */
  private LaneEntry read(int i, Message m, RingEpoch now) {
    if (barrierEpoch(m) >= 0) {
      return LaneEntry.refused(
          i,
          m,
          null,
          UNKNOWN_TYPE,
          "a reshard barrier reached a consumer that does not follow the ring's epoch: build its"
              + " LaneProcessor with ringEpochs (the lease table's ring#config item)");
    }
    JobEnvelope envelope;
    try {
      envelope = JobEnvelope.parse(parts.payloads().envelope(m));
    } catch (Payloads.PayloadGone e) {
      return LaneEntry.refused(i, m, null, UNKNOWN_TYPE, e.getMessage());
    } catch (Payloads.PayloadUnreachable e) {
      giveBackUnread(i, m, e.getMessage());
      return null;
    } catch (MalformedJobException e) {
      String ringProblem = now == null ? ringProblem(m, null) : null;
      return LaneEntry.refused(
          i, m, null, UNKNOWN_TYPE, ringProblem != null ? ringProblem : e.getMessage());
    }
    Lane waitFor = null;
    long epoch = 0;
    long fenceEpoch = 0;
    String problem;
    if (now == null) {
      problem = ringProblem(m, envelope.key());
    } else {
      try {
        epoch = Received.epoch(m);
        EpochRule.Decision d = decide(now, epoch, envelope.key());
        problem = d instanceof EpochRule.Refuse r ? r.reason() : ringProblem(m, epoch, now);
        waitFor = d instanceof EpochRule.Hold h ? h.oldLane() : null;
        fenceEpoch =
            EpochRule.fenceEpoch(now, epoch, envelope.key(), parts.epochs().epochs()::ring);
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    JobHandler handler = parts.handlers().handlerFor(envelope.type()).orElse(null);
    if (problem == null && handler == null) {
      problem =
          "no handler for job type \""
              + envelope.type()
              + "\"; this consumer handles "
              + new TreeSet<>(parts.handlers().types());
    }
    if (problem != null) {
      return LaneEntry.refused(i, m, envelope.key(), envelope.type(), problem);
    }
    if (waitFor != null) {
      return LaneEntry.held(i, m, job(m, envelope), handler, epoch, waitFor, fenceEpoch);
    }
    return LaneEntry.job(i, m, job(m, envelope), handler, fenceEpoch);
  }

  /**
   * The downstream fence for a log or span: the lane fence when it would not fit (never throws).
   */
  private long loggedFence(LaneEntry entry) {
    try {
      return downstreamFence(entry);
    } catch (IllegalStateException e) {
      return liveness.lease().fence();
    }
  }

  /**
   * The downstream fence of {@code entry}'s job: its fence epoch in front of the lane lease's fence
   * (see {@link DownstreamFence}). What its context hands the handler, and what the job's logs and
   * span call {@code fence}.
   *
   * @throws IllegalStateException naming the lane if the lane's fence or the epoch does not fit
   */
  long downstreamFence(LaneEntry entry) {
    Job job = entry.job();
    long laneFence = liveness.lease().fence();
    try {
      return DownstreamFence.of(entry.fenceEpoch(), laneFence);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "lane "
              + run.groupId()
              + " of queue "
              + parts.queueName()
              + " at fence "
              + laneFence
              + " cannot give job "
              + job.messageId()
              + " of key \""
              + job.key()
              + "\" a downstream fence: "
              + e.getMessage(),
          e);
    }
  }

  /** The epoch rule's decision, a newer epoch than the table's being refused. */
  private EpochRule.Decision decide(RingEpoch now, long epoch, String key) {
    EpochRule.Decision d =
        EpochRule.decide(now, epoch, run.lane(), key, parts.epochs().epochs()::ring);
    if (d instanceof EpochRule.Newer) {
      return new EpochRule.Refuse(
          "job of key \""
              + key
              + "\" in "
              + run.groupId()
              + " is of epoch "
              + epoch
              + ", newer than the ring's "
              + now.describe()
              + " in the lease table: it was not placed through this queue's ring");
    }
    return d;
  }

  /**
   * The ring's epoch for this lane-batch: as cached, or read now if a reshard is under way or a
   * message is a barrier or of another epoch than the cached one, so that no job is decided on a
   * value that misses a barrier's passing.
   */
  private RingEpoch epochForBatch(EpochGuard guard) {
    RingEpoch now = guard.epochs().current();
    boolean concern = now.resharding();
    for (int i = 0; i < messages.size() && !concern; i++) {
      Message m = messages.get(i);
      concern = barrierEpoch(m) >= 0 || epochOrZero(m) != now.epoch();
    }
    return concern ? guard.epochs().refresh() : now;
  }

  /**
   * Passes the barrier at the head of the lane-batch: every earlier message of the lane is deleted
   * (SQS FIFO delivers none of a group behind one in flight or visible), so every job of the old
   * epoch in this lane has run or is in the dead-letter queue.
   *
   * @return the epoch after it, or null if it could not be recorded (the lane goes back)
   */
  private RingEpoch passBarrier(EpochGuard guard, RingEpoch now) {
    Message m = messages.getFirst();
    long epoch = barrierEpoch(m);
    boolean cleared;
    try {
      cleared = guard.epochs().clearBarrier(epoch, run.lane());
    } catch (RuntimeException e) {
      giveBackAll(
          guard, "the barrier of " + run.groupId() + " could not be recorded: " + e.getMessage());
      return null;
    }
    settlement.done(0);
    log.info(
        "event=barrier_passed queue={} lane={} epoch={} firstTime={} messageId={}",
        parts.queueName(),
        run.groupId(),
        epoch,
        cleared,
        m.messageId());
    return now.epoch() == epoch ? now.cleared(run.lane()) : now;
  }

  /** Gives every message of the lane-batch back with the lane's backoff, uncounted. */
  private void giveBackAll(EpochGuard guard, String reason) {
    Duration visibility = run.backoff(0);
    log.warn(
        "event=lane_epoch_unknown queue={} lane={} retryIn={} reason=\"{}\"",
        parts.queueName(),
        run.groupId(),
        Durations.format(visibility),
        reason);
    settlement.returnedFrom(0, visibility, reason);
  }

  /**
   * Waits for the barrier the entry at {@code pos} of {@code seq} is held for, one poll at a time:
   * the job stays in flight (the heartbeat extends it) while the epoch is read again.
   *
   * @return {@code pos} when it may run (or was never held), {@link #STILL_HELD} after one more
   *     poll, {@code pos + 1} when it went to the dead-letter queue, -1 when the sequence stops
   *     (given back at the hold's limit, or interrupted)
   */
  int awaitBarrier(KeySequence seq, int pos) {
    LaneEntry entry = seq.get(pos);
    int i = entry.index();
    if (entry.waitFor() == null || released[i]) {
      return pos;
    }
    EpochGuard guard = parts.epochs();
    long t = parts.ticker().nanos();
    if (heldSince[i] == 0) {
      heldSince[i] = t == 0 ? 1 : t;
      log.info(
          "event=job_held queue={} lane={} key={} epoch={} waitsFor={} messageId={}",
          parts.queueName(),
          run.groupId(),
          entry.key(),
          entry.epoch(),
          entry.waitFor(),
          entry.message().messageId());
    }
    Duration waited = Duration.ofNanos(t - heldSince[i]);
    RingEpoch now;
    try {
      now = guard.epochs().refresh();
    } catch (RuntimeException e) {
      return giveBackHeld(
          seq, pos, guard.holdRetry(), "the ring's epoch could not be read: " + e.getMessage());
    }
    EpochRule.Decision d = decide(now, entry.epoch(), entry.key());
    if (d instanceof EpochRule.Run) {
      released[i] = true;
      log.info(
          "event=job_released queue={} lane={} key={} epoch={} waited={}",
          parts.queueName(),
          run.groupId(),
          entry.key(),
          entry.epoch(),
          Durations.format(waited));
      return pos;
    }
    if (d instanceof EpochRule.Refuse r) {
      deadLetters.sendOrFail(i, entry.key(), entry.type(), r.reason());
      return pos + 1;
    }
    Duration limit = guard.holdLimit();
    if (run.notAfter() != null) {
      // A Lambda invocation cannot wait past its end: the job goes back, its receive counted.
      Duration left =
          Duration.between(parts.clock().instant(), run.notAfter()).minus(guard.holdPoll());
      limit = min(limit, waited.plus(left));
    }
    if (waited.compareTo(limit) >= 0) {
      return giveBackHeld(
          seq,
          pos,
          guard.holdRetry(),
          "the barrier of "
              + entry.waitFor()
              + " into epoch "
              + entry.epoch()
              + " had not passed after "
              + Durations.format(waited)
              + "; its key moved from that lane, and running it first could reorder the key");
    }
    try {
      Thread.sleep(guard.holdPoll());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
    return STILL_HELD;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private int giveBackHeld(KeySequence seq, int pos, Duration visibility, String reason) {
    LaneEntry entry = seq.get(pos);
    log.warn(
        "event=job_hold_ended queue={} lane={} key={} epoch={} retryIn={} reason=\"{}\"",
        parts.queueName(),
        run.groupId(),
        entry.key(),
        entry.epoch(),
        Durations.format(visibility),
        reason);
    settlement.returned(entry.index(), visibility, reason);
    settlement.returnedAll(
        seq.indicesFrom(pos + 1),
        visibility,
        "it is behind job "
            + entry.message().messageId()
            + " of its "
            + scope()
            + ", which waits for a reshard barrier");
    return -1;
  }

  /** The epoch of a barrier message, -1 for any other (a malformed attribute is not a barrier). */
  private static long barrierEpoch(Message m) {
    try {
      return Received.barrierEpoch(m);
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private static long epochOrZero(Message m) {
    try {
      return Received.epoch(m);
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  /**
   * Why message {@code m}, of {@code epoch}, was placed by another ring than that epoch's (other
   * virtual nodes), or null.
   */
  private String ringProblem(Message m, long epoch, RingEpoch now) {
    String stamped = Received.ringDescriptor(m);
    int lanes = epoch == now.epoch() ? now.lanes() : now.previousLanes();
    String expected = parts.epochs().epochs().ring(lanes).descriptor();
    if (stamped != null && !stamped.equals(expected)) {
      return "the message of epoch "
          + epoch
          + " was placed by ring "
          + stamped
          + ", but that epoch's ring is "
          + expected
          + "; it may be in the wrong lane for its key";
    }
    return null;
  }

  /**
   * Runs the entry at {@code pos} of {@code seq}, and with a {@link KeyBatchHandler} the
   * consecutive jobs of its key after it; the lane holds its lease and the job may start.
   *
   * @return the position of the next entry to run, or -1 when the sequence stops
   */
  int runFrom(KeySequence seq, int pos) {
    LaneEntry entry = seq.get(pos);
    if (entry.job() == null) {
      deadLetters.sendOrFail(entry.index(), entry.key(), entry.type(), entry.problem());
      return pos + 1;
    }
    Job job = entry.job();
    String spent = attempts.exhaustedBefore(job);
    if (spent != null && deadLetters.sendFailed(entry, loggedFence(entry), spent, null)) {
      attempts.clearFailure(job);
      return pos + 1;
    }
    if (entry.handler() instanceof KeyBatchHandler batchHandler) {
      return runBatch(seq, pos, batchHandler, batchFrom(seq, pos, batchHandler));
    }
    return runHandler(seq, pos, entry.handler(), job) ? pos + 1 : -1;
  }

  private static Job job(Message m, JobEnvelope envelope) {
    return new Job(
        envelope.key(),
        envelope.type(),
        envelope.payload(),
        envelope.jobId(),
        envelope.enqueuedAt(),
        m.messageId(),
        Received.sequenceNumber(m),
        Received.receiveCount(m));
  }

  /**
   * The job at {@code pos} of {@code seq} and the consecutive jobs after it that {@code handler}
   * takes in the same call: same key, a type registered with this same handler, placed by this
   * ring, not out of attempts; at most {@link #MAX_KEY_BATCH}.
   */
  private List<Job> batchFrom(KeySequence seq, int pos, KeyBatchHandler handler) {
    Job first = seq.get(pos).job();
    List<Job> batch = new ArrayList<>();
    batch.add(first);
    for (int j = pos + 1; j < seq.size() && batch.size() < MAX_KEY_BATCH; j++) {
      LaneEntry next = seq.get(j);
      if (next.job() == null
          || !next.key().equals(first.key())
          || next.handler() != handler
          || attempts.exhaustedBefore(next.job()) != null) {
        break;
      }
      batch.add(next.job());
    }
    return batch;
  }

  /**
   * Runs the entries {@code pos} to {@code pos + batch.size() - 1} of {@code seq} in one call of
   * {@code handler}, then settles each as the handler reported.
   *
   * @return the position of the next entry to run, or -1 when the sequence stops
   */
  private int runBatch(KeySequence seq, int pos, KeyBatchHandler handler, List<Job> batch) {
    int i = seq.get(pos).index();
    Job first = batch.getFirst();
    Job last = batch.getLast();
    long started = parts.ticker().nanos();
    Context traced = Telemetry.withLane(Telemetry.extract(messages.get(i)), run.groupId());
    LaneEntry lastEntry = seq.get(pos + batch.size() - 1);
    Span span = startSpan(traced, seq.get(pos), batch.size(), last.seq());
    JobWatch watch = JobWatch.start(run, parts, i, first);
    Throwable failure = null;
    KeyBatchResult result = null;
    try (Scope ignored = traced.with(span).makeCurrent()) {
      result =
          handler.handleBatch(
              List.copyOf(batch), new LaneContext(run, liveness, last, downstreamFence(lastEntry)));
    } catch (Throwable e) {
      failure = e;
    }
    boolean timedOut = watch.stop();
    if (timedOut) {
      Thread.interrupted();
    }
    int done = 0;
    if (failure == null && result == null) {
      failure =
          new IllegalStateException(
              "the KeyBatchHandler of job type " + first.type() + " returned no KeyBatchResult");
    } else if (failure == null && result.failure() == null) {
      done = batch.size();
    } else if (failure == null && result.done() >= batch.size()) {
      failure =
          new IllegalStateException(
              "the KeyBatchHandler of job type "
                  + first.type()
                  + " reported job "
                  + result.done()
                  + " failed, but it was given "
                  + batch.size()
                  + " jobs: "
                  + result.failure(),
              result.failure());
    } else if (failure == null) {
      done = result.done();
      failure = result.failure();
    }
    if (timedOut && !(failure instanceof LaneLostException)) {
      // As for one job: past the limit the call's outcome is the limit's; re-running the jobs is
      // safe, since their fenced writes answer DUPLICATE.
      done = 0;
      failure = new JobTimedOutException(watch.reason());
    }
    endSpan(span, failure, timedOut ? watch.reason() : null);
    parts
        .metrics()
        .timing(
            EngineMetrics.HANDLER_TIME,
            Duration.ofNanos(parts.ticker().nanos() - started),
            parts.jobDimensions(first.type()));
    for (int k = 0; k < done; k++) {
      Job job = batch.get(k);
      if (!succeeded(seq, pos + k, job, parts.jobDimensions(job.type()), null)) {
        return -1;
      }
    }
    if (failure == null) {
      return pos + batch.size();
    }
    int f = pos + done;
    Job failedJob = batch.get(done);
    if (failure instanceof LaneLostException e) {
      liveness.lose(e.getMessage());
      stopLost(seq, f, failedJob, "its handler stopped: " + e.getMessage());
      return -1;
    }
    return failed(seq, f, failedJob, parts.jobDimensions(failedJob.type()), failure) ? f + 1 : -1;
  }

  /**
   * Gives message {@code i}, whose offloaded envelope could not be read this time, and the rest of
   * the lane back with the lane's backoff, uncounted: nothing is known about the job yet, and
   * running the jobs behind it first could reorder a key.
   */
  private void giveBackUnread(int i, Message m, String reason) {
    Duration visibility = run.backoff(i);
    log.warn(
        "event=job_payload_unreachable queue={} lane={} messageId={} retryIn={} reason=\"{}\"",
        parts.queueName(),
        run.groupId(),
        m.messageId(),
        Durations.format(visibility),
        reason);
    settlement.returned(i, visibility, reason);
    settlement.returnedFrom(
        i + 1,
        visibility,
        "it is behind job " + m.messageId() + " of its lane, which was not read");
  }

  /**
   * Counts the failure of job {@code job}, whose thread is being written off at its time limit, on
   * the lane's failure record, so that a job that hangs every time reaches the dead-letter queue
   * after {@link io.fenceq.engine.EngineConfig#maxAttempts()} of them rather than by redrive.
   *
   * @return why the lane is lost if the count found the lease gone, else null
   */
  String countWrittenOff(Job job, String reason) {
    return attempts.countFailure(job, new JobTimedOutException(reason));
  }

  private boolean runHandler(KeySequence seq, int pos, JobHandler handler, Job job) {
    int i = seq.get(pos).index();
    Map<String, String> dims = parts.jobDimensions(job.type());
    long started = parts.ticker().nanos();
    Context traced = Telemetry.withLane(Telemetry.extract(messages.get(i)), run.groupId());
    Span span = startSpan(traced, seq.get(pos), 1, job.seq());
    JobWatch watch = JobWatch.start(run, parts, i, job);
    Throwable failure = null;
    try (Scope ignored = traced.with(span).makeCurrent()) {
      handler.handle(job, new LaneContext(run, liveness, job, downstreamFence(seq.get(pos))));
    } catch (Throwable e) {
      failure = e;
    }
    boolean timedOut = watch.stop();
    endSpan(span, failure, timedOut ? watch.reason() : null);
    if (timedOut) {
      // The interrupt was the time limit's, not the host's: it must not stop the settling or the
      // next job. A failure past the limit is the limit's failure, whatever the handler threw.
      Thread.interrupted();
    }
    if (failure instanceof LaneLostException e) {
      // A newer holder's fence, or the lost lane, explains the job's end better than its limit.
      liveness.lose(e.getMessage());
      return stopLost(seq, pos, job, "its handler stopped: " + e.getMessage());
    }
    if (timedOut) {
      failure = new JobTimedOutException(watch.reason());
    }
    if (failure != null) {
      return failed(seq, pos, job, dims, failure);
    }
    Duration took = Duration.ofNanos(parts.ticker().nanos() - started);
    parts.metrics().timing(EngineMetrics.HANDLER_TIME, took, dims);
    return succeeded(seq, pos, job, dims, took);
  }

  /** The job's span, around its handler, in the trace its producer sent. */
  private Span startSpan(Context traced, LaneEntry entry, int jobs, String lastSeq) {
    Job job = entry.job();
    return Telemetry.tracer()
        .spanBuilder(FenceqTracing.JOB_SPAN_PREFIX + job.type())
        .setParent(traced)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(FenceqTracing.MESSAGING_SYSTEM, "aws_sqs")
        .setAttribute(FenceqTracing.MESSAGING_DESTINATION, parts.queueName())
        .setAttribute(FenceqTracing.MESSAGING_MESSAGE_ID, job.messageId())
        .setAttribute(FenceqTracing.LANE, run.groupId())
        .setAttribute(FenceqTracing.FENCE, loggedFence(entry))
        .setAttribute(FenceqTracing.LANE_FENCE, liveness.lease().fence())
        .setAttribute(FenceqTracing.SEQ, lastSeq)
        .setAttribute(FenceqTracing.JOBS, (long) jobs)
        .setAttribute(FenceqTracing.KEY, job.key())
        .setAttribute(FenceqTracing.JOB_ID, job.jobId())
        .setAttribute(FenceqTracing.JOB_TYPE, job.type())
        .startSpan();
  }

  private static void endSpan(Span span, Throwable failure, String timedOut) {
    if (timedOut != null) {
      span.setAttribute(FenceqTracing.RESULT, "TIMED_OUT");
      span.setStatus(StatusCode.ERROR, timedOut);
    } else if (failure != null) {
      span.setAttribute(
          FenceqTracing.RESULT, failure instanceof LaneLostException ? "LANE_LOST" : "FAILED");
      span.recordException(failure);
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    } else {
      span.setAttribute(FenceqTracing.RESULT, "SUCCEEDED");
    }
    span.end();
  }

  /**
   * The handler of the job at {@code pos} of {@code seq} threw {@code e}, or ran past its time
   * limit: unless it goes to the dead-letter queue, it and the rest of its sequence go back.
   *
   * @return whether the sequence goes on
   */
  private boolean failed(KeySequence seq, int pos, Job job, Map<String, String> dims, Throwable e) {
    int i = seq.get(pos).index();
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    if (liveness.lostReason() != null) {
      return stopLost(
          seq, pos, job, "its handler failed after the lane was lost: " + liveness.lostReason());
    }
    parts.metrics().count(EngineMetrics.JOBS_FAILED, 1, dims);
    // An interrupt or a JVM error says nothing about the job: it stays for another delivery,
    // uncounted.
    boolean jobsOwnFailure =
        !(e instanceof InterruptedException) && !(e instanceof VirtualMachineError);
    if (jobsOwnFailure) {
      String lost = attempts.countFailure(job, e);
      if (lost != null) {
        liveness.lose(lost);
        return stopLost(seq, pos, job, "its handler failed and the lane was lost: " + lost);
      }
      String reason = attempts.exhausted(job, e);
      if (reason != null
          && deadLetters.sendFailed(seq.get(pos), loggedFence(seq.get(pos)), reason, e)) {
        attempts.clearFailure(job);
        return true;
      }
    }
    Duration visibility = run.backoff(i);
    log.warn(
        "event=job_failed queue={} lane={} key={} fence={} laneFence={} seq={} messageId={} attempt={}"
            + " retryIn={}",
        parts.queueName(),
        run.groupId(),
        job.key(),
        loggedFence(seq.get(pos)),
        liveness.lease().fence(),
        job.seq(),
        job.messageId(),
        job.attempt(),
        Durations.format(visibility),
        e);
    settlement.returned(i, visibility, "its handler threw " + e);
    settlement.returnedAll(
        seq.indicesFrom(pos + 1),
        visibility,
        "it is behind job " + job.messageId() + " of its " + scope() + ", which failed");
    if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) {
      throw vme;
    }
    return false;
  }

  /**
   * Job {@code i}'s handler returned within its time limit.
   *
   * @param took how long its handler ran, for the log; null when it ran in a batch
   */
  private boolean succeeded(
      KeySequence seq, int pos, Job job, Map<String, String> dims, Duration took) {
    int i = seq.get(pos).index();
    if (liveness.lostReason() != null) {
      return stopLost(
          seq,
          pos,
          job,
          "its handler returned, but the lane was lost while it ran: " + liveness.lostReason());
    }
    settlement.done(i);
    // The job a record counted is gone if it is not in this lane-batch: SQS delivers no job of a
    // lane while an earlier one is in flight. Only a lane with a record pays for this write.
    attempts.clearFailure(job);
    parts.metrics().count(EngineMetrics.JOBS_OK, 1, dims);
    Duration sinceEnqueue = Duration.between(job.enqueuedAt(), parts.clock().instant());
    if (!sinceEnqueue.isNegative()) {
      parts.metrics().timing(EngineMetrics.ENQUEUE_TO_APPLY, sinceEnqueue, dims);
    }
    log.debug(
        "event=job_done queue={} lane={} key={} fence={} laneFence={} seq={} messageId={} took={}",
        parts.queueName(),
        run.groupId(),
        job.key(),
        loggedFence(seq.get(pos)),
        liveness.lease().fence(),
        job.seq(),
        job.messageId(),
        took == null ? "in a batch" : Durations.format(took));
    return true;
  }

  private boolean stopLost(KeySequence seq, int pos, Job job, String reason) {
    int i = seq.get(pos).index();
    parts.metrics().count(EngineMetrics.JOBS_FENCED, 1, parts.jobDimensions(job.type()));
    log.warn(
        "event=job_fenced queue={} lane={} key={} fence={} laneFence={} seq={} messageId={} reason=\"{}\"",
        parts.queueName(),
        run.groupId(),
        job.key(),
        loggedFence(seq.get(pos)),
        liveness.lease().fence(),
        job.seq(),
        job.messageId(),
        reason);
    settlement.lost(i, reason);
    // The other sequences stop at their next start, which finds the lane lost.
    settlement.lostAll(seq.indicesFrom(pos + 1), "the lane was lost: " + liveness.lostReason());
    return false;
  }

  /** What a failed job holds back, for the reasons: its key's jobs, or its lane's. */
  private String scope() {
    return parts.config().orderScope() == OrderScope.LANE ? "lane" : "key";
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
      if (!expected.equals(run.lane())) {
        return "key \""
            + key
            + "\" belongs to "
            + expected
            + " on ring "
            + ours
            + ", but arrived in "
            + run.groupId();
      }
    }
    return null;
  }
}
