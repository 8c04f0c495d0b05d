package io.fenceq.local.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the event source does with a batch after an invocation, by Lambda's rules for a mapping with
 * {@code ReportBatchItemFailures}:
 *
 * <ul>
 *   <li>A null response, a null or an empty {@code batchItemFailures} list: every record succeeded
 *       and is deleted.
 *   <li>Every {@code itemIdentifier} names a record of the batch: those records are left to come
 *       back after their visibility timeout, and the others are deleted.
 *   <li>An entry that is null, or whose {@code itemIdentifier} is null, empty or not the {@code
 *       messageId} of a record of this batch, makes the response invalid: the whole batch failed.
 *   <li>The function threw or timed out: the whole batch failed.
 * </ul>
 *
 * A failed batch deletes nothing and changes no visibility: its records come back when their
 * visibility timeout (or whatever visibility the function set) runs out.
 *
 * <p>On a FIFO queue the function must stop a message group at its first failure and report the
 * rest of the group too, or the group's later messages take effect before the failed one. Lambda
 * deletes what the function did not report either way; so does this verdict, and it names the
 * groups where that happened in {@link #outOfOrderGroups()}.
 *
 * @param delete the records to delete, in batch order
 * @param left the records left to their visibility, in batch order
 * @param failure why the whole batch failed, in one line; null if it did not
 * @param outOfOrderGroups groups where a record not reported follows a reported one
 */
public record BatchVerdict(
    List<SQSMessage> delete, List<SQSMessage> left, String failure, Set<String> outOfOrderGroups) {

  public BatchVerdict {
    delete = List.copyOf(delete);
    left = List.copyOf(left);
    outOfOrderGroups = Set.copyOf(outOfOrderGroups);
  }

  /** True if the invocation failed as a whole (threw, timed out, or answered nonsense). */
  public boolean batchFailed() {
    return failure != null;
  }

  /** The verdict on {@code records} after an invocation that ended with {@code result}. */
  public static BatchVerdict of(List<SQSMessage> records, InvocationResult result) {
    return switch (result) {
      case InvocationResult.Threw threw -> batchFailed(records, "function threw " + oneLine(threw));
      case InvocationResult.TimedOut timedOut ->
          batchFailed(records, "function timed out after " + timedOut.timeout().toMillis() + " ms");
      case InvocationResult.Returned returned -> ofResponse(records, returned.response());
    };
  }

  private static BatchVerdict ofResponse(List<SQSMessage> records, SQSBatchResponse response) {
    List<BatchItemFailure> failures = response == null ? null : response.getBatchItemFailures();
    if (failures == null || failures.isEmpty()) {
      return new BatchVerdict(records, List.of(), null, Set.of());
    }
    Set<String> ids = new HashSet<>();
    records.forEach(r -> ids.add(r.getMessageId()));
    Set<String> reported = new HashSet<>();
    for (BatchItemFailure failure : failures) {
      String id = failure == null ? null : failure.getItemIdentifier();
      if (id == null || id.isEmpty() || !ids.contains(id)) {
        return batchFailed(
            records,
            "invalid partial batch response: itemIdentifier "
                + (failure == null ? "entry null" : id == null ? "null" : "\"" + id + "\"")
                + " is not the messageId of a record of this batch");
      }
      reported.add(id);
    }
    List<SQSMessage> delete = new ArrayList<>();
    List<SQSMessage> left = new ArrayList<>();
    Set<String> failedGroups = new HashSet<>();
    Set<String> outOfOrder = new LinkedHashSet<>();
    for (SQSMessage record : records) {
      String group = SqsEvents.group(record);
      if (reported.contains(record.getMessageId())) {
        left.add(record);
        if (group != null) {
          failedGroups.add(group);
        }
      } else {
        delete.add(record);
        if (group != null && failedGroups.contains(group)) {
          outOfOrder.add(group);
        }
      }
    }
    return new BatchVerdict(delete, left, null, outOfOrder);
  }

  private static BatchVerdict batchFailed(List<SQSMessage> records, String why) {
    return new BatchVerdict(List.of(), records, why, Set.of());
  }

  private static String oneLine(InvocationResult.Threw threw) {
    Throwable error = threw.error();
    String message = error.getMessage();
    return error.getClass().getSimpleName()
        + (message == null ? "" : ": " + message.replaceAll("\\s+", " ").strip());
  }
}
