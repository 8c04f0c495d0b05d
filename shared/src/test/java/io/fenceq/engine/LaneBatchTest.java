package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.Lane;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class LaneBatchTest {
  private static Message message(String id, String group, long seq) {
    return Message.builder()
        .messageId(id)
        .attributes(
            Map.of(
                MessageSystemAttributeName.MESSAGE_GROUP_ID,
                group,
                MessageSystemAttributeName.SEQUENCE_NUMBER,
                Long.toString(seq),
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                "1"))
        .build();
  }

  private static List<String> ids(LaneBatch lane) {
    return lane.messages().stream().map(Message::messageId).toList();
  }

  @Test
  void groupsByLaneInOrderOfFirstAppearanceKeepingEachLanesOrder() {
    List<LaneBatch> lanes =
        LaneBatch.split(
            List.of(
                message("a1", "lane-0007", 10),
                message("b1", "lane-0002", 11),
                message("a2", "lane-0007", 12),
                message("c1", "lane-0100", 13),
                message("b2", "lane-0002", 14),
                message("a3", "lane-0007", 15)));

    assertThat(lanes)
        .extracting(LaneBatch::groupId)
        .containsExactly("lane-0007", "lane-0002", "lane-0100");
    assertThat(lanes)
        .extracting(LaneBatch::lane)
        .containsExactly(new Lane(7), new Lane(2), new Lane(100));
    assertThat(ids(lanes.get(0))).containsExactly("a1", "a2", "a3");
    assertThat(ids(lanes.get(1))).containsExactly("b1", "b2");
    assertThat(ids(lanes.get(2))).containsExactly("c1");
  }

  @Test
  void keepsTheReceivedOrderWithinALaneRatherThanSortingIt() {
    // SQS delivers a group in sequence order; the splitter must not reorder what it was given.
    List<LaneBatch> lanes =
        LaneBatch.split(List.of(message("x", "lane-0001", 20), message("y", "lane-0001", 19)));
    assertThat(ids(lanes.get(0))).containsExactly("x", "y");
  }

  @Test
  void aGroupThatIsNotALaneIdIsItsOwnLaneWithoutALane() {
    List<LaneBatch> lanes =
        LaneBatch.split(List.of(message("o1", "orders", 1), message("o2", "orders", 2)));
    assertThat(lanes)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.groupId()).isEqualTo("orders");
              assertThat(l.lane()).isNull();
              assertThat(ids(l)).containsExactly("o1", "o2");
            });
  }

  @Test
  void anEmptyBatchHasNoLanes() {
    assertThat(LaneBatch.split(List.of())).isEmpty();
  }

  @Test
  void aMissingSystemAttributeIsRefusedNamingTheMessageAndTheAttribute() {
    Message ok = message("ok", "lane-0001", 1);
    Message bare =
        Message.builder()
            .messageId("bare")
            .attributes(Map.of(MessageSystemAttributeName.MESSAGE_GROUP_ID, "lane-0001"))
            .build();
    assertThatThrownBy(() -> LaneBatch.split(List.of(ok, bare)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("message bare")
        .hasMessageContaining("SequenceNumber");
  }
}
