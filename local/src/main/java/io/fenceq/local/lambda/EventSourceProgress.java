package io.fenceq.local.lambda;

/**
 * What a {@link SqsEventSource} has done since it started: for a progress line or a test.
 *
 * @param invocations invocations of the function
 * @param records records handed to it, redeliveries included
 * @param deleted messages deleted after the function reported them done
 * @param itemFailures records the function reported in {@code batchItemFailures}
 * @param failedInvocations invocations that threw, timed out or answered with an invalid partial
 *     batch response: their whole batch comes back after its visibility timeout
 * @param deleteFailures messages whose delete SQS refused or that could not be sent; they come back
 *     after their visibility timeout although the function had done them
 * @param inFlight invocations running now
 */
public record EventSourceProgress(
    long invocations,
    long records,
    long deleted,
    long itemFailures,
    long failedInvocations,
    long deleteFailures,
    int inFlight) {

  /** No progress at all. */
  public static EventSourceProgress none() {
    return new EventSourceProgress(0, 0, 0, 0, 0, 0, 0);
  }

  @Override
  public String toString() {
    return "invocations="
        + invocations
        + " records="
        + records
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
