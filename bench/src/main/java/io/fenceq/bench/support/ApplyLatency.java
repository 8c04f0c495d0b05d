package io.fenceq.bench.support;

import io.fenceq.queue.JobEnvelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Enqueue-to-apply times of the jobs one trial applies, from each job's {@code enqueuedAt}. */
public final class ApplyLatency {
  private final Clock clock;
  private final List<Double> millis = new ArrayList<>();

  public ApplyLatency(Clock clock) {
    this.clock = clock;
  }

  /** A job enqueued at {@code enqueuedAt} took effect now. */
  public void applied(Instant enqueuedAt) {
    if (enqueuedAt == null) {
      return;
    }
    double ms = Duration.between(enqueuedAt, clock.instant()).toNanos() / 1e6;
    synchronized (millis) {
      millis.add(ms);
    }
  }

  /** The job in {@code messageBody} took effect now. */
  public void appliedBody(String messageBody) {
    applied(JobEnvelope.parse(messageBody).enqueuedAt());
  }

  /** Forgets what was recorded: a new trial starts. */
  public void reset() {
    synchronized (millis) {
      millis.clear();
    }
  }

  /** The {@code q} quantile (0 to 1) in milliseconds, 0 if nothing was recorded. */
  public double quantile(double q) {
    List<Double> sorted;
    synchronized (millis) {
      sorted = new ArrayList<>(millis);
    }
    if (sorted.isEmpty()) {
      return 0;
    }
    sorted.sort(null);
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
