package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryOutcome;
import io.fenceq.examples.inventory.InventoryOutcome.Result;
import io.fenceq.examples.inventory.StockLevel;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import io.fenceq.worker.WorkerProgress;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * S1, S2 and S3 with the example handlers: 3 workers in one JVM drain 5,000 jobs over 500 SKUs, and
 * every job takes effect exactly once, in its SKU's enqueue order.
 *
 * <p>Each SKU gets the same script of 10 reserve and release jobs on a stock of 5, whose refusals
 * depend on the order the jobs run in: a job run twice, skipped or run out of order changes which
 * jobs are refused and the final stock.
 */
class ExactlyOnceInOrderTest {
  private static final int SKUS = 500;
  private static final long STOCK = 5;

  /** The script each SKU runs: type, quantity, and the result the enqueue order must give. */
  private static final List<Step> SCRIPT =
      List.of(
          new Step(Inventory.RESERVE, 3, Result.APPLIED), // stock 2, reserved 3
          new Step(Inventory.RESERVE, 3, Result.REJECTED),
          new Step(Inventory.RELEASE, 2, Result.APPLIED), // stock 4, reserved 1
          new Step(Inventory.RESERVE, 4, Result.APPLIED), // stock 0, reserved 5
          new Step(Inventory.RELEASE, 5, Result.APPLIED), // stock 5, reserved 0
          new Step(Inventory.RELEASE, 1, Result.REJECTED),
          new Step(Inventory.RESERVE, 5, Result.APPLIED), // stock 0, reserved 5
          new Step(Inventory.RESERVE, 1, Result.REJECTED),
          new Step(Inventory.RELEASE, 3, Result.APPLIED), // stock 3, reserved 2
          new Step(Inventory.RESERVE, 2, Result.APPLIED)); // stock 1, reserved 4

  private static final StockLevel FINAL = new StockLevel("", 1, 4, 3, 0, null);

  private final TestAws aws = TestAws.get();

  private record Step(String type, long qty, Result expected) {}

  @Test
  void threeWorkersApplyEveryJobOnceInKeyOrder() throws Exception {
    TestStack stack = aws.newStack("exactlyonce");
    Map<String, List<InventoryOutcome>> applied = new ConcurrentHashMap<>();
    Inventory inventory =
        new Inventory(
            aws.dynamoDb(),
            stack.inventoryTable(),
            o -> applied.computeIfAbsent(o.sku(), k -> new ArrayList<>()).add(o));
    inventory.seed(SKUS, STOCK);
    enqueueScripts(stack);
    int jobs = SKUS * SCRIPT.size();

    try (Workers workers = new Workers(aws, stack)) {
      for (int i = 0; i < 3; i++) {
        workers.start(workers.config().build(), inventory.handlers());
      }
      Eventually.await(
          "every job to be settled",
          Duration.ofMinutes(3),
          () -> settled(workers.progress()) >= jobs,
          workers::progress);
      assertThat(workers.progress().deadLettered()).isZero();
    }

    for (String sku : Inventory.skus(SKUS)) {
      List<InventoryOutcome> outcomes;
      List<InventoryOutcome> recorded = applied.getOrDefault(sku, List.of());
      synchronized (recorded) {
        outcomes = recorded.stream().filter(o -> o.result() != Result.DUPLICATE).toList();
      }
      assertThat(outcomes.stream().map(o -> step(o.jobId())).toList())
          .as("jobs of %s in the order they took effect", sku)
          .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
      assertThat(outcomes.stream().map(InventoryOutcome::result).toList())
          .as("results of %s", sku)
          .containsExactlyElementsOf(SCRIPT.stream().map(Step::expected).toList());
      List<BigInteger> seqs = outcomes.stream().map(o -> new BigInteger(o.seq())).toList();
      assertThat(seqs).as("sequence numbers of %s", sku).isSorted().doesNotHaveDuplicates();
      StockLevel level = inventory.read(sku).orElseThrow();
      assertThat(level)
          .as("final item of %s", sku)
          .extracting(
              StockLevel::stock, StockLevel::reserved, StockLevel::rejected, StockLevel::seq)
          .containsExactly(
              FINAL.stock(), FINAL.reserved(), FINAL.rejected(), outcomes.getLast().seq());
    }
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isZero();
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isZero();
  }

  private static long settled(WorkerProgress p) {
    return p.done() + p.deadLettered();
  }

  /** Enqueues the script for every SKU, step by step. */
  private void enqueueScripts(TestStack stack) {
    Enqueuer enqueuer = stack.enqueuer(aws.sqs());
    List<JobRequest> jobs = new ArrayList<>();
    for (int n = 0; n < SCRIPT.size(); n++) {
      Step step = SCRIPT.get(n);
      for (String sku : Inventory.skus(SKUS)) {
        jobs.add(
            JobRequest.ofJson(sku, step.type(), "{\"qty\":" + step.qty() + "}")
                .withJobId(sku + ":" + n));
      }
    }
    enqueuer.enqueueAll(jobs).requireAllAccepted();
  }

  private static int step(String jobId) {
    return Integer.parseInt(jobId.substring(jobId.indexOf(':') + 1));
  }
}
