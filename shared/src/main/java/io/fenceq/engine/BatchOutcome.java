package io.fenceq.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What became of every message of one batch, in the order received. A Lambda host turns {@link
 * #redeliveredMessageIds()} into {@code batchItemFailures}; a long-running host only logs it, since
 * the engine has already deleted and given back messages itself.
 */
public record BatchOutcome(List<MessageOutcome> messages) {
  public BatchOutcome {
    messages = List.copyOf(messages);
  }

  /** The outcome of {@code messageId}, if it was in the batch. */
  public Optional<MessageOutcome> outcome(String messageId) {
    return messages.stream().filter(m -> m.messageId().equals(messageId)).findFirst();
  }

  /** Ids of the messages that stay on the work queue (returned or lost), in received order. */
  public List<String> redeliveredMessageIds() {
    return messages.stream()
        .filter(MessageOutcome::redelivered)
        .map(MessageOutcome::messageId)
        .toList();
  }

  /** How many messages ended in each status. */
  public Map<MessageOutcome.Status, Integer> counts() {
    Map<MessageOutcome.Status, Integer> counts = new LinkedHashMap<>();
    for (MessageOutcome.Status s : MessageOutcome.Status.values()) {
      counts.put(s, 0);
    }
    messages.forEach(m -> counts.merge(m.status(), 1, Integer::sum));
    return counts;
  }

  /** The number of messages with {@code status}. */
  public int count(MessageOutcome.Status status) {
    return counts().get(status);
  }
}
