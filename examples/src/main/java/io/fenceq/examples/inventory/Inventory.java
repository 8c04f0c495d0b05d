package io.fenceq.examples.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.examples.inventory.InventoryOutcome.Result;
import io.fenceq.fence.CoalescedWrite;
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

  /**
   * A batch's combined effect: the stock and reserved units decided from the item as read, and the
   * refusals added.
   */
  static final String BATCH_UPDATE =
      "SET #stock = :stock, #reserved = :reserved ADD #rejected :rejected";

  /**
   * Guarantees the batch was decided on the item as it is: neither stock nor reserved moved since
   * the read (the fence and seq condition, added by {@link DynamoDbFence#updateBatch}, refuses a
   * newer holder's or an already applied job's write).
   */
  static final String BATCH_CONDITION = "#stock = :readStock AND #reserved = :readReserved";

  /**
   * A batch's combined effect when every job of it applies: the stock and reserved units moved.
   * Public, with {@link #ALL_APPLIED_CONDITION}, for handlers that write more to the same item in
   * the same update (the demo journals each job there).
   */
  public static final String ALL_APPLIED_UPDATE =
      "SET #stock = #stock + :stockMoved, #reserved = #reserved + :reservedMoved";

  /**
   * Guarantees that deciding the batch's jobs one at a time on the item as it is would apply every
   * one: the stock covers the largest shortfall any reserve would meet, the reserved units the
   * largest any release would (a missing item fails it too).
   */
  public static final String ALL_APPLIED_CONDITION =
      "#stock >= :needStock AND #reserved >= :needReserved";

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

  /**
   * The handlers by job type, {@value #RESERVE} and {@value #RELEASE}: one {@link KeyBatchHandler}
   * for both, so that a SKU's consecutive jobs of a lane-batch are applied with one fenced write
   * ({@link #applyBatch}).
   */
  public Map<String, JobHandler> handlers() {
    KeyBatchHandler batch = this::applyBatch;
    return Map.of(RESERVE, batch, RELEASE, batch);
  }

  /**
   * The handlers by job type with one fenced write per job, no batching: {@link #reserve} and
   * {@link #release}.
   */
  public Map<String, JobHandler> perJobHandlers() {
    return Map.of(RESERVE, this::reserve, RELEASE, this::release);
  }

  /**
   * Applies a SKU's consecutive reserve and release jobs with one fenced write. First without a
   * read: the write of every job applied, on condition that the stock allows each ({@link
   * #ALL_APPLIED_CONDITION}). If that is refused, with one strongly consistent read and one fenced
   * write: the jobs the item's seq shows applied already are {@code DUPLICATE}s; the rest are
   * decided in enqueue order on the stock read, exactly as one job at a time would decide them (a
   * reserve that does not fit is {@code REJECTED}, and a later smaller one may still fit); then one
   * update sets the new stock and reserved units and adds the refusals, conditioned on the values
   * read and fenced from the first new job to the last ({@link DynamoDbFence#updateBatch}). If
   * anything wrote the item since the read, the write is refused and the batch is decided again. A
   * single job takes the per-job path: one write, no read.
   */
  public KeyBatchResult applyBatch(List<Job> jobs, JobContext context) {
    if (jobs.size() == 1) {
      Job job = jobs.getFirst();
      if (job.type().equals(RELEASE)) {
        release(job, context);
      } else {
        reserve(job, context);
      }
      return KeyBatchResult.allDone();
    }
    int valid = 0;
    InventoryException invalid = null;
    long[] qty = new long[jobs.size()];
    for (; valid < jobs.size(); valid++) {
      try {
        qty[valid] = qty(jobs.get(valid));
      } catch (InventoryException e) {
        invalid = e;
        break;
      }
    }
    if (valid == 0) {
      throw invalid;
    }
    applyValid(jobs.subList(0, valid), qty, context);
    return invalid == null ? KeyBatchResult.allDone() : KeyBatchResult.failedAt(valid, invalid);
  }

  /** At most this many read-decide-write rounds for one batch before it fails and is retried. */
  private static final int BATCH_ROUNDS = 3;

  private void applyValid(List<Job> jobs, long[] qty, JobContext context) {
    String sku = jobs.getFirst().key();
    context.checkFence();
    List<String> seqs = jobs.stream().map(Job::seq).toList();
    // What the round that wrote decided; each round replaces it.
    List<InventoryOutcome> decided = new ArrayList<>(jobs.size());
    long[] rejectedBy = new long[1];
    Optional<CoalescedWrite.Outcome> written =
        CoalescedWrite.apply(
            fence,
            context.fence(),
            seqs,
            BATCH_ROUNDS,
            () -> allApplied(jobs, qty, context, decided, rejectedBy),
            () -> {
              StockLevel level =
                  read(sku).orElseThrow(() -> unknownSku(jobs.getFirst(), qty[0], context));
              return new CoalescedWrite.Snapshot<>(level, level.fence(), level.seq());
            },
            (level, from) -> decide(jobs, qty, context, level, from, decided, rejectedBy));
    if (written.isEmpty()) {
      throw new InventoryException(
          "sku "
              + sku
              + " in table "
              + table
              + " changed under lane "
              + context.lane()
              + " at fence "
              + context.fence()
              + " in each of "
              + BATCH_ROUNDS
              + " rounds; the batch goes back to the queue");
    }
    CoalescedWrite.Outcome outcome = written.get();
    switch (outcome.result()) {
      case APPLIED -> {
        log.debug(
            "event=inventory_batch_applied table={} sku={} jobs={} duplicates={} rejected={}"
                + " fence={} seq={}",
            table,
            sku,
            jobs.size() - outcome.firstUnapplied(),
            outcome.firstUnapplied(),
            rejectedBy[0],
            context.fence(),
            jobs.getLast().seq());
        report(decided);
      }
      case DUPLICATE -> {
        List<InventoryOutcome> duplicates = new ArrayList<>(jobs.size());
        for (int k = 0; k < jobs.size(); k++) {
          duplicates.add(outcome(jobs.get(k), qty[k], context.fence(), Result.DUPLICATE));
        }
        report(duplicates);
      }
      case FENCED -> throw context.fenced(outcome.fencedWhat("sku " + sku, table, jobs.size()));
    }
  }

  /**
   * The optimistic write: every job applied, without a read. Its condition holds exactly when
   * deciding the jobs one at a time would apply each: every reserve finds enough stock, every
   * release enough reserved units, after the jobs before it. Job {@code k} fits when {@code stock +
   * (stock moved by jobs before k) >= qty[k]}, so the stock read must be at least the largest
   * {@code qty[k] - moved} over the reserves, and likewise for reserved units over the releases.
   */
  private UpdateItemRequest allApplied(
      List<Job> jobs,
      long[] qty,
      JobContext context,
      List<InventoryOutcome> decided,
      long[] rejectedBy) {
    decided.clear();
    long stockMoved = 0;
    long reservedMoved = 0;
    long needStock = 0;
    long needReserved = 0;
    for (int k = 0; k < jobs.size(); k++) {
      Job job = jobs.get(k);
      if (job.type().equals(RELEASE)) {
        needReserved = Math.max(needReserved, qty[k] - reservedMoved);
        stockMoved += qty[k];
        reservedMoved -= qty[k];
      } else {
        needStock = Math.max(needStock, qty[k] - stockMoved);
        stockMoved -= qty[k];
        reservedMoved += qty[k];
      }
      decided.add(outcome(job, qty[k], context.fence(), Result.APPLIED));
    }
    rejectedBy[0] = 0;
    return UpdateItemRequest.builder()
        .tableName(table)
        .key(key(jobs.getFirst().key()))
        .updateExpression(ALL_APPLIED_UPDATE)
        .conditionExpression(ALL_APPLIED_CONDITION)
        .expressionAttributeNames(Map.of("#stock", "stock", "#reserved", "reserved"))
        .expressionAttributeValues(
            Map.of(
                ":stockMoved", number(stockMoved),
                ":reservedMoved", number(reservedMoved),
                ":needStock", number(needStock),
                ":needReserved", number(needReserved)))
        .build();
  }

  /**
   * One round's decision: the jobs before {@code from} are duplicates, the rest are applied in
   * order against {@code level} or rejected; returns the update writing their combined effect if
   * the stock is still what was read.
   */
  private UpdateItemRequest decide(
      List<Job> jobs,
      long[] qty,
      JobContext context,
      StockLevel level,
      int from,
      List<InventoryOutcome> decided,
      long[] rejectedBy) {
    decided.clear();
    for (int k = 0; k < from; k++) {
      decided.add(outcome(jobs.get(k), qty[k], context.fence(), Result.DUPLICATE));
    }
    long stock = level.stock();
    long reserved = level.reserved();
    long rejected = 0;
    for (int k = from; k < jobs.size(); k++) {
      Job job = jobs.get(k);
      boolean release = job.type().equals(RELEASE);
      boolean fits = release ? reserved >= qty[k] : stock >= qty[k];
      if (fits) {
        stock += release ? qty[k] : -qty[k];
        reserved += release ? -qty[k] : qty[k];
      } else {
        rejected++;
      }
      decided.add(outcome(job, qty[k], context.fence(), fits ? Result.APPLIED : Result.REJECTED));
    }
    rejectedBy[0] = rejected;
    return UpdateItemRequest.builder()
        .tableName(table)
        .key(key(jobs.getFirst().key()))
        .updateExpression(BATCH_UPDATE)
        .conditionExpression(BATCH_CONDITION)
        .expressionAttributeNames(
            Map.of("#stock", "stock", "#reserved", "reserved", "#rejected", "rejected"))
        .expressionAttributeValues(
            Map.of(
                ":stock", number(stock),
                ":reserved", number(reserved),
                ":rejected", number(rejected),
                ":readStock", number(level.stock()),
                ":readReserved", number(level.reserved())))
        .build();
  }

  private InventoryOutcome outcome(Job job, long qty, long fence, Result result) {
    return new InventoryOutcome(job.key(), job.type(), qty, job.jobId(), fence, job.seq(), result);
  }

  private void report(List<InventoryOutcome> outcomes) {
    for (InventoryOutcome o : outcomes) {
      if (o.result() == Result.REJECTED) {
        log.info(
            "event=inventory_rejected table={} sku={} type={} qty={} jobId={} fence={} seq={}",
            table,
            o.sku(),
            o.type(),
            o.qty(),
            o.jobId(),
            o.fence(),
            o.seq());
      }
      listener.accept(o);
    }
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

  private InventoryException unknownSku(Job job, long qty, JobContext context) {
    return unknownSku(job, qty, new FenceToken(context.fence(), job.seq()));
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
