package io.fenceq.engine.internal;

import io.fenceq.ring.Lane;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The messages of one lane in a received batch, in the order SQS delivered them (which is the
 * lane's sequence order).
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
}
