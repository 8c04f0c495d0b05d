package io.fenceq.testing.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.dlq.DeadLetter;
import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.ring.Lane;
import io.fenceq.testing.history.Violation.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The recorder and checker over a table kept in memory: a fenced handler's history is clean under
 * redelivery and zombies, an unfenced one's is not, and each rule names its offending jobs.
 */
class JobHistoryTest {
  private static final String TABLE = "orders";

  private final JobHistory history = JobHistory.create();
  private final MemoryTable table = new MemoryTable();
  private final DynamoDbClient watched = history.watch(table, TABLE);

  /** Writes with the fence: refused when the item carries a newer fence or has the job's seq. */
  private final JobHandler fenced =
      history.record(
          (job, context) ->
              watched.updateItem(
                  r ->
                      r.tableName(TABLE)
                          .key(Map.of("id", AttributeValue.fromS(job.key())))
                          .conditionExpression("fenced")
                          .expressionAttributeValues(
                              Map.of(
                                  ":fence", AttributeValue.fromN(Long.toString(context.fence())),
                                  ":seq", AttributeValue.fromN(job.seq())))));

  /** The same write without the condition. */
  private final JobHandler unfenced =
      history.record(
          (job, context) ->
              watched.updateItem(
                  r ->
                      r.tableName(TABLE)
                          .key(Map.of("id", AttributeValue.fromS(job.key())))
                          .expressionAttributeValues(
                              Map.of(
                                  ":fence", AttributeValue.fromN(Long.toString(context.fence())),
                                  ":seq", AttributeValue.fromN(job.seq())))));

  @Test
  void aFencedHandlerRedeliveredAfterItsWriteAndOvertakenByAZombieIsClean() throws Exception {
    enqueue("a-1", "sku-1", 1);
    enqueue("a-2", "sku-1", 2);

    fenced.handle(job("a-1", "sku-1", 1, 1), context("sku-1", 5, 1, 1));
    // A crash after the write: the job comes back to the next holder, whose write is a duplicate.
    assertThatThrownBy(() -> fenced.handle(job("a-1", "sku-1", 1, 2), context("sku-1", 6, 1, 2)))
        .isInstanceOf(ConditionalCheckFailedException.class);
    fenced.handle(job("a-2", "sku-1", 2, 1), context("sku-1", 6, 2, 1));
    // A paused holder wakes with fence 5 and tries again.
    assertThatThrownBy(() -> fenced.handle(job("a-2", "sku-1", 2, 1), context("sku-1", 5, 2, 1)))
        .isInstanceOf(ConditionalCheckFailedException.class);

    HistoryCheck check = history.check(List.of()).assertClean();

    assertThat(check.jobs()).isEqualTo(2);
    assertThat(check.applied()).isEqualTo(2);
    assertThat(check.describe())
        .isEqualTo("history clean: 2 jobs enqueued, 2 applied, 0 dead-lettered");
  }

  @Test
  void anUnfencedHandlerRedeliveredAfterItsWriteAppliesTheJobTwice() throws Exception {
    enqueue("a-1", "sku-1", 1);

    unfenced.handle(job("a-1", "sku-1", 1, 1), context("sku-1", 5, 1, 1));
    unfenced.handle(job("a-1", "sku-1", 1, 2), context("sku-1", 6, 1, 2));

    HistoryCheck check = history.check(List.of());

    assertThat(check.jobIds(Kind.APPLIED_TWICE)).containsExactly("a-1");
    assertThat(check.violations()).extracting(Violation::kind).containsExactly(Kind.APPLIED_TWICE);
    assertThatThrownBy(check::assertClean)
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("history broken (APPLIED_TWICE=1): 1 jobs enqueued")
        .hasMessageContaining(
            "APPLIED_TWICE key=sku-1 job=a-1: writes accepted in 2 runs: run 1 (fence 5, attempt"
                + " 1), run 2 (fence 6, attempt 2)");
  }

