package io.fenceq.local.demo;

import java.io.PrintWriter;
import java.util.Map;

/** The end-of-run table, the violations found, and the machine-readable {@code RESULT} line. */
public final class DemoReport {
  private DemoReport() {}

  /** Prints the table, the examples of violations, then the {@code RESULT} line last. */
  public static void print(DemoOptions options, DemoResult r, PrintWriter out) {
    CheckResult c = r.check();
    out.println();
    out.println("fenceq demo: finished in " + ProgressLine.duration(r.elapsed().toSeconds()));
    row(out, "jobs enqueued", c.jobs());
    row(out, "jobs applied (reserved or refused)", c.applied());
    row(out, "throughput", String.format("%.1f jobs/s", r.throughput()));
    row(out, "enqueue-to-apply p50", r.p50Millis() + " ms");
    row(out, "enqueue-to-apply p99", r.p99Millis() + " ms");
    row(out, "lease acquisitions", r.leaseAcquisitions());
    row(out, "takeovers", r.takeovers());
    row(out, "fenced writes rejected", r.fenced());
    row(out, "redeliveries answered DUPLICATE", r.duplicatesAnswered());
    row(
        out,
        "dead-letter queue",
        c.dlq()
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
    out.println("invariants:");
    check(out, "S1 no job applied twice", c.duplicates() + c.historyDuplicates());
    check(out, "S1 no write accepted below an accepted fence", c.fenceRegressions());
    check(out, "S2 per-SKU apply order = enqueue order", c.orderViolations());
    check(out, "stock never oversold or negative", c.oversold() + c.negativeStock());
    check(out, "final items match the jobs in enqueue order", c.stateMismatches());
    check(out, "S3 every job applied or in the DLQ with a reason", c.lost() + c.dlqWithoutReason());
    if (options.fencing() == Fencing.OFF) {
      out.println("  (UNSAFE control run: writes carried no fence condition)");
    }
    for (String example : c.examples()) {
      out.println("  violation: " + example);
    }
    out.println(r.resultLine());
    out.flush();
  }

  private static void row(PrintWriter out, String name, Object value) {
    out.printf("  %-40s %s%n", name, value);
  }

  private static void check(PrintWriter out, String name, long violations) {
    out.printf("  %-50s %s%n", name, violations == 0 ? "ok" : "VIOLATED (" + violations + ")");
  }
}
