package io.fenceq.tests.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.StockLevel;
import io.fenceq.functions.ConsumerFunction;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseStore;
import io.fenceq.ring.HashRing;
import io.fenceq.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The consumer function on the embedded emulators, driven by {@code
 * events/consumer-fifo-batch.json}: three lanes (sku-1, sku-2, sku-3), where sku-2's second job
 * ({@code qty: 0}) fails.
 */
class ConsumerFunctionTest {
  private static final String EVENT = "consumer-fifo-batch.json";
  private static final String FAILING_JOB = "order-1005:reserve";
  private static final String BEHIND_FAILING_JOB = "order-1002:release";
  private static final String SKU_3_JOB = "order-1003:reserve";
  private static final long STOCK = 100;

  private FunctionStack aws;

  @BeforeEach
  void stack() {
    // A long visibility timeout: a message back within a minute was given back by the function.
    aws = new FunctionStack("consumer", Map.of("VisibilityTimeoutSeconds", "600"));
    aws.inventory.seed(List.of("sku-1", "sku-2", "sku-3"), STOCK);
  }

  @Test
  void theSampleEventMatchesTheRing() {
    HashRing ring = HashRing.of(ConsumerConfig.DEFAULT_LANES);
    for (JsonNode record : LambdaEvents.tree(EVENT).get("Records")) {
      String key = body(record).get("key").asText();
      assertThat(record.at("/attributes/MessageGroupId").asText())
          .as("lane of %s", key)
          .isEqualTo(ring.laneFor(key).id());
      assertThat(record.at("/messageAttributes/fenceq.ring/stringValue").asText())
          .isEqualTo(ring.descriptor());
    }
  }

  @Test
  void aFailedJobReportsItselfAndTheRestOfItsLaneOnly() throws Exception {
    ObjectNode json = aws.delivered(LambdaEvents.tree(EVENT));
    // The failing job is on its fourth delivery: a backoff of 8 to 16 s, never zero.
    ((ObjectNode) record(json, FAILING_JOB).get("attributes")).put("ApproximateReceiveCount", "4");
    SQSEvent event = LambdaEvents.as(json, SQSEvent.class);

    SQSBatchResponse response =
        new ConsumerFunction(aws.environment())
            .handleRequest(event, TestContext.of("fenceq-consumer"));

    assertThat(reported(response))
        .containsExactlyInAnyOrder(
            messageId(json, FAILING_JOB), messageId(json, BEHIND_FAILING_JOB));
    assertThat(aws.stock("sku-1")).extracting(StockLevel::stock).isEqualTo(STOCK - 3);
    assertThat(aws.stock("sku-3")).extracting(StockLevel::stock).isEqualTo(STOCK - 5);
    // sku-2's first job ran; the release behind the failed job did not.
    assertThat(aws.stock("sku-2"))
        .extracting(StockLevel::stock, StockLevel::reserved)
        .containsExactly(STOCK - 1, 1L);
    // The successes were deleted; the failed lane's two messages are hidden by their backoff.
    assertThat(aws.queueDepth()).containsExactly(0, 2);
    List<Message> back = new ArrayList<>();
    Eventually.await(
        "the failed lane's messages to come back after their backoff",
        Duration.ofSeconds(120),
        () -> {
          back.addAll(aws.receive(1));
          return back.size() >= 2;
        },
        () -> back);
    assertThat(back)
        .extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
        .containsExactly(FAILING_JOB, BEHIND_FAILING_JOB);
  }

