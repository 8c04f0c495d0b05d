package io.fenceq.local.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchVerdictTest {
  /** m1 (a), m2 (b), m3 (a), m4 (b): two groups, interleaved as a receive may return them. */
  private static final List<SQSMessage> RECORDS =
      List.of(record("m1", "a"), record("m2", "b"), record("m3", "a"), record("m4", "b"));

  private static SQSMessage record(String id, String group) {
    SQSMessage record = new SQSMessage();
    record.setMessageId(id);
    record.setReceiptHandle("rh-" + id);
    record.setAttributes(Map.of("MessageGroupId", group));
    return record;
  }

  private static InvocationResult returned(String... failedIds) {
    List<BatchItemFailure> failures = new ArrayList<>();
    for (String id : failedIds) {
      failures.add(new BatchItemFailure(id));
    }
    return new InvocationResult.Returned(new SQSBatchResponse(failures));
  }

  private static List<String> ids(List<SQSMessage> records) {
    return records.stream().map(SQSMessage::getMessageId).toList();
  }

  @Test
  void noFailuresReportedDeletesEveryRecord() {
    List<InvocationResult> successes =
        List.of(
            new InvocationResult.Returned(null),
            new InvocationResult.Returned(new SQSBatchResponse()),
            new InvocationResult.Returned(new SQSBatchResponse(List.of())));
    for (InvocationResult result : successes) {
      BatchVerdict verdict = BatchVerdict.of(RECORDS, result);

      assertThat(verdict.batchFailed()).isFalse();
      assertThat(ids(verdict.delete())).containsExactly("m1", "m2", "m3", "m4");
      assertThat(verdict.left()).isEmpty();
    }
  }

  @Test
  void reportedRecordsAreLeftAndTheOthersDeleted() {
    BatchVerdict verdict = BatchVerdict.of(RECORDS, returned("m3", "m2", "m4"));

    assertThat(verdict.batchFailed()).isFalse();
    assertThat(ids(verdict.delete())).containsExactly("m1");
    assertThat(ids(verdict.left())).containsExactly("m2", "m3", "m4");
    assertThat(verdict.outOfOrderGroups()).isEmpty();
  }

  @Test
  void aRecordReportedTwiceIsLeftOnce() {
    BatchVerdict verdict = BatchVerdict.of(RECORDS, returned("m3", "m3"));

    assertThat(ids(verdict.left())).containsExactly("m3");
    assertThat(ids(verdict.delete())).containsExactly("m1", "m2", "m4");
  }

  @Test
  void anIdentifierNotInTheBatchFailsTheWholeBatch() {
    BatchVerdict verdict = BatchVerdict.of(RECORDS, returned("m2", "m9"));

    assertThat(verdict.batchFailed()).isTrue();
    assertThat(verdict.failure()).contains("\"m9\"").contains("not the messageId");
    assertThat(verdict.delete()).isEmpty();
    assertThat(ids(verdict.left())).containsExactly("m1", "m2", "m3", "m4");
  }

  @Test
  void anEmptyOrNullIdentifierOrEntryFailsTheWholeBatch() {
    List<InvocationResult> invalid =
        List.of(
            returned(""),
            new InvocationResult.Returned(
                new SQSBatchResponse(List.of(new BatchItemFailure(null)))),
            new InvocationResult.Returned(
                new SQSBatchResponse(Arrays.asList(new BatchItemFailure("m1"), null))),
            // a receipt handle is not a message id
            returned("rh-m1"));
    for (InvocationResult result : invalid) {
      BatchVerdict verdict = BatchVerdict.of(RECORDS, result);

      assertThat(verdict.batchFailed()).as("%s", result).isTrue();
      assertThat(verdict.delete()).isEmpty();
      assertThat(verdict.left()).hasSize(4);
    }
  }

  @Test
  void aThrowFailsTheWholeBatchWithTheErrorInOneLine() {
    BatchVerdict verdict =
        BatchVerdict.of(
            RECORDS, new InvocationResult.Threw(new IllegalStateException("lease\n  table gone")));

    assertThat(verdict.batchFailed()).isTrue();
    assertThat(verdict.failure())
        .isEqualTo("function threw IllegalStateException: lease table gone");
    assertThat(verdict.delete()).isEmpty();
    assertThat(verdict.left()).hasSize(4);
  }

  @Test
  void aTimeoutFailsTheWholeBatch() {
    BatchVerdict verdict =
        BatchVerdict.of(RECORDS, new InvocationResult.TimedOut(Duration.ofSeconds(3)));

    assertThat(verdict.batchFailed()).isTrue();
    assertThat(verdict.failure()).isEqualTo("function timed out after 3000 ms");
    assertThat(verdict.delete()).isEmpty();
  }

  @Test
  void aGroupThatWentOnAfterAFailureIsNamed() {
    // m1 of group a failed, m3 of group a reported done: it took effect before m1.
    BatchVerdict verdict = BatchVerdict.of(RECORDS, returned("m1"));

    assertThat(verdict.outOfOrderGroups()).containsExactly("a");
    assertThat(ids(verdict.delete())).containsExactly("m2", "m3", "m4");
    assertThat(ids(verdict.left())).containsExactly("m1");
  }

  @Test
  void aFailureAtTheEndOfItsGroupBreaksNoOrder() {
    BatchVerdict verdict = BatchVerdict.of(RECORDS, returned("m3", "m4"));

    assertThat(verdict.outOfOrderGroups()).isEmpty();
  }
}
