package io.fenceq.engine.internal;

import io.fenceq.engine.DeadLetterException;
import io.fenceq.engine.EngineConfig;
import io.fenceq.engine.EngineMetrics;
import io.fenceq.engine.Job;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.JobTimedOutException;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.engine.LaneLostException;
import io.fenceq.lease.internal.Durations;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.MalformedJobException;
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
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Runs the lane's jobs and decides what each one comes to. A job is read from its envelope and
 * checked: a message that can never succeed (malformed, placed by another ring or in the wrong
 * lane, or of a type with no handler) goes to the dead-letter queue at once and the lane goes on.
 * Otherwise its handler is called with its context, and then: a success is recorded for deletion
 * (and clears the lane's failure record, if it has one); a failure is counted in the lane's failure
 * record on its lease item and stops the lane, the job and the rest going back with its backoff,
 * unless that was the job's {@link EngineConfig#maxAttempts()}-th failure (or SQS's last delivery),
 * when it goes to the dead-letter queue with the reason and the lane goes on; a handler stopped by,
 * or finishing after, the loss of the lane leaves the job and the rest alone.
 *
 * <p>Threads: the lane's own only. It records outcomes in the {@link LaneSettlement}, which takes
 * the run's monitor, and reads the lane's state from the {@link LaneLiveness} without it.
 */
