package io.fenceq.tests.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fenceq.engine.Job;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.engine.LaneLostException;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryException;
import io.fenceq.examples.inventory.InventoryOutcome;
import io.fenceq.examples.inventory.InventoryOutcome.Result;
import io.fenceq.examples.inventory.StockLevel;
import io.fenceq.tests.support.JobContexts;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The example handlers against the template's inventory table on DynamoDB Local. */
class InventoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestAws aws = TestAws.get();
  private final List<InventoryOutcome> outcomes = new ArrayList<>();
  private Inventory inventory;
  private long seq = 100;

  @BeforeEach
  void stock() {
    TestStack stack = aws.newStack("inventory");
    inventory = new Inventory(aws.dynamoDb(), stack.inventoryTable(), outcomes::add);
    assertThat(inventory.seed(3, 10)).isEqualTo(3);
  }

  @Test
  void seedingCreatesTheSkusOnceAndNeverResetsThem() {
    reserve(job("sku-1", "reserve", 4), 1);

    assertThat(inventory.seed(5, 10)).isEqualTo(2);

    assertThat(level("sku-1").stock()).isEqualTo(6);
    assertThat(level("sku-4")).isEqualTo(new StockLevel("sku-4", 10, 0, 0, 0, null));
  }

  @Test
  void reserveMovesStockToReservedAndRecordsFenceAndSeq() {
    Job job = job("sku-0", "reserve", 3);

    InventoryOutcome outcome = reserve(job, 7);

    assertThat(outcome.result()).isEqualTo(Result.APPLIED);
    assertThat(level("sku-0")).isEqualTo(new StockLevel("sku-0", 7, 3, 0, 7, job.seq()));
    assertThat(outcomes).containsExactly(outcome);
  }

  @Test
  void releaseGivesReservedStockBack() {
    reserve(job("sku-0", "reserve", 5), 1);

    InventoryOutcome outcome = release(job("sku-0", "release", 2), 1);

    assertThat(outcome.result()).isEqualTo(Result.APPLIED);
    assertThat(level("sku-0").stock()).isEqualTo(7);
    assertThat(level("sku-0").reserved()).isEqualTo(3);
  }

  @Test
  void itNeverOversellsARefusalIsRecordedAndFinal() {
    for (int i = 0; i < 10; i++) {
      assertThat(reserve(job("sku-2", "reserve", 1), 1).result()).isEqualTo(Result.APPLIED);
    }
    Job oneTooMany = job("sku-2", "reserve", 1);

    assertThat(reserve(oneTooMany, 1).result()).isEqualTo(Result.REJECTED);
    assertThat(level("sku-2"))
        .extracting(StockLevel::stock, StockLevel::reserved, StockLevel::rejected)
        .containsExactly(0L, 10L, 1L);

    // Stock comes back, then the refused job is delivered again: it stays refused.
    release(job("sku-2", "release", 5), 1);
    assertThat(reserve(oneTooMany, 1).result()).isEqualTo(Result.DUPLICATE);
    assertThat(level("sku-2").stock()).isEqualTo(5);
  }

  @Test
  void releasingMoreThanIsReservedIsRefused() {
    reserve(job("sku-0", "reserve", 2), 1);

    assertThat(release(job("sku-0", "release", 3), 1).result()).isEqualTo(Result.REJECTED);
    assertThat(level("sku-0"))
        .extracting(StockLevel::stock, StockLevel::reserved, StockLevel::rejected)
        .containsExactly(8L, 2L, 1L);
  }

  @Test
  void aRedeliveredJobIsADuplicateAndChangesNothing() {
    Job job = job("sku-0", "reserve", 3);
    reserve(job, 1);

    assertThat(reserve(job, 1).result()).isEqualTo(Result.DUPLICATE);
    // The lane's next holder runs it again under a newer fence: still applied once.
    assertThat(reserve(job, 2).result()).isEqualTo(Result.DUPLICATE);

    assertThat(level("sku-0").stock()).isEqualTo(7);
  }

  @Test
  void aFencedWriteStopsTheJobAndChangesNothing() {
    reserve(job("sku-0", "reserve", 1), 5);
    Job late = job("sku-0", "reserve", 4);

    assertThatThrownBy(() -> reserve(late, 4))
        .isInstanceOf(LaneLostException.class)
        .hasMessageContaining("job " + late.jobId())
        .hasMessageContaining("sku sku-0")
        .hasMessageContaining("fence=4 seq=" + late.seq());

    assertThat(level("sku-0").stock()).isEqualTo(9);
    assertThat(outcomes).hasSize(1);
  }

  @Test
  void anUnknownSkuOrABadQuantityFailsNamingTheSkuAndJob() {
    Job unknown = job("sku-99", "reserve", 1);
    assertThatThrownBy(() -> reserve(unknown, 1))
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining("sku sku-99 is not in table " + inventory.table())
        .hasMessageContaining("job " + unknown.jobId());
    assertThat(inventory.read("sku-99")).isEmpty();

    Job negative = job("sku-0", "reserve", payload("{\"qty\":-2}"));
    assertThatThrownBy(() -> reserve(negative, 1))
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining("sku-0")
        .hasMessageContaining("qty");
    Job text = job("sku-0", "reserve", payload("{\"qty\":\"two\"}"));
    assertThatThrownBy(() -> reserve(text, 1)).isInstanceOf(InventoryException.class);
    assertThat(level("sku-0").stock()).isEqualTo(10);
  }

  @Test
  void qtyDefaultsToOne() {
    reserve(job("sku-0", "reserve", payload("{}")), 1);

    assertThat(level("sku-0").stock()).isEqualTo(9);
  }

  @Test
  void aBatchIsDecidedInEnqueueOrderAndAppliedInOneFencedWrite() {
    List<Job> batch =
        List.of(
            job("sku-0", "reserve", 6),
            job("sku-0", "reserve", 6), // 4 left: refused
            job("sku-0", "reserve", 3), // fits after the refusal
            job("sku-0", "release", 2));

    KeyBatchResult result = inventory.applyBatch(batch, JobContexts.of(batch.getLast(), 4));

    assertThat(result).isEqualTo(KeyBatchResult.allDone());
    assertThat(outcomes)
        .extracting(InventoryOutcome::result)
        .containsExactly(Result.APPLIED, Result.REJECTED, Result.APPLIED, Result.APPLIED);
    assertThat(outcomes).extracting(InventoryOutcome::seq).containsExactlyElementsOf(seqs(batch));
    // 10 - 6 - 3 + 2 = 3 in stock, 6 + 3 - 2 = 7 reserved, one refusal, the last job's seq.
    assertThat(level("sku-0"))
        .isEqualTo(new StockLevel("sku-0", 3, 7, 1, 4, batch.getLast().seq()));
  }

  @Test
  void aBatchEveryJobOfWhichFitsIsOneWriteWithoutAReadAndOneThatDoesNotReadsOnce() {
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    try (DynamoDbClient counting = aws.countingDynamoDb(reads, writes)) {
      Inventory counted = new Inventory(counting, inventory.table(), outcomes::add);
      List<Job> fits =
          List.of(
              job("sku-0", "reserve", 2), job("sku-0", "reserve", 3), job("sku-0", "release", 1));

      counted.applyBatch(fits, JobContexts.of(fits.getLast(), 1));

      assertThat(reads).hasValue(0);
      assertThat(writes).hasValue(1);
      assertThat(outcomes).extracting(InventoryOutcome::result).containsOnly(Result.APPLIED);
      assertThat(level("sku-0"))
          .isEqualTo(new StockLevel("sku-0", 6, 4, 0, 1, fits.getLast().seq()));
      outcomes.clear();

      // 6 in stock: the second reserve does not fit, so the optimistic write is refused.
      List<Job> short_ = List.of(job("sku-0", "reserve", 5), job("sku-0", "reserve", 5));
      counted.applyBatch(short_, JobContexts.of(short_.getLast(), 1));

      assertThat(reads).hasValue(1);
      assertThat(writes).hasValue(3);
      assertThat(outcomes)
          .extracting(InventoryOutcome::result)
          .containsExactly(Result.APPLIED, Result.REJECTED);
      assertThat(level("sku-0"))
          .isEqualTo(new StockLevel("sku-0", 1, 9, 1, 1, short_.getLast().seq()));
    }
  }

  /**
   * Random batches of reserves and releases, each applied as one batch to one SKU and one job at a
   * time to its twin: the same outcomes and the same item, whether the optimistic write or a read
   * decided the batch.
   */
  @Test
  void aBatchDecidesExactlyAsOneJobAtATimeWould() {
    Random random = new Random(20261207);
    for (int round = 0; round < 40; round++) {
      String batched = "batched-" + round;
      String single = "single-" + round;
      inventory.seed(List.of(batched, single), random.nextInt(12));
      int reserved = random.nextInt(4);
      if (reserved > 0) {
        reserve(job(batched, "reserve", reserved), 1);
        reserve(job(single, "reserve", reserved), 1);
      }
      List<Job> batch = new ArrayList<>();
      List<Job> twins = new ArrayList<>();
      for (int k = 0, n = 2 + random.nextInt(8); k < n; k++) {
        String type = random.nextInt(3) == 0 ? "release" : "reserve";
        long qty = 1 + random.nextInt(5);
        batch.add(job(batched, type, qty));
        twins.add(job(single, type, qty));
      }
      outcomes.clear();

      inventory.applyBatch(batch, JobContexts.of(batch.getLast(), 1));
      List<Result> batchResults = outcomes.stream().map(InventoryOutcome::result).toList();
      outcomes.clear();
      for (Job twin : twins) {
        inventory.applyBatch(List.of(twin), JobContexts.of(twin, 1));
      }
      List<Result> oneByOne = outcomes.stream().map(InventoryOutcome::result).toList();

      assertThat(batchResults).as("round %d: %s", round, batch).isEqualTo(oneByOne);
      assertThat(level(batched))
          .extracting(StockLevel::stock, StockLevel::reserved, StockLevel::rejected)
          .as("round %d", round)
          .isEqualTo(
              List.of(level(single).stock(), level(single).reserved(), level(single).rejected()));
    }
  }

  @Test
  void aRedeliveredBatchIsAllDuplicatesAndAPartlyAppliedOneAppliesOnlyTheRest() {
    Job r1 = job("sku-1", "reserve", 2);
    Job r2 = job("sku-1", "reserve", 2);
    Job r3 = job("sku-1", "reserve", 2);
    Job r4 = job("sku-1", "reserve", 2);
    inventory.applyBatch(List.of(r1, r2), JobContexts.of(r2, 1));
    outcomes.clear();

    inventory.applyBatch(List.of(r1, r2, r3, r4), JobContexts.of(r4, 2));

    assertThat(outcomes)
        .extracting(InventoryOutcome::result)
        .containsExactly(Result.DUPLICATE, Result.DUPLICATE, Result.APPLIED, Result.APPLIED);
    assertThat(level("sku-1")).isEqualTo(new StockLevel("sku-1", 2, 8, 0, 2, r4.seq()));
    outcomes.clear();

    inventory.applyBatch(List.of(r3, r4), JobContexts.of(r4, 2));

    assertThat(outcomes).extracting(InventoryOutcome::result).containsOnly(Result.DUPLICATE);
    assertThat(level("sku-1").stock()).isEqualTo(2);
  }

  @Test
  void aBatchUnderAnOlderFenceIsFencedAndWritesNothing() {
    reserve(job("sku-2", "reserve", 1), 5);
    List<Job> late = List.of(job("sku-2", "reserve", 1), job("sku-2", "reserve", 1));

    assertThatThrownBy(() -> inventory.applyBatch(late, JobContexts.of(late.getLast(), 4)))
        .isInstanceOf(LaneLostException.class)
        .hasMessageContaining("sku-2");
    assertThat(level("sku-2").stock()).isEqualTo(9);
  }

  @Test
  void aBatchStopsAtAnInvalidPayloadAfterApplyingTheJobsBeforeIt() {
    List<Job> batch =
        List.of(job("sku-0", "reserve", 1), job("sku-0", "reserve", payload("{\"qty\":-1}")));

    KeyBatchResult result = inventory.applyBatch(batch, JobContexts.of(batch.getLast(), 1));

    assertThat(result.done()).isEqualTo(1);
    assertThat(result.failure()).isInstanceOf(InventoryException.class);
    assertThat(level("sku-0").stock()).isEqualTo(9);
    assertThat(level("sku-0").seq()).isEqualTo(batch.getFirst().seq());
  }

  private static List<String> seqs(List<Job> jobs) {
    return jobs.stream().map(Job::seq).toList();
  }

  private StockLevel level(String sku) {
    return inventory.read(sku).orElseThrow();
  }

  private Job job(String sku, String type, long qty) {
    return job(sku, type, payload("{\"qty\":" + qty + "}"));
  }

  private Job job(String sku, String type, JsonNode payload) {
    seq++;
    return new Job(
        sku,
        type,
        payload,
        "job-" + seq,
        Instant.parse("2026-11-26T12:00:00Z"),
        "m-" + seq,
        "1834567890123456" + seq,
        1);
  }

  private static JsonNode payload(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private InventoryOutcome reserve(Job job, long fence) {
    return inventory.reserve(job, JobContexts.of(job, fence));
  }

  private InventoryOutcome release(Job job, long fence) {
    return inventory.release(job, JobContexts.of(job, fence));
  }
}
