package io.fenceq.local.demo;

import io.fenceq.time.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The live progress line: applied, rate, ETA, faults so far, fenced writes and takeovers. The rate
 * is over the last interval; the ETA over the last {@link #WINDOW} (the start of a run, with the
 * emulators and JIT still warming up, says little about its end).
 */
final class ProgressLine {
  /** How far back the ETA's rate looks. */
  static final Duration WINDOW = Duration.ofSeconds(15);

  private final int jobs;
  private final Ticker ticker;
  private final Deque<long[]> samples = new ArrayDeque<>();
  private long lastApplied;
  private long lastNanos;

  ProgressLine(int jobs, long begunNanos) {
    this(jobs, begunNanos, Ticker.system());
  }

  ProgressLine(int jobs, long begunNanos, Ticker ticker) {
    this.jobs = jobs;
    this.ticker = ticker;
    this.lastNanos = begunNanos;
    samples.add(new long[] {begunNanos, 0});
  }

  /**
   * @param applied jobs that took effect so far
   * @param enqueued jobs SQS accepted so far
   * @param detail what the workers report, e.g. {@code fenced 2 takeovers 5 dlq 0}
   * @param counts faults injected so far
   */
  String format(long applied, long enqueued, String detail, Map<Fault, Long> counts) {
    long now = ticker.nanos();
    double rate = (applied - lastApplied) / Math.max(0.001, (now - lastNanos) / 1e9);
    lastApplied = applied;
    lastNanos = now;
    samples.addLast(new long[] {now, applied});
    while (samples.size() > 2 && now - samples.peekFirst()[0] > WINDOW.toNanos()) {
      samples.removeFirst();
    }
    long[] oldest = samples.peekFirst();
    double windowRate = (applied - oldest[1]) / Math.max(0.001, (now - oldest[0]) / 1e9);
    long left = Math.max(0, jobs - applied);
    String eta = left == 0 ? "0s" : windowRate < 0.5 ? "?" : duration((long) (left / windowRate));
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
