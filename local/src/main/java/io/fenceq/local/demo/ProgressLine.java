package io.fenceq.local.demo;

import io.fenceq.worker.WorkerProgress;
import java.util.Map;
import java.util.stream.Collectors;

/** The live progress line: applied, rate, ETA, faults so far, fenced writes and takeovers. */
final class ProgressLine {
  private final int jobs;
  private final long begunNanos;
  private long lastApplied;
  private long lastNanos;

  ProgressLine(int jobs, long begunNanos) {
    this.jobs = jobs;
    this.begunNanos = begunNanos;
    this.lastNanos = begunNanos;
  }

  String format(History history, WorkerProgress progress, FaultPlan faults, LeaseWatch leases) {
    return format(
        history.tookEffect(),
        history.enqueuedCount(),
        String.format(
            "fenced %d takeovers %d dlq %d",
            history.fenced(), leases.takeovers(), progress.deadLettered()),
        faults.counts());
  }

  /**
   * @param applied jobs that took effect so far
   * @param enqueued jobs SQS accepted so far
   * @param detail what the workers report, e.g. {@code fenced 2 takeovers 5 dlq 0}
   * @param counts faults injected so far
   */
  String format(long applied, long enqueued, String detail, Map<Fault, Long> counts) {
    long now = System.nanoTime();
    double rate = (applied - lastApplied) / Math.max(0.001, (now - lastNanos) / 1e9);
    double overall = applied / Math.max(0.001, (now - begunNanos) / 1e9);
    lastApplied = applied;
    lastNanos = now;
    long left = Math.max(0, jobs - applied);
    String eta = overall < 0.5 ? "?" : duration((long) (left / overall));
    String faultText =
        counts.isEmpty()
            ? "none"
            : counts.entrySet().stream()
                .map(e -> e.getKey().option() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    return String.format(
        "fenceq demo: applied %d/%d (%d%%) %.0f/s eta %s | enqueued %d | %s | faults %s",
        applied, jobs, applied * 100 / Math.max(1, jobs), rate, eta, enqueued, detail, faultText);
  }

  static String duration(long seconds) {
    return seconds >= 60
        ? (seconds / 60) + "m" + String.format("%02d", seconds % 60) + "s"
        : seconds + "s";
  }
}
