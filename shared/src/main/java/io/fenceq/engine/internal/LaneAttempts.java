package io.fenceq.engine.internal;

import io.fenceq.engine.EngineConfig;
import io.fenceq.engine.Job;
import io.fenceq.lease.FailureRecord;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseException;
import io.fenceq.lease.LeaseLoss;
import io.fenceq.lease.RenewResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Counts a lane's real attempts: the failures of its jobs' handlers, in the failure record on the
 * lane's lease item ({@link FailureRecord}), and decides when a failing job has had its last one.
 * SQS counts receives instead, also the ones that gave a job back unrun; the record counts only
 * what ran and failed. It is written only when a handler fails and cleared only when the lane has
 * one, so a lane of successful jobs pays no write for it.
 *
 * <p>The record names one message. When the keys of a lane-batch run concurrently, several of its
 * jobs may fail in one run; the record then keeps counting the earliest of them in the lane-batch,
 * the one that heads the lane at the next receive, and the others are counted by SQS's receives
 * only (the queue's {@code maxReceiveCount} is their backstop). Likewise a success clears a record
 * only if it names that job, or a message no longer in the lane-batch (then it is gone: SQS
 * delivers a lane from its oldest message on).
 *
 * <p>Threads: the lane's key threads, between their handler calls, and the scheduler's when it
 * writes off a handler thread that ignored its time limit ({@link LaneRun#writeOff}); the methods
 * are synchronized (on this object, which no other class locks) and make their DynamoDB call under
 * that lock, which serializes the lane's failure-record writes.
 */
final class LaneAttempts {
  private static final Logger log = LoggerFactory.getLogger(LaneAttempts.class);

  private final LaneRun run;
  private final EngineParts parts;
  private final LaneLiveness liveness;
  private final Map<String, Integer> indexOf = new HashMap<>();

  private boolean recordKnown;
  private FailureRecord record;

  LaneAttempts(LaneRun run, EngineParts parts, LaneLiveness liveness, List<Message> messages) {
    this.run = run;
    this.parts = parts;
    this.liveness = liveness;
    for (int i = 0; i < messages.size(); i++) {
      indexOf.putIfAbsent(messages.get(i).messageId(), i);
    }
  }

  /**
   * Whether the record names a message of this lane-batch other than {@code job}, received before
   * it ({@code before}) or at all: that message heads the lane, and its count must not be lost.
   */
  private boolean namesAnother(Job job, boolean before) {
    FailureRecord counted = record();
    if (counted == null || counted.messageId().equals(job.messageId())) {
      return false;
    }
    Integer at = indexOf.get(counted.messageId());
    if (at == null) {
      return false;
    }
    Integer mine = indexOf.get(job.messageId());
    return !before || mine == null || at < mine;
  }

  /**
   * The lane's failure record as this run last knew it: what the grant read, then what this run
   * wrote or cleared. Null for none.
   */
  private synchronized FailureRecord record() {
    if (!recordKnown) {
      record = liveness.lease().failure().orElse(null);
      recordKnown = true;
    }
    return record;
  }

  /**
   * Counts the failure of {@code job} in the lane's failure record, one write on the lease item.
   *
   * @return why the lane is lost if the write found the lease gone, else null; a write that could
   *     not be made leaves the count where it was (the queue's redrive is the backstop)
   */
  synchronized String countFailure(Job job, Throwable error) {
    if (namesAnother(job, true)) {
      log.debug(
          "event=failure_not_recorded queue={} lane={} key={} messageId={} counting={}",
          parts.queueName(),
          run.groupId(),
          job.key(),
          job.messageId(),
          record.messageId());
      return null;
    }
    RenewResult result =
        write(
            job,
            "failure_record_failed",
            liveness.lease().withFailure(record()),
            lease -> parts.leases().recordFailure(lease, job.messageId(), error.toString()));
    return switch (result) {
      case null -> null;
      case Lease l -> {
        record = l.failure().orElse(null);
        yield null;
      }
      case LeaseLoss loss -> loss.reason();
    };
  }

  /**
   * Removes the lane's failure record, if it has one: the job it counted succeeded, was
   * dead-lettered, or is gone. A removal that fails is only logged: a stale record names a job that
   * will not come again, and the next failure of another job starts its own count.
   */
  synchronized void clearFailure(Job job) {
    if (record() == null || namesAnother(job, false)) {
      return;
    }
    RenewResult result =
        write(
            job,
            "failure_clear_failed",
            liveness.lease().withFailure(record),
            parts.leases()::clearFailure);
    if (result instanceof Lease) {
      record = null;
    }
  }

  /**
   * One write of the failure record: on a thread whose interrupt is set aside for it (the SDK
   * aborts calls on an interrupted thread, and the count must still be written), and logged, not
   * thrown, when DynamoDB cannot be asked.
   *
   * @return the write's result, or null if it could not be made
   */
  private RenewResult write(
      Job job, String failedEvent, Lease lease, Function<Lease, RenewResult> call) {
    boolean interrupted = Thread.interrupted();
    try {
      return call.apply(lease);
    } catch (LeaseException e) {
      log.warn(
          "event={} queue={} lane={} key={} fence={} messageId={} error=\"{}\"",
          failedEvent,
          parts.queueName(),
          run.groupId(),
          job.key(),
          lease.fence(),
          job.messageId(),
          e.getMessage());
      return null;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Why the engine moves {@code job}, whose handler just failed, to the dead-letter queue now, or
   * null if it goes back for another attempt: it failed {@link EngineConfig#maxAttempts()} times by
   * its failure record, or SQS would move it at its next receive (the backstop: the record could
   * not be written, or the queue's {@code maxReceiveCount} is too low).
   */
  synchronized String exhausted(Job job, Throwable error) {
    if (parts.config().deadLetterQueueUrl().isEmpty()) {
      return null;
    }
    String counted = countedOut(record, job, String.valueOf(error));
    if (counted != null) {
      return counted;
    }
    OptionalInt max = parts.config().maxReceiveCount();
    if (max.isPresent() && job.attempt() >= max.getAsInt()) {
      return "its handler failed on delivery "
          + job.attempt()
          + " of "
          + max.getAsInt()
          + " (the queue's maxReceiveCount): "
          + error;
    }
    return null;
  }

  /**
   * Why {@code job} goes to the dead-letter queue before it runs again, or null: its failure record
   * already counts {@link EngineConfig#maxAttempts()} failures of it, counted where the failure
   * could not also move it (a thread written off at its time limit, a consumer that stopped after
   * writing the count).
   */
  synchronized String exhaustedBefore(Job job) {
    if (parts.config().deadLetterQueueUrl().isEmpty()) {
      return null;
    }
    FailureRecord counted = record();
    return counted == null ? null : countedOut(counted, job, counted.reason());
  }

  /**
   * The dead-letter reason when {@code counted} holds {@link EngineConfig#maxAttempts()} failures
   * of {@code job}, naming {@code lastFailure}; null otherwise.
   */
  private String countedOut(FailureRecord counted, Job job, String lastFailure) {
    int maxAttempts = parts.config().maxAttempts();
    if (counted == null
        || !counted.messageId().equals(job.messageId())
        || counted.failures() < maxAttempts) {
      return null;
    }
    return "its handler failed "
        + counted.failures()
        + " times (maxAttempts "
        + maxAttempts
        + "); the last failure: "
        + lastFailure;
  }
}
