package io.fenceq.fence;

import io.fenceq.internal.Require;
import io.fenceq.trace.internal.Telemetry;
import io.opentelemetry.api.trace.Span;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Makes a caller's {@code UpdateItem} of an entity item fenced: the update is applied only if the
 * item has seen no newer fence and no equal or later sequence number, and it records both in the
 * item's {@code fence} and {@code seq} attributes, in the same write.
 *
 * <p>The caller writes its update as usual ({@code SET #balance = #balance + :amount}, with its own
 * condition if it has one); this class adds {@link #FENCE_AND_SEQ_CONDITION} to the condition, adds
 * the two attributes to the {@code SET} clause, and asks for the old item on a failed condition to
 * tell the outcomes apart. It never turns a {@link FenceResult#FENCED} into a success: a newer
 * fence on the item decides, whatever the sequence numbers say.
 *
 * <p>The token's fence comes from the job's context: the lane lease's fence, with the job's ring
 * epoch in front ({@link DownstreamFence}). Across a reshard a moved key's writes therefore carry
 * higher fences than any write made under the old epoch, whatever the new lane's lease counter, and
 * an item keeps accepting them; a late write of the old lane's holder is {@code FENCED}.
 *
 * <p>Thread-safe; the client belongs to the caller.
 */
public final class DynamoDbFence {
  /** The entity attribute holding the fence of the last applied write (a Number). */
  public static final String FENCE_ATTRIBUTE = "fence";

  /** The entity attribute holding the sequence number of the last applied job (a Number). */
  public static final String SEQ_ATTRIBUTE = "seq";

  /**
   * Added to every fenced update. Guarantees that the item never accepts a fence lower than one it
   * has accepted (S1: a taken-over holder's late write is refused) and applies each job at most
   * once (a redelivered job, whose seq is not above the last applied one, is refused). An item that
   * has never had a fenced write passes both halves.
   */
  public static final String FENCE_AND_SEQ_CONDITION =
      "(attribute_not_exists(#fenceqFence) OR #fenceqFence <= :fenceqFence)"
          + " AND (attribute_not_exists(#fenceqSeq) OR #fenceqSeq < :fenceqSeq)";

  /** Added to the update's {@code SET} clause: the item records the write's fence and seq. */
  public static final String FENCE_AND_SEQ_SET =
      "#fenceqFence = :fenceqFence, #fenceqSeq = :fenceqSeq";

  /**
   * The {@code SET} of a coalesced write ({@link #updateBatch}): the item records the fence and the
   * <em>last</em> job's seq, while {@link #FENCE_AND_SEQ_CONDITION} is checked against the first
   * job's, so the write is applied only if none of the jobs was.
   */
  public static final String FENCE_AND_LAST_SEQ_SET =
      "#fenceqFence = :fenceqFence, #fenceqSeq = :fenceqLastSeq";

  private static final Logger log = LoggerFactory.getLogger(DynamoDbFence.class);
  private static final Pattern SET_KEYWORD = Pattern.compile("(?i)(?<![#:\\w.])SET(?=\\s)");
  private static final Pattern PLAIN_FENCE_OR_SEQ =
      Pattern.compile("(?<![#:\\w.])(" + FENCE_ATTRIBUTE + "|" + SEQ_ATTRIBUTE + ")(?!\\w)");

  private final DynamoDbClient dynamoDb;

  public DynamoDbFence(DynamoDbClient dynamoDb) {
    this.dynamoDb = Require.notNull(dynamoDb, "DynamoDbFence", "dynamoDb");
  }

  /**
   * Sends {@code request} fenced by {@code token}.
   *
   * <p>The request must not write {@code fence} or {@code seq} itself, nor use the placeholders
   * {@code #fenceqFence}, {@code #fenceqSeq}, {@code :fenceqFence}, {@code :fenceqSeq}. Its {@code
   * ReturnValuesOnConditionCheckFailure} is replaced by {@code ALL_OLD}.
   *
   * @return {@link FenceResult#APPLIED}, {@link FenceResult#DUPLICATE} or {@link
   *     FenceResult#FENCED}
   * @throws ConditionalCheckFailedException unchanged, when the caller's own condition failed and
   *     the fence and seq would have allowed the write
   * @throws FencedWriteException if the request writes fence or seq itself, or the item's fence or
   *     seq is not a Number
   * @throws software.amazon.awssdk.core.exception.SdkException for any other DynamoDB failure
   */
  public FenceResult update(UpdateItemRequest request, FenceToken token) {
    Span span =
        Telemetry.startFencedWrite("aws.dynamodb", request.tableName(), token.fence(), token.seq());
    try {
      FenceResult result = send(request, token);
      Telemetry.endFencedWrite(span, result, null);
      return result;
    } catch (RuntimeException e) {
      Telemetry.endFencedWrite(span, null, e);
      throw e;
    }
  }

  private FenceResult send(UpdateItemRequest request, FenceToken token) {
    return send(request, token, null);
  }

  private FenceResult send(UpdateItemRequest request, FenceToken token, String lastSeq) {
    UpdateItemRequest fenced = fenced(request, token, lastSeq);
    try {
      dynamoDb.updateItem(fenced);
    } catch (ConditionalCheckFailedException e) {
      FenceResult result = classify(request, token, e.hasItem() ? e.item() : Map.of());
      if (result == null) {
        throw e;
      }
      log(request, token, result);
      return result;
    }
    log(request, token, FenceResult.APPLIED);
    return FenceResult.APPLIED;
  }

  /**
   * Sends {@code request} as one fenced write for a key's consecutive jobs, {@code first} to {@code
   * last} (same fence, the first's seq not above the last's): it is applied only if none of them
   * was, that is if the item's seq is below {@code first}'s, and it records {@code last}'s seq. The
   * request writes the jobs' combined effect, as {@link #update} writes one job's.
   *
   * <p>{@code DUPLICATE} here means the item's seq is at or past the first job's: some or all of
   * the jobs were applied already (a redelivery, or an earlier coalesced write that covered a
   * prefix). Nothing was written; read the item's seq, drop the jobs at or below it, and write the
   * rest. A partly applied batch is never reported as {@code APPLIED}.
   *
   * @return {@link FenceResult#APPLIED} for every job, {@link FenceResult#DUPLICATE} or {@link
   *     FenceResult#FENCED}
   * @throws IllegalArgumentException if the tokens' fences differ or {@code first} is after {@code
   *     last}
   * @throws ConditionalCheckFailedException unchanged, when the caller's own condition failed and
   *     the fence and seq would have allowed the write
   */
  public FenceResult updateBatch(UpdateItemRequest request, FenceToken first, FenceToken last) {
    if (first.fence() != last.fence()) {
      throw new IllegalArgumentException(
          "a coalesced write carries one fence, got " + first + " and " + last);
    }
    if (first.seqDecimal().compareTo(last.seqDecimal()) > 0) {
      throw new IllegalArgumentException(
          "the first job's seq must not be after the last's, got " + first + " and " + last);
    }
    Span span =
        Telemetry.startFencedWrite("aws.dynamodb", request.tableName(), last.fence(), last.seq());
    try {
      FenceResult result = send(request, first, last.seq());
      Telemetry.endFencedWrite(span, result, null);
      return result;
    } catch (RuntimeException e) {
      Telemetry.endFencedWrite(span, null, e);
      throw e;
    }
  }

  /** The request with the fence condition and attributes added; visible for documentation. */
  static UpdateItemRequest fenced(UpdateItemRequest request, FenceToken token) {
    return fenced(request, token, null);
  }

  /**
   * The request fenced by {@code token}, recording {@code lastSeq} instead of the token's seq when
   * it is not null (a coalesced write).
   */
  static UpdateItemRequest fenced(UpdateItemRequest request, FenceToken token, String lastSeq) {
    Map<String, String> names = new HashMap<>(request.expressionAttributeNames());
    Map<String, AttributeValue> values = new HashMap<>(request.expressionAttributeValues());
    String update = request.updateExpression();
    refuseOwnFenceWrites(request, names, update);
    names.put("#fenceqFence", FENCE_ATTRIBUTE);
    names.put("#fenceqSeq", SEQ_ATTRIBUTE);
    values.put(":fenceqFence", AttributeValue.fromN(Long.toString(token.fence())));
    values.put(":fenceqSeq", AttributeValue.fromN(token.seq()));
    if (lastSeq != null) {
      values.put(":fenceqLastSeq", AttributeValue.fromN(lastSeq));
    }
    String condition =
        request.conditionExpression() == null || request.conditionExpression().isBlank()
            ? FENCE_AND_SEQ_CONDITION
            : "(" + FENCE_AND_SEQ_CONDITION + ") AND (" + request.conditionExpression() + ")";
    return request.toBuilder()
        .updateExpression(
            withFenceSet(update, lastSeq == null ? FENCE_AND_SEQ_SET : FENCE_AND_LAST_SEQ_SET))
        .conditionExpression(condition)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build();
  }

  /** DynamoDB allows one SET clause per update, so the attributes join the caller's. */
  private static String withFenceSet(String update, String fenceSet) {
    if (update == null || update.isBlank()) {
      return "SET " + fenceSet;
    }
    Matcher m = SET_KEYWORD.matcher(update);
    if (!m.find()) {
      return update + " SET " + fenceSet;
    }
    return update.substring(0, m.end()) + " " + fenceSet + "," + update.substring(m.end());
  }

  private static void refuseOwnFenceWrites(
      UpdateItemRequest request, Map<String, String> names, String update) {
    for (String placeholder : new String[] {"#fenceqFence", "#fenceqSeq"}) {
      if (names.containsKey(placeholder)
          || request.expressionAttributeValues().containsKey(":" + placeholder.substring(1))) {
        throw new FencedWriteException(
            "the update of table "
                + request.tableName()
                + " uses the placeholder "
                + placeholder
                + ", which DynamoDbFence reserves");
      }
    }
    if (request.expressionAttributeValues().containsKey(":fenceqLastSeq")) {
      throw new FencedWriteException(
          "the update of table "
              + request.tableName()
              + " uses the placeholder :fenceqLastSeq, which DynamoDbFence reserves");
    }
    if (update == null) {
      return;
    }
    boolean writesFence = PLAIN_FENCE_OR_SEQ.matcher(update).find();
    for (Map.Entry<String, String> name : names.entrySet()) {
      boolean ours =
          name.getValue().equals(FENCE_ATTRIBUTE) || name.getValue().equals(SEQ_ATTRIBUTE);
      if (ours
          && Pattern.compile(Pattern.quote(name.getKey()) + "(?!\\w)").matcher(update).find()) {
        writesFence = true;
      }
    }
    if (writesFence) {
      throw new FencedWriteException(
          "the update of table "
              + request.tableName()
              + " key "
              + request.key()
              + " writes "
              + FENCE_ATTRIBUTE
              + " or "
              + SEQ_ATTRIBUTE
              + " itself; DynamoDbFence sets them: "
              + update);
    }
  }

  /**
   * Tells the outcomes apart from the item the condition failed on: a newer fence decides first
   * (never a success), then an equal or later seq (a duplicate); otherwise the caller's own
   * condition failed, shown by null.
   */
  static FenceResult classify(
      UpdateItemRequest request, FenceToken token, Map<String, AttributeValue> old) {
    BigDecimal fence = number(request, old, FENCE_ATTRIBUTE, token);
    if (fence != null && fence.compareTo(BigDecimal.valueOf(token.fence())) > 0) {
      return FenceResult.FENCED;
    }
    BigDecimal seq = number(request, old, SEQ_ATTRIBUTE, token);
    if (seq != null && seq.compareTo(token.seqDecimal()) >= 0) {
      return FenceResult.DUPLICATE;
    }
    return null;
  }

  private static BigDecimal number(
      UpdateItemRequest request, Map<String, AttributeValue> item, String name, FenceToken token) {
    AttributeValue v = item.get(name);
    if (v == null) {
      return null;
    }
    if (v.n() == null) {
      throw new FencedWriteException(
          "item "
              + request.key()
              + " of table "
              + request.tableName()
              + " has a "
              + name
              + " attribute that is not a Number ("
              + v
              + "); cannot decide the fenced write "
              + token);
    }
    return new BigDecimal(v.n());
  }

  private static void log(UpdateItemRequest request, FenceToken token, FenceResult result) {
    if (result == FenceResult.FENCED) {
      log.warn(
          "event=fenced_write table={} key={} fence={} seq={} result={}",
          request.tableName(),
          request.key(),
          token.fence(),
          token.seq(),
          result);
    } else {
      log.debug(
          "event=fenced_write table={} key={} fence={} seq={} result={}",
          request.tableName(),
          request.key(),
          token.fence(),
          token.seq(),
          result);
    }
  }
}
