package io.fenceq.engine.internal;

import io.fenceq.engine.DeadLetterException;
import io.fenceq.engine.EngineMetrics;
import io.fenceq.engine.Job;
import io.fenceq.lease.internal.Durations;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Sends a lane's messages to the dead-letter queue: those that can never succeed, and jobs whose
 * handler failed for the last time. Only a delivery this consumer still holds goes there ({@link
 * #leftAsStale}); one that does not go, for want of a dead-letter queue or because the send failed,
 * is given back with its backoff, so that the redrive policy takes it there in time.
 *
 * <p>Threads: whichever key thread of the lane meets the message, several at once; outcomes go to
 * the {@link LaneSettlement}, the lane's state is read from the {@link LaneLiveness}.
 */
final class LaneDeadLetters {
  private static final Logger log = LoggerFactory.getLogger(LaneDeadLetters.class);

  private final LaneRun run;
  private final EngineParts parts;
  private final List<Message> messages;
  private final LaneSettlement settlement;
  private final LaneLiveness liveness;

  LaneDeadLetters(
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
  }

  /**
   * Sends job {@code i}, whose handler failed for the last time, to the dead-letter queue with
   * {@code reason}, so that its lane goes on in this batch rather than waiting for the redrive
   * policy, which would take the jobs received behind it too.
   *
   * @param fence the job's downstream fence, for the logs
   * @return whether it was settled: dead-lettered, or left alone as a copy another consumer has
   *     received since ({@link #leftAsStale}); if not, the caller returns it as any failure
   */
  boolean sendFailed(LaneEntry entry, long fence, String reason, Throwable error) {
    Job job = entry.job();
    boolean sent;
    try {
      sent = sendUnlessStale(entry.index(), job.key(), job.type(), reason);
    } catch (RuntimeException e) {
      log.warn(
          "event=job_dead_letter_failed queue={} lane={} key={} fence={} laneFence={} seq={} messageId={}"
              + " reason=\"{}\" error=\"{}\"",
          parts.queueName(),
          run.groupId(),
          job.key(),
          fence,
          liveness.lease().fence(),
          job.seq(),
          job.messageId(),
          reason,
          e instanceof DeadLetterException ? e.getMessage() : e.toString());
      return false;
    }
    if (sent) {
      log.warn(
          "event=job_dead_lettered queue={} lane={} key={} fence={} laneFence={} seq={} messageId={}"
              + " reason=\"{}\"",
          parts.queueName(),
          run.groupId(),
          job.key(),
          fence,
          liveness.lease().fence(),
          job.seq(),
          job.messageId(),
          reason,
          error);
    }
    return true;
  }

  /**
   * Sends message {@code i}'s copy to the dead-letter queue and settles it as dead-lettered, unless
   * this consumer no longer holds it ({@link #leftAsStale}).
   *
   * @return whether it was sent; false if it was left alone
   * @throws RuntimeException if the send failed ({@link DeadLetterException} with no dead-letter
   *     queue configured); nothing is settled then
   */
  private boolean sendUnlessStale(int i, String key, String type, String reason) {
    if (!parts.config().deadLetterQueueUrl().isEmpty() && leftAsStale(i, key, reason)) {
      return false;
    }
    parts.actions().deadLetter(messages.get(i), reason);
    settlement.deadLettered(i, reason);
    parts.metrics().count(EngineMetrics.JOBS_DEAD_LETTERED, 1, parts.jobDimensions(type));
    return true;
  }

  /**
   * Whether message {@code i}, about to be dead-lettered, turned out to be a copy this consumer no
   * longer holds, and was left alone: the lane lost (or its lease run out locally), or SQS refusing
   * the receipt handle of this delivery. A consumer paused between receiving a lane-batch and
   * deciding it (a long GC pause, SIGSTOP) can wake after another consumer received, ran and
   * deleted the same jobs; a dead-letter decision that depends on time, such as an old epoch's job
   * after its lane's barrier, would otherwise put a job whose effect is in place into the
   * dead-letter queue. Asking SQS to hide the message for a lease with this delivery's receipt
   * handle answers whether it is still this consumer's: the embedded queue refuses the handle of a
   * message deleted or received again since; where SQS accepts such a handle the copy is
   * dead-lettered as before, and its redrive answers {@code DUPLICATE}.
   *
   * @throws RuntimeException if SQS could not be asked; the caller handles it as a failed send
   */
  private boolean leftAsStale(int i, String key, String reason) {
    Message m = messages.get(i);
    String why = liveness.lostReasonNow();
    if (why == null) {
      String refused =
          parts
              .actions()
              .changeVisibility(List.of(m), parts.leases().config().leaseDuration())
              .get(m.messageId());
      if (refused == null) {
        return false;
      }
      why = "SQS refused this delivery's receipt handle (" + refused + ")";
      if (liveness.lease() != null) {
        liveness.lose("message " + m.messageId() + " is no longer this consumer's: " + why);
      }
    }
    log.warn(
        "event=dead_letter_skipped queue={} lane={} key={} messageId={} reason=\"{}\" why=\"{}\"",
        parts.queueName(),
        run.groupId(),
        key,
        m.messageId(),
        reason,
        why);
    settlement.lost(i, "not dead-lettered, as this consumer no longer holds it: " + why);
    return true;
  }

  /**
   * Sends message {@code i} to the dead-letter queue with {@code reason}; without one, or if the
   * send fails, fails it normally so that the redrive policy takes it there.
   *
   * @param key the job's key for the logs, or null if its envelope could not be read
   */
  void sendOrFail(int i, String key, String type, String reason) {
    Message m = messages.get(i);
    String failure;
    if (parts.config().deadLetterQueueUrl().isEmpty()) {
      failure = "no dead-letter queue is configured; it reaches one through the redrive policy";
    } else {
      try {
        if (sendUnlessStale(i, key, type, reason)) {
          log.warn(
              "event=job_dead_lettered queue={} lane={} key={} messageId={} reason=\"{}\"",
              parts.queueName(),
              run.groupId(),
              key,
              m.messageId(),
              reason);
        }
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
