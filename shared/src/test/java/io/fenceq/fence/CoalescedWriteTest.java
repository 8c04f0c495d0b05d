package io.fenceq.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.testing.FakeDynamoDb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The read-decide-write loop on an in-memory table that evaluates the real expressions. */
class CoalescedWriteTest {
  private static final String TABLE = "counters";
  private static final Map<String, AttributeValue> KEY = Map.of("id", AttributeValue.fromS("c-1"));
  private final FakeDynamoDb dynamoDb = new FakeDynamoDb().createTable(TABLE);
  private final DynamoDbFence fence = new DynamoDbFence(dynamoDb);
  private final List<Integer> decidedFrom = new ArrayList<>();
  private final AtomicInteger optimisticWrites = new AtomicInteger();
  private final AtomicInteger reads = new AtomicInteger();

  private static AttributeValue n(long v) {
    return AttributeValue.fromN(Long.toString(v));
  }

  private void put(long count, long itemFence, String seq) {
    dynamoDb.putItem(
        r ->
            r.tableName(TABLE)
                .item(
                    Map.of(
                        "id", KEY.get("id"),
                        "count", n(count),
                        "fence", n(itemFence),
                        "seq", AttributeValue.fromN(seq))));
  }

  private Map<String, AttributeValue> item() {
    return dynamoDb.item(TABLE, KEY);
  }

  private CoalescedWrite.Snapshot<Long> read() {
    Map<String, AttributeValue> item = item();
    return new CoalescedWrite.Snapshot<>(
        Long.parseLong(item.get("count").n()),
        Long.parseLong(item.get("fence").n()),
        item.get("seq").n());
  }

  /** Adds one per job from {@code from} on, if the count is still the one read. */
  private UpdateItemRequest countJobs(long readCount, int from, int jobs) {
    decidedFrom.add(from);
    return UpdateItemRequest.builder()
        .tableName(TABLE)
        .key(KEY)
        .updateExpression("SET #count = :count")
        .conditionExpression("#count = :read")
        .expressionAttributeNames(Map.of("#count", "count"))
        .expressionAttributeValues(
            Map.of(":count", n(readCount + jobs - from), ":read", n(readCount)))
        .build();
  }

  private Optional<CoalescedWrite.Outcome> apply(long heldFence, List<String> seqs) {
    return CoalescedWrite.apply(
        fence, heldFence, seqs, 3, this::read, (c, from) -> countJobs(c, from, seqs.size()));
  }

  @Test
  void writesTheJobsNotYetAppliedOnceAndRecordsTheLastSeq() {
    put(0, 2, "100");

    Optional<CoalescedWrite.Outcome> outcome = apply(3, List.of("101", "102", "103"));

    assertThat(outcome).contains(new CoalescedWrite.Outcome(FenceResult.APPLIED, 0, 3));
    assertThat(item().get("count").n()).isEqualTo("3");
    assertThat(item().get("seq").n()).isEqualTo("103");
    assertThat(item().get("fence").n()).isEqualTo("3");
  }

  @Test
  void dropsTheJobsTheItemShowsAppliedAndWritesTheRest() {
    put(5, 3, "102");

    Optional<CoalescedWrite.Outcome> outcome = apply(3, List.of("101", "102", "103"));

    assertThat(outcome).contains(new CoalescedWrite.Outcome(FenceResult.APPLIED, 2, 3));
    assertThat(item().get("count").n()).isEqualTo("6");
    assertThat(item().get("seq").n()).isEqualTo("103");
  }

  @Test
  void everyJobAppliedAlreadyIsADuplicateWithNothingWritten() {
    put(5, 3, "103");

    assertThat(apply(3, List.of("101", "102", "103")))
        .contains(new CoalescedWrite.Outcome(FenceResult.DUPLICATE, 3, 3));
    assertThat(decidedFrom).isEmpty();
    assertThat(item().get("count").n()).isEqualTo("5");
  }

  @Test
  void aNewerFenceOnTheItemIsFencedBeforeAnythingIsDecided() {
    put(5, 4, "100");

    assertThat(apply(3, List.of("101", "102")))
        .contains(new CoalescedWrite.Outcome(FenceResult.FENCED, 0, 4));
    assertThat(decidedFrom).isEmpty();
    assertThat(item().get("count").n()).isEqualTo("5");
  }

  @Test
  void aFencedOutcomeNamesTheEntityItsTableTheFenceItCarriesAndTheBatch() {
    put(5, 4, "100");

    CoalescedWrite.Outcome outcome = apply(3, List.of("101", "102")).orElseThrow();

    assertThat(outcome.fencedWhat("counter c-1", TABLE, 2))
        .isEqualTo("counter c-1 in table counters carries fence 4 (a batch of 2 jobs)");
  }