  @Test
  void aLaneHeldByAnotherConsumerIsReportedForRetry() throws Exception {
    LeaseStore leases =
        LeaseStore.builder()
            .dynamoDb(aws.aws.dynamoDb())
            .table(aws.stack.leaseTable())
            .config(LeaseConfig.builder().leaseDuration(Duration.ofMinutes(5)).build())
            .build();
    String sku3Lane = HashRing.of(aws.stack.lanes()).laneFor("sku-3").id();
    assertThat(
            leases.acquire(
                LeaseStore.laneLeaseId(HashRing.of(aws.stack.lanes()).laneFor("sku-3")),
                "another-consumer"))
        .as("lease of %s", sku3Lane)
        .isInstanceOf(Lease.class);
    ObjectNode json = aws.delivered(LambdaEvents.tree(EVENT));

    SQSBatchResponse response =
        new ConsumerFunction(aws.environment())
            .handleRequest(LambdaEvents.as(json, SQSEvent.class), TestContext.of("consumer"));

    assertThat(reported(response))
        .containsExactlyInAnyOrder(
            messageId(json, FAILING_JOB),
            messageId(json, BEHIND_FAILING_JOB),
            messageId(json, SKU_3_JOB));
    assertThat(aws.stock("sku-3").stock()).isEqualTo(STOCK);
    assertThat(aws.stock("sku-1").stock()).isEqualTo(STOCK - 3);
    // The held lane's message waits out the holder's lease rather than coming back at once.
    assertThat(aws.queueDepth()).containsExactly(0, 3);
  }

  @Test
  void everyMessageIsReportedWhenTheEngineCannotRun() throws Exception {
    Map<String, String> env = new HashMap<>(aws.environment());
    env.put(ConsumerConfig.LEASE_TABLE, "no-such-lease-table");
    ObjectNode json = aws.delivered(LambdaEvents.tree(EVENT));

    SQSBatchResponse response =
        new ConsumerFunction(env)
            .handleRequest(LambdaEvents.as(json, SQSEvent.class), TestContext.of("consumer"));

    assertThat(reported(response)).containsExactlyInAnyOrderElementsOf(allMessageIds(json));
    assertThat(aws.stock("sku-1").stock()).isEqualTo(STOCK);
  }

  @Test
  void everyMessageIsReportedWhenARecordLacksItsLane() throws Exception {
    ObjectNode json = aws.delivered(LambdaEvents.tree(EVENT));
    ((ObjectNode) record(json, SKU_3_JOB).get("attributes")).remove("MessageGroupId");

    SQSBatchResponse response =
        new ConsumerFunction(aws.environment())
            .handleRequest(LambdaEvents.as(json, SQSEvent.class), TestContext.of("consumer"));

    assertThat(reported(response)).containsExactlyInAnyOrderElementsOf(allMessageIds(json));
    assertThat(aws.stock("sku-1").stock()).isEqualTo(STOCK);
  }

  @Test
  void everyMessageIsReportedWhenTooLittleTimeIsLeft() throws Exception {
    ObjectNode json = aws.delivered(LambdaEvents.tree(EVENT));

    SQSBatchResponse response =
        new ConsumerFunction(aws.environment())
            .handleRequest(
                LambdaEvents.as(json, SQSEvent.class),
                new TestContext("consumer", Duration.ofMillis(800)));

    assertThat(reported(response)).containsExactlyInAnyOrderElementsOf(allMessageIds(json));
    assertThat(aws.stock("sku-1").stock()).isEqualTo(STOCK);
  }

  @Test
  void anEmptyEventReportsNothing() {
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of());
    assertThat(
            new ConsumerFunction(aws.environment())
                .handleRequest(event, TestContext.of("consumer"))
                .getBatchItemFailures())
        .isEmpty();
  }

  private static List<String> reported(SQSBatchResponse response) {
    return response.getBatchItemFailures().stream()
        .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .toList();
  }

  private static JsonNode record(JsonNode event, String jobId) {
    for (JsonNode record : event.get("Records")) {
      if (record.at("/attributes/MessageDeduplicationId").asText().equals(jobId)) {
        return record;
      }
    }
    throw new AssertionError("no record of job " + jobId + " in " + EVENT);
  }

  private static String messageId(JsonNode event, String jobId) {
    return record(event, jobId).get("messageId").asText();
  }

  private static List<String> allMessageIds(JsonNode event) {
    List<String> ids = new ArrayList<>();
    event.get("Records").forEach(r -> ids.add(r.get("messageId").asText()));
    return ids;
  }

  private static JsonNode body(JsonNode record) {
    try {
      return io.fenceq.queue.internal.Json.MAPPER.readTree(record.get("body").asText());
    } catch (Exception e) {
      throw new AssertionError("record body is not JSON: " + record.get("body"), e);
    }
  }
}
