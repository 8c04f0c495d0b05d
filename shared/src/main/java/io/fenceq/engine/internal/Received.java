package io.fenceq.engine.internal;

import io.fenceq.engine.EngineConfig;
import io.fenceq.queue.Enqueuer;
import io.fenceq.reshard.Barriers;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Reads what the engine needs from a received message's attributes. The receiving host must ask SQS
 * for them ({@code MessageSystemAttributeNames} {@code MessageGroupId}, {@code SequenceNumber},
 * {@code ApproximateReceiveCount}, and the message attributes {@code fenceq.*}); a missing system
 * attribute is a host bug, so it is refused loudly rather than guessed.
 */
public final class Received {
  private Received() {}

  /** The message group id: the lane. */
  public static String groupId(Message m) {
    return required(m, MessageSystemAttributeName.MESSAGE_GROUP_ID);
  }

  /** The FIFO sequence number, as SQS wrote it. */
  public static String sequenceNumber(Message m) {
    return required(m, MessageSystemAttributeName.SEQUENCE_NUMBER);
  }

  /** How many times SQS has delivered the message, this delivery included (at least 1). */
  public static int receiveCount(Message m) {
    String text = required(m, MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
    try {
      return Math.max(1, Integer.parseInt(text));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "message " + m.messageId() + " has a non-numeric ApproximateReceiveCount: " + text);
    }
  }

  /** The ring descriptor the producer stamped, or null if the message carries none. */
  public static String ringDescriptor(Message m) {
    MessageAttributeValue v = m.messageAttributes().get(Enqueuer.RING_ATTRIBUTE);
    return v == null ? null : v.stringValue();
  }

  /**
   * The ring epoch the producer stamped; 0 if none (a producer that does not follow epochs, or
   * epoch 0).
   *
   * @throws IllegalArgumentException if the attribute is not a non-negative number
   */
  public static long epoch(Message m) {
    MessageAttributeValue v = m.messageAttributes().get(Enqueuer.EPOCH_ATTRIBUTE);
    return v == null ? 0 : number(m, Enqueuer.EPOCH_ATTRIBUTE, v.stringValue());
  }

  /** The epoch of a barrier message, or -1 if the message is not a barrier. */
  public static long barrierEpoch(Message m) {
    MessageAttributeValue v = m.messageAttributes().get(Barriers.ATTRIBUTE);
    return v == null ? -1 : number(m, Barriers.ATTRIBUTE, v.stringValue());
  }

  private static long number(Message m, String attribute, String text) {
    try {
      long n = Long.parseLong(text == null ? "" : text.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new IllegalArgumentException(
        "message " + m.messageId() + " has a malformed " + attribute + " attribute: " + text);
  }

  /**
   * Checks that every attribute the engine reads is present.
   *
   * @throws IllegalArgumentException naming the message and the missing attribute
   */
  public static void requireAttributes(Message m) {
    groupId(m);
    sequenceNumber(m);
    receiveCount(m);
  }

  /** A duration as SQS visibility seconds: rounded up, between 0 and 12 h. */
  public static int visibilitySeconds(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return 0;
    }
    long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return (int) Math.min(seconds, EngineConfig.MAX_VISIBILITY.toSeconds());
  }

  private static String required(Message m, MessageSystemAttributeName name) {
    String value = m.attributes().get(name);
    if (value == null) {
      throw new IllegalArgumentException(
          "message "
              + m.messageId()
              + " lacks the system attribute "
              + name
              + ": receive with MessageSystemAttributeNames MessageGroupId, SequenceNumber and"
              + " ApproximateReceiveCount (or All)");
    }
    return value;
  }
}
