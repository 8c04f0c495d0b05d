package io.fenceq.local.lambda;

/**
 * What a {@link SqsEventSource} has done since it started: for a progress line or a test.
 *
 * @param invocations invocations of the function
 * @param records records handed to it, redeliveries included
 * @param succeeded records the function reported done (not in {@code batchItemFailures} of an
 *     invocation that succeeded)
 * @param deleted deletes of done records that SQS accepted; a function that deletes its records
 *     itself, as fenceq's consumer does, leaves fewer to delete here
 * @param itemFailures records the function reported in {@code batchItemFailures}
 * @param failedInvocations invocations that threw, timed out or answered with an invalid partial
 *     batch response: their whole batch comes back after its visibility timeout
 * @param deleteFailures done records whose delete failed, other than those already gone (deleted by
 *     the function); they come back after their visibility timeout
 * @param inFlight invocations running now
 */
public record EventSourceProgress(
    long invocations,
    long records,
    long succeeded,
    long deleted,
    long itemFailures,
    long failedInvocations,
    long deleteFailures,
    int inFlight) {

  /** No progress at all. */
  public static EventSourceProgress none() {
    return new EventSourceProgress(0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Override
  public String toString() {
    return "invocations="
        + invocations
        + " records="
        + records
        + " succeeded="
        + succeeded
        + " deleted="
        + deleted
        + " itemFailures="
        + itemFailures
        + " failedInvocations="
        + failedInvocations
        + " deleteFailures="
        + deleteFailures
        + " inFlight="
        + inFlight;
  }
}
