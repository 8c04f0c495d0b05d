package io.fenceq.lease;

import static io.fenceq.lease.LeaseWorld.granted;
import static io.fenceq.lease.LeaseWorld.lost;
import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.fence.DynamoDbFence;
import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * A holder that lost its lease without knowing (paused, or taken over early by a fast clock) writes
 * with its old fence, and the entity refuses it: safety from the fence, not from timing.
 */
class FencedTakeoverTest {
  private static final String LANE = "lane#0007";
  private static final String ENTITIES = "entities";
  private static final Map<String, AttributeValue> KEY =
      Map.of("id", AttributeValue.fromS("sku-1"));

  private final LeaseWorld world = new LeaseWorld();
  private final DynamoDbFence fence = new DynamoDbFence(world.dynamoDb.createTable(ENTITIES));

  private FenceResult write(String value, Lease lease, String seq) {
    UpdateItemRequest update =
        UpdateItemRequest.builder()
            .tableName(ENTITIES)
            .key(KEY)
            .updateExpression("SET #v = :v")
            .expressionAttributeNames(Map.of("#v", "value"))
            .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value)))
            .build();
    return fence.update(update, new FenceToken(lease.fence(), seq));
  }

  private String entityValue() {
    return world.dynamoDb.item(ENTITIES, KEY).get("value").s();
  }

  @Test
  void aHolderPausedPastItsLeaseIsFencedAfterTheTakeover() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    LeaseStore b = world.contender(LeaseWorld.wall());
    Lease zombie = granted(a.acquire(LANE, "a"));
    world.advance(Duration.ofSeconds(31)); // a is paused

    Lease successor = granted(b.acquire(LANE, "b"));
    assertThat(write("written by b", successor, "101")).isEqualTo(FenceResult.APPLIED);

    // a wakes up and carries on with the job it had before the pause.
    assertThat(write("written by a", zombie, "100")).isEqualTo(FenceResult.FENCED);
    assertThat(write("written by a", zombie, "102")).isEqualTo(FenceResult.FENCED);
    assertThat(entityValue()).isEqualTo("written by b");
    assertThat(lost(a.renew(zombie)).heldBy()).isEqualTo("b");
  }

  @Test
  void anEarlyTakeoverByAFastClockCostsWorkNotSafety() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    LeaseStore b = world.contender(LeaseWorld.wall(), Duration.ofSeconds(30));
    Lease first = granted(a.acquire(LANE, "a"));
    world.advance(Duration.ofSeconds(1));
    Lease early = granted(b.acquire(LANE, "b"));
    assertThat(a.isValid(first)).isTrue();

    assertThat(write("written by b", early, "201")).isEqualTo(FenceResult.APPLIED);
    assertThat(write("written by a", first, "202")).isEqualTo(FenceResult.FENCED);
    assertThat(entityValue()).isEqualTo("written by b");
  }
}