final class LaneJobs {
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
    this.attempts = new LaneAttempts(run, parts, liveness);
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
      deadLetterOrFail(i, null, UNKNOWN_TYPE, reason);
    }
  }

  /**
   * Runs job {@code i}, and with a {@link KeyBatchHandler} the consecutive jobs of its key after
   * it; the lane holds its lease and the job may start.
   *
   * @return the index of the next job to run, or -1 when the lane stops
   */
  int runFrom(int i) {
    Message m = messages.get(i);
    JobEnvelope envelope;
    try {
      envelope = JobEnvelope.parse(parts.payloads().envelope(m));
    } catch (Payloads.PayloadGone e) {
      deadLetterOrFail(i, null, UNKNOWN_TYPE, e.getMessage());
      return i + 1;
    } catch (Payloads.PayloadUnreachable e) {
      return giveBackUnread(i, m, e.getMessage()) ? i + 1 : -1;
    } catch (MalformedJobException e) {
      String ringProblem = ringProblem(m, null);
      deadLetterOrFail(i, null, UNKNOWN_TYPE, ringProblem != null ? ringProblem : e.getMessage());
      return i + 1;
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
      return i + 1;
    }
    Job job = job(m, envelope);
    String spent = attempts.exhaustedBefore(job);
    if (spent != null && deadLetterFailed(i, job, spent, null)) {
      attempts.clearFailure(job);
      return i + 1;
    }
    if (handler instanceof KeyBatchHandler batchHandler) {
      return runBatch(i, batchHandler, batchFrom(i, job, batchHandler));
    }
    return runHandler(i, handler, job) ? i + 1 : -1;
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
   * Job {@code i} and the consecutive jobs after it that {@code handler} takes in the same call:
   * same key, a type registered with this same handler, placed by this ring, not out of attempts;
   * at most {@link #MAX_KEY_BATCH}.
   */
  private List<Job> batchFrom(int i, Job first, KeyBatchHandler handler) {
    List<Job> batch = new ArrayList<>();
    batch.add(first);
    for (int j = i + 1; j < messages.size() && batch.size() < MAX_KEY_BATCH; j++) {
      Message m = messages.get(j);
      JobEnvelope envelope;
      try {
        envelope = JobEnvelope.parse(m.body());
      } catch (MalformedJobException e) {
        break;
      }
      if (!envelope.key().equals(first.key())
          || parts.handlers().handlerFor(envelope.type()).orElse(null) != handler
          || ringProblem(m, envelope.key()) != null) {
        break;
      }
      Job next = job(m, envelope);
      if (attempts.exhaustedBefore(next) != null) {
        break;
      }
      batch.add(next);
    }
    return batch;
  }

  /**
   * Runs jobs {@code i} to {@code i + batch.size() - 1} in one call of {@code handler}, then
   * settles each as the handler reported.
   *
   * @return the index of the next job to run, or -1 when the lane stops
   */
  private int runBatch(int i, KeyBatchHandler handler, List<Job> batch) {
    Job first = batch.getFirst();
    Job last = batch.getLast();
    long started = parts.ticker().nanos();
    Context traced = Telemetry.withLane(Telemetry.extract(messages.get(i)), run.groupId());
    Span span = startSpan(traced, first, batch.size(), last.seq());
    JobWatch watch = JobWatch.start(run, parts, i, first);
    Throwable failure = null;
    KeyBatchResult result = null;
    try (Scope ignored = traced.with(span).makeCurrent()) {
      result = handler.handleBatch(List.copyOf(batch), new LaneContext(run, liveness, last));
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
      if (!succeeded(i + k, job, parts.jobDimensions(job.type()), null)) {
        return -1;
      }
    }
    if (failure == null) {
      return i + batch.size();
    }
    int f = i + done;
    Job failedJob = batch.get(done);
    if (failure instanceof LaneLostException e) {
      liveness.lose(e.getMessage());
      stopLost(f, failedJob, "its handler stopped: " + e.getMessage());
      return -1;
    }
    return failed(f, failedJob, parts.jobDimensions(failedJob.type()), failure) ? f + 1 : -1;
  }

  /**
   * Gives message {@code i}, whose offloaded envelope could not be read this time, and the rest of
   * the lane back with the lane's backoff, uncounted: nothing is known about the job yet, and
   * running the jobs behind it first could reorder a key.
   */
  private boolean giveBackUnread(int i, Message m, String reason) {
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
    return false;
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

  private boolean runHandler(int i, JobHandler handler, Job job) {
    Map<String, String> dims = parts.jobDimensions(job.type());
    long started = parts.ticker().nanos();
    Context traced = Telemetry.withLane(Telemetry.extract(messages.get(i)), run.groupId());
    Span span = startSpan(traced, job, 1, job.seq());
    JobWatch watch = JobWatch.start(run, parts, i, job);
    Throwable failure = null;
    try (Scope ignored = traced.with(span).makeCurrent()) {
      handler.handle(job, new LaneContext(run, liveness, job));
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
      return stopLost(i, job, "its handler stopped: " + e.getMessage());
    }
    if (timedOut) {
      failure = new JobTimedOutException(watch.reason());
    }
    if (failure != null) {
      return failed(i, job, dims, failure);
    }
    Duration took = Duration.ofNanos(parts.ticker().nanos() - started);
    parts.metrics().timing(EngineMetrics.HANDLER_TIME, took, dims);
    return succeeded(i, job, dims, took);
  }

  /** The job's span, around its handler, in the trace its producer sent. */
  private Span startSpan(Context traced, Job job, int jobs, String lastSeq) {
    return Telemetry.tracer()
        .spanBuilder(FenceqTracing.JOB_SPAN_PREFIX + job.type())
        .setParent(traced)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(FenceqTracing.MESSAGING_SYSTEM, "aws_sqs")
        .setAttribute(FenceqTracing.MESSAGING_DESTINATION, parts.queueName())
        .setAttribute(FenceqTracing.MESSAGING_MESSAGE_ID, job.messageId())
        .setAttribute(FenceqTracing.LANE, run.groupId())
        .setAttribute(FenceqTracing.FENCE, liveness.lease().fence())
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

  /** Job {@code i}'s handler threw {@code e}, or ran past its time limit. */
  private boolean failed(int i, Job job, Map<String, String> dims, Throwable e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    if (liveness.lostReason() != null) {
      return stopLost(
          i, job, "its handler failed after the lane was lost: " + liveness.lostReason());
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
        return stopLost(i, job, "its handler failed and the lane was lost: " + lost);
      }
      String reason = attempts.exhausted(job, e);
      if (reason != null && deadLetterFailed(i, job, reason, e)) {
        attempts.clearFailure(job);
        return true;
      }
    }
    Duration visibility = run.backoff(i);
    log.warn(
        "event=job_failed queue={} lane={} key={} fence={} seq={} messageId={} attempt={}"
            + " retryIn={}",
        parts.queueName(),
        run.groupId(),
        job.key(),
        liveness.lease().fence(),
        job.seq(),
        job.messageId(),
        job.attempt(),
        Durations.format(visibility),
        e);
    settlement.returned(i, visibility, "its handler threw " + e);
    settlement.returnedFrom(
        i + 1, visibility, "it is behind job " + job.messageId() + " of its lane, which failed");
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
  private boolean succeeded(int i, Job job, Map<String, String> dims, Duration took) {
    if (liveness.lostReason() != null) {
      return stopLost(
          i,
          job,
          "its handler returned, but the lane was lost while it ran: " + liveness.lostReason());
    }
    settlement.done(i);
    // A job of the lane succeeding means the job a record counted is gone: SQS delivers no job of a
    // lane while an earlier one is in flight. Only a lane with a record pays for this write.
    attempts.clearFailure(job);
    parts.metrics().count(EngineMetrics.JOBS_OK, 1, dims);
    Duration sinceEnqueue = Duration.between(job.enqueuedAt(), parts.clock().instant());
    if (!sinceEnqueue.isNegative()) {
      parts.metrics().timing(EngineMetrics.ENQUEUE_TO_APPLY, sinceEnqueue, dims);
    }
    log.debug(
        "event=job_done queue={} lane={} key={} fence={} seq={} messageId={} took={}",
        parts.queueName(),
        run.groupId(),
        job.key(),
        liveness.lease().fence(),
        job.seq(),
        job.messageId(),
        took == null ? "in a batch" : Durations.format(took));
    return true;
  }

  /**
   * Sends job {@code i}, whose handler failed for the last time, to the dead-letter queue with
   * {@code reason}, so that its lane goes on in this batch rather than waiting for the redrive
   * policy, which would take the jobs received behind it too.
   *
   * @return whether it was dead-lettered; if not, the caller returns it as any failure
   */
  private boolean deadLetterFailed(int i, Job job, String reason, Throwable error) {
    try {
      parts.actions().deadLetter(messages.get(i), reason);
    } catch (RuntimeException e) {
      log.warn(
          "event=job_dead_letter_failed queue={} lane={} key={} fence={} seq={} messageId={}"
              + " reason=\"{}\" error=\"{}\"",
          parts.queueName(),
          run.groupId(),
          job.key(),
          liveness.lease().fence(),
          job.seq(),
          job.messageId(),
          reason,
          e instanceof DeadLetterException ? e.getMessage() : e.toString());
      return false;
    }
    settlement.deadLettered(i, reason);
    parts.metrics().count(EngineMetrics.JOBS_DEAD_LETTERED, 1, parts.jobDimensions(job.type()));
    log.warn(
        "event=job_dead_lettered queue={} lane={} key={} fence={} seq={} messageId={}"
            + " reason=\"{}\"",
        parts.queueName(),
        run.groupId(),
        job.key(),
        liveness.lease().fence(),
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
        run.groupId(),
        job.key(),
        liveness.lease().fence(),
        job.seq(),
        job.messageId(),
        reason);
    settlement.lost(i, reason);
    settlement.lostFrom(i + 1, "the lane was lost: " + liveness.lostReason());
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
        settlement.deadLettered(i, reason);
        parts.metrics().count(EngineMetrics.JOBS_DEAD_LETTERED, 1, parts.jobDimensions(type));
        log.warn(
            "event=job_dead_lettered queue={} lane={} key={} messageId={} reason=\"{}\"",
            parts.queueName(),
            run.groupId(),
            key,
            m.messageId(),
            reason);
        return;
      } catch (RuntimeException e) {
        failure = e instanceof DeadLetterException ? e.getMessage() : e.toString();
      }
    }
    Duration visibility = run.backoff(i);
    parts.metrics().count(EngineMetrics.JOBS_FAILED, 1, parts.jobDimensions(type));
    log.warn(
        "event=job_permanent_error queue={} lane={} key={} messageId={} retryIn={}"
            + " reason=\"{}\" deadLetter=\"{}\"",
        parts.queueName(),
        run.groupId(),
        key,
        m.messageId(),
        Durations.format(visibility),
        reason,
        failure);
    settlement.returned(i, visibility, reason + " (not dead-lettered: " + failure + ")");
  }
}
