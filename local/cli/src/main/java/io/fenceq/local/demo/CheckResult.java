package io.fenceq.local.demo;

import java.util.List;

/**
 * What the {@link Checker} found. Every count but {@link #jobs}, {@link #applied}, {@link #dlq} and
 * {@link #appliedThenDeadLettered} is a violation; {@link #ok()} holds when all of them are zero.
 *
 * @param jobs jobs enqueued (accepted by SQS)
 * @param applied enqueued jobs whose write took effect (reserved or refused), per the journals
 * @param duplicates writes that took effect for a job that had already taken effect (S1)
 * @param orderViolations jobs that took effect after a job of their SKU enqueued later (S2)
 * @param fenceRegressions accepted writes carrying a lower fence than the write before them (S1)
 * @param oversold units reserved beyond what the jobs, applied once each in enqueue order, reserve
 * @param negativeStock SKUs whose stock is below zero, or whose stock and reserved units do not add
 *     up to the initial stock
 * @param stateMismatches SKUs whose final item differs from replaying their journal's jobs in
 *     enqueue order (other than by oversold units)
 * @param lost jobs neither applied nor in the dead-letter queue (S3)
 * @param dlq jobs in the dead-letter queue
 * @param dlqWithoutReason dead letters without a reason (always zero: redriven ones get one)
 * @param dlqRedriven dead letters SQS's redrive moved, without a fenceq reason
 * @param appliedThenDeadLettered jobs that took effect and then reached the dead-letter queue by
 *     redrive before their message was deleted: no effect lost or doubled, so not a violation
 * @param historyDuplicates jobs whose runs' writes were accepted more than once, per the workers'
 *     own history (zero when there is no in-process history)
 * @param examples the first violations, one line each
 */
public record CheckResult(
    long jobs,
    long applied,
    long duplicates,
    long orderViolations,
    long fenceRegressions,
    long oversold,
    long negativeStock,
    long stateMismatches,
    long lost,
    long dlq,
    long dlqWithoutReason,
    long dlqRedriven,
    long appliedThenDeadLettered,
    long historyDuplicates,
    List<String> examples) {

  public CheckResult {
    examples = List.copyOf(examples);
  }

  /** Whether every invariant held. */
  public boolean ok() {
    return violations() == 0;
  }

  /** The sum of the violation counts. */
  public long violations() {
    return duplicates
        + orderViolations
        + fenceRegressions
        + oversold
        + negativeStock
        + stateMismatches
        + lost
        + dlqWithoutReason
        + historyDuplicates;
  }
}
