package io.fenceq.local.demo;

import io.fenceq.local.demo.Attempt.Outcome;
import io.fenceq.local.demo.Workload.PlannedJob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What happened during a run, as the producer and the in-process workers saw it: the jobs SQS
 * accepted, in enqueue order, and every handler run with its worker, fence, sequence number and
 * outcome. Thread-safe.
 */
public final class History implements Consumer<Attempt> {
  private final List<PlannedJob> enqueued = new ArrayList<>();
  private final List<Attempt> attempts = new ArrayList<>();
  private final AtomicLong accepted = new AtomicLong();
  private final Set<String> tookEffect = ConcurrentHashMap.newKeySet();
  private final AtomicLong fenced = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /** Records a job SQS accepted; called in enqueue order. */
  public synchronized void enqueued(PlannedJob job) {
    enqueued.add(job);
  }

  /** Records one handler run. */
  @Override
  public void accept(Attempt attempt) {
    synchronized (this) {
      attempts.add(attempt);
    }
    switch (attempt.outcome()) {
      case APPLIED, REJECTED -> {
        accepted.incrementAndGet();
        tookEffect.add(attempt.jobId());
      }
      case FENCED -> fenced.incrementAndGet();
      case DUPLICATE -> {
        duplicates.incrementAndGet();
        // The job took effect in an earlier run whose answer was lost (a 5xx after the write, a
        // partition that dropped the reply), so that run was recorded as failed.
        tookEffect.add(attempt.jobId());
      }
      case FAILED -> failed.incrementAndGet();
    }
  }

  public synchronized List<PlannedJob> enqueuedJobs() {
    return List.copyOf(enqueued);
  }

  public synchronized int enqueuedCount() {
    return enqueued.size();
  }

  public synchronized List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  /** Whether a worker other than {@code worker} had a write of the job accepted. */
  public synchronized boolean acceptedElsewhere(String jobId, String worker) {
    for (int i = attempts.size() - 1; i >= 0; i--) {
      Attempt a = attempts.get(i);
      if (a.jobId().equals(jobId) && a.outcome().accepted() && !a.worker().equals(worker)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Jobs known to have taken effect: a run's write was accepted, or a run found the job already
   * applied by an earlier run whose answer it never got. Each job counts once. This, not {@link
   * #accepted()}, is what the producer's backlog and the drain wait on: an ambiguous failure leaves
   * a job applied with no accepted run, and counting runs would leave it unsettled forever.
   */
  public long tookEffect() {
    return tookEffect.size();
  }

  /** Runs whose write was accepted (reserved or refused). */
  public long accepted() {
    return accepted.get();
  }

  /** Runs whose write was refused for carrying an old fence. */
  public long fenced() {
    return fenced.get();
  }

  /** Runs that found their job already applied. */
  public long duplicates() {
    return duplicates.get();
  }

  /** Runs that failed otherwise (lost lane, fault, error). */
  public long failed() {
    return failed.get();
  }

  /**
   * Enqueue-to-apply latency percentile of the accepted runs, in milliseconds, by the producer's
   * and recorder's clocks (the same clock in one JVM); 0 when there are none.
   */
  public synchronized long latencyPercentileMillis(double percentile) {
    long[] latencies =
        attempts.stream()
            .filter(a -> a.outcome().accepted() && a.enqueuedAtMillis() > 0)
            .mapToLong(a -> a.finishedAtMillis() - a.enqueuedAtMillis())
            .toArray();
    return percentile(latencies, percentile);
  }

  static long percentile(long[] values, double percentile) {
    if (values.length == 0) {
      return 0;
    }
    Arrays.sort(values);
    int index = (int) Math.ceil(percentile / 100.0 * values.length) - 1;
    return values[Math.max(0, Math.min(values.length - 1, index))];
  }

  /** Counts by outcome, for tests and the report. */
  public synchronized long count(Outcome outcome) {
    return attempts.stream().filter(a -> a.outcome() == outcome).count();
  }
}
