package io.fenceq.local.demo;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** The end-of-run table, the violations found, and the machine-readable {@code RESULT} line. */
public final class DemoReport {
  private DemoReport() {}

  /**
   * Where takeovers came from when no fault was injected: a holder too slow to renew in time (CPU
   * starved, a long GC) lost its lane, which fencing then kept safe.
   */
  static String takeoverCause(DemoResult r) {
    if (!r.faults().isEmpty() || !DemoResult.available(r.takeovers()) || r.takeovers() == 0) {
      return "";
    }
    return " (no fault injected: leases lapsed while their holders were too slow to renew, e.g."
        + " a CPU-starved machine; redeliveries of their jobs answer DUPLICATE)";
  }

  /** Prints the table, the examples of violations, then the {@code RESULT} line last. */
  public static void print(DemoOptions options, DemoResult r, PrintWriter out) {
    CheckResult c = r.check();
    out.println();
    out.println("fenceq demo: finished in " + ProgressLine.duration(r.elapsed().toSeconds()));
    row(out, "jobs enqueued", c.jobs());
    row(out, "jobs applied (reserved or refused)", c.applied());
    row(out, "throughput", String.format("%.1f jobs/s", r.throughput()));
    row(out, "enqueue-to-apply p50", millis(r.p50Millis()));
    row(out, "enqueue-to-apply p99", millis(r.p99Millis()));
    row(out, "lease acquisitions", r.leaseAcquisitions());
    row(out, "takeovers", DemoResult.text(r.takeovers()) + takeoverCause(r));
    row(
        out,
        options.processWorkers()
            ? "fenced writes rejected (resumed pauses)"
            : "fenced writes rejected",
        r.fenced());
    row(out, "redeliveries answered DUPLICATE", DemoResult.text(r.duplicatesAnswered()));
    row(
        out,
        "dead-letter queue",
        c.dlq()
            + (c.dlqRedriven() > 0
                ? " (" + c.dlqRedriven() + " redriven by SQS, no fenceq reason)"
                : "")
            + (c.appliedThenDeadLettered() > 0
                ? " (" + c.appliedThenDeadLettered() + " applied before)"
                : ""));
    for (Map.Entry<Fault, Long> f : r.faults().entrySet()) {
      row(out, "faults injected: " + f.getKey().option(), f.getValue());
    }
    if (!r.faults().isEmpty()) {
      row(
          out,
          "drained after the last fault",
          ProgressLine.duration(r.drainedAfterFaults().toSeconds()));
    }
    r.reshard().ifPresent(reshard -> reshard(out, reshard));
    out.println("invariants:");
    check(out, "S1 no job applied twice", c.duplicates() + c.historyDuplicates());
    check(out, "S1 no write accepted below an accepted fence", c.fenceRegressions());
    check(out, "S2 per-SKU apply order = enqueue order", c.orderViolations());
    check(out, "stock never oversold or negative", c.oversold() + c.negativeStock());
    check(out, "final items match the jobs in enqueue order", c.stateMismatches());
    check(out, "S3 every job applied or in the DLQ with a reason", c.lost() + c.dlqWithoutReason());
    if (options.processWorkers()) {
      out.println(
          "  (process workers: checked from DynamoDB and SQS alone; the workers' history, and"
              + " with it the latencies, takeovers, DUPLICATE answers and its own check of"
              + " twice-accepted writes, is not available: n/a)");
    }
    if (options.fencing() == Fencing.OFF) {
      out.println("  (UNSAFE control run: writes carried no fence condition)");
    }
    for (String example : c.examples()) {
      out.println("  violation: " + example);
    }
    out.println(r.resultLine());
    out.flush();
  }

  private static void reshard(PrintWriter out, ReshardFigures r) {
    row(
        out,
        "reshard",
        r.lanesBefore()
            + " -> "
            + r.lanesAfter()
            + " lanes, epoch "
            + r.epoch()
            + (r.failure() == null ? "" : " (failed: " + r.failure() + ")"));
    row(out, "reshard barriers passed", r.barriersPassed() + "/" + r.barriersSent());
    row(
        out,
        "keys moved (routed to two lanes)",
        String.format(Locale.ROOT, "%d/%d (%.3f)", r.movedKeys(), r.keys(), r.movedFraction()));
    row(
        out,
        "ring's predicted fraction",
        String.format(
            Locale.ROOT,
            "%.3f of the demo's SKUs, %.3f of 100,000 keys",
            r.predictedDemoKeys(),
            r.predicted()));
  }

  private static String millis(long figure) {
    return DemoResult.available(figure) ? figure + " ms" : "n/a";
  }

  private static void row(PrintWriter out, String name, Object value) {
    out.printf("  %-40s %s%n", name, value);
  }

  private static void check(PrintWriter out, String name, long violations) {
    out.printf("  %-50s %s%n", name, violations == 0 ? "ok" : "VIOLATED (" + violations + ")");
  }
}