  @Test
  void aStateThatMovedSinceTheReadIsDecidedAgain() {
    put(0, 3, "100");
    AtomicInteger reads = new AtomicInteger();
    List<String> seqs = List.of("101", "102");

    Optional<CoalescedWrite.Outcome> outcome =
        CoalescedWrite.apply(
            fence,
            3,
            seqs,
            3,
            () -> {
              CoalescedWrite.Snapshot<Long> read = read();
              if (reads.incrementAndGet() == 1) {
                put(10, 3, "100"); // another write of the count, not of these jobs
              }
              return read;
            },
            (c, from) -> countJobs(c, from, seqs.size()));

    assertThat(outcome).contains(new CoalescedWrite.Outcome(FenceResult.APPLIED, 0, 3));
    assertThat(reads.get()).isEqualTo(2);
    assertThat(item().get("count").n()).isEqualTo("12");
  }

  @Test
  void aStateThatMovesInEveryRoundIsUndecided() {
    put(0, 3, "100");
    AtomicInteger reads = new AtomicInteger();
    List<String> seqs = List.of("101");

    Optional<CoalescedWrite.Outcome> outcome =
        CoalescedWrite.apply(
            fence,
            3,
            seqs,
            3,
            () -> {
              CoalescedWrite.Snapshot<Long> read = read();
              put(reads.incrementAndGet(), 3, "100");
              return read;
            },
            (c, from) -> countJobs(c, from, seqs.size()));

    assertThat(outcome).isEmpty();
    assertThat(reads.get()).isEqualTo(3);
  }

  /** Adds one per job if the count is at most {@code limit}: "every job applies" as a condition. */
  private UpdateItemRequest allCounted(int jobs, long limit) {
    optimisticWrites.incrementAndGet();
    return UpdateItemRequest.builder()
        .tableName(TABLE)
        .key(KEY)
        .updateExpression("SET #count = #count + :jobs")
        .conditionExpression("#count <= :limit")
        .expressionAttributeNames(Map.of("#count", "count"))
        .expressionAttributeValues(Map.of(":jobs", n(jobs), ":limit", n(limit)))
        .build();
  }

  private Optional<CoalescedWrite.Outcome> applyOptimistic(
      long heldFence, List<String> seqs, long limit) {
    return CoalescedWrite.apply(
        fence,
        heldFence,
        seqs,
        3,
        () -> allCounted(seqs.size(), limit),
        () -> {
          reads.incrementAndGet();
          return read();
        },
        (c, from) -> countJobs(c, from, seqs.size()));
  }

  @Test
  void anOptimisticWriteThatHoldsIsTheOnlyCall() {
    put(4, 2, "100");

    assertThat(applyOptimistic(3, List.of("101", "102", "103"), 10))
        .contains(new CoalescedWrite.Outcome(FenceResult.APPLIED, 0, 3));

    assertThat(reads).hasValue(0);
    assertThat(decidedFrom).isEmpty();
    assertThat(item())
        .containsEntry("count", n(7))
        .containsEntry("seq", AttributeValue.fromN("103"))
        .containsEntry("fence", n(3));
  }

  @Test
  void anOptimisticWriteRefusedByItsConditionFallsBackToAReadAndADecision() {
    put(4, 2, "100");

    assertThat(applyOptimistic(3, List.of("101", "102"), 3))
        .contains(new CoalescedWrite.Outcome(FenceResult.APPLIED, 0, 3));

    assertThat(optimisticWrites).hasValue(1);
    assertThat(reads).hasValue(1);
    assertThat(decidedFrom).containsExactly(0);
    assertThat(item())
        .containsEntry("count", n(6))
        .containsEntry("seq", AttributeValue.fromN("102"));
  }

  @Test
  void anOptimisticWriteOverJobsPartlyAppliedWritesNothingAndTheReadSaysWhichRemain() {
    put(5, 3, "102");

    assertThat(applyOptimistic(3, List.of("101", "102", "103"), 10))
        .contains(new CoalescedWrite.Outcome(FenceResult.APPLIED, 2, 3));

    assertThat(reads).hasValue(1);
    assertThat(decidedFrom).containsExactly(2);
    assertThat(item())
        .containsEntry("count", n(6))
        .containsEntry("seq", AttributeValue.fromN("103"));
  }

  @Test
  void anOptimisticWriteUnderAnOlderFenceIsFencedWithTheFenceTheReadSees() {
    put(5, 4, "100");

    assertThat(applyOptimistic(3, List.of("101", "102"), 10))
        .contains(new CoalescedWrite.Outcome(FenceResult.FENCED, 0, 4));

    assertThat(decidedFrom).isEmpty();
    assertThat(item()).containsEntry("count", n(5)).containsEntry("fence", n(4));
  }

  @Test
  void firstUnappliedComparesSequenceNumbersAsNumbers() {
    List<String> seqs = List.of("9", "10", "18446744073709551616");
    assertThat(CoalescedWrite.firstUnapplied(seqs, null)).isZero();
    assertThat(CoalescedWrite.firstUnapplied(seqs, "8")).isZero();
    assertThat(CoalescedWrite.firstUnapplied(seqs, "9")).isEqualTo(1);
    assertThat(CoalescedWrite.firstUnapplied(seqs, "100")).isEqualTo(2);
    assertThat(CoalescedWrite.firstUnapplied(seqs, "18446744073709551616")).isEqualTo(3);
  }
}
