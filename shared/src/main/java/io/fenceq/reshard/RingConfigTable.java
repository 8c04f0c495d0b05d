package io.fenceq.reshard;

import io.fenceq.internal.Require;
import io.fenceq.ring.Lane;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The ring's epoch in the lease table: one item, {@value #ID}, read with a strongly consistent
 * {@code GetItem} and changed only by conditional {@code UpdateItem}s whose conditions are the
 * constants below. No item means epoch 0 with the configured lane count, so a queue that never
 * reshards never writes it.
 *
 * <p>Attributes: {@value #EPOCH} and {@value #LANES} (numbers), {@value #PREVIOUS_LANES} (number,
 * from the first reshard on), {@value #PENDING} (a string set of the old lane ids whose barrier has
 * not passed; DynamoDB removes the attribute when its last member is deleted, so "no reshard under
 * way" is its absence) and {@value #STARTED_AT} (epoch milliseconds of the last reshard's start).
 * The id does not start with {@code lane#}, {@code leader#} or {@code stats#}, and the item has no
 * owner or fence: lease readers skip it.
 *
 * <p>Thread-safe; the DynamoDB client belongs to the caller.
 */
public final class RingConfigTable implements RingEpochSource {
  /** The item's id in the lease table. */
  public static final String ID = "ring#config";

  public static final String EPOCH = "epoch";
  public static final String LANES = "lanes";
  public static final String PREVIOUS_LANES = "previousLanes";
  public static final String PENDING = "pendingBarriers";
  public static final String STARTED_AT = "startedAt";

  /** The first reshard: there is no item yet, so the ring is at epoch 0 and nobody started one. */
  public static final String FIRST_RESHARD_CONDITION = "attribute_not_exists(#epoch)";

  /**
   * A later reshard: the epoch is still the one the caller read, so it advances by exactly one, and
   * no barrier of the previous reshard is pending, so two reshards never overlap.
   */
  public static final String NEXT_RESHARD_CONDITION =
      "#epoch = :epoch AND attribute_not_exists(#pendingBarriers)";

  /** Update of a reshard's start: the new epoch and lane count, every old lane pending. */
  public static final String RESHARD_UPDATE =
      "SET #epoch = :next, #lanes = :lanes, #previousLanes = :previousLanes,"
          + " #pendingBarriers = :all, #startedAt = :now";

  /**
   * A barrier is cleared only for the epoch it belongs to, and only while its lane is pending, so a
   * barrier delivered twice, or one of an older reshard, changes nothing.
   */
  public static final String CLEAR_BARRIER_CONDITION =
      "#epoch = :epoch AND contains(#pendingBarriers, :lane)";

  /** Update of a barrier's passing: its lane leaves the pending set. */
  public static final String CLEAR_BARRIER_UPDATE = "DELETE #pendingBarriers :lanes";

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final int configuredLanes;
  private final Clock clock;

  /**
   * @param configuredLanes the lane count the queue's producers and consumers are configured with:
   *     the ring's at epoch 0
   */
  public RingConfigTable(DynamoDbClient dynamoDb, String table, int configuredLanes, Clock clock) {
    this.dynamoDb = Require.notNull(dynamoDb, "RingConfigTable", "dynamoDb");
    Require.argument(table != null && !table.isBlank(), "RingConfigTable", "table", table);
    this.table = table;
    this.configuredLanes = configuredLanes;
    this.clock = Require.notNull(clock, "RingConfigTable", "clock");
    RingEpoch.initial(configuredLanes);
  }

  /** The lease table's name. */
  public String table() {
    return table;
  }

  /**
   * The ring's epoch as the table says now (a strongly consistent read).
   *
   * @throws ReshardException naming the table if DynamoDB cannot be read
   */
  @Override
  public RingEpoch read() {
    GetItemResponse response;
    try {
      response = dynamoDb.getItem(r -> r.tableName(table).key(key()).consistentRead(true));
    } catch (SdkException e) {
      throw failure("reading " + ID, e);
    }
    return response.hasItem() && !response.item().isEmpty()
        ? from(response.item())
        : RingEpoch.initial(configuredLanes);
  }

  /**
   * Starts a reshard from {@code seen} (what {@link #read()} returned) to {@code newLanes} lanes:
   * one conditional write of the next epoch with every old lane pending.
   *
   * @return the new epoch
   * @throws ReshardException if the epoch moved since {@code seen}, a reshard is under way, or
   *     DynamoDB failed
   */
  public RingEpoch start(RingEpoch seen, int newLanes) {
    RingEpoch next = seen.next(newLanes);
    List<String> all = new ArrayList<>();
    for (int i = 0; i < seen.lanes(); i++) {
      all.add(new Lane(i).id());
    }
    boolean first = seen.epoch() == 0;
    String condition = first ? FIRST_RESHARD_CONDITION : NEXT_RESHARD_CONDITION;
    Map<String, AttributeValue> values = new java.util.HashMap<>();
    values.put(":next", number(next.epoch()));
    values.put(":lanes", number(next.lanes()));
    values.put(":previousLanes", number(next.previousLanes()));
    values.put(":all", AttributeValue.fromSs(all));
    values.put(":now", number(clock.millis()));
    if (!first) {
      values.put(":epoch", number(seen.epoch()));
    }
    Map<String, String> names =
        Map.of(
            "#epoch", EPOCH,
            "#lanes", LANES,
            "#previousLanes", PREVIOUS_LANES,
            "#pendingBarriers", PENDING,
            "#startedAt", STARTED_AT);
    try {
      UpdateItemResponse response =
          dynamoDb.updateItem(
              r ->
                  r.tableName(table)
                      .key(key())
                      .updateExpression(RESHARD_UPDATE)
                      .conditionExpression(condition)
                      .expressionAttributeNames(names)
                      .expressionAttributeValues(values)
                      .returnValues(ReturnValue.ALL_NEW)
                      .returnValuesOnConditionCheckFailure(
                          ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return from(response.attributes());
    } catch (ConditionalCheckFailedException e) {
      RingEpoch now =
          e.hasItem() && !e.item().isEmpty() ? from(e.item()) : RingEpoch.initial(configuredLanes);
      throw new ReshardException(
          "cannot reshard lease table "
              + table
              + " from "
              + seen.describe()
              + " to "
              + newLanes
              + " lanes: the table now says "
              + now.describe()
              + (now.resharding() ? "; wait until its barriers have passed" : "; read it again"));
    } catch (SdkException e) {
      throw failure("starting a reshard to " + newLanes + " lanes", e);
    }
  }

  /**
   * Marks the barrier of old lane {@code lane} of the reshard into {@code epoch} as passed.
   * Idempotent: a barrier already cleared, or one of another epoch, changes nothing.
   *
   * @return whether this call cleared it
   * @throws ReshardException if DynamoDB failed
   */
  @Override
  public boolean clearBarrier(long epoch, Lane lane) {
    try {
      dynamoDb.updateItem(
          r ->
              r.tableName(table)
                  .key(key())
                  .updateExpression(CLEAR_BARRIER_UPDATE)
                  .conditionExpression(CLEAR_BARRIER_CONDITION)
                  .expressionAttributeNames(Map.of("#epoch", EPOCH, "#pendingBarriers", PENDING))
                  .expressionAttributeValues(
                      Map.of(
                          ":epoch", number(epoch),
                          ":lane", AttributeValue.fromS(lane.id()),
                          ":lanes", AttributeValue.fromSs(List.of(lane.id())))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw failure("clearing the barrier of " + lane + " for epoch " + epoch, e);
    }
  }

  private static Map<String, AttributeValue> key() {
    return Map.of("id", AttributeValue.fromS(ID));
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }

  /** The epoch an item holds. */
  static RingEpoch from(Map<String, AttributeValue> item) {
    long epoch = Long.parseLong(item.get(EPOCH).n());
    int lanes = Integer.parseInt(item.get(LANES).n());
    AttributeValue prev = item.get(PREVIOUS_LANES);
    int previous = prev == null ? 0 : Integer.parseInt(prev.n());
    TreeSet<Integer> pending = new TreeSet<>();
    AttributeValue set = item.get(PENDING);
    if (set != null && set.hasSs()) {
      for (String id : set.ss()) {
        pending.add(Lane.parse(id).index());
      }
    }
    return new RingEpoch(epoch, lanes, previous, pending);
  }

  private ReshardException failure(String what, SdkException e) {
    String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    return new ReshardException(
        "DynamoDB failed " + what + " in lease table " + table + ": " + first, e);
  }
}
