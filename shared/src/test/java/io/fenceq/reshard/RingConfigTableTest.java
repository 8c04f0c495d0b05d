package io.fenceq.reshard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.Lane;
import io.fenceq.testing.FakeDynamoDb;
import io.fenceq.time.ManualClock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The ring config item's transitions, on an in-memory table that evaluates the real conditions. */
class RingConfigTableTest {
  private static final String TABLE = "test-leases";
  private final FakeDynamoDb dynamoDb = new FakeDynamoDb().createTable(TABLE);
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
  private final RingConfigTable table = new RingConfigTable(dynamoDb, TABLE, 4, clock);

  private Map<String, AttributeValue> item() {
    return dynamoDb.item(TABLE, Map.of("id", AttributeValue.fromS(RingConfigTable.ID)));
  }

  @Test
  void noItemIsEpochZeroWithTheConfiguredLanesAndNothingIsWritten() {
    RingEpoch epoch = table.read();

    assertThat(epoch).isEqualTo(RingEpoch.initial(4));
    assertThat(epoch.resharding()).isFalse();
    assertThat(dynamoDb.updates()).isEmpty();
    assertThat(item()).isEmpty();
  }

  @Test
  void aReshardAdvancesTheEpochByOneWithEveryOldLanePending() {
    RingEpoch next = table.start(table.read(), 6);

    assertThat(next.epoch()).isEqualTo(1);
    assertThat(next.lanes()).isEqualTo(6);
    assertThat(next.previousLanes()).isEqualTo(4);
    assertThat(next.pending()).containsExactly(0, 1, 2, 3);
    assertThat(table.read()).isEqualTo(next);
    assertThat(dynamoDb.updates().getFirst().conditionExpression())
        .isEqualTo(RingConfigTable.FIRST_RESHARD_CONDITION);
    assertThat(item()).containsEntry("startedAt", AttributeValue.fromN("1796558400000"));
  }

  @Test
  void aBarrierClearsItsLaneOnceAndOnlyForItsEpoch() {
    table.start(table.read(), 6);

    assertThat(table.clearBarrier(1, new Lane(2))).isTrue();
    assertThat(table.clearBarrier(1, new Lane(2))).isFalse();
    assertThat(table.clearBarrier(0, new Lane(1))).isFalse();
    assertThat(table.clearBarrier(2, new Lane(1))).isFalse();

    assertThat(table.read().pending()).containsExactly(0, 1, 3);
    assertThat(dynamoDb.updates().getLast().conditionExpression())
        .isEqualTo(RingConfigTable.CLEAR_BARRIER_CONDITION);
  }

  @Test
  void theLastBarrierEndsTheReshardAndTheNextOneMayStart() {
    table.start(table.read(), 6);
    for (int i = 0; i < 4; i++) {
      table.clearBarrier(1, new Lane(i));
    }
    RingEpoch done = table.read();
    assertThat(done.resharding()).isFalse();
    assertThat(item()).doesNotContainKey(RingConfigTable.PENDING);

    RingEpoch back = table.start(done, 4);

    assertThat(back.epoch()).isEqualTo(2);
    assertThat(back.pending()).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(dynamoDb.updates().getLast().conditionExpression())
        .isEqualTo(RingConfigTable.NEXT_RESHARD_CONDITION);
  }

  @Test
  void aSecondReshardIsRefusedWhileBarriersArePending() {
    RingEpoch seen = table.read();
    table.start(seen, 6);

    assertThatThrownBy(() -> table.start(table.read(), 8))
        .isInstanceOf(ReshardException.class)
        .hasMessageContaining("still under way: 4 barrier(s) pending");
    // A writer that read epoch 0 before the first one started is refused by the condition.
    assertThatThrownBy(() -> table.start(seen, 8))
        .isInstanceOf(ReshardException.class)
        .hasMessage(
            "cannot reshard lease table test-leases from epoch 0 with 4 lanes to 8 lanes: the"
                + " table now says epoch 1 with 6 lanes, resharding from 4 lanes: 4 of 4 barriers"
                + " pending; wait until its barriers have passed");
    assertThat(table.read().epoch()).isEqualTo(1);
  }

  @Test
  void aWriterThatReadAnOlderEpochCannotSkipOne() {
    table.start(table.read(), 6);
    RingEpoch stale = table.read();
    for (int i = 0; i < 4; i++) {
      table.clearBarrier(1, new Lane(i));
    }
    table.start(table.read(), 8);
    for (int i = 0; i < 6; i++) {
      table.clearBarrier(2, new Lane(i));
    }

    RingEpoch staleDone = new RingEpoch(1, 6, 4, new java.util.TreeSet<>());
    assertThatThrownBy(() -> table.start(staleDone, 10))
        .isInstanceOf(ReshardException.class)
        .hasMessageContaining("the table now says epoch 2 with 8 lanes; read it again");
    assertThat(stale.epoch()).isEqualTo(1);
    assertThat(table.read().lanes()).isEqualTo(8);
  }
}
