package io.fenceq.tests.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceq.consumer.HandlerFactory;
import io.fenceq.consumer.HandlerResources;
import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.fence.DownstreamFence;
import io.fenceq.fence.DynamoDbFence;
import io.fenceq.fence.FenceResult;
import io.fenceq.queue.JobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The invariant checker's handler: job {@code step {"n": i}} of key {@code k} appends {@code i} to
 * the {@code journal} list of item {@code k}, fenced. The item then shows exactly which steps took
 * effect and in which order, whichever process ran them and whatever crashed in between: for keys
 * whose jobs were enqueued as steps 0, 1, 2, ..., any journal other than {@code [0, 1, 2, ...]} is
 * a lost, duplicated or reordered effect.
 *
 * <p>{@code "workMs"} in the payload makes a step take that long before its write, so that a kill
 * lands while lanes are in flight.
 */
public final class StepJournal {
  private static final Logger log = LoggerFactory.getLogger(StepJournal.class);

  static final String TYPE = "step";

  private final DynamoDbClient dynamoDb;
  private final DynamoDbFence fence;
  private final String table;
  private final BiConsumer<Job, FenceResult> listener;

  StepJournal(DynamoDbClient dynamoDb, String table, BiConsumer<Job, FenceResult> listener) {
    this.dynamoDb = dynamoDb;
    this.fence = new DynamoDbFence(dynamoDb);
    this.table = table;
    this.listener = listener;
  }

  StepJournal(DynamoDbClient dynamoDb, String table) {
    this(dynamoDb, table, (job, result) -> {});
  }

  /** The step jobs of {@code key}: steps {@code 0} to {@code count - 1}, job ids {@code key:n}. */
  static List<JobRequest> jobs(String key, int count, int workMs) {
    List<JobRequest> jobs = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      jobs.add(
          JobRequest.ofJson(key, TYPE, "{\"n\":" + n + ",\"workMs\":" + workMs + "}")
              .withJobId(key + ":" + n));
    }
    return jobs;
  }

  Map<String, JobHandler> handlers() {
    return Map.of(TYPE, this::step);
  }

  void step(Job job, JobContext context) throws InterruptedException {
    JsonNode payload = job.payload();
    int workMs = payload.path("workMs").asInt(0);
    if (workMs > 0) {
      // Tests of a worker in another process wait for this line to know a slow job is running.
      log.info(
          "event=step_work_started key={} n={} workMs={}", job.key(), payload.path("n"), workMs);
      Thread.sleep(workMs); // the job's own work, not a wait for anything
    }
    context.checkFence();
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(Map.of("sku", AttributeValue.fromS(job.key())))
            .updateExpression("SET #journal = list_append(if_not_exists(#journal, :empty), :n)")
            .expressionAttributeNames(Map.of("#journal", "journal"))
            .expressionAttributeValues(
                Map.of(
                    ":empty",
                    AttributeValue.fromL(List.of()),
                    ":n",
                    AttributeValue.fromL(
                        List.of(AttributeValue.fromN(payload.path("n").asText())))))
            .build();
    FenceResult result = fence.update(request, context.fenceToken());
    log.debug(
        "event=step_written key={} n={} fence={} laneFence={} seq={} result={}",
        job.key(),
        payload.path("n"),
        context.fence(),
        DownstreamFence.laneFence(context.fence()),
        job.seq(),
        result);
    if (result == FenceResult.FENCED) {
      throw context.fenced("journal of key " + job.key());
    }
    listener.accept(job, result);
  }

  /** The steps that took effect for {@code key}, in the order they did. */
  List<Integer> journal(String key) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                r ->
                    r.tableName(table)
                        .key(Map.of("sku", AttributeValue.fromS(key)))
                        .consistentRead(true))
            .item();
    if (item == null || !item.containsKey("journal")) {
      return List.of();
    }
    return item.get("journal").l().stream().map(v -> Integer.parseInt(v.n())).toList();
  }

  /**
   * For a worker in another process: {@code
   * FENCEQ_HANDLER=io.fenceq.tests.engine.StepJournal$Factory}.
   */
  public static final class Factory implements HandlerFactory {
    @Override
    public Map<String, JobHandler> handlers(HandlerResources resources) {
      String table =
          java.util.Optional.ofNullable(
                  resources.environment().get(InventoryHandlers.INVENTORY_TABLE))
              .orElseThrow(
                  () ->
                      new IllegalStateException(InventoryHandlers.INVENTORY_TABLE + " is not set"));
      return new StepJournal(resources.dynamoDb(), table).handlers();
    }
  }
}
