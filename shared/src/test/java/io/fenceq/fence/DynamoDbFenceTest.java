package io.fenceq.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.testing.FakeDynamoDb;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The fence and seq rule on an in-memory table that evaluates the real expressions. */
class DynamoDbFenceTest {
  private static final String TABLE = "accounts";
  private static final Map<String, AttributeValue> KEY =
      Map.of("id", AttributeValue.fromS("acct-1"));
  private final FakeDynamoDb dynamoDb = new FakeDynamoDb().createTable(TABLE);
  private final DynamoDbFence fence = new DynamoDbFence(dynamoDb);

  private static UpdateItemRequest deposit(long amount) {
    return UpdateItemRequest.builder()
        .tableName(TABLE)
        .key(KEY)
        .updateExpression("SET #balance = if_not_exists(#balance, :zero) + :amount")
        .expressionAttributeNames(Map.of("#balance", "balance"))
        .expressionAttributeValues(
            Map.of(
                ":amount", AttributeValue.fromN(Long.toString(amount)),
                ":zero", AttributeValue.fromN("0")))
        .build();
  }

  private FenceResult deposit(long amount, long fenceValue, String seq) {
    return fence.update(deposit(amount), new FenceToken(fenceValue, seq));
  }

  private Map<String, AttributeValue> item() {
    return dynamoDb.item(TABLE, KEY);
  }

  private String n(String attribute) {
    return item().get(attribute).n();
  }

  @Test
  void theFirstWriteOfAnItemIsAppliedAndRecordsFenceAndSeq() {
    assertThat(deposit(10, 3, "100")).isEqualTo(FenceResult.APPLIED);
    assertThat(n("balance")).isEqualTo("10");
    assertThat(n("fence")).isEqualTo("3");
    assertThat(n("seq")).isEqualTo("100");
    UpdateItemRequest sent = dynamoDb.updates().get(0);
    assertThat(sent.conditionExpression()).isEqualTo(DynamoDbFence.FENCE_AND_SEQ_CONDITION);
    assertThat(sent.returnValuesOnConditionCheckFailure())
        .isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
  }

  @Test
  void aRedeliveredJobIsADuplicateAndChangesNothing() {
    deposit(10, 3, "100");
    assertThat(deposit(10, 3, "100")).isEqualTo(FenceResult.DUPLICATE);
    assertThat(deposit(10, 3, "99")).isEqualTo(FenceResult.DUPLICATE);
    assertThat(n("balance")).isEqualTo("10");
  }

  @Test
  void anOlderFenceIsFencedWhateverItsSeqAndChangesNothing() {
    deposit(10, 3, "100");
    assertThat(deposit(5, 2, "101")).isEqualTo(FenceResult.FENCED);
    assertThat(deposit(5, 2, "100"))
        .as("older fence and an already applied seq: still fenced, never a success")
        .isEqualTo(FenceResult.FENCED);
    assertThat(n("balance")).isEqualTo("10");
    assertThat(n("fence")).isEqualTo("3");
  }

  @Test
  void theSameOrANewerFenceWithALaterSeqIsApplied() {
    deposit(10, 3, "100");
    assertThat(deposit(1, 3, "101")).isEqualTo(FenceResult.APPLIED);
    assertThat(deposit(1, 4, "102")).isEqualTo(FenceResult.APPLIED);
    assertThat(deposit(1, 5, "102"))
        .as("a new holder re-running an applied job")
        .isEqualTo(FenceResult.DUPLICATE);
    assertThat(n("balance")).isEqualTo("12");
    assertThat(n("fence")).isEqualTo("4");
  }

  @Test
  void sequenceNumbersCompareAsExactNumbersNotAsTextOrLongs() {
    assertThat(deposit(1, 1, "18446744073709551616")).isEqualTo(FenceResult.APPLIED);
    // As text "9" sorts after "1844..."; as a number it is far smaller.
    assertThat(deposit(1, 1, "9")).isEqualTo(FenceResult.DUPLICATE);
    assertThat(deposit(1, 1, "18446744073709551617")).isEqualTo(FenceResult.APPLIED);
    String big = "9".repeat(37) + "8";
    assertThat(deposit(1, 1, big)).isEqualTo(FenceResult.APPLIED);
    assertThat(deposit(1, 1, big)).isEqualTo(FenceResult.DUPLICATE);
    assertThat(deposit(1, 1, "9".repeat(38))).isEqualTo(FenceResult.APPLIED);
    assertThat(n("seq")).isEqualTo("9".repeat(38));
  }

