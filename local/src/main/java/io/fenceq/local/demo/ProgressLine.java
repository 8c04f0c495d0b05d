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
    long now = System.nanoTime();
    long applied = history.accepted();
    double rate = (applied - lastApplied) / Math.max(0.001, (now - lastNanos) / 1e9);
    double overall = applied / Math.max(0.001, (now - begunNanos) / 1e9);
    lastApplied = applied;
    lastNanos = now;
    long left = Math.max(0, jobs - applied);
    String eta = overall < 0.5 ? "?" : duration((long) (left / overall));
    Map<Fault, Long> counts = faults.counts();
    String faultText =
        counts.isEmpty()
            ? "none"
            : counts.entrySet().stream()
                .map(e -> e.getKey().option() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    return String.format(
        "fenceq demo: applied %d/%d (%d%%) %.0f/s eta %s | enqueued %d | fenced %d takeovers %d"
            + " dlq %d | faults %s",
        applied,
        jobs,
        applied * 100 / Math.max(1, jobs),
        rate,
        eta,
        history.enqueuedCount(),
        history.fenced(),
        leases.takeovers(),
        progress.deadLettered(),
        faultText);
  }

  static String duration(long seconds) {
    return seconds >= 60
        ? (seconds / 60) + "m" + String.format("%02d", seconds % 60) + "s"
        : seconds + "s";
  }
}
