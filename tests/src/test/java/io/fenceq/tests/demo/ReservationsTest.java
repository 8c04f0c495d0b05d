package io.fenceq.tests.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fenceq.engine.Job;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.LaneLostException;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.StockLevel;
import io.fenceq.local.demo.Attempt;
import io.fenceq.local.demo.Attempt.Outcome;
import io.fenceq.local.demo.Fencing;
import io.fenceq.local.demo.Reservations;
import io.fenceq.tests.support.JobContexts;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The demo's reservation handler on DynamoDB Local: a SKU's batch is one optimistic write when it
 * fits, a read and a decided write when it does not, and its pause point strikes before the batch's
 * first write, so that a zombie's write is the one the fence refuses.
 */
class ReservationsTest {
  private final TestAws aws = TestAws.get();
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();
  private final List<Attempt> history = new ArrayList<>();
  private final List<String> pauses = new ArrayList<>();
  private DynamoDbClient counting;
  private String table;
  private Inventory inventory;
  private long seq = 100;
  private int n;

  @BeforeEach
  void stock() {
    TestStack stack = aws.newStack("reservations");
    table = stack.inventoryTable();
    inventory = new Inventory(aws.dynamoDb(), table);
    inventory.seed(1, 10);
    counting = aws.countingDynamoDb(reads, writes);
  }

  @AfterEach
  void close() {
    counting.close();
  }

  /** The batch handler, whose pause point notes the SKU calls sent before it. */
  private KeyBatchHandler reservations() {
    Reservations.WriteHooks hooks =
        new Reservations.WriteHooks() {
          @Override
          public void beforeWrite(String worker, Job job) {
            pauses.add("reads=" + reads.get() + " writes=" + writes.get());
          }
        };
    return (KeyBatchHandler)
        new Reservations(counting, table, Fencing.ON, "w1", hooks, history::add)
            .handlers()
            .get(Inventory.RESERVE);
  }

  @Test
  void aBatchThatFitsIsOneWriteWithoutAReadAndOneThatDoesNotReadsOnce() throws Exception {
    KeyBatchHandler handler = reservations();
    List<Job> fits = List.of(reserve(2), reserve(3), reserve(1));

    handler.handleBatch(fits, JobContexts.of(fits.getLast(), 1));

    assertThat(reads).hasValue(0);
    assertThat(writes).hasValue(1);
    assertThat(history).extracting(Attempt::outcome).containsOnly(Outcome.APPLIED);
    assertThat(level()).isEqualTo(new StockLevel("sku-0", 4, 6, 0, 1, fits.getLast().seq()));
    assertThat(list(Reservations.JOURNAL)).containsExactly(0L, 1L, 2L);
    assertThat(list(Reservations.FENCES)).containsExactly(1L, 1L, 1L);
    history.clear();

    // 4 in stock: the second reserve does not fit, so the optimistic write is refused.
    List<Job> short_ = List.of(reserve(3), reserve(3));
    handler.handleBatch(short_, JobContexts.of(short_.getLast(), 2));

    assertThat(reads).hasValue(1);
    assertThat(writes).hasValue(3);
    assertThat(history)
        .extracting(Attempt::outcome)
        .containsExactly(Outcome.APPLIED, Outcome.REJECTED);
    assertThat(level()).isEqualTo(new StockLevel("sku-0", 1, 9, 1, 2, short_.getLast().seq()));
    assertThat(list(Reservations.JOURNAL)).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(list(Reservations.FENCES)).containsExactly(1L, 1L, 1L, 2L, 2L);
    assertThat(pauses).containsExactly("reads=0 writes=0", "reads=0 writes=1");
  }

  @Test
  void thePausePointIsJustBeforeTheBatchsFirstWriteWhichTheFenceRefuses() throws Exception {
    KeyBatchHandler handler = reservations();
    List<Job> current = List.of(reserve(1), reserve(1));
    handler.handleBatch(current, JobContexts.of(current.getLast(), 5));
    StockLevel before = level();
    history.clear();
    pauses.clear();
    reads.set(0);
    writes.set(0);

    // A zombie: its lane's fence is 3, the SKU already carries 5.
    List<Job> late = List.of(reserve(1), reserve(1));
    assertThatThrownBy(() -> handler.handleBatch(late, JobContexts.of(late.getLast(), 3)))
        .isInstanceOf(LaneLostException.class)
        .hasMessageContaining("carries fence 5");

    assertThat(pauses).containsExactly("reads=0 writes=0");
    assertThat(writes).as("the write sent after the pause").hasValue(1);
    assertThat(history).extracting(Attempt::outcome).containsOnly(Outcome.FENCED);
    assertThat(level()).isEqualTo(before);
  }

  private Job reserve(long qty) {
    seq++;
    return new Job(
        "sku-0",
        Inventory.RESERVE,
        JsonNodeFactory.instance.objectNode().put("qty", qty).put("n", n++),
        "job-" + seq,
        Instant.parse("2026-11-26T12:00:00Z"),
        "m-" + seq,
        "1834567890123456" + seq,
        1);
  }

  private StockLevel level() {
    return inventory.read("sku-0").orElseThrow();
  }

  private List<Long> list(String attribute) {
    Map<String, AttributeValue> item =
        aws.dynamoDb()
            .getItem(
                r ->
                    r.tableName(table)
                        .key(Map.of(Inventory.SKU, AttributeValue.fromS("sku-0")))
                        .consistentRead(true))
            .item();
    return item.get(attribute).l().stream().map(v -> Long.parseLong(v.n())).toList();
  }
}
