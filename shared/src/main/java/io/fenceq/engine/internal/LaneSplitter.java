package io.fenceq.engine.internal;

import io.fenceq.ring.Lane;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;

/** Splits a received batch by lane. Pure. */
public final class LaneSplitter {
  private LaneSplitter() {}

  /**
   * Groups {@code messages} by message group id, lanes in the order of their first message and
   * messages of a lane in received order: SQS delivers a group's messages in sequence order, and
   * the engine must run them in that order.
   *
   * @throws IllegalArgumentException if a message lacks a system attribute the engine reads (the
   *     host did not ask for it); nothing of the batch has been acted on then
   */
  public static List<LaneBatch> split(List<Message> messages) {
    messages.forEach(Received::requireAttributes);
    Map<String, List<Message>> byGroup = new LinkedHashMap<>();
    for (Message m : messages) {
      byGroup.computeIfAbsent(Received.groupId(m), g -> new ArrayList<>()).add(m);
    }
    List<LaneBatch> lanes = new ArrayList<>(byGroup.size());
    byGroup.forEach((group, ms) -> lanes.add(new LaneBatch(group, laneOrNull(group), ms)));
    return lanes;
  }

  private static Lane laneOrNull(String groupId) {
    try {
      return Lane.parse(groupId);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