  @Test
  void anUnfencedZombieWritingAfterTheNewHolderIsAStaleFence() throws Exception {
    enqueue("a-1", "sku-1", 1);
    enqueue("a-2", "sku-1", 2);

    unfenced.handle(job("a-1", "sku-1", 1, 1), context("sku-1", 6, 1, 1));
    unfenced.handle(job("a-2", "sku-1", 2, 1), context("sku-1", 5, 2, 1));

    HistoryCheck check = history.check(List.of());

    assertThat(check.jobIds(Kind.STALE_FENCE)).containsExactly("a-2");
    assertThat(check.violations(Kind.STALE_FENCE).get(0).detail())
        .isEqualTo(
            "write to orders accepted from run 2 (fence 5, attempt 1) after job a-1's write with"
                + " fence 6 was accepted");
  }

  @Test
  void aJobAppliedAfterALaterJobOfItsKeyIsOutOfOrderButOtherKeysMayInterleave() throws Exception {
    enqueue("a-1", "sku-1", 1);
    enqueue("b-1", "sku-2", 2);
    enqueue("a-2", "sku-1", 3);

    fenced.handle(job("a-2", "sku-1", 3, 1), context("sku-1", 5, 3, 1));
    fenced.handle(job("b-1", "sku-2", 2, 1), context("sku-2", 5, 2, 1));
    unfenced.handle(job("a-1", "sku-1", 1, 1), context("sku-1", 5, 1, 1));

    HistoryCheck check = history.check(List.of());

    assertThat(check.violations()).extracting(Violation::kind).containsExactly(Kind.OUT_OF_ORDER);
    assertThat(check.violations().get(0).detail())
        .isEqualTo("applied by run 3 (fence 5, attempt 1) after job a-2, which was enqueued later");
  }

  @Test
  void aJobNeitherAppliedNorDeadLetteredIsLostAndADeadLetterNeedsItsReason() throws Exception {
    enqueue("a-1", "sku-1", 1);
    enqueue("a-2", "sku-1", 2);
    enqueue("a-3", "sku-1", 3);

    fenced.handle(job("a-1", "sku-1", 1, 1), context("sku-1", 5, 1, 1));
    HistoryCheck check = history.check(List.of(deadLetter("a-3", "")));

    assertThat(check.jobIds(Kind.LOST)).containsExactly("a-2");
    assertThat(check.jobIds(Kind.DEAD_WITHOUT_REASON)).containsExactly("a-3");
    assertThat(check.deadLettered()).isEqualTo(1);
    assertThat(history.check(List.of(deadLetter("a-2", "boom"), deadLetter("a-3", "boom"))).clean())
        .isTrue();
  }

  @Test
  void aWriteWithoutAnAnswerMayHaveTakenEffectSoItsJobIsNotLost() throws Exception {
    enqueue("a-1", "sku-1", 1);
    table.failNextAfterWriting = true;

    assertThatThrownBy(() -> fenced.handle(job("a-1", "sku-1", 1, 1), context("sku-1", 5, 1, 1)))
        .isInstanceOf(SdkClientException.class);

    assertThat(history.check(List.of()).assertClean().applied()).isEqualTo(1);
  }

  @Test
  void writesOutsideARecordedRunAndToOtherTablesAreNotEffects() throws Exception {
    enqueue("a-1", "sku-1", 1);
    watched.updateItem(
        UpdateItemRequest.builder()
            .tableName(TABLE)
            .key(Map.of("id", AttributeValue.fromS("sku-1")))
            .build());
    history
        .record(
            (JobHandler)
                (job, context) ->
                    watched.updateItem(
                        r -> r.tableName("other").key(Map.of("id", AttributeValue.fromS("x")))))
        .handle(job("a-1", "sku-1", 1, 1), context("sku-1", 5, 1, 1));

    assertThat(history.check(List.of()).jobIds(Kind.LOST)).containsExactly("a-1");
  }

  @Test
  void aBatchRunsWriteBelongsToTheJobsItReportedDone() throws Exception {
    enqueue("a-1", "sku-1", 1);
    enqueue("a-2", "sku-1", 2);
    enqueue("a-3", "sku-1", 3);
    JobHandler batch =
        history.record(
            (KeyBatchHandler)
                (jobs, context) -> {
                  watched.updateItem(
                      r -> r.tableName(TABLE).key(Map.of("id", AttributeValue.fromS("sku-1"))));
                  return KeyBatchResult.failedAt(2, new IllegalStateException("out of stock"));
                });

    assertThat(batch).isInstanceOf(KeyBatchHandler.class);
    ((KeyBatchHandler) batch)
        .handleBatch(
            List.of(
                job("a-1", "sku-1", 1, 1), job("a-2", "sku-1", 2, 1), job("a-3", "sku-1", 3, 1)),
            context("sku-1", 5, 3, 1));

    assertThat(history.check(List.of()).jobIds(Kind.LOST)).containsExactly("a-3");
  }