  @Test
  void theCallersOwnConditionFailingIsItsOwnExceptionUnlessTheFenceDecidesFirst() {
    deposit(10, 3, "100");
    UpdateItemRequest withdraw =
        UpdateItemRequest.builder()
            .tableName(TABLE)
            .key(KEY)
            .updateExpression("SET #balance = #balance - :amount")
            .conditionExpression("#balance >= :amount")
            .expressionAttributeNames(Map.of("#balance", "balance"))
            .expressionAttributeValues(Map.of(":amount", AttributeValue.fromN("50")))
            .build();
    assertThatThrownBy(() -> fence.update(withdraw, new FenceToken(3, "101")))
        .isInstanceOf(ConditionalCheckFailedException.class);
    assertThat(fence.update(withdraw, new FenceToken(2, "101"))).isEqualTo(FenceResult.FENCED);
    assertThat(fence.update(withdraw, new FenceToken(3, "100"))).isEqualTo(FenceResult.DUPLICATE);
    assertThat(dynamoDb.updates().get(1).conditionExpression())
        .isEqualTo("(" + DynamoDbFence.FENCE_AND_SEQ_CONDITION + ") AND (#balance >= :amount)");
  }

  @Test
  void joinsTheCallersSetClauseOrAddsOne() {
    dynamoDb.putItem(
        r ->
            r.tableName(TABLE)
                .item(
                    Map.of(
                        "id", AttributeValue.fromS("acct-1"), "tmp", AttributeValue.fromS("x"))));
    UpdateItemRequest addAndRemove =
        UpdateItemRequest.builder()
            .tableName(TABLE)
            .key(KEY)
            .updateExpression("ADD #count :one REMOVE #tmp")
            .expressionAttributeNames(Map.of("#count", "count", "#tmp", "tmp"))
            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))
            .build();
    assertThat(fence.update(addAndRemove, new FenceToken(1, "5"))).isEqualTo(FenceResult.APPLIED);
    assertThat(dynamoDb.updates().get(0).updateExpression())
        .isEqualTo("ADD #count :one REMOVE #tmp SET " + DynamoDbFence.FENCE_AND_SEQ_SET);
    assertThat(item()).containsOnlyKeys("id", "count", "fence", "seq");

    UpdateItemRequest setLast =
        addAndRemove.toBuilder().updateExpression("REMOVE #tmp set #count = :one").build();
    assertThat(fence.update(setLast, new FenceToken(1, "6"))).isEqualTo(FenceResult.APPLIED);
    assertThat(dynamoDb.updates().get(1).updateExpression())
        .isEqualTo("REMOVE #tmp set " + DynamoDbFence.FENCE_AND_SEQ_SET + ", #count = :one");
    assertThat(n("seq")).isEqualTo("6");
  }

  @Test
  void refusesAnUpdateThatWritesFenceOrSeqItself() {
    UpdateItemRequest plain =
        UpdateItemRequest.builder()
            .tableName(TABLE)
            .key(KEY)
            .updateExpression("SET fence = :f")
            .expressionAttributeValues(Map.of(":f", AttributeValue.fromN("99")))
            .build();
    assertThatThrownBy(() -> fence.update(plain, new FenceToken(1, "1")))
        .isInstanceOf(FencedWriteException.class)
        .hasMessageContaining("writes fence or seq itself");
    UpdateItemRequest named =
        plain.toBuilder()
            .updateExpression("SET #s = :f")
            .expressionAttributeNames(Map.of("#s", "seq"))
            .build();
    assertThatThrownBy(() -> fence.update(named, new FenceToken(1, "1")))
        .isInstanceOf(FencedWriteException.class);
    UpdateItemRequest reserved =
        plain.toBuilder()
            .updateExpression("SET #fenceqFence = :f")
            .expressionAttributeNames(Map.of("#fenceqFence", "other"))
            .build();
    assertThatThrownBy(() -> fence.update(reserved, new FenceToken(1, "1")))
        .hasMessageContaining("reserves");
    assertThat(dynamoDb.updates()).isEmpty();
  }

  @Test
  void anItemWhoseFenceIsNotANumberCannotBeDecided() {
    dynamoDb.putItem(
        r ->
            r.tableName(TABLE)
                .item(
                    Map.of(
                        "id", AttributeValue.fromS("acct-1"), "fence", AttributeValue.fromS("7"))));
    assertThatThrownBy(() -> deposit(1, 1, "1"))
        .isInstanceOf(FencedWriteException.class)
        .hasMessageContaining("has a fence attribute that is not a Number");
    assertThat(item().get("fence")).isEqualTo(AttributeValue.fromS("7"));
  }
}
