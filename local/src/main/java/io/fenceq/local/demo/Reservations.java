package io.fenceq.local.demo;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.fence.DynamoDbFence;
import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.local.demo.Attempt.Outcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The demo's {@code reserve} handler: the example inventory's reservation, made checkable from
 * DynamoDB alone. In the same conditional write that moves the units, the SKU's item appends the
 * job's place among its SKU's jobs to {@value #JOURNAL} and the write's fence to {@value #FENCES}.
 * A job applied twice shows up twice in the journal, a reordered job out of order, a zombie's late
 * write as a fence lower than the one before it.
 *
 * <p>Item: {@code {sku, stock, reserved, rejected, fence, seq, journal, fences}}. A reservation
 * that finds too little stock is a business refusal: {@code rejected} counts it, the journal
 * records it, the job is done.
 *
 * <p>With {@link Fencing#OFF} (the control experiment only) the writes carry no fence and sequence
 * number condition, as a plain lock-based worker's would.
 */
public final class Reservations {
  /** The item's list of the applied jobs' places among their SKU's jobs, in the order applied. */
  public static final String JOURNAL = "journal";

  /** The item's list of the fences the applied writes carried, in the order applied. */
  public static final String FENCES = "fences";

  /** Appends the job and the write's fence to the item's two lists. */
  static final String JOURNAL_APPEND =
      "#journal = list_append(if_not_exists(#journal, :empty), :n),"
          + " #fences = list_append(if_not_exists(#fences, :empty), :writeFence)";

  /** Reserve: takes the units and journals the job. */
  static final String RESERVE_UPDATE =
      "SET #stock = #stock - :qty, #reserved = #reserved + :qty, " + JOURNAL_APPEND;

  /** Only with enough stock: it never takes more than there is. */
  static final String RESERVE_CONDITION = "#stock >= :qty";

  /** Refusal: counts it and journals the job, so that a redelivery answers DUPLICATE. */
  static final String REJECT_UPDATE = "ADD #rejected :one SET " + JOURNAL_APPEND;

  /** Only on a stocked SKU: a refusal never creates an item. */
  static final String REJECT_CONDITION = "attribute_exists(#sku)";

  private final DynamoDbClient dynamoDb;
  private final DynamoDbFence fence;
  private final String table;
  private final Fencing fencing;
  private final String worker;
  private final WriteHooks hooks;
  private final Consumer<Attempt> history;

  /** Told of a job just before and just after its write: where faults strike mid-job. */
  public interface WriteHooks {
    /**
     * On the job's thread, with the lane's fence taken (and the lease then valid), before the write
     * is sent.
     */
    default void beforeWrite(String worker, Job job) {}

    /** On the job's thread, after the write was accepted and before the job is deleted. */
    default void afterWrite(String worker, Job job) {}

    WriteHooks NONE = new WriteHooks() {};
  }

  /**
   * @param dynamoDb the worker's client (the faults of the worker apply to its writes too)
   * @param table the inventory table
   * @param fencing {@link Fencing#ON} except in the control experiment
   * @param worker the worker's name in the history
   * @param hooks where faults strike
   * @param history told of every run's outcome
   */
  public Reservations(
      DynamoDbClient dynamoDb,
      String table,
      Fencing fencing,
      String worker,
      WriteHooks hooks,
      Consumer<Attempt> history) {
    this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
    this.fence = new DynamoDbFence(dynamoDb);
    this.table = Objects.requireNonNull(table, "table");
    this.fencing = Objects.requireNonNull(fencing, "fencing");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.hooks = Objects.requireNonNull(hooks, "hooks");
    this.history = Objects.requireNonNull(history, "history");
  }

  /** The handler by job type. */
  public Map<String, JobHandler> handlers() {
    return Map.of(Inventory.RESERVE, this::handle);
  }

  private void handle(Job job, JobContext context) {
    int n = job.payload().path("n").asInt(-1);
    long fenceHeld = context.fence();
    Outcome outcome = Outcome.FAILED;
    try {
      // The fence in hand, checked against the local lease: a pause from here on makes a zombie
      // whose write only the fence condition can stop.
      FenceToken token = context.fenceToken();
      hooks.beforeWrite(worker, job);
      outcome = reserve(job, token, n);
      if (outcome == Outcome.FENCED) {
        throw context.fenced(
            "sku " + job.key() + " in table " + table + " (job " + job.jobId() + ")");
      }
      hooks.afterWrite(worker, job);
    } finally {
      history.accept(
          new Attempt(
              worker,
              job.key(),
              job.jobId(),
              n,
              fenceHeld,
              job.seq(),
              outcome,
              job.enqueuedAt() == null ? 0 : job.enqueuedAt().toEpochMilli(),
              System.currentTimeMillis()));
    }
  }

  private Outcome reserve(Job job, FenceToken token, int n) {
    long qty = job.payload().path("qty").asLong(1);
    try {
      return write(
          request(
              job.key(), RESERVE_UPDATE, RESERVE_CONDITION, n, token, Map.of(":qty", number(qty))),
          token,
          Outcome.APPLIED);
    } catch (ConditionalCheckFailedException e) {
      // The fence and seq allowed the write, so the stock did not.
      return write(
          request(job.key(), REJECT_UPDATE, REJECT_CONDITION, n, token, Map.of(":one", number(1))),
          token,
          Outcome.REJECTED);
    }
  }

  private Outcome write(UpdateItemRequest request, FenceToken token, Outcome ifApplied) {
    if (fencing == Fencing.OFF) {
      dynamoDb.updateItem(request);
      return ifApplied;
    }
    FenceResult result = fence.update(request, token);
    return switch (result) {
      case APPLIED -> ifApplied;
      case DUPLICATE -> Outcome.DUPLICATE;
      case FENCED -> Outcome.FENCED;
    };
  }

  private UpdateItemRequest request(
      String sku,
      String update,
      String condition,
      int n,
      FenceToken token,
      Map<String, AttributeValue> extraValues) {
    Map<String, AttributeValue> values = new HashMap<>(extraValues);
    values.put(":empty", AttributeValue.fromL(List.of()));
    values.put(":n", AttributeValue.fromL(List.of(number(n))));
    values.put(":writeFence", AttributeValue.fromL(List.of(number(token.fence()))));
    Map<String, String> names = new HashMap<>();
    names.put("#journal", JOURNAL);
    names.put("#fences", FENCES);
    if (update.contains("#stock")) {
      names.put("#stock", "stock");
      names.put("#reserved", "reserved");
    } else {
      names.put("#rejected", "rejected");
      names.put("#sku", Inventory.SKU);
    }
    return UpdateItemRequest.builder()
        .tableName(table)
        .key(Map.of(Inventory.SKU, AttributeValue.fromS(sku)))
        .updateExpression(update)
        .conditionExpression(condition)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .build();
  }

  static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }
}
