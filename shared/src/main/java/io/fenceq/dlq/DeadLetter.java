package io.fenceq.dlq;

import io.fenceq.engine.SqsQueueActions;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.MalformedJobException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One job in the dead-letter queue, as it was read: its envelope (when the body is one), why it is
 * there and where it came from.
 *
 * @param messageId the message's id on the dead-letter queue
 * @param group the message group on the dead-letter queue: the lane the job was in when it failed
 * @param sequenceNumber its sequence number on the dead-letter queue (orders one group)
 * @param body the message body as sent, byte for byte what a redrive sends back
 * @param attributes the message attributes, the engine's ({@code fenceq.reason}, {@code
 *     fenceq.sourceQueue}, {@code fenceq.messageId}) and the producer's ({@code fenceq.ring})
 * @param envelope the parsed job, or null when the body is not a valid envelope
 * @param problem why the body is not a valid envelope, or null when it is
 */
public record DeadLetter(
    String messageId,
    String group,
    String sequenceNumber,
    String body,
    Map<String, String> attributes,
    JobEnvelope envelope,
    String problem) {

  /** Engine attribute: why the job was dead-lettered. */
  public static final String REASON_ATTRIBUTE = SqsQueueActions.REASON_ATTRIBUTE;

  /** Engine attribute: the work queue the job came from. */
  public static final String SOURCE_QUEUE_ATTRIBUTE = SqsQueueActions.SOURCE_QUEUE_ATTRIBUTE;

  /** Engine attribute: the job's message id on the work queue. */
  public static final String SOURCE_MESSAGE_ID_ATTRIBUTE = SqsQueueActions.MESSAGE_ID_ATTRIBUTE;

  /** What {@link #reason()} says of a job that SQS's redrive policy moved, which has no reason. */
  public static final String REDRIVE_POLICY_REASON =
      "(no reason recorded: moved by the queue's redrive policy after maxReceiveCount receives)";

  /** The engine's reasons state the count as "failed 5 times" or "on delivery 7 of 8". */
  private static final Pattern ATTEMPTS =
      Pattern.compile("failed (\\d+) times|failed on delivery (\\d+) of");

  public DeadLetter {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(body, "body");
    attributes = Map.copyOf(attributes);
  }

  /** Reads {@code body}; a body that is not a valid envelope is kept with its problem. */
  static DeadLetter of(
      String messageId,
      String group,
      String sequenceNumber,
      String body,
      Map<String, String> attributes) {
    try {
      return new DeadLetter(
          messageId, group, sequenceNumber, body, attributes, JobEnvelope.parse(body), null);
    } catch (MalformedJobException e) {
      return new DeadLetter(
          messageId, group, sequenceNumber, body, attributes, null, e.getMessage());
    }
  }

  /** The job, when the body is a valid envelope; a malformed job cannot be routed or redriven. */
  public Optional<JobEnvelope> job() {
    return Optional.ofNullable(envelope);
  }

  /** The job id, or the message id in brackets for a malformed job. */
  public String jobId() {
    return envelope != null ? envelope.jobId() : "[" + messageId + "]";
  }

  /** The job's key, or empty for a malformed job. */
  public Optional<String> key() {
    return job().map(JobEnvelope::key);
  }

  /** The job's type, or empty for a malformed job. */
  public Optional<String> type() {
    return job().map(JobEnvelope::type);
  }

  /** When the job was enqueued, or empty for a malformed job. */
  public Optional<Instant> enqueuedAt() {
    return job().map(JobEnvelope::enqueuedAt);
  }

  /**
   * Why the job is in the dead-letter queue: the engine's reason, or {@link #REDRIVE_POLICY_REASON}
   * for a job SQS moved there itself.
   */
  public String reason() {
    return attributes.getOrDefault(REASON_ATTRIBUTE, REDRIVE_POLICY_REASON);
  }

  /**
   * How many times the job's handler failed, as the engine's reason states it; empty when the
   * reason states no count (a malformed job, a job of an unknown type, one moved by SQS).
   */
  public OptionalInt attempts() {
    Matcher m = ATTEMPTS.matcher(reason());
    if (!m.find()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2)));
  }

  /** The work queue the job came from, if the engine recorded it. */
  public Optional<String> sourceQueue() {
    return Optional.ofNullable(attributes.get(SOURCE_QUEUE_ATTRIBUTE));
  }
}
