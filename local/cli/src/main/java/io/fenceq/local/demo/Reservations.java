package io.fenceq.local.demo;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.fence.CoalescedWrite;
import io.fenceq.fence.DynamoDbFence;
import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.local.demo.Attempt.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

  /** Appends a batch's jobs and the write's fence, once per job, to the item's two lists. */
  static final String BATCH_JOURNAL_APPEND =
      "#journal = list_append(if_not_exists(#journal, :empty), :ns),"
          + " #fences = list_append(if_not_exists(#fences, :empty), :writeFences)";

  /**
   * Batch, every job reserving: the example inventory's write of a batch that applies whole ({@link
   * Inventory#ALL_APPLIED_UPDATE}), journalling every job of it with the write's fence.
   */
  static final String ALL_APPLIED_UPDATE =
      Inventory.ALL_APPLIED_UPDATE + ", " + BATCH_JOURNAL_APPEND;

  /**
   * The stock covers every reservation of the batch in turn, so that deciding them one at a time
   * would reserve each: the example inventory's condition ({@link
   * Inventory#ALL_APPLIED_CONDITION}).
   */
  static final String ALL_APPLIED_CONDITION = Inventory.ALL_APPLIED_CONDITION;

  /**
   * Batch, decided on a read: takes the units the batch reserves, counts its refusals, and journals
   * every job of it with the write's fence, as its jobs one at a time would have.
   */
  static final String BATCH_UPDATE =
      "SET #stock = :stock, #reserved = :reserved, "
          + BATCH_JOURNAL_APPEND
          + " ADD #rejected :rejected";

  /** The batch was decided on the item as it is: its stock and reserved units did not move. */
  static final String BATCH_CONDITION = "#stock = :readStock AND #reserved = :readReserved";

  /** Read-decide-write rounds of one batch before it fails and goes back. */
  private static final int BATCH_ROUNDS = 3;

  /**
   * The handler by job type: a {@link KeyBatchHandler}, so that a SKU's consecutive jobs of a
   * lane-batch take one fenced write and, usually, no read.
   */
  public Map<String, JobHandler> handlers() {
    KeyBatchHandler batch = this::handleBatch;
    return Map.of(Inventory.RESERVE, batch);
  }

  /**
   * A SKU's consecutive reservations. One job, or the unfenced control, runs one job at a time.
   * Fenced, as the example inventory's batches ({@link Inventory#applyBatch}): pauses here if a
   * pause is armed (a zombie with a stale fence), then sends the write of every job reserving, with
   * its journal entries, on condition that the stock covers them all, fenced from the first job to
   * the last. Only if that is refused (too little stock for one, some applied already, a newer
   * fence) does it read the item, decide the jobs its seq shows unapplied in order, and write their
   * effect and journal entries in one update on condition that the stock is still what was read.
   */
  private KeyBatchResult handleBatch(List<Job> jobs, JobContext context) {
    if (jobs.size() == 1 || fencing == Fencing.OFF) {
      for (int k = 0; k < jobs.size(); k++) {
        try {
          handle(jobs.get(k), context);
        } catch (RuntimeException e) {
          if (k == 0) {
            throw e;
          }
          return KeyBatchResult.failedAt(k, e);
        }
      }
      return KeyBatchResult.allDone();
    }
    long fenceHeld = context.fence();
    Outcome[] outcomes = new Outcome[jobs.size()];
    Arrays.fill(outcomes, Outcome.FAILED);
    try {
      FenceToken token = context.fenceToken();
      String sku = jobs.getFirst().key();
      // Recorded only once the write is accepted: a write that fails (after the SDK's retries) has
      // not taken effect as far as this run knows.
      Outcome[] decided = new Outcome[jobs.size()];
      Optional<CoalescedWrite.Outcome> written =
          CoalescedWrite.apply(
              fence,
              token.fence(),
              jobs.stream().map(Job::seq).toList(),
              BATCH_ROUNDS,
              () -> allApplied(jobs, token, decided),
              () -> read(sku),
              (item, from) -> decide(jobs, token, item, from, decided));
      if (written.isEmpty()) {
        throw new IllegalStateException(
            "sku "
                + sku
                + " changed under lane "
                + context.lane()
                + " at fence "
                + fenceHeld
                + " in each of "
                + BATCH_ROUNDS
                + " rounds");
      }
      CoalescedWrite.Outcome outcome = written.get();
      int from = outcome.firstUnapplied();
      Arrays.fill(outcomes, 0, from, Outcome.DUPLICATE);
      switch (outcome.result()) {
        case APPLIED -> System.arraycopy(decided, from, outcomes, from, jobs.size() - from);
        case FENCED -> {
          Arrays.fill(outcomes, from, jobs.size(), Outcome.FENCED);
          throw context.fenced(outcome.fencedWhat("sku " + sku, table, jobs.size()));
        }
        case DUPLICATE -> {}
      }
      hooks.afterWrite(worker, jobs.getFirst());
      return KeyBatchResult.allDone();
    } finally {
      for (int k = 0; k < jobs.size(); k++) {
        record(jobs.get(k), fenceHeld, outcomes[k]);
      }
    }
  }

  /**
   * The batch's first write, sent before any read: every job reserves, on condition that the stock
   * covers each in turn (job {@code k} needs the units of the jobs before it and its own), into
   * {@code decided} as {@code APPLIED}. The pause point is here, with the lane's fence in hand,
   * just before that write: a zombie paused here wakes and sends it with its old fence, and the
   * fence refuses it.
   */
  private UpdateItemRequest allApplied(List<Job> jobs, FenceToken token, Outcome[] decided) {
    hooks.beforeWrite(worker, jobs.getFirst());
    long reserving = 0;
    long needStock = 0;
    List<AttributeValue> ns = new ArrayList<>();
    List<AttributeValue> fences = new ArrayList<>();
    for (int k = 0; k < jobs.size(); k++) {
      Job job = jobs.get(k);
      long qty = job.payload().path("qty").asLong(1);
      needStock = Math.max(needStock, reserving + qty);
      reserving += qty;
      decided[k] = Outcome.APPLIED;
      ns.add(number(job.payload().path("n").asInt(-1)));
      fences.add(number(token.fence()));
    }
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":stockMoved", number(-reserving));
    values.put(":reservedMoved", number(reserving));
    values.put(":needStock", number(needStock));
    values.put(":needReserved", number(0));
    values.put(":empty", AttributeValue.fromL(List.of()));
    values.put(":ns", AttributeValue.fromL(ns));
    values.put(":writeFences", AttributeValue.fromL(fences));
    return UpdateItemRequest.builder()
        .tableName(table)
        .key(Map.of(Inventory.SKU, AttributeValue.fromS(jobs.getFirst().key())))
        .updateExpression(ALL_APPLIED_UPDATE)
        .conditionExpression(ALL_APPLIED_CONDITION)
        .expressionAttributeNames(
            Map.of(
                "#stock", "stock", "#reserved", "reserved", "#journal", JOURNAL, "#fences", FENCES))
        .expressionAttributeValues(values)
        .build();
  }

  /** The stock item, read consistently when the optimistic write was refused. */
  private CoalescedWrite.Snapshot<Map<String, AttributeValue>> read(String sku) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                r ->
                    r.tableName(table)
                        .key(Map.of(Inventory.SKU, AttributeValue.fromS(sku)))
                        .consistentRead(true))
            .item();
    if (item == null || item.isEmpty()) {
      throw new IllegalStateException("sku " + sku + " is not in table " + table);
    }
    long itemFence = item.containsKey("fence") ? Long.parseLong(item.get("fence").n()) : 0;
    String applied = item.containsKey("seq") ? item.get("seq").n() : null;
    return new CoalescedWrite.Snapshot<>(item, itemFence, applied);
  }

  /**
   * One round's decision for the jobs from {@code from} on, into {@code decided}: each reserves
   * what the stock read allows, in order; returns the update writing their effect and journal
   * entries if the stock is still what was read.
   */
  private UpdateItemRequest decide(
      List<Job> jobs,
      FenceToken token,
      Map<String, AttributeValue> item,
      int from,
      Outcome[] decided) {
    long readStock = Long.parseLong(item.get("stock").n());
    long readReserved = Long.parseLong(item.get("reserved").n());
    long stock = readStock;
    long reserved = readReserved;
    long rejected = 0;
    List<AttributeValue> ns = new ArrayList<>();
    List<AttributeValue> fences = new ArrayList<>();
    for (int k = from; k < jobs.size(); k++) {
      Job job = jobs.get(k);
      long qty = job.payload().path("qty").asLong(1);
      if (stock >= qty) {
        stock -= qty;
        reserved += qty;
        decided[k] = Outcome.APPLIED;
      } else {
        rejected++;
        decided[k] = Outcome.REJECTED;
      }
      ns.add(number(job.payload().path("n").asInt(-1)));
      fences.add(number(token.fence()));
    }
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":stock", number(stock));
    values.put(":reserved", number(reserved));
    values.put(":rejected", number(rejected));
    values.put(":readStock", number(readStock));
    values.put(":readReserved", number(readReserved));
    values.put(":empty", AttributeValue.fromL(List.of()));
    values.put(":ns", AttributeValue.fromL(ns));
    values.put(":writeFences", AttributeValue.fromL(fences));
    return UpdateItemRequest.builder()
        .tableName(table)
        .key(Map.of(Inventory.SKU, AttributeValue.fromS(jobs.getFirst().key())))
        .updateExpression(BATCH_UPDATE)
        .conditionExpression(BATCH_CONDITION)
        .expressionAttributeNames(
            Map.of(
                "#stock", "stock",
                "#reserved", "reserved",
                "#rejected", "rejected",
                "#journal", JOURNAL,
                "#fences", FENCES))
        .expressionAttributeValues(values)
        .build();
  }

  private void record(Job job, long fenceHeld, Outcome outcome) {
    history.accept(
        new Attempt(
            worker,
            job.key(),
            job.jobId(),
            job.payload().path("n").asInt(-1),
            fenceHeld,
            job.seq(),
            outcome,
            job.enqueuedAt() == null ? 0 : job.enqueuedAt().toEpochMilli(),
            System.currentTimeMillis()));
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