  @Test
  void aBatchRunThatThrowsMayHaveAppliedAnyOfItsJobs() throws Exception {
    enqueue("a-1", "sku-1", 1);
    enqueue("a-2", "sku-1", 2);
    JobHandler batch =
        history.record(
            (KeyBatchHandler)
                (jobs, context) -> {
                  watched.updateItem(
                      r -> r.tableName(TABLE).key(Map.of("id", AttributeValue.fromS("sku-1"))));
                  throw new IllegalStateException("answer lost");
                });

    assertThatThrownBy(
            () ->
                ((KeyBatchHandler) batch)
                    .handleBatch(
                        List.of(job("a-1", "sku-1", 1, 1), job("a-2", "sku-1", 2, 1)),
                        context("sku-1", 5, 2, 1)))
        .hasMessage("answer lost");
    // The redelivery finds both applied and writes nothing; a plain write of a-2 again is no
    // certain second application either, since the first one was not certain.
    unfenced.handle(job("a-2", "sku-1", 2, 2), context("sku-1", 6, 2, 2));

    assertThat(history.check(List.of()).assertClean().applied()).isEqualTo(2);
  }

  @Test
  void appliedOutsideARecordedRunIsRefusedInOneLine() {
    assertThatThrownBy(() -> history.applied(context("sku-1", 5, 1, 1), "ledger"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "applied(...) is called outside a recorded run (key=sku-1): record the handler with"
                + " JobHistory.record");
  }

  private void enqueue(String jobId, String key, int seq) {
    history.enqueued(
        new EnqueueResult(jobId, key, new Lane(0), Integer.toString(seq), "m-" + jobId));
  }

  private static Job job(String jobId, String key, int seq, int attempt) {
    return new Job(
        key, "order", null, jobId, Instant.EPOCH, "m-" + jobId, Integer.toString(seq), attempt);
  }

  private static DeadLetter deadLetter(String jobId, String reason) {
    return DeadLetterFixtures.deadLetter(jobId, "sku-1", reason);
  }

  private static JobContext context(String key, long fence, int seq, int attempt) {
    return new JobContext() {
      @Override
      public String key() {
        return key;
      }

      @Override
      public Lane lane() {
        return new Lane(0);
      }

      @Override
      public long fence() {
        return fence;
      }

      @Override
      public String seq() {
        return Integer.toString(seq);
      }

      @Override
      public int attempt() {
        return attempt;
      }

      @Override
      public Instant deadline() {
        return Instant.MAX;
      }

      @Override
      public FenceToken fenceToken() {
        return new FenceToken(fence, Integer.toString(seq));
      }

      @Override
      public void checkFence() {}
    };
  }

  /**
   * A table of items holding the last fence and seq written; "fenced" as a condition means: the
   * item's fence is not newer and its seq is older.
   */
  private static final class MemoryTable implements DynamoDbClient {
    final Map<String, long[]> items = new HashMap<>();
    final List<String> written = new ArrayList<>();
    boolean failNextAfterWriting;

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
      String id = request.key().get("id").s();
      Map<String, AttributeValue> values = request.expressionAttributeValues();
      long fence = values.containsKey(":fence") ? Long.parseLong(values.get(":fence").n()) : 0;
      long seq = values.containsKey(":seq") ? Long.parseLong(values.get(":seq").n()) : 0;
      long[] item = items.get(id);
      if (Objects.equals(request.conditionExpression(), "fenced")
          && item != null
          && (item[0] > fence || item[1] >= seq)) {
        throw ConditionalCheckFailedException.builder()
            .message("condition failed")
            .statusCode(400)
            .build();
      }
      items.put(id, new long[] {fence, seq});
      written.add(id);
      if (failNextAfterWriting) {
        failNextAfterWriting = false;
        throw SdkClientException.create("connection reset after the write");
      }
      return UpdateItemResponse.builder().build();
    }

    @Override
    public String serviceName() {
      return "dynamodb";
    }

    @Override
    public void close() {}
  }
}
