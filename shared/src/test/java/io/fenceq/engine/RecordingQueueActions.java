package io.fenceq.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.model.Message;

/** Records every queue call in order; scripted failures for chosen messages. */
final class RecordingQueueActions implements QueueActions {
  /** One call: its action, the messages it named, and the visibility or reason it carried. */
  record Call(String action, List<String> messageIds, Duration visibility, String reason) {}

  private final List<Call> calls = new ArrayList<>();
  private final Set<String> failDelete = new HashSet<>();
  private final Set<String> failVisibility = new HashSet<>();
  private final Map<String, Integer> throttleVisibility = new java.util.HashMap<>();
  private boolean failDeadLetter;
  private Runnable beforeDelete = () -> {};

  synchronized RecordingQueueActions failDeleteOf(String messageId) {
    failDelete.add(messageId);
    return this;
  }

  synchronized RecordingQueueActions failVisibilityOf(String messageId) {
    failVisibility.add(messageId);
    return this;
  }

  /** The next {@code times} visibility changes of {@code messageId} are throttled: transient. */
  synchronized RecordingQueueActions throttleVisibilityOf(String messageId, int times) {
    throttleVisibility.put(messageId, times);
    return this;
  }

  synchronized RecordingQueueActions failDeadLetters() {
    failDeadLetter = true;
    return this;
  }

  /** Runs {@code hook} at every delete, before it is recorded. */
  synchronized RecordingQueueActions beforeDelete(Runnable hook) {
    beforeDelete = hook;
    return this;
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized List<Call> calls(String action) {
    return calls.stream().filter(c -> c.action().equals(action)).toList();
  }

  /** Every message id deleted, in order. */
  synchronized List<String> deleted() {
    return calls("delete").stream().flatMap(c -> c.messageIds().stream()).toList();
  }

  @Override
  public synchronized Map<String, String> delete(List<Message> messages) {
    beforeDelete.run();
    calls.add(new Call("delete", ids(messages), Duration.ZERO, ""));
    return failures(messages, failDelete, "ReceiptHandleIsInvalid: scripted");
  }

  @Override
  public synchronized Map<String, String> changeVisibility(
      List<Message> messages, Duration visibility) {
    calls.add(new Call("visibility", ids(messages), visibility, ""));
    Map<String, String> failed =
        failures(messages, failVisibility, "ReceiptHandleIsInvalid: scripted");
    for (Message m : messages) {
      int left = throttleVisibility.getOrDefault(m.messageId(), 0);
      if (left > 0 && !failed.containsKey(m.messageId())) {
        throttleVisibility.put(m.messageId(), left - 1);
        failed.put(m.messageId(), "ThrottlingException: scripted");
      }
    }
    return failed;
  }

  @Override
  public synchronized void deadLetter(Message message, String reason) {
    if (failDeadLetter) {
      throw new DeadLetterException("dead-letter queue unavailable (scripted)");
    }
    calls.add(new Call("deadLetter", List.of(message.messageId()), Duration.ZERO, reason));
  }

  private static List<String> ids(List<Message> messages) {
    return messages.stream().map(Message::messageId).toList();
  }

  private static Map<String, String> failures(
      List<Message> messages, Set<String> fail, String why) {
    Map<String, String> failed = new LinkedHashMap<>();
    for (Message m : messages) {
      if (fail.contains(m.messageId())) {
        failed.put(m.messageId(), why);
      }
    }
    return failed;
  }
}
