package io.fenceq.engine;

import io.fenceq.engine.internal.Received;
import io.fenceq.ring.Lane;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The messages of one lane in a received batch, in the order SQS delivered them (which is the
 * lane's sequence order): the unit a host hands to {@link LaneProcessor#submitLane}.
 *
 * @param groupId the message group id as received
 * @param lane the lane it names, or null when the group id is not a lane id (a message that did not
 *     come through fenceq's ring)
 * @param messages the lane's messages, in order
 */
public record LaneBatch(String groupId, Lane lane, List<Message> messages) {
  public LaneBatch {
    messages = List.copyOf(messages);
  }

  /**
   * Splits a received batch by lane: lanes in the order of their first message, the messages of a
   * lane in received order, since SQS delivers a group's messages in sequence order and the engine
   * must run them in that order. Pure.
   *
   * @throws IllegalArgumentException if a message lacks a system attribute the engine reads (the
   *     host did not ask for {@link LaneProcessor#RECEIVE_SYSTEM_ATTRIBUTES}); nothing of the batch
   *     has been acted on then
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
