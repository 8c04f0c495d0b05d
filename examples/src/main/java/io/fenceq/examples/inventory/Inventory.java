package io.fenceq.examples.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.examples.inventory.InventoryOutcome.Result;
import io.fenceq.fence.DynamoDbFence;
import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The example handlers: stock reservation on an inventory table with one item per SKU, {@code {sku,
 * stock, reserved, rejected, fence, seq}}, keyed by {@code sku}. Jobs are keyed by SKU, so one
 * SKU's jobs run one at a time and in order; every write goes through {@link DynamoDbFence}, so it
 * carries the lane's fence and the job's sequence number and is applied at most once, never by a
 * consumer that lost the lane.
 *
 * <ul>
 *   <li>{@code reserve {"qty": n}}: moves {@code n} from {@code stock} to {@code reserved}, only if
 *       {@code stock >= n}: it never oversells, whatever the order or number of deliveries.
 *   <li>{@code release {"qty": n}}: moves {@code n} back from {@code reserved} to {@code stock},
 *       only if {@code reserved >= n}.
 * </ul>
 *
 * <p>A refusal (not enough stock, or more released than reserved) is a business answer, not a
 * failure: it is recorded on the item ({@code rejected} counts them, under the same fence and
 * sequence number, so a redelivery answers {@code DUPLICATE}) and the job succeeds. {@code qty}
 * defaults to 1. A job for an SKU that was never stocked, or with a bad {@code qty}, fails with a
 * message naming the SKU and job; retrying cannot help, so it reaches the dead-letter queue after
 * the consumer's {@code maxAttempts} failures. A fenced write throws {@link
 * io.fenceq.engine.LaneLostException} ({@link JobContext#fenced}): the job is not done, and the
 * lane's new holder runs it.
 *
 * <p>Thread-safe; the client belongs to the caller.
 */
public final class Inventory {
  /** Job type that reserves stock. */
  public static final String RESERVE = "reserve";

  /** Job type that releases reserved stock. */
  public static final String RELEASE = "release";

  /** The table's partition key. */
  public static final String SKU = "sku";

  /** Largest quantity a job may move; keeps sums far inside DynamoDB's 38 digits. */
  public static final long MAX_QTY = 1_000_000_000L;

  /** Reserve: take stock only if there is enough of it. */
  static final String RESERVE_UPDATE = "SET #stock = #stock - :qty, #reserved = #reserved + :qty";

  static final String RESERVE_CONDITION = "#stock >= :qty";

  /** Release: give back only what is reserved. */
  static final String RELEASE_UPDATE = "SET #stock = #stock + :qty, #reserved = #reserved - :qty";

  static final String RELEASE_CONDITION = "#reserved >= :qty";

  /** Records a refusal; consumes the job's sequence number, so the refusal is final. */
  static final String REJECT_UPDATE = "ADD #rejected :one";

  static final String REJECT_CONDITION = "attribute_exists(#sku)";

  private static final Logger log = LoggerFactory.getLogger(Inventory.class);

  private final DynamoDbClient dynamoDb;
  private final DynamoDbFence fence;
  private final String table;
  private final Consumer<InventoryOutcome> listener;

  /**
   * @param dynamoDb the client for the table
   * @param table the inventory table, e.g. the stack's {@code InventoryTableName} output
   * @param listener told of every job's outcome, on the job's thread (e.g. for metrics or checks);
   *     it must not throw
   */
  public Inventory(DynamoDbClient dynamoDb, String table, Consumer<InventoryOutcome> listener) {
    if (dynamoDb == null) {
      throw new IllegalArgumentException("invalid Inventory setting dynamoDb: null");
    }
    if (table == null || table.isBlank()) {
      throw new IllegalArgumentException("invalid Inventory setting table: " + table);
    }
    this.dynamoDb = dynamoDb;
    this.fence = new DynamoDbFence(dynamoDb);
    this.table = table;
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** An inventory that reports outcomes only in its log. */
  public Inventory(DynamoDbClient dynamoDb, String table) {
    this(dynamoDb, table, outcome -> {});
  }

  public String table() {
    return table;
  }

  /** The two handlers by job type: {@value #RESERVE} and {@value #RELEASE}. */
  public Map<String, JobHandler> handlers() {
    return Map.of(RESERVE, this::reserve, RELEASE, this::release);
  }

  /** The {@value #RESERVE} handler. */
  public InventoryOutcome reserve(Job job, JobContext context) {
    return move(job, context, RESERVE_UPDATE, RESERVE_CONDITION);
  }

  /** The {@value #RELEASE} handler. */
  public InventoryOutcome release(Job job, JobContext context) {
    return move(job, context, RELEASE_UPDATE, RELEASE_CONDITION);
  }

  /**
   * Creates {@code sku-0} to {@code sku-<count-1>} with {@code stock} each, leaving SKUs that
   * already exist untouched (overwriting one would reset its fence and sequence number).
   *
   * @return how many SKUs were created
   */
  public int seed(int count, long stock) {
    return seed(skus(count), stock);
  }

  /**
   * Creates these SKUs with {@code stock} each; existing ones are left untouched.
   *
   * @return how many SKUs were created
   */
  public int seed(List<String> skus, long stock) {
    if (stock < 0 || stock > MAX_QTY * 1000) {
      throw new IllegalArgumentException(
          "seed stock must be between 0 and " + MAX_QTY * 1000 + ", got " + stock);
    }
    int created = 0;
    for (String sku : skus) {
      try {
        dynamoDb.putItem(
            r ->
                r.tableName(table)
                    .item(
                        Map.of(
                            SKU,
                            AttributeValue.fromS(sku),
                            "stock",
                            number(stock),
                            "reserved",
                            number(0),
                            "rejected",
                            number(0)))
                    .conditionExpression("attribute_not_exists(#sku)")
                    .expressionAttributeNames(Map.of("#sku", SKU)));
        created++;
      } catch (ConditionalCheckFailedException e) {
        // Already stocked: seeding twice must not reset an item's fence.
      }
    }
    log.info(
        "event=inventory_seeded table={} skus={} created={} stock={}",
        table,
        skus.size(),
        created,
        stock);
    return created;
  }

  /** {@code sku-0} to {@code sku-<count-1>}, the SKUs {@link #seed(int, long)} creates. */
  public static List<String> skus(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("SKU count must not be negative, got " + count);
    }
    List<String> skus = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      skus.add("sku-" + i);
    }
    return skus;
  }

  /** The SKU's item as it is now (a strongly consistent read), if it exists. */
  public Optional<StockLevel> read(String sku) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                r ->
                    r.tableName(table)
                        .key(Map.of(SKU, AttributeValue.fromS(sku)))
                        .consistentRead(true))
            .item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(StockLevel.of(item));
  }

  private InventoryOutcome move(Job job, JobContext context, String update, String condition) {
    String sku = job.key();
    long qty = qty(job);
    FenceToken token = context.fenceToken();
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(key(sku))
            .updateExpression(update)
            .conditionExpression(condition)
            .expressionAttributeNames(Map.of("#stock", "stock", "#reserved", "reserved"))
            .expressionAttributeValues(Map.of(":qty", number(qty)))
            .build();
    FenceResult result;
    boolean rejected = false;
    try {
      result = fence.update(request, token);
    } catch (ConditionalCheckFailedException e) {
      // Fence and seq allowed the write, so the item's own rule refused it, or there is no item.
      if (!e.hasItem() || e.item().isEmpty()) {
        throw unknownSku(job, qty, token);
      }
      rejected = true;
      result = recordRejection(job, qty, token);
    }
    if (result == FenceResult.FENCED) {
      throw context.fenced(
          "sku "
              + sku
              + " in table "
              + table
              + " (job "
              + job.jobId()
              + " "
              + job.type()
              + " at "
              + token
              + ")");
    }
    Result outcome =
        result == FenceResult.DUPLICATE
            ? Result.DUPLICATE
            : rejected ? Result.REJECTED : Result.APPLIED;
    InventoryOutcome reported =
        new InventoryOutcome(
            sku, job.type(), qty, job.jobId(), token.fence(), token.seq(), outcome);
    if (outcome == Result.REJECTED) {
      log.info(
          "event=inventory_rejected table={} sku={} type={} qty={} jobId={} fence={} seq={}",
          table,
          sku,
          job.type(),
          qty,
          job.jobId(),
          token.fence(),
          token.seq());
    } else {
      log.debug(
          "event=inventory_{} table={} sku={} type={} qty={} jobId={} fence={} seq={}",
          outcome == Result.APPLIED ? "applied" : "duplicate",
          table,
          sku,
          job.type(),
          qty,
          job.jobId(),
          token.fence(),
          token.seq());
    }
    listener.accept(reported);
    return reported;
  }

  /**
   * Counts the refusal on the item under the job's fence and seq: a redelivery then answers
   * DUPLICATE instead of deciding again on stock that later jobs may have changed.
   */
  private FenceResult recordRejection(Job job, long qty, FenceToken token) {
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(key(job.key()))
            .updateExpression(REJECT_UPDATE)
            .conditionExpression(REJECT_CONDITION)
            .expressionAttributeNames(Map.of("#rejected", "rejected", "#sku", SKU))
            .expressionAttributeValues(Map.of(":one", number(1)))
            .build();
    try {
      return fence.update(request, token);
    } catch (ConditionalCheckFailedException e) {
      throw unknownSku(job, qty, token);
    }
  }

  private InventoryException unknownSku(Job job, long qty, FenceToken token) {
    return new InventoryException(
        "sku "
            + job.key()
            + " is not in table "
            + table
            + "; job "
            + job.jobId()
            + " "
            + job.type()
            + " qty="
            + qty
            + " at "
            + token
            + " cannot run until it is stocked");
  }

  /** {@code qty} from the payload: a whole number from 1 to {@link #MAX_QTY}, default 1. */
  static long qty(Job job) {
    JsonNode payload = job.payload();
    if (payload == null || payload.isNull() || (payload.isObject() && !payload.has("qty"))) {
      return 1;
    }
    JsonNode qty = payload.isObject() ? payload.get("qty") : null;
    if (qty == null
        || !qty.canConvertToExactIntegral()
        || !qty.canConvertToLong()
        || qty.asLong() < 1
        || qty.asLong() > MAX_QTY) {
      throw new InventoryException(
          "job "
              + job.jobId()
              + " "
              + job.type()
              + " of sku "
              + job.key()
              + ": payload must be {\"qty\": n} with n a whole number from 1 to "
              + MAX_QTY
              + ", got "
              + payload);
    }
    return qty.asLong();
  }

  private static Map<String, AttributeValue> key(String sku) {
    return Map.of(SKU, AttributeValue.fromS(sku));
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }
}
