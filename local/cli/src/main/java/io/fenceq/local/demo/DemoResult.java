package io.fenceq.local.demo;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of a finished run and the checker's verdict.
 *
 * <p>A figure only the workers' history gives is {@link #UNAVAILABLE} when the workers ran as
 * processes of their own.
 *
 * @param check the invariant checks
 * @param elapsed from the first enqueue to the drained queue
 * @param throughput jobs that took effect per second over {@code elapsed}
 * @param p50Millis median enqueue-to-apply latency
 * @param p99Millis 99th percentile enqueue-to-apply latency
 * @param leaseAcquisitions lane lease grants, from the lease table
 * @param takeovers grants that took a lane from an owner that had neither released nor handed it
 *     over
 * @param fenced writes refused for carrying an old fence
 * @param duplicatesAnswered runs that found their job already applied (a redelivery, no effect)
 * @param faults injected faults by kind
 * @param drainedAfterFaults from the end of the last fault to the drained queue
 * @param liveBound how long draining may take after the last fault: lease, visibility timeout,
 *     backoff and the jobs then left at a slow rate
 * @param drained whether the queue drained before the timeout
 * @param reshard what the run's reshard did; empty when the run did not reshard
 */
public record DemoResult(
    CheckResult check,
    Duration elapsed,
    double throughput,
    long p50Millis,
    long p99Millis,
    long leaseAcquisitions,
    long takeovers,
    long fenced,
    long duplicatesAnswered,
    Map<Fault, Long> faults,
    Duration drainedAfterFaults,
    Duration liveBound,
    boolean drained,
    Optional<ReshardFigures> reshard) {
  public DemoResult {
    reshard = reshard == null ? Optional.empty() : reshard;
  }

  /** A figure this run could not measure. */
  public static final long UNAVAILABLE = -1;

  /** Whether {@code figure} was measured. */
  public static boolean available(long figure) {
    return figure != UNAVAILABLE;
  }

  /** The machine-readable last line; a reshard adds its fields at the end. */
  public String resultLine() {
    return baseLine() + reshard.map(DemoResult::reshardFields).orElse("");
  }

  private static String reshardFields(ReshardFigures r) {
    return String.format(
        Locale.ROOT,
        " reshard_epoch=%d reshard_barriers=%d/%d reshard_moved=%.3f reshard_predicted=%.3f",
        r.epoch(),
        r.barriersPassed(),
        r.barriersSent(),
        r.movedFraction(),
        r.predictedDemoKeys());
  }

  private String baseLine() {
    return String.format(
        "RESULT jobs=%d applied=%d duplicates=%d order_violations=%d oversold=%d lost=%d"
            + " fenced=%d takeovers=%s dlq=%d throughput=%.1f/s p99_ms=%s",
        check.jobs(),
        check.applied(),
        check.duplicates() + check.historyDuplicates(),
        check.orderViolations(),
        check.oversold(),
        check.lost(),
        fenced,
        text(takeovers),
        check.dlq(),
        throughput,
        text(p99Millis));
  }

  /** {@code figure}, or {@code n/a}. */
  static String text(long figure) {
    return available(figure) ? Long.toString(figure) : "n/a";
  }
}
